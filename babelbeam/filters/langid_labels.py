"""Map the labels of any fastText language-ID model onto the 119 registry codes.

Two label families are understood:

- ``lid.176`` Wikipedia codes (``__label__en``). Several are traps for a naive ISO mapping: ``als`` is
  Alemannic German (not Tosk Albanian, which is ``sq``), ``sh`` is Serbo-Croatian (resolved to the best of
  ``hr``/``bs``/``sr``), ``bh`` is Bihari (its Wikipedia is Bhojpuri), ``no`` is Bokmål, ``zh`` is both
  Chinese scripts (decided from the characters), ``fa`` is Western Persian, ``ar`` is Standard Arabic.
- FLORES-200-style labels (``__label__arb_Arab``) as used by GlotLID and OpenLID, including the ISO 639-3
  macro/individual aliases those models use (``ekk`` for Estonian, ``cmn``/``Hani`` for Chinese, ...).

Two tables in ``langid_data/`` hold the facts, each row with its source: ``relatives.tsv`` (labels that are
not a registry code as written: GlotLID v3's ``fas_Arab``, ``cmn_Hani``, ``yue_Hani``, ``fil_Latn``,
``ekk_Latn``; relatives outside the 119 such as ``ajp_Arab``, which goes to its parent ``apc_Arab``, or
``cnr_Latn``, which stays ``und``) and ``groups.tsv`` (the confusable groups whose summed probability the
keep decision uses).

A label outside the 119 maps to ``und``; the caller keeps the original label.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babelbeam.schemas.languages import LANGUAGES, UNDETERMINED

DATA_DIR = Path(__file__).with_name("langid_data")
"""The label lists, relatives and group tables (plain text, shipped as package data)."""

CHINESE = "zho_Hans"
"""Placeholder code for "Chinese, script to be decided from the characters" (``zh``, ``zho_Hani``...)."""

SERBO_CROATIAN = "hbs"
"""Placeholder for ``sh``: the mass goes to the best of Croatian, Bosnian and Serbian."""

PERSIAN = "fas"
"""Placeholder for a label covering Iranian Persian and Dari (GlotLID ``fas_Arab``, lid.176 ``fa``): Dari when
the text's Dari marker words outnumber the Iranian ones, else Persian (``langid.persian_or_dari``)."""

_PLACEHOLDER_BY_RULE = {"han_script": CHINESE, "persian_dari": PERSIAN}
"""The placeholder code of each ``relatives.tsv`` rule."""


