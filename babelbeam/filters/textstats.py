"""Line, paragraph, word and n-gram statistics of one text, computed once and shared by every filter.

Each property is computed on first use and cached, so a chain of filters splits lines once, segments words
once and builds the n-gram tables once, however many rules read them. N-gram statistics are exact (no
hashing): see ``babelbeam.filters.ngrams``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, cached_property
from itertools import filterfalse

from babelbeam.filters.ngrams import NgramStatistics, NgramTable
from babelbeam.filters.segment import WordIndex, word_index

_LINE_RUNS = re.compile("\n+")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


@cache
def terminal_punctuation() -> frozenset[str]:
    """Characters that end a sentence: Unicode ``Sentence_Terminal`` and three Khmer signs datatrove counts.
    """
    import regex

    pattern = regex.compile(r"\p{Sentence_Terminal}")
    # Sentence terminals live below U+30000; one findall over all those characters (surrogates left out) is
    # about ten times faster than matching them one by one, and finds the same set.
    every = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c <= 0xDFFF)
    return frozenset(pattern.findall(every)) | {"\u17d6", "\u17d9", "\u17da"}


def duplicates(items: Iterable[str]) -> tuple[int, int, int]:
    """Number of items, number that repeat an earlier one, and the characters in those repeats."""
    seen: set[str] = set()
    n = dup_items = dup_chars = 0
    for item in items:
        n += 1
        if item in seen:
            dup_items += 1
            dup_chars += len(item)
        else:
            seen.add(item)
    return n, dup_items, dup_chars


def _split(pattern: re.Pattern[str], text: str) -> Iterator[str]:
    """``pattern.split(text)`` one piece at a time (``pattern`` has no groups and never matches empty)."""
    start = 0
    for match in pattern.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


class TextStats:
    """Everything the filters measure about one text, computed lazily and cached.

    The text is segmented for ``lang`` on first use; ``url`` is the document's, for the filters that read it.
    """

    def __init__(self, text: str, lang: str, *, url: str | None = None) -> None:
        self.text = text
        self.lang = lang
        self.url = url

    @cached_property
    def word_index(self) -> WordIndex:
        """The words (ICU word-like segments) as a ``WordIndex``: no string per word is kept."""
        return word_index(self.text, self.lang)

    @property
    def vocabulary(self) -> dict[str, int]:
        """The distinct words, each with the position where it first occurs."""
        return self.word_index.vocabulary

    @cached_property
    def n_words(self) -> int:
        return len(self.word_index)

    @cached_property
    def word_chars(self) -> int:
        """Total characters in words."""
        return int(self.word_index.lengths.sum())

    @cached_property
    def n_alpha_words(self) -> int:
        """Words containing at least one letter."""
        index = self.word_index
        # Most words are letters only (str.isalpha in C); the rest ("don't", "3rd", "2024") are tested
        # character by character, each distinct word once, and weighted by its count.
        odd = list(filterfalse(str.isalpha, index.vocabulary))
        no_letter = [index.vocabulary[w] for w in odd if not any(map(str.isalpha, w))]
        return self.n_words - int(index.counts[no_letter].sum())

    @cached_property
    def lower_words(self) -> set[str]:
        """The distinct lower-cased words."""
        return {w.lower() for w in self.vocabulary}

    @property
    def lines(self) -> list[str]:
        """``str.splitlines()`` of the text (every line, blank ones included); not cached, so a large
        document holds one list of its lines at most (``stripped_lines``)."""
        return self.text.splitlines()

    @cached_property
    def stripped_lines(self) -> list[str]:
        """Non-blank lines with surrounding whitespace removed."""
        return [s for s in (line.strip() for line in self.lines) if s]

    @cached_property
    def line_repeats(self) -> tuple[int, int, int]:
        """``duplicates`` of the text split on runs of newlines (Gopher's line unit, lines kept as
        written)."""
        return duplicates(_split(_LINE_RUNS, self.text))

    @cached_property
    def paragraph_repeats(self) -> tuple[int, int, int]:
        """``duplicates`` of the stripped text split on blank lines (two or more newlines)."""
        return duplicates(_split(_PARAGRAPH_BREAK, self.text.strip()))

    @cached_property
    def ngrams(self) -> NgramTable | NgramStatistics:
        """The n-gram statistics; the quality chain sets them beforehand for a batch of texts."""
        return NgramTable(self.word_index)
