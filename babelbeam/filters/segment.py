"""Word and sentence segmentation for every script, through ICU's BreakIterator.

One dependency covers all 119 languages: ICU splits Thai, Lao, Khmer, Burmese, Chinese and Japanese with its
dictionaries and every other script with the UAX #29 rules. ``words(text, lang)`` returns only word-like
segments (letters, numbers, kana, ideographs); spaces and punctuation are skipped by the iterator's rule
status. The quality filters and the MinHash shingles both call ``words``, so its signature is a contract.

ICU reports boundaries as UTF-16 offsets; Python strings index code points. The two agree unless the text
holds characters outside the Basic Multilingual Plane (emoji, rare Han), in which case offsets are corrected
(``_AstralMap``).

Break iterators are not thread-safe and are costly to create, so one per (kind, locale) is cached per thread.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator

import icu
import numpy as np

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
"""ISO 639-1 code of each registry language that has one (Arabic varieties and Dari map to their
macrolanguage)."""

# Scripts written without spaces between words: ICU segments them with dictionaries.
UNSPACED_SCRIPTS = frozenset({"Thai", "Laoo", "Khmr", "Mymr", "Hans", "Hant", "Jpan"})

# ICU word-break rule status: 0..99 is "none" (spaces, punctuation, symbols); 100.. numbers, 200.. letters,
# 300.. kana, 400.. ideographs.
_WORD_STATUS_MIN = 100

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_local = threading.local()


def icu_locale(lang: str) -> str:
    """The ICU locale id for a registry code: ``tha_Thai`` -> ``th``, ``zho_Hant`` -> ``zh_Hant``,
    ``und`` -> root."""
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
        if kind == "word":
            it = icu.BreakIterator.createWordInstance(icu.Locale(locale))
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


RECENT_CHARS = 1 << 21
"""Characters of text whose word indexes are remembered per thread, the most recent first (the last one
always, however long; an empty text counts as one). The quality chain segments a stage batch of documents
(at most 1M characters) before the MinHash shingles, in the same fused Beam stage, read each of them:
remembering a batch's worth makes the second call a lookup. Held: the texts (they are the keys, and the
documents hold them anyway) and at most 8 bytes a word plus one string per distinct word."""

CHUNK_CHARS = 1 << 20
"""``word_index`` segments a longer text a piece at a time, each cut just after a newline, so one
document's words are never all held as strings. A word boundary follows every newline (UAX #29 WB3a, and
ICU's dictionaries stop at one), so the words are the same as from the whole text."""


def words(text: str, lang: str) -> list[str]:
    """The word-like segments of ``text`` in reading order (no spaces, no punctuation).

    ``lang`` is a registry code (``tha_Thai``) or ``und``; it picks the ICU locale. Words keep their case and
    inner punctuation (``don't``, ``3.5``). Each call returns a new list.
    """
    return [w for piece in newline_pieces(text, CHUNK_CHARS) for w in _segment_words(piece, lang)]


def newline_pieces(text: str, size: int) -> Iterator[str]:
    """``text`` in consecutive pieces of at least ``size`` characters (the last may be shorter), each cut
    just after a newline; a text of at most ``size`` characters, or one with no newline past ``size``, is
    one piece."""
    start = 0
    while len(text) - start > size:
        cut = text.find("\n", start + size - 1)
        if cut < 0:
            break
        yield text[start : cut + 1]
        start = cut + 1
    if start == 0:
        yield text
    elif start < len(text):
        yield text[start:]


