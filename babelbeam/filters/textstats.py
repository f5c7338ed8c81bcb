"""Line, paragraph, word and n-gram statistics of one text, computed once and shared by every filter.

Each property is computed on first use and cached, so a chain of filters splits
lines once, segments words once and builds the n-gram tables once, however many
rules read them. N-gram statistics are exact (no hashing): word n-grams get
dense integer ids by pairing the (n-1)-gram id with the next word's id, one
``numpy.unique`` per n.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from itertools import filterfalse

import numpy as np

from babelbeam.filters.segment import words as segment_words
from babelbeam.schemas.document import Document

_LINE_RUNS = re.compile("\n+")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


@cache
def terminal_punctuation() -> frozenset[str]:
    """Characters that end a sentence: Unicode ``Sentence_Terminal`` plus three Khmer signs datatrove also counts."""
    import regex

    pattern = regex.compile(r"\p{Sentence_Terminal}")
    # Sentence terminals live below U+30000; one findall over all those characters (surrogates left out) is
    # about ten times faster than matching them one by one, and finds the same set.
    every = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c <= 0xDFFF)
    found = set(pattern.findall(every))
    return frozenset(found | {"\u17d6", "\u17d9", "\u17da"})


def duplicates(items: list[str]) -> tuple[int, int]:
    """Number of items that repeat an earlier one, and the characters in those repeats."""
    seen: set[str] = set()
    dup_items = dup_chars = 0
    for item in items:
        if item in seen:
            dup_items += 1
            dup_chars += len(item)
        else:
            seen.add(item)
    return dup_items, dup_chars


def _group(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(key, return_index=True, return_inverse=True, return_counts=True)`` without the unique values:
    (dense id of each position, first position of each id, count of each id), ids in sorted key order.

    The same stable sort and the same arrays, without ``np.unique``'s Python layers, which cost more than
    the sort itself on the few hundred n-grams of a typical document.
    """
    n = len(key)
    order = np.argsort(key, kind="stable")  # stable: the first position of each id is its first occurrence
    ordered = key[order]
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return inverse, order[starts], np.diff(starts, append=n)


