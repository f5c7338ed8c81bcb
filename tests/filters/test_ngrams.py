"""The n-gram tables (babelbeam.filters.ngrams) against a plain reference: both grouping paths, both
constructors, any order of questions, and the text statistics the Gopher rules read beside them."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import babelbeam.filters.ngrams as ngrams
from babelbeam.filters.gopher import GopherQualityFilter
from babelbeam.filters.lines import BOILERPLATE_PHRASES, BoilerplateLineCleaner
from babelbeam.filters.ngrams import NgramTable
from babelbeam.filters.segment import WordIndex
from babelbeam.filters.textstats import TextStats
from babelbeam.schemas.quality_config import GopherQualityConfig, LinesConfig


def _reference_top(words: list[str], n: int) -> int:
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    counts: dict[tuple[str, ...], int] = {}
    for g in grams:
        counts[g] = counts.get(g, 0) + 1
    if not counts or max(counts.values()) < 2:
        return 0
    best = max(counts.values())
    first = next(g for g in grams if counts[g] == best)
    return best * sum(map(len, first))


def _reference_dup(words: list[str], n: int) -> int:
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(words)
    for i in range(len(words) - n + 1):
        g = tuple(words[i : i + n])
        if g in seen:
            covered[i : i + n] = [True] * n
        seen.add(g)
    return sum(len(w) for w, c in zip(words, covered, strict=True) if c)


def _all_stats(table: NgramTable) -> list[int]:
    return [f(n) for n in range(1, 11) for f in (table.top_ngram_chars, table.duplicated_ngram_chars)]


def _reference_stats(words: list[str]) -> list[int]:
    return [f(words, n) for n in range(1, 11) for f in (_reference_top, _reference_dup)]


_WORDS = st.lists(st.sampled_from(["a", "bb", "ccc", "dd", "e", "ff"]), max_size=120)


@settings(max_examples=120, deadline=None)
@given(_WORDS)
def test_sort_path_matches_reference(words: list[str]) -> None:
    """Above ``_DICT_MAX`` positions a level is grouped by a stable sort, not a dict: same statistics."""
    limit = ngrams._DICT_MAX
    ngrams._DICT_MAX = 0
    try:
        assert _all_stats(NgramTable(WordIndex.from_words([words]))) == _reference_stats(words)
    finally:
        ngrams._DICT_MAX = limit


@settings(max_examples=120, deadline=None)
@given(_WORDS, st.integers(1, 6))
def test_index_built_in_pieces_matches_the_word_list(words: list[str], pieces: int) -> None:
    """``WordIndex.from_words`` over consecutive pieces of the words (as ``word_index`` builds a long text)
    gives the same table as the whole list."""
    cuts = sorted(random.Random(len(words)).sample(range(len(words) + 1), min(pieces, len(words) + 1)))
    parts = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    index = WordIndex.from_words(parts)
    assert _all_stats(NgramTable(index)) == _reference_stats(words)
    assert list(index.vocabulary) == list(dict.fromkeys(words))
    assert [list(index.vocabulary)[i] for i in index.vocabulary_ids()] == words


def test_questions_in_any_order() -> None:
    """The table holds one level at a time; asking for a smaller n after a larger one rebuilds it exactly."""
    rng = random.Random(1)
    words = [rng.choice("abcd") for _ in range(400)]
    table = NgramTable(WordIndex.from_words([words]))
    order = [9, 2, 5, 5, 1, 10, 3]
    assert [table.duplicated_ngram_chars(n) for n in order] == [_reference_dup(words, n) for n in order]
    assert [table.top_ngram_chars(n) for n in order] == [_reference_top(words, n) for n in order]


def test_long_repetitive_text_takes_every_path() -> None:
    """Several thousand words with many repeated n-grams: the sort grouping and the summed-length coverage."""
    rng = random.Random(2)
    phrase = [f"w{i}" for i in range(30)]
    words = []
    while len(words) < 6000:
        words += phrase[: rng.randint(3, 30)] if rng.random() < 0.5 else [f"u{rng.random()}"[:8]]
    table = NgramTable(WordIndex.from_words([words]))
    assert _all_stats(table) == _reference_stats(words)
    assert table.duplicated_ngram_chars(5) > 0


def test_no_repeats_stops_early() -> None:
    words = [f"w{i}" for i in range(50)]
    table = NgramTable(WordIndex.from_words([words]))
    assert table.top_ngram_chars(2) == 0
    assert table._no_repeats_from == 2  # noqa: SLF001  (no level beyond the words was built)
    assert [table.duplicated_ngram_chars(n) for n in range(5, 11)] == [0] * 6


def _batch_stats(table: object) -> list[int]:
    return [f(n) for n in range(1, 11) for f in (table.top_ngram_chars, table.duplicated_ngram_chars)]


@settings(max_examples=80, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12), st.sampled_from([5, 40, 300, 1 << 18]))
def test_batch_statistics_match_a_table_each(texts: list[list[str]], batch_words: int) -> None:
    """Texts laid end to end (empty ones, texts shorter than n, batches cut by ``BATCH_WORDS`` and texts
    too long for a batch among them) get the statistics of their own table."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ngrams, "BATCH_WORDS", batch_words)
        got = ngrams.batch_statistics([WordIndex.from_words([w]) for w in texts], range(1, 11), range(1, 11))
    assert [_batch_stats(g) for g in got] == [_reference_stats(w) for w in texts]


