"""Exact word n-gram statistics for the Gopher repetition rules: the most frequent and the repeated n-grams.

Two facts keep the work small. An n-gram that occurs once counts for neither
statistic, and the n-gram at position ``i`` can occur twice only if the
(n-1)-grams at ``i`` and ``i + 1`` both do. So each n is built from n-1 by
grouping only the positions where both of those repeat (in prose about a third
of the positions for bigrams and a few percent past n = 5); every other
position holds an n-gram of its own.

Each n-gram is named by the position where it first occurs (its "first"), so a
position repeats an earlier n-gram exactly when its first is not itself, the
count of every n-gram is one ``bincount`` of the firsts, and the first maximum
of that count is the most frequent n-gram that occurs first. Grouping a level's
positions is a dict pass (``dict.setdefault`` mapped in C) for up to
``_DICT_MAX`` of them and a stable sort for more (measured faster from about a
hundred, and a few arrays of the candidates in memory instead of a dict entry
each). No hashing: the statistics are exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_DICT_MAX = 128
"""Most positions grouped with a dict; more are grouped by a stable sort (faster from about a hundred on,
and a few machine words a position instead of a dict entry each)."""
_SMALL_COVER = 32
"""Repeated n-gram starts up to which the covered characters are summed word by word (no length array)."""


def _first_positions(key: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """For each element, the smallest ``pos`` whose ``key`` is equal: ``pos`` is increasing, so that is the
    first occurrence of the element's group."""
    if len(key) <= _DICT_MAX:
        first: dict[int, int] = {}
        # setdefault keeps the first position stored for a key and returns it: one C-level pass
        return np.fromiter(map(first.setdefault, key.tolist(), pos.tolist()), dtype=np.intp, count=len(key))
    order = np.argsort(key, kind="stable")  # stable: each group's first element is its smallest position
    ordered = key[order]
    starts = np.empty(len(key), dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    del ordered
    group = np.cumsum(starts) - 1
    out = np.empty(len(key), dtype=np.intp)
    out[order] = pos[order[starts]][group]
    return out


class NgramTable:
    """Exact word n-gram statistics over a word list: top n-gram character share, duplicated n-gram coverage.

    Ask for n in increasing order (the rules do): the table holds the words' ids and one level of n-gram
    firsts at a time, each built from the one before.
    """

    def __init__(self, words: Sequence[str]) -> None:
        m = len(words)
        first: dict[str, int] = {}
        # A word's id is the position where it first occurs: below len(words), and already the level-1 first.
        ids = np.fromiter(map(first.setdefault, words, range(m)), dtype=np.intp, count=m)
        self._init(ids, m, words, None, ids_are_first=True)

    @classmethod
    def from_ids(cls, ids: np.ndarray, lengths: np.ndarray, vocab_size: int) -> NgramTable:
        """The table of a word sequence given as ids (equal words, equal ids, each below ``vocab_size``) and
        word lengths in characters, for a text whose words are never held as one list."""
        table = cls.__new__(cls)
        ids = np.asarray(ids, dtype=np.intp)
        table._init(ids, vocab_size, None, np.asarray(lengths), ids_are_first=False)
        return table

    def _init(
        self, ids: np.ndarray, vocab_size: int, words: Sequence[str] | None, lengths: np.ndarray | None,
        *, ids_are_first: bool,
    ) -> None:
        self.n_words = len(ids)
        self._ids = ids
        self._ids_are_first = ids_are_first
        self._radix = max(vocab_size, 1)
        self._words = words
        self._lengths = lengths
        self._cum: np.ndarray | None = None
        # The level held: (n, first position of the n-gram at each position, count of n-grams by first).
        self._level: tuple[int, np.ndarray, np.ndarray] | None = None
        self._no_repeats_from: int | None = None
        """Smallest n known to have no repeated n-gram (no larger n has one either)."""

    # -- levels --------------------------------------------------------------------------------------------

    def _unigrams(self) -> tuple[np.ndarray, np.ndarray]:
        ids = self._ids
        if not self._ids_are_first:
            ids = _first_positions(ids, np.arange(len(ids)))
        return ids, np.bincount(ids)

    def _firsts(self, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(first position of the n-gram at each position, count of n-grams by first), or None when no n-gram
        repeats (or there are fewer than n words)."""
        if self.n_words < n:
            return None
        if self._no_repeats_from is not None and n >= self._no_repeats_from:
            return None
        level = self._level
        if level is None or level[0] > n:
            level = (1, *self._unigrams())
        while level[0] < n:
            k, firsts, counts = level
            repeats = counts[firsts] > 1
            # the (k+1)-gram at i can repeat only if the k-grams at i and i+1 both do
            live = np.flatnonzero(repeats[:-1] & repeats[1:])
            if not len(live):
                self._no_repeats_from = k + 1
                self._level = None
                return None
            # (first of the k-gram at i, id of the word at i+k) names the (k+1)-gram; below len(words) * radix
            key = firsts[live] * self._radix + self._ids[live + k]
            nxt = np.arange(len(firsts) - 1)
            nxt[live] = _first_positions(key, live)
            level = (k + 1, nxt, np.bincount(nxt))
        self._level = level
        return level[1], level[2]

    # -- statistics ----------------------------------------------------------------------------------------

    def _span_chars(self, start: int, stop: int) -> int:
        if self._words is not None:
            return sum(map(len, self._words[start:stop]))
        return int(self._lengths[start:stop].sum())

    def top_ngram_chars(self, n: int) -> int:
        """Characters (word characters, no separators) in all occurrences of the most frequent n-gram.

        Ties go to the n-gram that occurs first. An n-gram that occurs once is no
        repetition, so the result is 0 when every n-gram is unique.
        """
        got = self._firsts(n)
        if got is None:
            return 0
        counts = got[1]
        start = int(counts.argmax())  # counts are indexed by first position: the first maximum occurs first
        best = int(counts[start])
        if best < 2:
            return 0
        return best * self._span_chars(start, start + n)

    def duplicated_ngram_chars(self, n: int) -> int:
        """Characters of the words covered by any n-gram that repeats an earlier one (overlaps count once)."""
        got = self._firsts(n)
        if got is None:
            return 0
        firsts = got[0]
        starts = np.flatnonzero(firsts != np.arange(len(firsts)))
        if not len(starts):
            return 0
        if len(starts) <= _SMALL_COVER:
            total = covered_to = 0
            for s in starts.tolist():
                total += self._span_chars(max(s, covered_to), s + n)
                covered_to = s + n
            return total
        if self._cum is None:
            lengths = self._lengths
            if lengths is None:
                lengths = np.fromiter(map(len, self._words), dtype=np.int64, count=self.n_words)
            self._cum = np.zeros(self.n_words + 1, dtype=np.int64)
            np.cumsum(lengths, out=self._cum[1:])
        # each start covers its n words, cut short where the next start begins (that one covers the rest)
        ends = starts + n
        np.minimum(ends[:-1], starts[1:], out=ends[:-1])
        return int((self._cum[ends] - self._cum[starts]).sum())
