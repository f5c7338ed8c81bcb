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

from collections.abc import Iterable

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
    """``NgramTable``'s two statistics for the n each was asked for, computed beforehand by
    ``batch_statistics``: row ``row`` of its batch's ``{n: [value of each text]}``."""

    __slots__ = ("_top", "_dup", "_row")

    def __init__(self, top: dict[int, list[int]], dup: dict[int, list[int]], row: int) -> None:
        self._top, self._dup, self._row = top, dup, row

    def _at(self, values: dict[int, list[int]], n: int, what: str) -> int:
        found = values.get(n)
        if found is None:
            raise ValueError(f"{what} was computed for n in {sorted(values)}, not {n}")
        return found[self._row]

    def top_ngram_chars(self, n: int) -> int:
        """As ``NgramTable.top_ngram_chars``."""
        return self._at(self._top, n, "top_ngram_chars")

    def duplicated_ngram_chars(self, n: int) -> int:
        """As ``NgramTable.duplicated_ngram_chars``."""
        return self._at(self._dup, n, "duplicated_ngram_chars")


def batch_statistics(indexes: list[WordIndex], top_ns: Iterable[int], dup_ns: Iterable[int]
                     ) -> list[NgramTable | NgramStatistics]:
    """The n-gram statistics of many texts: ``top_ngram_chars(n)`` for each n of ``top_ns`` and
    ``duplicated_ngram_chars(n)`` for each of ``dup_ns``, the same numbers as an ``NgramTable`` of each text.

    Most texts are a few hundred words, where a table's time goes to numpy's cost per call (a dozen calls a
    level); here the texts of a batch share each call. Their words are laid end to end, each text's word ids
    offset to its own range so no n-gram of one equals one of another, and an n-gram is only formed where
    its text has ``n`` words left. Past the words, a level holds only the positions whose n-gram may repeat
    (``_Level``). A text of more than ``BATCH_WORDS // 2`` words gets its own table.
    """
    top_ns, dup_ns = sorted(set(top_ns)), sorted(set(dup_ns))
    if min(top_ns + dup_ns, default=1) < 1:
        raise ValueError("n-gram statistics need n >= 1")
    out: list[NgramTable | NgramStatistics | None] = [None] * len(indexes)
    batch: list[int] = []
    words = 0
    for i, index in enumerate(indexes):
        size = len(index)
        if size > BATCH_WORDS // 2:
            out[i] = NgramTable(index)
            continue
        if words + size > BATCH_WORDS:
            _fill(out, batch, indexes, top_ns, dup_ns)
            batch, words = [], 0
        batch.append(i)
        words += size
    _fill(out, batch, indexes, top_ns, dup_ns)
    return out  # type: ignore[return-value]  # every slot is filled


def _fill(out: list, batch: list[int], indexes: list[WordIndex], top_ns: list[int], dup_ns: list[int]
          ) -> None:
    """``out[i]`` for each ``i`` of ``batch``: zeros for a text without words, else from ``_batch_levels``."""
    texts = [i for i in batch if len(indexes[i])]
    if len(texts) < len(batch):
        none = NgramStatistics({n: [0] for n in top_ns}, {n: [0] for n in dup_ns}, 0)
        for i in batch:
            if not len(indexes[i]):
                out[i] = none
    if texts:
        top, dup = _batch_levels([indexes[i] for i in texts], top_ns, dup_ns)
        top_lists = {n: v.tolist() for n, v in top.items()}
        dup_lists = {n: v.tolist() for n, v in dup.items()}
        for row, i in enumerate(texts):
            out[i] = NgramStatistics(top_lists, dup_lists, row)