def test_batch_statistics_of_a_large_batch() -> None:
    """A quarter of a million words in one batch: keys beyond 32 bits, the sort grouping, long coverage."""
    rng = random.Random(3)
    texts = [[rng.choice("abcd") * rng.randint(1, 2) for _ in range(rng.randint(100, 4000))]
             for _ in range(120)]
    indexes = [WordIndex.from_words([w]) for w in texts]
    got = ngrams.batch_statistics(indexes, range(1, 11), range(1, 11))
    assert sum(map(len, texts)) > 1 << 17
    assert all(isinstance(g, ngrams.NgramStatistics) for g in got)
    assert [_batch_stats(g) for g in got] == [_all_stats(NgramTable(i)) for i in indexes]
    with pytest.raises(ValueError, match="not 11"):
        got[0].top_ngram_chars(11)
    only = ngrams.batch_statistics(indexes[:3], [3], [6, 8])
    def asked(t: object) -> tuple[int, int, int]:
        return t.top_ngram_chars(3), t.duplicated_ngram_chars(6), t.duplicated_ngram_chars(8)

    assert [asked(g) for g in only] == [asked(NgramTable(i)) for i in indexes[:3]]
    with pytest.raises(ValueError, match="computed for n in \\[6, 8\\], not 7"):
        only[0].duplicated_ngram_chars(7)


# --- statistics read beside the tables --------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="aZ9'_-ÀΣς٣\u0301", min_size=1, max_size=4), max_size=30))
def test_alpha_word_count_matches_the_definition(words: list[str]) -> None:
    stats = TextStats(" ".join(words), "eng_Latn")
    stats.word_index = WordIndex.from_words([words])  # these words, whatever ICU would make of the text
    assert stats.n_alpha_words == sum(1 for w in words if any(c.isalpha() for c in w))


def _reference_clean(cleaner: BoilerplateLineCleaner, text: str) -> tuple[str, int]:
    """The cleaner's rules applied line by line, each line lower-cased on its own."""
    kept, removed = [], 0
    for line in text.split("\n"):
        limit = cleaner.config.max_word_length
        long_word = limit is not None and any(len(w) > limit for w in line.split())
        lower = line.lower()
        phrase = any(p in lower for p in cleaner.boilerplate_phrases)
        short = len(line.split()) <= cleaner.config.max_boilerplate_words
        if line.strip() and (long_word or (phrase and short)):
            removed += 1
        else:
            kept.append(line)
    return ("\n".join(kept).strip("\n"), removed) if removed else (text, 0)


_LINE_PIECES = st.sampled_from(
    [*BOILERPLATE_PHRASES[:6], "PRIVACY POLICY", "Σ", "ΟΔΟΣ", "İ", "word", " ", "x" * 12])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_LINE_PIECES, max_size=5).map(" ".join), min_size=1, max_size=6).map("\n".join))
def test_line_cleaner_matches_line_by_line_rules(text: str) -> None:
    """The whole-text phrase pre-check never changes which lines go (case context never crosses a newline)."""
    cleaner = BoilerplateLineCleaner(LinesConfig(max_word_length=10, max_boilerplate_words=4))
    cleaned = cleaner.clean_text(text)
    assert (cleaned.text, cleaned.lines_removed) == _reference_clean(cleaner, text)


@pytest.mark.parametrize("text", [
    "The cat and the dog sat by the door.",  # stop words as written
    "THE CAT AND THE DOG SAT BY THE DOOR.",  # only after lower-casing
    "The Cat sat.",  # one stop word: fails
])
def test_stop_word_shortcut_decides_as_the_full_count(text: str) -> None:
    """Without measurements a filter may settle the rule from words that are stop words as written; the
    verdict is the one the counted rule gives."""
    rules = GopherQualityConfig(min_doc_words=None, min_avg_word_length=None, min_alpha_words_ratio=None)
    f = GopherQualityFilter(rules, stop_words=["the", "and", "by"])
    fast = f.check(TextStats(text, "eng_Latn"), None)
    measured: dict[str, float] = {}
    counted = f.check(TextStats(text, "eng_Latn"), measured)
    assert fast == counted
    assert (counted is None) == (measured["gopher_quality_stop_words"] >= 2)
