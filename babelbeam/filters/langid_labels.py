"""Map the labels of any fastText language-ID model onto the 119 registry codes.

Two label families are understood:

- ``lid.176`` Wikipedia codes (``__label__en``). Several are traps for a naive ISO mapping: ``als`` is
  Alemannic German (not Tosk Albanian, which is ``sq``), ``sh`` is Serbo-Croatian (resolved to the best of
  ``hr``/``bs``/``sr``), ``bh`` is Bihari (its Wikipedia is Bhojpuri), ``no`` is Bokmål, ``zh`` is both
  Chinese scripts (decided from the characters), ``fa`` is Western Persian, ``ar`` is Standard Arabic.
- FLORES-200-style labels (``__label__arb_Arab``) as used by GlotLID and OpenLID, including the ISO 639-3
  macro/individual aliases those models use (``ekk`` for Estonian, ``cmn``/``Hani`` for Chinese, ...).

A label outside the 119 maps to ``und``; the caller keeps the original label.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babelbeam.schemas.languages import LANGUAGES, UNDETERMINED

LABEL_PREFIX = "__label__"

CHINESE = "zho_Hans"
"""Placeholder code for "Chinese, script to be decided from the characters" (``zh``, ``zho_Hani``...)."""

SERBO_CROATIAN = "hbs"
"""Placeholder for ``sh``: the mass goes to the best of Croatian, Bosnian and Serbian."""

# lid.176 Wikipedia code -> registry code, for the labels that name one of the 119. Every other lid.176
# label (eo, la, nds, ky, br, bo, ...) is a language Qwen3 does not list and maps to ``und``.
LID176_LABELS: dict[str, str] = {
    "af": "afr_Latn", "ar": "arb_Arab", "arz": "arz_Arab", "as": "asm_Beng", "ast": "ast_Latn",
    "az": "azj_Latn", "ba": "bak_Cyrl", "be": "bel_Cyrl", "bg": "bul_Cyrl", "bh": "bho_Deva",
    "bn": "ben_Beng", "bs": "bos_Latn", "ca": "cat_Latn", "ceb": "ceb_Latn", "cs": "ces_Latn",
    "cy": "cym_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn",
    "es": "spa_Latn", "et": "est_Latn", "eu": "eus_Latn", "fa": "pes_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "ga": "gle_Latn", "gl": "glg_Latn", "gu": "guj_Gujr", "he": "heb_Hebr",
    "hi": "hin_Deva", "hr": "hrv_Latn", "ht": "hat_Latn", "hu": "hun_Latn", "hy": "hye_Armn",
    "id": "ind_Latn", "ilo": "ilo_Latn", "is": "isl_Latn", "it": "ita_Latn", "ja": "jpn_Jpan",
    "jv": "jav_Latn", "ka": "kat_Geor", "kk": "kaz_Cyrl", "km": "khm_Khmr", "kn": "kan_Knda",
    "ko": "kor_Hang", "lb": "ltz_Latn", "li": "lim_Latn", "lmo": "lmo_Latn", "lo": "lao_Laoo",
    "lt": "lit_Latn", "lv": "lvs_Latn", "mai": "mai_Deva", "min": "min_Latn", "mk": "mkd_Cyrl",
    "ml": "mal_Mlym", "mr": "mar_Deva", "ms": "zsm_Latn", "mt": "mlt_Latn", "my": "mya_Mymr",
    "ne": "npi_Deva", "nl": "nld_Latn", "nn": "nno_Latn", "no": "nob_Latn", "oc": "oci_Latn",
    "or": "ory_Orya", "pa": "pan_Guru", "pl": "pol_Latn", "pt": "por_Latn", "ro": "ron_Latn",
    "ru": "rus_Cyrl", "sc": "srd_Latn", "scn": "scn_Latn", "sd": "snd_Arab", "sh": SERBO_CROATIAN,
    "si": "sin_Sinh", "sk": "slk_Latn", "sl": "slv_Latn", "sq": "als_Latn", "sr": "srp_Cyrl",
    "su": "sun_Latn", "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml", "te": "tel_Telu",
    "tg": "tgk_Cyrl", "th": "tha_Thai", "tl": "tgl_Latn", "tr": "tur_Latn", "tt": "tat_Cyrl",
    "uk": "ukr_Cyrl", "ur": "urd_Arab", "uz": "uzn_Latn", "vec": "vec_Latn", "vi": "vie_Latn",
    "war": "war_Latn", "yi": "ydd_Hebr", "yue": "yue_Hant", "zh": CHINESE,
}

# lid.176 labels that look like one of the 119 but are not (documented so nobody "fixes" them).
LID176_FALSE_FRIENDS: dict[str, str] = {
    "als": "Alemannic German (Tosk Albanian is `sq`)",
    "azb": "South Azerbaijani, Arabic script (the registry has North Azerbaijani `azj_Latn`)",
    "pnb": "Western Punjabi, Shahmukhi script (the registry has Eastern Punjabi `pan_Guru`)",
    "wuu": "Wu Chinese",
    "bar": "Bavarian",
    "nds": "Low German",
    "gom": "Goan Konkani",
}

# FLORES-200-style ISO 639-3 codes that GlotLID/OpenLID/other models use for a registry language under
# another (macro or individual) code.
ISO_ALIASES: dict[str, str] = {
    "ekk": "est", "lav": "lvs", "zlm": "zsm", "msa": "zsm", "nor": "nob", "fas": "pes", "per": "pes",
    "ara": "arb", "aze": "azj", "uzb": "uzn", "sqi": "als", "alb": "als", "yid": "ydd", "swa": "swh",
    "nep": "npi", "cmn": "zho", "ori": "ory",
}

_REGISTRY_BY_ISO: dict[str, str] = {}
for _code in LANGUAGES:
    _REGISTRY_BY_ISO.setdefault(_code.split("_")[0], _code)


@dataclass(frozen=True)
class MappedLabel:
    """Where one model label lands in the registry."""

    code: str
    """A registry code, ``und``, or a placeholder (``CHINESE``, ``SERBO_CROATIAN``) resolved per text."""
    script: str | None
    """The script the label names (FLORES-style labels), else None."""
    corrected: bool
    """True when a naive one-to-one reading of the label would be wrong (als, sh, bh, zh, fa, no, ...)."""


_CORRECTED_LID176 = frozenset({"sh", "bh", "no", "zh", "fa", "ar", "sq", "ms", "lv", "ne", "sw", "uz", "az", "yi", "et"})


def strip_label(label: str) -> str:
    """``__label__en`` -> ``en``."""
    return label[len(LABEL_PREFIX):] if label.startswith(LABEL_PREFIX) else label


@lru_cache(maxsize=65536)
def map_label(label: str) -> MappedLabel:
    """Map one fastText label (with or without ``__label__``) onto the registry."""
    raw = strip_label(label)
    if "_" in raw:
        iso, _, script = raw.partition("_")
        iso = ISO_ALIASES.get(iso, iso)
        if iso == "zho" or (iso == "yue" and script in ("Hani", "Hans", "Hant")):
            # Chinese scripts are decided from the characters, whatever the model says.
            code = "yue_Hant" if iso == "yue" else CHINESE
            return MappedLabel(code, script, corrected=raw not in LANGUAGES)
        if iso == "hbs":
            return MappedLabel(SERBO_CROATIAN, script, corrected=True)
        registry = _REGISTRY_BY_ISO.get(iso)
        if registry is None:
            return MappedLabel(UNDETERMINED, script, corrected=False)
        return MappedLabel(registry, script, corrected=registry != raw)
    code = LID176_LABELS.get(raw)
    if code is None:
        return MappedLabel(UNDETERMINED, None, corrected=raw in LID176_FALSE_FRIENDS)
    return MappedLabel(code, None, corrected=raw in _CORRECTED_LID176)


def label_coverage(labels: list[str]) -> tuple[list[str], list[str]]:
    """(covered, uncovered) registry codes, in registry order, for a model with these labels.

    A Chinese label covers both ``zho_Hans`` and ``zho_Hant`` (the script is decided from the characters);
    ``sh``/``hbs`` covers Croatian, Bosnian and Serbian.
    """
    emitted: set[str] = set()
    for label in labels:
        code = map_label(label).code
        if code == CHINESE:
            emitted.update(("zho_Hans", "zho_Hant"))
        elif code == SERBO_CROATIAN:
            emitted.update(("hrv_Latn", "bos_Latn", "srp_Cyrl"))
        elif code != UNDETERMINED:
            emitted.add(code)
    covered = [c for c in LANGUAGES if c in emitted]
    uncovered = [c for c in LANGUAGES if c not in emitted]
    return covered, uncovered
