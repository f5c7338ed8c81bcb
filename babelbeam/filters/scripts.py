"""Writing-system facts language ID needs: the dominant script of a text, Simplified vs Traditional Han,
and written-Cantonese usage.

All functions are pure and cheap (one pass over the characters). The Han tables are derived on first use
from ICU's ``Hans-Hant`` / ``Hant-Hans`` transliterators (bundled by ``pyicu-wheels``) and cached for the
life of the process, so importing this module costs nothing.
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

log = logging.getLogger(__name__)

# (first code point, last code point, ISO 15924 script). Letters and marks of the scripts the 119 languages
# and their close neighbours use; anything else (digits, punctuation, symbols, spaces) is ignored.
_SCRIPT_RANGES: list[tuple[int, int, str]] = sorted([
    (0x0041, 0x005A, "Latn"), (0x0061, 0x007A, "Latn"), (0x00C0, 0x024F, "Latn"), (0x1E00, 0x1EFF, "Latn"),
    (0x0250, 0x02AF, "Latn"), (0x2C60, 0x2C7F, "Latn"), (0xA720, 0xA7FF, "Latn"),
    (0x0370, 0x03FF, "Grek"), (0x1F00, 0x1FFF, "Grek"),
    (0x0400, 0x052F, "Cyrl"), (0x1C80, 0x1C8F, "Cyrl"), (0x2DE0, 0x2DFF, "Cyrl"), (0xA640, 0xA69F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"), (0x0780, 0x07BF, "Thaa"),
    (0x0900, 0x097F, "Deva"), (0xA8E0, 0xA8FF, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"),
    (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Laoo"), (0x0F00, 0x0FFF, "Tibt"),
    (0x1000, 0x109F, "Mymr"), (0xAA60, 0xAA7F, "Mymr"), (0x10A0, 0x10FF, "Geor"), (0x1C90, 0x1CBF, "Geor"),
    (0x1100, 0x11FF, "Hang"), (0x3130, 0x318F, "Hang"), (0xAC00, 0xD7AF, "Hang"), (0x1200, 0x139F, "Ethi"),
    (0x1780, 0x17FF, "Khmr"), (0x19E0, 0x19FF, "Khmr"), (0xA980, 0xA9DF, "Java"), (0x1700, 0x171F, "Tglg"),
    (0x3040, 0x309F, "Hira"), (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"), (0xFF66, 0xFF9F, "Kana"),
    (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"), (0xF900, 0xFAFF, "Hani"), (0x20000, 0x3134F, "Hani"),
])
_RANGE_STARTS = [r[0] for r in _SCRIPT_RANGES]


@cache
def char_script(ch: str) -> str | None:
    """ISO 15924 code of one character's script, or None for digits, punctuation, spaces and unknown
    blocks."""
    cp = ord(ch)
    i = bisect.bisect_right(_RANGE_STARTS, cp) - 1
    if i >= 0:
        start, end, script = _SCRIPT_RANGES[i]
        if start <= cp <= end:
            return script
    return None


SCRIPT_SAMPLE_CHARS = 1000
"""Longest text whose every character is looked at; longer texts are read at an even stride so that the
script census costs the same for a 1 KB and a 1 MB sample."""


@cache
def _script_table() -> tuple[np.ndarray, tuple[str, ...]]:
    """(code point -> script index for every code point, script names): index 0 is no script, ``i`` names
    ``names[i - 1]``.

    Filled from ``_SCRIPT_RANGES`` (which do not overlap; a test checks every code point against
    ``char_script``). 1.1 MB of uint8: a table for every code point lets ``take`` skip clamping the input.
    """
    names = tuple(sorted({script for _, _, script in _SCRIPT_RANGES}))
    index = {name: i + 1 for i, name in enumerate(names)}
    table = np.zeros(0x110000, dtype=np.uint8)
    for start, end, script in _SCRIPT_RANGES:
        table[start : end + 1] = index[script]
    return table, names


def _census(text: str) -> dict[str, int]:
    """Letters per script (only scripts with at least one), one numpy pass over the code points."""
    if len(text) > SCRIPT_SAMPLE_CHARS:
        text = text[:: len(text) // SCRIPT_SAMPLE_CHARS + 1]
    table, names = _script_table()
    counts = np.bincount(table.take(_code_points(text)), minlength=len(names) + 1).tolist()
    # One numpy pass instead of a Counter and a per-distinct-character lookup: about a fifth of the time on
    # the benchmark corpus's non-ASCII samples (20 against 100 us), and the census runs once per document.
    return {names[i - 1]: n for i, n in enumerate(counts) if n and i}


def script_counts(text: str) -> Counter[str]:
    """Letters per script in ``text`` (long texts are read at a stride of ``SCRIPT_SAMPLE_CHARS``)."""
    return Counter(_census(text))


def dominant_script(text: str) -> str | None:
    """The script with most letters in ``text``; Japanese kana with Han count as ``Jpan``, Hangul with Han
    as ``Hang``; None when the text has no letters."""
    if text.isascii():
        # Only ASCII letters can be counted, all Latin: the census would give the same answer.
        return "Latn" if any(ch.isalpha() for ch in text) else None
    counts = _census(text)
    if not counts:
        return None
    kana = counts.pop("Hira", 0) + counts.pop("Kana", 0)
    if kana:
        # Japanese text mixes kana and kanji; any real share of kana makes the whole Han+kana block Japanese.
        counts["Jpan"] = kana + counts.pop("Hani", 0)
    elif counts.get("Hang", 0) and counts.get("Hani", 0):
        counts["Hang"] += counts.pop("Hani")
    return max(sorted(counts), key=lambda s: counts[s])


# Simplified forms that are also ordinary characters of Traditional text (后 "queen", 里 "village",
# 台 in 台灣, 干 in 干涉, ...). ICU's one-character mapping would count them as Simplified evidence in
# Traditional text, so they are evidence of neither.
_DUAL_USE_HAN = set(
    "干后里台系只面云几范松丑出谷斗才冲划困准凶制卷布征御志折板游余胡郁表采须吁伙佣克占周坛夸局岩席"
    "幸彩律曲术朱杰沈注秋芸蒙辟酸霉借千升姜帘弦据杆杠洒涂淀症皂签累纤致舍苏虫朴卜咸向合念了"
)


@dataclass(frozen=True)
class HanTables:
    """Characters that only occur in one of the two Chinese standards."""

    simplified_only: frozenset[str]
    """Characters that ICU converts to a different Traditional form and never produces as Traditional."""
    traditional_only: frozenset[str]
    """Characters that ICU converts to a different Simplified form and never produces as Simplified."""


@cache
def han_tables() -> HanTables:
    """Derive the Simplified-only and Traditional-only character sets from ICU (about 0.2 s, once)."""
    import icu  # pyicu-wheels; imported here so that importing babelbeam.filters stays light

    to_hant = icu.Transliterator.createInstance("Hans-Hant")
    to_hans = icu.Transliterator.createInstance("Hant-Hans")
    chars = "".join(map(chr, [*range(0x4E00, 0xA000), *range(0x3400, 0x4DC0)]))
    hant = to_hant.transliterate(chars)
    hans = to_hans.transliterate(chars)
    if len(hant) != len(chars) or len(hans) != len(chars):
        # The transliterators map one code point to one code point for the BMP Han blocks; if a future ICU
        # breaks that, fall back to per-character calls rather than misalign the tables.
        hant = "".join(to_hant.transliterate(c)[:1] for c in chars)
        hans = "".join(to_hans.transliterate(c)[:1] for c in chars)
    trad_outputs = {t for c, t in zip(chars, hant, strict=True) if t != c}
    simp_outputs = {s for c, s in zip(chars, hans, strict=True) if s != c}
    simplified_only = {c for c, t in zip(chars, hant, strict=True)
                       if t != c and c not in trad_outputs and c not in _DUAL_USE_HAN}
    traditional_only = {c for c, s in zip(chars, hans, strict=True) if s != c and c not in simp_outputs}
    log.debug("Han tables: %d simplified-only, %d traditional-only",
              len(simplified_only), len(traditional_only))
    return HanTables(frozenset(simplified_only), frozenset(traditional_only))


@cache
def _han_variant_table() -> np.ndarray:
    """BMP code point -> 1 Simplified-only, 2 Traditional-only, 0 neither (both tables lie in the BMP)."""
    tables = han_tables()
    table = np.zeros(0x10000, dtype=np.uint8)
    table[[ord(c) for c in tables.traditional_only]] = 2
    table[[ord(c) for c in tables.simplified_only]] = 1  # after: a character in both counts as Simplified
    return table


def _code_points(text: str) -> np.ndarray:
    # Lone surrogates are legal in a Python str; surrogatepass keeps them (they are in no table).
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def han_variant_counts(text: str) -> tuple[int, int]:
    """(Simplified-only, Traditional-only) character counts in ``text``."""
    # A table lookup per code point in numpy (clip: every code point above the BMP reads U+FFFF, neither):
    # the per-distinct-character loop cost a few hundred us on a 1,000-character Chinese sample.
    counts = np.bincount(_han_variant_table().take(_code_points(text), mode="clip"), minlength=3)
    return int(counts[1]), int(counts[2])


def han_script(text: str) -> tuple[str, bool]:
    """Decide ``Hans`` or ``Hant`` from the characters; the flag is False when the text has no character
    that tells them apart (then ``Hans``, the more common standard, is returned)."""
    simp, trad = han_variant_counts(text)
    return ("Hant" if trad > simp else "Hans"), simp + trad > 0


# Written-Cantonese function words and particles that Standard Written Chinese does not use, in both
# character standards where they differ. Strong markers are next to unique to Cantonese (嘅 possessive,
# 咗 perfective, 喺 "at", 冇 "not have", 啲, 嘢, 哋 plural, 同埋 "and", 经已 "already"); weak ones also turn
# up in Mandarin names or classical phrases (俾斯麦, 俾使) or as rare characters. 係 and 仲 are left out:
# they are common in Traditional Mandarin text (關係, 仲裁).
CANTONESE_STRONG: tuple[str, ...] = (
    "嘅", "咗", "喺", "冇", "啲", "嘢", "哋", "嗰", "噉", "嚟", "嘞", "嘥", "冚", "嗮", "攞", "搵", "揾",
    "諗", "谂", "啱", "同埋", "经已", "經已", "依家", "點解", "点解", "邊度", "边度",
)
CANTONESE_WEAK: tuple[str, ...] = ("佢", "唔", "睇", "咁", "乜", "畀", "咩", "囉", "咪", "俾")


def is_written_cantonese(text: str, *, min_evidence: int = 2, min_share: float = 0.01) -> bool:
    """True when ``text`` uses written-Cantonese forms: evidence (2 per strong marker, 1 per weak one) of at
    least ``min_evidence``, with markers making at least ``min_share`` of its Han characters (a lone 佢 in
    a quotation, or one 嘅 in a long Mandarin text, does not make it Cantonese)."""
    # str.count per marker runs in C; a marker that repeats in a tuple would count twice, none does.
    strong, weak = sum(map(text.count, CANTONESE_STRONG)), sum(map(text.count, CANTONESE_WEAK))
    if 2 * strong + weak < min_evidence:
        return False
    cps = _code_points(text)
    han = int(np.count_nonzero((cps >= 0x4E00) & (cps <= 0x9FFF)))
    return han > 0 and (strong + weak) / han >= min_share


# Characters that carry about a word each (Han ideographs, kana, Hangul syllables) count this many times
# toward ``min_chars``, so "人人有權享有國籍。" is long enough to identify while "大會，" is not.
DENSE_CHAR_WEIGHT = 3


def text_weight(text: str) -> int:
    """Non-space characters of ``text``, with Han, kana and Hangul syllables counted ``DENSE_CHAR_WEIGHT``
    times each."""
    n = 0
    for ch in text:
        if ch.isspace():
            continue
        if ("\u3040" <= ch <= "\u30ff") or ("\u3400" <= ch <= "\u9fff") or ("\uac00" <= ch <= "\ud7af"):
            n += DENSE_CHAR_WEIGHT
        else:
            n += 1
    return n


def at_least_weight(text: str, minimum: int) -> bool:
    """``text_weight(text) >= minimum``, answered without a Python loop for all but short texts."""
    # Every non-space character weighs at least 1, so enough of them settles it at C speed; a prefix has no
    # more of them than the whole text, so a long document is settled by its first few hundred characters.
    if len("".join(text[: 4 * minimum + 64].split())) >= minimum or len("".join(text.split())) >= minimum:
        return True
    return text_weight(text) >= minimum


def has_kana(text: str) -> bool:
    """True when ``text`` contains Hiragana or Katakana (every real Japanese sentence does)."""
    return any("\u3040" <= ch <= "\u30ff" for ch in text)
