"""Exact word n-gram statistics for the Gopher repetition rules: the most frequent and the repeated n-grams.

Two facts keep the work small. An n-gram that occurs once counts for neither statistic, and the n-gram at
position ``i`` can occur twice only if the (n-1)-grams at ``i`` and ``i + 1`` both do. So each n is built from
n-1 by grouping only the positions where both of those repeat (in prose about a third of the positions for
bigrams and a few percent past n = 5); every other position holds an n-gram of its own.

Each n-gram is named by the position where it first occurs (its "first"), so a position repeats an earlier
n-gram exactly when its first is not itself, the count of every n-gram is one ``bincount`` of the firsts, and
the first maximum of that count is the most frequent n-gram that occurs first. Grouping a level's positions
is a dict pass (``dict.setdefault`` mapped in C) for up to ``_DICT_MAX`` of them and a stable sort for more.
No hashing: the statistics are exact.
"""

from __future__ import annotations

import numpy as np

from babelbeam.filters.segment import WordIndex

_DICT_MAX = 128
"""Most positions grouped with a dict; more are grouped by a stable sort (faster from about a hundred on,
and a few machine words a position instead of a dict entry each)."""
_BLOCK = 1 << 16
"""Positions compared at a time when grouping sorted keys."""
_SMALL_COVER = 32
"""Repeated n-gram starts up to which the covered characters are summed word by word (no length array)."""


def _first_positions(keys: list[np.ndarray], pos: np.ndarray) -> np.ndarray:
    """For each element of the key array ``keys[0]``, the smallest ``pos`` whose key is equal: ``pos`` is
    increasing, so that is the first occurrence of the element's group. The function takes the key array
    out of ``keys`` (a one-element list) and drops it once grouped, so its memory is free for the rest."""
    key = keys.pop()
    if len(key) <= _DICT_MAX:
        first: dict[int, int] = {}
        # setdefault keeps the first position stored for a key and returns it: one C-level pass
        return np.fromiter(map(first.setdefault, key.tolist(), pos.tolist()), dtype=pos.dtype, count=len(key))
    order = np.argsort(key, kind="stable")  # stable: each group's first element is its smallest position
    starts = np.empty(len(key), dtype=bool)
    starts[0] = True
    # sorted keys compared a block at a time: a sorted copy of every key would cost 8 bytes a position
    for lo in range(1, len(key), _BLOCK):
        hi = min(lo + _BLOCK, len(key))
        np.not_equal(key[order[lo:hi]], key[order[lo - 1 : hi - 1]], out=starts[lo:hi])
    del key
    group_first = pos[order[starts]]
    group = np.cumsum(starts, dtype=pos.dtype)
    del starts
    group -= 1
    np.take(group_first, group, out=group, mode="clip")  # in place: element i reads group[i], then writes it
    out = np.empty(len(group), dtype=pos.dtype)
    out[order] = group
    return out


def _counts(firsts: np.ndarray) -> np.ndarray:
    """Occurrences of each n-gram by its first position, as int32 (half of ``bincount``'s int64)."""
    return np.bincount(firsts).astype(np.int32)


