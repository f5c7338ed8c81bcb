"""The language registry: the 119 Qwen3 languages as FLORES-200-style codes (ISO 639-3 + ISO 15924)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

UNDETERMINED = "und"

SCRIPT_NAMES = {
    "Latn": "Latin", "Arab": "Arabic", "Cyrl": "Cyrillic", "Deva": "Devanagari", "Hebr": "Hebrew",
    "Hant": "Han (Traditional)", "Hans": "Han (Simplified)", "Jpan": "Japanese", "Hang": "Hangul",
    "Beng": "Bengali", "Thai": "Thai", "Telu": "Telugu", "Taml": "Tamil", "Sinh": "Sinhala",
    "Orya": "Odia", "Mymr": "Myanmar", "Mlym": "Malayalam", "Laoo": "Lao", "Knda": "Kannada",
    "Khmr": "Khmer", "Guru": "Gurmukhi", "Gujr": "Gujarati", "Grek": "Greek", "Geor": "Georgian",
    "Armn": "Armenian",
}


@dataclass(frozen=True)
class Language:
    code: str
    """FLORES-200-style code, e.g. ``zho_Hant``."""
    name: str
    family: str

    @property
    def iso639_3(self) -> str:
        return self.code.split("_")[0]

    @property
    def script(self) -> str:
        """ISO 15924 script code, e.g. ``Latn``."""
        return self.code.split("_")[1]

    @property
    def script_name(self) -> str:
        return SCRIPT_NAMES.get(self.script, self.script)


@cache
def _load() -> dict[str, Language]:
    path = Path(__file__).with_name("languages.tsv")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {row["code"]: Language(row["code"], row["name"], row["family"]) for row in rows}


LANGUAGES: dict[str, Language] = _load()
"""The 119 Qwen3 languages by code, in the published table's order."""


def language(code: str) -> Language:
    """Look up a registry language by code; raises KeyError naming the code if it is not one of the 119."""
    try:
        return LANGUAGES[code]
    except KeyError:
        raise KeyError(f"{code!r} is not one of the 119 Qwen3 language codes") from None


def language_codes() -> list[str]:
    """The 119 codes in registry order."""
    return list(LANGUAGES)