def _read_table(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated table in ``DATA_DIR`` (``#`` lines are comments, the first other line is the
    header)."""
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@dataclass(frozen=True)
class Relative:
    """One row of ``relatives.tsv``: a model label that is not a registry code as written."""

    label: str
    """The model label without ``__label__``."""
    maps_to: tuple[str, ...]
    """The registry codes it becomes (several when a rule chooses), or ``("und",)``."""
    rule: str | None
    """``han_script`` or ``persian_dari`` when one of several codes is chosen per text, else None."""
    group: str | None
    """The confusable group whose summed probability it adds to, or None."""
    source: str
    """Where the fact comes from."""


def _load_groups() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    groups: dict[str, tuple[str, ...]] = {}
    why: dict[str, str] = {}
    for row in _read_table("groups.tsv"):
        members = tuple(row["members"].split())
        unknown = [c for c in members if c not in LANGUAGES]
        if unknown:
            raise ValueError(f"langid_data/groups.tsv: group {row['group']}: {unknown} are not registry "
                             "codes")
        groups[row["group"]] = members
        why[row["group"]] = row["why"]
    return groups, why


GROUPS, GROUP_REASONS = _load_groups()
"""Confusable group name -> member registry codes (``groups.tsv``), and why each group is confused."""
GROUP_OF: dict[str, str] = {code: group for group, members in GROUPS.items() for code in members}
"""Registry code -> its confusable group (a code is in at most one)."""


def _load_relatives() -> dict[str, Relative]:
    out: dict[str, Relative] = {}
    for row in _read_table("relatives.tsv"):
        maps_to = tuple(row["maps_to"].split())
        group = None if row["group"] == "-" else row["group"]
        rule = None if row["rule"] == "-" else row["rule"]
        if group is not None and group not in GROUPS:
            raise ValueError(f"langid_data/relatives.tsv: {row['label']}: unknown group {group!r}")
        if any(c not in LANGUAGES for c in maps_to if c != UNDETERMINED):
            raise ValueError(f"langid_data/relatives.tsv: {row['label']}: {maps_to} are not registry codes")
        if (rule is None) != (len(maps_to) == 1) or (rule is not None and rule not in _PLACEHOLDER_BY_RULE):
            raise ValueError(f"langid_data/relatives.tsv: {row['label']}: rule {rule!r} does not fit "
                             f"{maps_to}")
        out[row["label"]] = Relative(row["label"], maps_to, rule, group, row["source"])
    return out


RELATIVES: dict[str, Relative] = _load_relatives()
"""Model labels that are not a registry code as written (``relatives.tsv``), by label."""


def model_labels(name: str) -> list[str]:
    """A published label set kept in ``DATA_DIR``: ``glotlid_v3`` (2,102 labels) or ``openlid`` (201)."""
    path = DATA_DIR / f"{name}_labels.txt"
    if not path.is_file():
        raise ValueError(f"no label list {name!r} (known: glotlid_v3, openlid)")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and line[0] != "#"]

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
    "nep": "npi", "cmn": "zho", "ori": "ory", "fil": "tgl",
}

# ISO 639-3 code -> the first registry code with it (reversed: the first one written wins)
_REGISTRY_BY_ISO: dict[str, str] = {code.split("_")[0]: code for code in reversed(LANGUAGES)}


@dataclass(frozen=True)
class MappedLabel:
    """Where one model label lands in the registry."""

    code: str
    """A registry code, ``und``, or a placeholder (``CHINESE``, ``SERBO_CROATIAN``) resolved per text."""
    script: str | None
    """The script the label names (FLORES-style labels), else None."""
    corrected: bool
    """True when a naive one-to-one reading of the label would be wrong (als, sh, bh, zh, fa, no, ...)."""
    group: str | None = None
    """The confusable group the label's probability counts toward (``groups.tsv``), else None."""


_CORRECTED_LID176 = frozenset("sh bh no zh fa ar sq ms lv ne sw uz az yi et".split())


def strip_label(label: str) -> str:
    """``__label__en`` -> ``en``."""
    return label.removeprefix("__label__")


@lru_cache(maxsize=65536)
def map_label(label: str) -> MappedLabel:
    """Map one fastText label (with or without ``__label__``) onto the registry."""
    mapped = _map_label(strip_label(label))
    # sh counts toward Croatian's group (CHINESE is itself a registry code, zho_Hans)
    group = GROUP_OF.get("hrv_Latn" if mapped.code == SERBO_CROATIAN else mapped.code)
    if mapped.group is None and group is not None:
        return MappedLabel(mapped.code, mapped.script, mapped.corrected, group)
    return mapped


def _map_label(raw: str) -> MappedLabel:
    script = raw.partition("_")[2] or None
    relative = RELATIVES.get(raw)
    if relative is not None:
        code = relative.maps_to[0] if relative.rule is None else _PLACEHOLDER_BY_RULE[relative.rule]
        return MappedLabel(code, script, corrected=code != UNDETERMINED, group=relative.group)
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


_PLACEHOLDER_CODES = {
    CHINESE: ("zho_Hans", "zho_Hant"),
    SERBO_CROATIAN: ("hrv_Latn", "bos_Latn", "srp_Cyrl"),
    PERSIAN: ("pes_Arab", "prs_Arab"),
}
"""The registry codes a placeholder can become once the text decides."""


def emitted_codes(label: str) -> tuple[str, ...]:
    """The registry codes a label can end up as (several for a merged label such as ``fas_Arab``; none when
    it maps to ``und``)."""
    code = map_label(label).code
    if code in _PLACEHOLDER_CODES:
        return _PLACEHOLDER_CODES[code]
    return () if code == UNDETERMINED else (code,)


@dataclass
class CoverageReport:
    """How a model's labels reach the 119: directly, through an alias, or through a merged label and a
    rule."""

    labels: int
    """Labels in the model."""
    covered: list[str]
    """Registry codes the model can emit, in registry order."""
    uncovered: list[str]
    """Registry codes it cannot emit."""
    merged: dict[str, list[str]]
    """Label -> the several registry codes it covers (a rule or the characters choose), e.g. fas_Arab."""
    aliased: dict[str, str]
    """Label -> the one registry code it is read as (ekk_Latn -> est_Latn, no -> nob_Latn, ...)."""
    relatives: list[str]
    """Labels of close relatives outside the 119 (relatives.tsv) that map to ``und`` with the label kept."""
    outside: int
    """Labels outside the 119 in all (relatives included): they map to ``und``."""


def coverage_report(labels: list[str]) -> CoverageReport:
    """Which of the 119 a model with these labels can emit, and through which labels.

    A merged label counts once per registry code it covers (``fas_Arab`` covers Persian and Dari; a Chinese
    label covers ``zho_Hans`` and ``zho_Hant``; ``sh`` covers Croatian, Bosnian and Serbian).
    """
    emitted: set[str] = set()
    merged: dict[str, list[str]] = {}
    aliased: dict[str, str] = {}
    relatives: list[str] = []
    outside = 0
    for label in labels:
        raw = strip_label(label)
        codes = emitted_codes(raw)
        emitted.update(codes)
        if not codes:
            outside += 1
            if raw in RELATIVES:
                relatives.append(raw)
        elif len(codes) > 1:
            merged[raw] = list(codes)
        elif codes[0] != raw:
            aliased[raw] = codes[0]
    covered = [c for c in LANGUAGES if c in emitted]
    uncovered = [c for c in LANGUAGES if c not in emitted]
    return CoverageReport(len(labels), covered, uncovered, merged, aliased, sorted(relatives), outside)