class NgramTable:
    """Exact word n-gram statistics over a word list: top n-gram character share and duplicated n-gram coverage."""

    def __init__(self, words: list[str]) -> None:
        n = len(words)
        vocab = {w: i for i, w in enumerate(dict.fromkeys(words))}
        self.n_words = n
        self._base = np.fromiter(map(vocab.__getitem__, words), dtype=np.int64, count=n)
        self._vocab_size = max(len(vocab), 1)
        self._lens = np.fromiter(map(len, words), dtype=np.int64, count=n)
        self._cum = np.concatenate(([0], np.cumsum(self._lens)))
        # n -> (dense id of the n-gram at each position, first position of each id, count of each id)
        self._ids: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._no_dups_from: int | None = None

    def _ngrams(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        got = self._ids.get(n)
        if got is not None:
            return got
        if n == 1:
            key = self._base
        else:
            prev = self._ngrams(n - 1)[0]
            # pair the (n-1)-gram at i with the word at i+n-1; both ids are < len(words), so no overflow
            key = prev[:-1] * self._vocab_size + self._base[n - 1 :]
        got = self._ids[n] = _group(key)
        return got

    def top_ngram_chars(self, n: int) -> int:
        """Characters (word characters, no separators) in all occurrences of the most frequent n-gram.

        Ties go to the n-gram that occurs first. An n-gram that occurs once is no
        repetition, so the result is 0 when every n-gram is unique.
        """
        if self.n_words < n:
            return 0
        _, first, counts = self._ngrams(n)
        best = int(counts.max())
        if best < 2:
            return 0
        start = int(first[counts == best].min())
        return best * int(self._cum[start + n] - self._cum[start])

    def duplicated_ngram_chars(self, n: int) -> int:
        """Characters of the words covered by any n-gram that repeats an earlier one (overlaps counted once)."""
        if self.n_words < n or (self._no_dups_from is not None and n >= self._no_dups_from):
            return 0
        inverse, first, counts = self._ngrams(n)
        if len(counts) == len(inverse):
            # A repeated n-gram contains a repeated (n-1)-gram, so none repeat for larger n either.
            self._no_dups_from = n if self._no_dups_from is None else min(self._no_dups_from, n)
            return 0
        positions = np.arange(len(inverse))
        dup_starts = positions[first[inverse] != positions]
        cover = np.zeros(self.n_words + 1, dtype=np.int64)
        np.add.at(cover, dup_starts, 1)
        np.add.at(cover, dup_starts + n, -1)
        covered = np.cumsum(cover[:-1]) > 0
        return int(self._lens[covered].sum())


class TextStats:
    """Everything the filters measure about one text, computed lazily and cached.

    ``words`` may be given (already segmented); otherwise the text is segmented
    with ``babelbeam.filters.segment.words`` for ``lang`` on first use.
    """

    def __init__(self, text: str, lang: str, words: list[str] | None = None) -> None:
        self.text = text
        self.lang = lang
        if words is not None:
            self.__dict__["words"] = words

    @cached_property
    def words(self) -> list[str]:
        """Word-like segments (ICU)."""
        return segment_words(self.text, self.lang)

    @cached_property
    def n_words(self) -> int:
        return len(self.words)

    @cached_property
    def word_chars(self) -> int:
        """Total characters in words."""
        return sum(map(len, self.words))

    @cached_property
    def n_alpha_words(self) -> int:
        """Words containing at least one letter."""
        ws = self.words
        # most words are letters only: count those in C, inspect the rest
        return sum(map(str.isalpha, ws)) + sum(
            1 for w in filterfalse(str.isalpha, ws) if any(c.isalpha() for c in w)
        )

    @cached_property
    def lower_words(self) -> set[str]:
        """The distinct lower-cased words."""
        return {w.lower() for w in set(self.words)}

    @cached_property
    def lines(self) -> list[str]:
        """``str.splitlines()`` of the text (every line, blank ones included)."""
        return self.text.splitlines()

    @cached_property
    def stripped_lines(self) -> list[str]:
        """Non-blank lines with surrounding whitespace removed."""
        return [s for s in (line.strip() for line in self.lines) if s]

    @cached_property
    def newline_runs_lines(self) -> list[str]:
        """The text split on runs of newlines (Gopher's line unit, lines kept as written)."""
        return _LINE_RUNS.split(self.text)

    @cached_property
    def paragraphs(self) -> list[str]:
        """The stripped text split on blank lines (two or more newlines)."""
        return _PARAGRAPH_BREAK.split(self.text.strip())

    @cached_property
    def ngrams(self) -> NgramTable:
        return NgramTable(self.words)


class Verdict:
    """Collects one filter's measurements and its first failed condition.

    With ``record`` None the filter stops at the first failure (fast path);
    with a dict it measures everything, writing ``<filter>_<measure>`` values,
    and still reports the first failed condition in rule order.
    """

    __slots__ = ("prefix", "record", "reason")

    def __init__(self, prefix: str, record: dict[str, float] | None) -> None:
        self.prefix = prefix
        self.record = record
        self.reason: str | None = None

    def check(self, measure: str, value: float, failed: bool, condition: str) -> bool:
        """Record ``value``; if ``failed``, remember ``<prefix>_<condition>``. True when the caller should stop now."""
        if self.record is not None:
            self.record[f"{self.prefix}_{measure}"] = float(value)
        if failed and self.reason is None:
            self.reason = f"{self.prefix}_{condition}"
        return self.reason is not None and self.record is None


class TextFilter:
    """Base of the document filters: ``filter(doc, words)`` returns None (keep) or a stable reason.

    Subclasses set ``name`` (the reason prefix) and implement ``check(stats, record)``
    over a shared ``TextStats``; the chain calls ``check`` directly so every
    filter reads the same cached statistics.
    """

    name = "filter"

    def __init__(self, *, keep_measurements: bool = False) -> None:
        self.keep_measurements = keep_measurements

    def filter(self, doc: Document, words: list[str] | None = None) -> str | None:
        """Keep (None) or the reason ``<filter>_<condition>`` to remove ``doc``; ``words`` are its segmented words if known."""
        record = doc.measurements if self.keep_measurements else None
        return self.check(TextStats(doc.text, doc.lang, words), record)

    def check(self, stats: TextStats, record: dict[str, float] | None) -> str | None:
        raise NotImplementedError