class WordIndex:
    """A text's words as numbers: what the quality rules and the MinHash shingles read of them, at 8 bytes a
    word plus one string per distinct word (a list of the words would cost about 60 bytes a word).

    ``vocabulary`` maps each distinct word to the position where it first occurs, in first-occurrence
    order; ``firsts[i]`` is that first position for the word at position ``i`` (equal words, equal
    values); ``lengths[i]`` its length in code points.
    """

    __slots__ = ("vocabulary", "firsts", "lengths", "_counts")

    def __init__(self, vocabulary: dict[str, int], firsts: np.ndarray, lengths: np.ndarray) -> None:
        self.vocabulary, self.firsts, self.lengths = vocabulary, firsts, lengths
        self._counts: np.ndarray | None = None

    @classmethod
    def from_words(cls, pieces: Iterable[list[str]]) -> WordIndex:
        """The index of the words of consecutive pieces of one text."""
        vocabulary: dict[str, int] = {}
        first = vocabulary.setdefault  # keeps the first position stored for a word and returns it
        firsts, lengths, position = [], [], 0
        for ws in pieces:
            m = len(ws)
            firsts.append(np.fromiter(map(first, ws, range(position, position + m)), dtype=np.int32, count=m))
            lengths.append(np.fromiter(map(len, ws), dtype=np.int32, count=m))
            position += m
        if len(firsts) == 1:  # one piece (most texts): its arrays as they are, no copy
            return cls(vocabulary, firsts[0], lengths[0])
        empty = np.empty(0, np.int32)  # keeps the dtype when there are no pieces
        return cls(vocabulary, np.concatenate([empty, *firsts]), np.concatenate([empty, *lengths]))

    def __len__(self) -> int:
        return len(self.firsts)

    @property
    def counts(self) -> np.ndarray:
        """Occurrences of each word, indexed by its first position (0 at the other positions)."""
        if self._counts is None:
            self._counts = np.bincount(self.firsts, minlength=len(self.firsts)).astype(np.int32)
        return self._counts

    def vocabulary_ids(self) -> np.ndarray:
        """Each position's word as its index in ``vocabulary`` (first-occurrence order); a new array."""
        # A word's first position is where firsts[i] == i; the firsts up to it count the words before it.
        firsts = self.firsts
        rank = np.cumsum(firsts == np.arange(len(firsts), dtype=firsts.dtype), dtype=np.int32)
        rank -= 1
        return rank[firsts]


def word_index(text: str, lang: str) -> WordIndex:
    """The ``WordIndex`` of ``words(text, lang)``, built a ``CHUNK_CHARS`` piece at a time. The most recent
    ones are remembered per thread, up to ``RECENT_CHARS`` characters of text (the same object comes back: do
    not change it)."""
    recent = getattr(_local, "recent", None)
    if recent is None:
        recent = _local.recent = _RecentIndexes()
    key = (lang, text)
    found = recent.indexes.get(key)
    if found is not None:
        return found
    index = WordIndex.from_words(_segment_words(piece, lang) for piece in newline_pieces(text, CHUNK_CHARS))
    recent.add(key, index)
    return index


def remembered_word_index(text: str, lang: str) -> WordIndex | None:
    """The word index ``word_index`` remembers for ``text`` in this thread, or None (nothing is built)."""
    recent = getattr(_local, "recent", None)
    return None if recent is None else recent.indexes.get((lang, text))


class _RecentIndexes:
    """The word indexes ``word_index`` remembers, oldest first, and the characters of their texts."""

    __slots__ = ("indexes", "chars")

    def __init__(self) -> None:
        self.indexes: dict[tuple[str, str], WordIndex] = {}
        self.chars = 0

    def add(self, key: tuple[str, str], index: WordIndex) -> None:
        self.chars += max(len(key[1]), 1)
        while self.indexes and self.chars > RECENT_CHARS:
            oldest = next(iter(self.indexes))  # dicts keep insertion order
            del self.indexes[oldest]
            self.chars -= max(len(oldest[1]), 1)
        self.indexes[key] = index


def _segment_words(text: str, lang: str) -> list[str]:
    if not text:
        return []
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
    """The sentences of ``text`` (stripped, empty ones dropped), by ICU's sentence rules with abbreviation
    suppression."""
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