class _Batch:
    """Texts laid end to end: word ids (offset, so each is its word's first position in the batch), the
    cumulated word lengths and which text each position belongs to."""

    def __init__(self, indexes: list[WordIndex]) -> None:
        sizes = np.fromiter(map(len, indexes), dtype=np.int64, count=len(indexes))
        self.offsets = np.zeros(len(indexes), dtype=np.int64)
        np.cumsum(sizes[:-1], out=self.offsets[1:])
        self.total = int(sizes.sum())
        self.bounds = np.append(self.offsets, self.total)
        self.ids = np.concatenate([index.firsts.astype(np.int64) + o
                                   for index, o in zip(indexes, self.offsets.tolist(), strict=True)])
        self.cum = np.zeros(self.total + 1, dtype=np.int64)
        np.cumsum(np.concatenate([index.lengths for index in indexes]), out=self.cum[1:])
        self.text_of = np.repeat(np.arange(len(indexes)), sizes)
        self.ends = (self.offsets + sizes)[self.text_of]  # each position's text's end

    def top(self, n: int, firsts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """Each text's ``top_ngram_chars(n)``: ``firsts`` are the first positions of n-grams that occur
        ``sizes`` (>= 2) times, increasing."""
        out = np.zeros(len(self.offsets), dtype=np.int64)
        if not len(firsts):
            return out
        text = self.text_of[firsts]
        runs = np.flatnonzero(np.diff(text, prepend=-1))  # each text's run of firsts (they increase)
        best = np.maximum.reduceat(sizes, runs)
        at_best = np.flatnonzero(sizes == np.repeat(best, np.diff(np.append(runs, len(sizes)))))
        start = firsts[at_best[np.searchsorted(at_best, runs)]]  # the first maximum of each text
        out[text[runs]] = best * (self.cum[start + n] - self.cum[start])
        return out

    def dup(self, n: int, starts: np.ndarray) -> np.ndarray:
        """Each text's ``duplicated_ngram_chars(n)``: ``starts`` are the positions (increasing) whose n-gram
        repeats an earlier one."""
        if not len(starts):
            return np.zeros(len(self.offsets), dtype=np.int64)
        ends = starts + n
        np.minimum(ends[:-1], starts[1:], out=ends[:-1])  # overlaps count once
        covered = np.zeros(len(starts) + 1, dtype=np.int64)
        np.cumsum(self.cum[ends] - self.cum[starts], out=covered[1:])
        cut = np.searchsorted(starts, self.bounds)
        return covered[cut[1:]] - covered[cut[:-1]]


def _batch_levels(indexes: list[WordIndex], top_ns: list[int], dup_ns: list[int]
                  ) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """({n: each text's top n-gram characters}, {n: each text's duplicated n-gram characters}) of texts
    with words.

    Level n holds ``live``, the positions whose n-gram may repeat (both (n-1)-grams at i and i + 1 repeat,
    in the same text), and ``first``, the first position of each one's n-gram among them; every other
    position holds an n-gram of its own. ``repeating`` are the live positions whose n-gram occurs twice or
    more: level n + 1 is built from them alone.
    """
    b = _Batch(indexes)
    top: dict[int, np.ndarray] = {}
    dup: dict[int, np.ndarray] = {}
    zeros = np.zeros(len(indexes), dtype=np.int64)
    counts = np.bincount(b.ids, minlength=b.total)
    repeats = np.take(counts > 1, b.ids)
    if 1 in top_ns or 1 in dup_ns:
        is_first = b.ids == np.arange(b.total)
        if 1 in top_ns:
            firsts = np.flatnonzero(is_first & repeats)
            top[1] = b.top(1, firsts, counts[firsts])
        if 1 in dup_ns:
            dup[1] = b.dup(1, np.flatnonzero(~is_first))
    del counts
    repeating = np.flatnonzero(repeats)
    del repeats
    # Indexed by position, read only at the positions written: the first position of each repeating
    # (n-1)-gram (level 1: the word ids), and each live position's place in ``live``.
    first_at = b.ids
    place = np.empty(b.total, dtype=np.int64)
    for n in range(2, max(top_ns + dup_ns, default=1) + 1):
        # i lives if its (n-1)-gram and i + 1's repeat, and i + n - 1 is still in i's text
        head = repeating[:-1]
        live = head[(repeating[1:] == head + 1) & (b.ends[head] >= head + n)]
        if not len(live):
            for k in top_ns:
                top.setdefault(k, zeros)
            for k in dup_ns:
                dup.setdefault(k, zeros)
            break
        key = first_at[live] * b.total + b.ids[live + n - 1]
        first = _first_positions([key], live)
        place[live] = np.arange(len(live))
        slot = place[first]  # each live position's group, by its first's place in live
        sizes = np.bincount(slot, minlength=len(live))
        if n in top_ns:
            own = np.flatnonzero((first == live) & (sizes > 1))  # groups that repeat, by their first
            top[n] = b.top(n, live[own], sizes[own])
        if n in dup_ns:
            dup[n] = b.dup(n, live[first != live])
        repeating_at = np.flatnonzero(np.take(sizes, slot) > 1)
        repeating = live[repeating_at]
        if n == 2:
            first_at = np.empty(b.total, dtype=np.int64)
        first_at[repeating] = first[repeating_at]
    return top, dup