class NgramTable:
    """Exact word n-gram statistics over a word list: top n-gram character share, duplicated n-gram coverage.

    Ask for n in increasing order (the rules do): the table holds the words' ids and one level of n-gram
    firsts at a time, each built from the one before.
    """

    def __init__(self, index: WordIndex) -> None:
        firsts, lengths = index.firsts, index.lengths
        self.n_words = len(firsts)
        self._ids = firsts
        self._radix = max(len(firsts), 1)
        self._lengths = lengths
        self._cum: np.ndarray | None = None
        # The level held: (n, first position of the n-gram at each position, count of n-grams by first).
        self._level: tuple[int, np.ndarray, np.ndarray] | None = None
        self._no_repeats_from: int | None = None
        """Smallest n known to have no repeated n-gram (no larger n has one either)."""

    # -- levels --------------------------------------------------------------------------------------------

    def _firsts(self, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(first position of the n-gram at each position, count of n-grams by first), or None when no n-gram
        repeats (or there are fewer than n words)."""
        if self.n_words < n:
            return None
        if self._no_repeats_from is not None and n >= self._no_repeats_from:
            return None
        level, self._level = self._level, None  # held only by the loop below while the next is built
        if level is None or level[0] > n:
            level = (1, self._ids, _counts(self._ids))
        while level[0] < n:
            k, firsts, counts = level
            level = None  # dropped before the next level is built: memory holds one level and its build
            repeats = np.take(counts > 1, firsts)
            del counts
            # the (k+1)-gram at i can repeat only if the k-grams at i and i+1 both do
            np.logical_and(repeats[:-1], repeats[1:], out=repeats[:-1])
            live = np.flatnonzero(repeats[:-1]).astype(np.int32)
            del repeats
            if not len(live):
                self._no_repeats_from = k + 1
                self._level = None
                return None
            # (first of the k-gram at i, id of the word at i+k) names the (k+1)-gram; below len(words) * radix
            key = firsts[live].astype(np.int64)
            key *= self._radix
            key += self._ids[live + k]
            size = len(firsts) - 1
            del firsts
            keys = [key]
            del key
            grouped = _first_positions(keys, live)
            nxt = np.arange(size, dtype=np.int32)
            nxt[live] = grouped
            del grouped, live
            level = (k + 1, nxt, _counts(nxt))
        self._level = level
        return level[1], level[2]

    # -- statistics ----------------------------------------------------------------------------------------

    def _span_chars(self, start: int, stop: int) -> int:
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
            # int32 while the words' characters fit (every document under 2 GiB of text): half the memory
            wide = int(self._lengths.sum(dtype=np.int64)) >= 2**31
            self._cum = np.zeros(self.n_words + 1, dtype=np.int64 if wide else np.int32)
            np.cumsum(self._lengths, out=self._cum[1:])
        # each start covers its n words, cut short where the next start begins (that one covers the rest)
        ends = starts + n
        np.minimum(ends[:-1], starts[1:], out=ends[:-1])
        return int((self._cum[ends] - self._cum[starts]).sum())


# -- many texts at once ------------------------------------------------------------------------------------

BATCH_WORDS = 1 << 18
"""Most words ``batch_statistics`` puts in one set of arrays (about 2 MB each); a text of more than half of
that gets an ``NgramTable`` of its own."""


class NgramStatistics:
    """``NgramTable``'s two statistics for n = 1..``max_n``, computed beforehand by ``batch_statistics``."""

    __slots__ = ("_top", "_dup")

    def __init__(self, top: list[int], dup: list[int]) -> None:
        self._top, self._dup = top, dup

    def _at(self, values: list[int], n: int) -> int:
        if not 1 <= n <= len(values):
            raise ValueError(f"n-gram statistics were computed for n = 1..{len(values)}, not {n}")
        return values[n - 1]

    def top_ngram_chars(self, n: int) -> int:
        """As ``NgramTable.top_ngram_chars``."""
        return self._at(self._top, n)

    def duplicated_ngram_chars(self, n: int) -> int:
        """As ``NgramTable.duplicated_ngram_chars``."""
        return self._at(self._dup, n)


def batch_statistics(indexes: list[WordIndex], max_n: int) -> list[NgramTable | NgramStatistics]:
    """The n-gram statistics of many texts, n = 1..``max_n``: the same numbers as an ``NgramTable`` of each.

    Most texts are a few hundred words, where a table's time goes to numpy's cost per call (a dozen calls a
    level); here the texts of a batch share each call. Their words are laid end to end, each text's word ids
    offset to its own range so no n-gram of one equals one of another, and an n-gram is only formed where
    the text has ``n`` words left. A text of more than ``BATCH_WORDS // 2`` words gets its own table.
    """
    out: list[NgramTable | NgramStatistics | None] = [None] * len(indexes)
    batch: list[int] = []
    words = 0
    for i, index in enumerate(indexes):
        size = len(index)
        if size > BATCH_WORDS // 2:
            out[i] = NgramTable(index)
            continue
        if words + size > BATCH_WORDS:
            _fill(out, batch, indexes, max_n)
            batch, words = [], 0
        batch.append(i)
        words += size
    _fill(out, batch, indexes, max_n)
    return out  # type: ignore[return-value]  # every slot is filled


def _fill(out: list, batch: list[int], indexes: list[WordIndex], max_n: int) -> None:
    """``out[i]`` for each ``i`` of ``batch``: zeros for a text without words, else from ``_batch_levels``."""
    texts = [i for i in batch if len(indexes[i])]
    for i in batch:
        if not len(indexes[i]):
            out[i] = NgramStatistics([0] * max_n, [0] * max_n)
    if texts:
        top, dup = _batch_levels([indexes[i] for i in texts], max_n)
        for row, i in enumerate(texts):
            out[i] = NgramStatistics(top[:, row].tolist(), dup[:, row].tolist())


def _batch_levels(indexes: list[WordIndex], max_n: int) -> tuple[np.ndarray, np.ndarray]:
    """(top n-gram characters, duplicated n-gram characters), each ``[max_n, texts]``, of texts with words."""
    sizes = np.fromiter(map(len, indexes), dtype=np.int64, count=len(indexes))
    offsets = np.zeros(len(indexes), dtype=np.int64)
    np.cumsum(sizes[:-1], out=offsets[1:])
    total = int(sizes.sum())
    # A word's id is the position where it first occurs; offset, it is that position in the batch.
    ids = np.concatenate([index.firsts.astype(np.int64) + o for index, o in zip(indexes, offsets.tolist(),
                                                                                strict=True)])
    cum = np.zeros(total + 1, dtype=np.int64)
    np.cumsum(np.concatenate([index.lengths for index in indexes]), out=cum[1:])
    text_of = np.repeat(np.arange(len(indexes)), sizes)
    positions = np.arange(total)
    room = (offsets + sizes)[text_of] - positions  # words from each position to the end of its text
    bounds = np.append(offsets, total)
    top = np.zeros((max_n, len(indexes)), dtype=np.int64)
    dup = np.zeros((max_n, len(indexes)), dtype=np.int64)
    firsts, counts = ids, np.bincount(ids, minlength=total)
    for n in range(1, max_n + 1):
        if n > 1:
            # The n-gram at i can repeat only if the (n-1)-grams at i and i+1 both do, in the same text.
            repeats = np.take(counts > 1, firsts)
            live = np.logical_and(repeats[:-1], repeats[1:])
            live &= room[:-1] >= n
            live_at = np.flatnonzero(live)
            if not len(live_at):
                break  # nothing repeats at n, nor at any larger n: the rest stay 0
            key = firsts[live_at] * total + ids[live_at + n - 1]
            grouped = _first_positions([key], live_at)
            # Every other position holds an n-gram of its own (or none: too near its text's end).
            firsts = positions.copy()
            firsts[live_at] = grouped
            counts = np.bincount(firsts, minlength=total)
        best = np.maximum.reduceat(counts, offsets)
        texts = np.flatnonzero(best >= 2)
        if len(texts):
            hits = np.flatnonzero(counts == best[text_of])
            start = hits[np.searchsorted(hits, offsets[texts])]  # each text's first maximum
            top[n - 1, texts] = best[texts] * (cum[start + n] - cum[start])
        starts = np.flatnonzero(firsts != positions)
        if len(starts):
            ends = starts + n
            np.minimum(ends[:-1], starts[1:], out=ends[:-1])  # overlaps count once
            covered = np.zeros(len(starts) + 1, dtype=np.int64)
            np.cumsum(cum[ends] - cum[starts], out=covered[1:])
            cut = np.searchsorted(starts, bounds)
            dup[n - 1] = covered[cut[1:]] - covered[cut[:-1]]
    return top, dup
