"""Word and sentence segmentation for every script, through ICU's BreakIterator.

One dependency covers all 119 languages: ICU splits Thai, Lao, Khmer, Burmese,
Chinese and Japanese with its dictionaries and every other script with the
UAX #29 rules. ``words(text, lang)`` returns only word-like segments (letters,
numbers, kana, ideographs); spaces and punctuation are skipped by the
iterator's rule status. The quality filters and the MinHash shingles both call
``words``, so its signature is a contract.

ICU reports boundaries as UTF-16 offsets; Python strings index code points. The
two agree unless the text holds characters outside the Basic Multilingual Plane
(emoji, rare Han), in which case offsets are corrected (``_AstralMap``).

Break iterators are not thread-safe and are costly to create, so one per
(kind, locale) is cached per thread.
"""

from __future__ import annotations

import bisect
import re
import threading

import icu

from babelbeam.schemas.languages import UNDETERMINED

ISO639_1: dict[str, str] = {
    "eng": "en", "fra": "fr", "por": "pt", "deu": "de", "ron": "ro", "swe": "sv", "dan": "da", "bul": "bg",
    "rus": "ru", "ces": "cs", "ell": "el", "ukr": "uk", "spa": "es", "nld": "nl", "slk": "sk", "hrv": "hr",
    "pol": "pl", "lit": "lt", "nob": "nb", "nno": "nn", "pes": "fa", "slv": "sl", "guj": "gu", "lvs": "lv",
    "ita": "it", "oci": "oc", "npi": "ne", "mar": "mr", "bel": "be", "srp": "sr", "ltz": "lb", "asm": "as",
    "cym": "cy", "snd": "sd", "gle": "ga", "fao": "fo", "hin": "hi", "pan": "pa", "ben": "bn", "ory": "or",
    "tgk": "tg", "ydd": "yi", "srd": "sc", "glg": "gl", "cat": "ca", "isl": "is", "als": "sq", "lim": "li",
    "prs": "fa", "afr": "af", "mkd": "mk", "sin": "si", "urd": "ur", "bos": "bs", "hye": "hy", "zho": "zh",
    "mya": "my", "arb": "ar", "ars": "ar", "apc": "ar", "arz": "ar", "ary": "ar", "acm": "ar", "acq": "ar",
    "aeb": "ar", "heb": "he", "mlt": "mt", "ind": "id", "zsm": "ms", "tgl": "tl", "jav": "jv", "sun": "su",
    "tam": "ta", "tel": "te", "kan": "kn", "mal": "ml", "tur": "tr", "azj": "az", "uzn": "uz", "kaz": "kk",
    "bak": "ba", "tat": "tt", "tha": "th", "lao": "lo", "fin": "fi", "est": "et", "hun": "hu", "vie": "vi",
    "khm": "km", "jpn": "ja", "kor": "ko", "kat": "ka", "eus": "eu", "hat": "ht", "swh": "sw",
}
"""ISO 639-1 code of each registry language that has one (Arabic varieties and Dari map to their macrolanguage)."""

# Scripts written without spaces between words: ICU segments them with dictionaries.
UNSPACED_SCRIPTS = frozenset({"Thai", "Laoo", "Khmr", "Mymr", "Hans", "Hant", "Jpan"})

# ICU word-break rule status: 0..99 is "none" (spaces, punctuation, symbols);
# 100.. numbers, 200.. letters, 300.. kana, 400.. ideographs.
_WORD_STATUS_MIN = 100

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_local = threading.local()


def icu_locale(lang: str) -> str:
    """The ICU locale id for a registry code: ``tha_Thai`` -> ``th``, ``zho_Hant`` -> ``zh_Hant``, ``und`` -> root."""
    if not lang or lang == UNDETERMINED:
        return ""
    base, _, script = lang.partition("_")
    code = ISO639_1.get(base, base)
    if base == "yue":
        code = "zh"  # ICU's Cantonese locale has no break data of its own; zh's dictionary covers Han
    if script in ("Hans", "Hant"):
        return f"{code}_{script}"
    return code


def is_unspaced(lang: str) -> bool:
    """True when the language's script does not separate words with spaces (Thai, Han, Japanese, ...)."""
    return lang.rpartition("_")[2] in UNSPACED_SCRIPTS


def _iterator(kind: str, locale: str) -> icu.BreakIterator:
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    it = cache.get((kind, locale))
    if it is None:
        loc = icu.Locale(locale)
        if kind == "word":
            it = icu.BreakIterator.createWordInstance(loc)
        else:
            # "ss=standard" turns on ICU's abbreviation suppressions ("Mr. Smith" stays one sentence).
            it = icu.BreakIterator.createSentenceInstance(icu.Locale(f"{locale or 'en'}@ss=standard"))
        cache[(kind, locale)] = it
    return it


class _AstralMap:
    """Maps UTF-16 offsets to code-point offsets for a text with characters beyond U+FFFF."""

    def __init__(self, text: str) -> None:
        cps = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 offset of each astral character; the i-th one sits i units later than its code point.
        self._u16 = [cp + i for i, cp in enumerate(cps)]

    def __call__(self, u16: int) -> int:
        return u16 - bisect.bisect_left(self._u16, u16)


_RECENT = 4
"""Segmentations remembered per thread. The quality chain and the MinHash shingles segment the same document
one after the other in one fused Beam stage; remembering the last few makes the second call a lookup."""


def words(text: str, lang: str) -> list[str]:
    """The word-like segments of ``text`` in reading order (no spaces, no punctuation).

    ``lang`` is a registry code (``tha_Thai``) or ``und``; it picks the ICU
    locale. Words keep their case and inner punctuation (``don't``, ``3.5``).
    Each call returns a new list.
    """
    if not text:
        return []
    recent = getattr(_local, "recent", None)
    if recent is None:
        recent = _local.recent = {}
    key = (lang, text)
    found = recent.get(key)
    if found is not None:
        return list(found)
    out = _segment_words(text, lang)
    if len(recent) >= _RECENT:
        del recent[next(iter(recent))]  # the oldest: dicts keep insertion order
    recent[key] = tuple(out)
    return out


def _segment_words(text: str, lang: str) -> list[str]:
    it = _iterator("word", icu_locale(lang))
    it.setText(text)
    out: list[str] = []
    append = out.append
    status = it.getRuleStatus
    start = 0
    if _ASTRAL.search(text) is None:
        for end in it:
            if status() >= _WORD_STATUS_MIN:
                append(text[start:end])
            start = end
        return out
    to_cp = _AstralMap(text)
    for end in it:
        cp_end = to_cp(end)
        if status() >= _WORD_STATUS_MIN:
            append(text[start:cp_end])
        start = cp_end
    return out


def sentences(text: str, lang: str) -> list[str]:
    """The sentences of ``text`` (stripped, empty ones dropped), by ICU's sentence rules with abbreviation suppression."""
    if not text:
        return []
    it = _iterator("sentence", icu_locale(lang))
    it.setText(text)
    to_cp = _AstralMap(text) if _ASTRAL.search(text) else None
    out: list[str] = []
    start = 0
    for end in it:
        cp_end = to_cp(end) if to_cp else end
        piece = text[start:cp_end].strip()
        if piece:
            out.append(piece)
        start = cp_end
    return out
