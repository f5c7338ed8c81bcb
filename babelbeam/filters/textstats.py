"""Line, paragraph, word and n-gram statistics of one text, computed once and shared by every filter.

Each property is computed on first use and cached, so a chain of filters splits
lines once, segments words once and builds the n-gram tables once, however many
rules read them. N-gram statistics are exact (no hashing): see
``babelbeam.filters.ngrams``.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from itertools import filterfalse, repeat

from babelbeam.filters.ngrams import NgramTable
from babelbeam.filters.segment import words as segment_words

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


class TextStats:
    """Everything the filters measure about one text, computed lazily and cached.

    ``words`` may be given (already segmented); otherwise the text is segmented
    with ``babelbeam.filters.segment.words`` for ``lang`` on first use. ``url`` is the
    document's, for the filters that read it.
    """

    def __init__(self, text: str, lang: str, words: list[str] | None = None, *,
                 url: str | None = None) -> None:
        self.text = text
        self.lang = lang
        self.url = url
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
        # Most words are letters only: count those in C, and test the rest ("don't", "3rd", "2024")
        # character by character with map(), also in C.
        odd = list(filterfalse(str.isalpha, ws))
        return len(ws) - len(odd) + sum(map(any, map(map, repeat(str.isalpha, len(odd)), odd)))

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
