"""Gopher quality and repetition rules: good documents in seven scripts pass, each bad kind fails for its
reason."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quality_samples import GOOD, LANGS, bulleted, ellipsis_lines, first_sentence, repeated_paragraphs

from babelbeam.filters.base import DocumentFilter
from babelbeam.filters.gopher import GopherQualityFilter, GopherRepetitionFilter
from babelbeam.filters.quality import QualityChain
from babelbeam.filters.segment import WordIndex, words
from babelbeam.filters.stopwords import resolve_stop_words
from babelbeam.filters.textstats import NgramTable, TextStats
from babelbeam.schemas.quality_config import GopherQualityConfig, QualityConfig

CHAIN = QualityChain(QualityConfig())


def quality(lang: str) -> GopherQualityFilter:
    return next(f for f in CHAIN.for_language(lang).filters if isinstance(f, GopherQualityFilter))


def repetition(lang: str) -> GopherRepetitionFilter:
    return next(f for f in CHAIN.for_language(lang).filters if isinstance(f, GopherRepetitionFilter))


def stats(text: str, lang: str) -> TextStats:
    return TextStats(text, lang)


def verdict(f: DocumentFilter, text: str, lang: str) -> str | None:
    return f.check(TextStats(text, lang), None)


@pytest.mark.parametrize("lang", LANGS)
def test_good_document_passes(lang: str) -> None:
    assert verdict(quality(lang), GOOD[lang], lang) is None
    assert verdict(repetition(lang), GOOD[lang], lang) is None


# --- Gopher quality: one test per reason -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_too_few_words(lang: str) -> None:
    assert verdict(quality(lang), first_sentence(lang), lang) == "gopher_quality_too_few_words"


@pytest.mark.parametrize("lang", ["eng_Latn", "zho_Hans"])
def test_too_many_words(lang: str) -> None:
    text = "\n".join([GOOD[lang]] * 700)  # more than 100,000 words
    assert verdict(quality(lang), text, lang) == "gopher_quality_too_many_words"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("eng_Latn", " ".join(["I am on it, so go to it and do as he is by me."] * 8)),
        ("rus_Cyrl", " ".join(["Я и он в том же, но не у них, а с ней и по ним."] * 8)),
    ],
)
def test_mean_word_too_short(lang: str, text: str) -> None:
    assert verdict(quality(lang), text, lang) == "gopher_quality_mean_word_too_short"


@pytest.mark.parametrize(
    ("lang", "word"),
    [("eng_Latn", "internationalisation"), ("jpn_Jpan", "コンピュータープログラミング")],
)
def test_mean_word_too_long(lang: str, word: str) -> None:
    text = " ".join(f"{word}{chr(0x30A2 + i % 20) if lang == 'jpn_Jpan' else i}" for i in range(80)) + "。"
    assert verdict(quality(lang), text, lang) == "gopher_quality_mean_word_too_long"


@pytest.mark.parametrize("lang", LANGS)
def test_too_many_hashes(lang: str) -> None:
    n = len(words(GOOD[lang], lang))
    text = GOOD[lang] + "\n" + " ".join(["#"] * (n // 5))
    assert verdict(quality(lang), text, lang) == "gopher_quality_too_many_hashes"


@pytest.mark.parametrize("lang", LANGS)
def test_too_many_ellipses(lang: str) -> None:
    n = len(words(GOOD[lang], lang))
    text = GOOD[lang] + "\n" + "… " * (n // 5)
    assert verdict(quality(lang), text, lang) == "gopher_quality_too_many_ellipses"


@pytest.mark.parametrize("lang", LANGS)
def test_too_many_bullet_lines(lang: str) -> None:
    assert verdict(quality(lang), bulleted(lang), lang) == "gopher_quality_too_many_bullet_lines"


@pytest.mark.parametrize("lang", LANGS)
def test_too_many_ellipsis_lines(lang: str) -> None:
    assert verdict(quality(lang), ellipsis_lines(lang), lang) == "gopher_quality_too_many_ellipsis_lines"


@pytest.mark.parametrize("lang", LANGS)
def test_too_few_alpha_words(lang: str) -> None:
    n = len(words(GOOD[lang], lang))
    text = GOOD[lang] + "\n" + " ".join(str(1000 + i) for i in range(n // 3))
    assert verdict(quality(lang), text, lang) == "gopher_quality_too_few_alpha_words"


@pytest.mark.parametrize("lang", ["eng_Latn", "fra_Latn", "rus_Cyrl", "arb_Arab", "hin_Deva"])
def test_too_few_stop_words(lang: str) -> None:
    configured = QualityConfig().settings_for(lang).gopher_quality.stop_words
    stops, _ = resolve_stop_words(lang, configured=configured)
    assert stops
    kept = [w for w in words(GOOD[lang], lang) if w.lower() not in stops]
    assert verdict(quality(lang), " ".join(kept) + ".", lang) == "gopher_quality_too_few_stop_words"


def test_stop_word_rule_is_case_insensitive() -> None:
    f = GopherQualityFilter(GopherQualityConfig(min_doc_words=None, min_avg_word_length=None), ["the", "and"])
    assert verdict(f, "The cat AND the dog.", "eng_Latn") is None


def test_language_without_stop_words_skips_the_rule() -> None:
    # Cebuano has no stopwordsiso list and no corpus list here: never judged by English words
    f = quality("ceb_Latn")
    assert f.stop_words is None
    text = " ".join(f"pulong{i} balay{i} dagat{i}." for i in range(30))
    assert verdict(f, text, "ceb_Latn") is None


def test_measurements_are_recorded_when_asked() -> None:
    f = GopherQualityFilter(GopherQualityConfig(), stop_words=["the"])
    record: dict[str, float] = {}
    # only one stop word configured, two needed
    assert f.check(stats(GOOD["eng_Latn"], "eng_Latn"), record) == "gopher_quality_too_few_stop_words"
    assert record["gopher_quality_words"] == len(words(GOOD["eng_Latn"], "eng_Latn"))
    assert record["gopher_quality_stop_words"] == 1.0


def test_none_turns_a_rule_off() -> None:
    f = GopherQualityFilter(GopherQualityConfig(min_doc_words=None), stop_words=None)
    assert verdict(f, first_sentence("eng_Latn"), "eng_Latn") is None


def test_empty_document() -> None:
    assert verdict(quality("eng_Latn"), "", "eng_Latn") == "gopher_quality_too_few_words"
    assert verdict(GopherQualityFilter(GopherQualityConfig(min_doc_words=None)), "", "eng_Latn") is None


# --- Gopher repetition: one test per reason -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_dup_para_frac(lang: str) -> None:
    assert verdict(repetition(lang), repeated_paragraphs(lang), lang) == "gopher_repetition_dup_para_frac"


def test_dup_para_char_frac() -> None:
    para = GOOD["eng_Latn"].split("\n")[0]
    parts = [para] + [f"Note {i}." for i in range(7)] + [para, para]  # 2 of 10 repeat: 0.2, but long
    got = verdict(repetition("eng_Latn"), "\n\n".join(parts), "eng_Latn")
    assert got == "gopher_repetition_dup_para_char_frac"


@pytest.mark.parametrize("lang", LANGS)
def test_dup_line_frac(lang: str) -> None:
    text = GOOD[lang] + "\nOK\nOK\nOK\nOK"
    assert verdict(repetition(lang), text, lang) == "gopher_repetition_dup_line_frac"


@pytest.mark.parametrize("lang", LANGS)
def test_dup_line_char_frac(lang: str) -> None:
    lines = GOOD[lang].split("\n")
    longest = max(lines, key=len)
    text = "\n".join(lines + [longest, longest] + [f"{i}" for i in range(6)])
    assert verdict(repetition(lang), text, lang) == "gopher_repetition_dup_line_char_frac"


def _unique_words(n: int) -> list[str]:
    return [f"w{i:04d}" for i in range(n)]  # 5 characters each


@pytest.mark.parametrize("n", [2, 3, 4])
def test_top_ngram(n: int) -> None:
    # ties on count go to the first n-gram; a long n-th word makes the n-gram heavy, shorter ones stay light
    lines = [" ".join(["x", "y", "z"][: n - 1] + ["supercalifragilistic", f"{i:03d}."]) for i in range(60)]
    assert verdict(repetition("eng_Latn"), "\n".join(lines), "eng_Latn") == f"gopher_repetition_top_{n}gram"


@pytest.mark.parametrize(("n", "share"),
                         [(5, 0.16), (6, 0.145), (7, 0.135), (8, 0.125), (9, 0.115), (10, 0.105)])
def test_dup_ngram(n: int, share: float) -> None:
    total_words = 1000
    # one span of k words occurs twice; its second copy covers k*5 of the text's ~total_words*6 characters
    k = round(share * total_words * 6 / 5)
    base = _unique_words(total_words - k)
    text_words = base[:100] + base[100 : 100 + k] + base[100 + k :] + base[100 : 100 + k]
    text = " ".join(text_words)
    assert verdict(repetition("eng_Latn"), text, "eng_Latn") == f"gopher_repetition_dup_{n}gram"


def test_repetition_empty() -> None:
    assert verdict(repetition("eng_Latn"), " \n", "eng_Latn") == "gopher_repetition_empty"


# --- n-gram statistics against a plain reference ------------------------------------------------------


def _reference_top(words_: list[str], n: int) -> int:
    grams = [tuple(words_[i : i + n]) for i in range(len(words_) - n + 1)]
    if not grams:
        return 0
    counts: dict[tuple[str, ...], int] = {}
    for g in grams:
        counts[g] = counts.get(g, 0) + 1
    best = max(counts.values())
    if best < 2:
        return 0
    first = next(g for g in grams if counts[g] == best)
    return best * sum(map(len, first))


def _reference_dup(words_: list[str], n: int) -> int:
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(words_)
    for i in range(len(words_) - n + 1):
        g = tuple(words_[i : i + n])
        if g in seen:
            for j in range(i, i + n):
                covered[j] = True
        seen.add(g)
    return sum(len(w) for w, c in zip(words_, covered, strict=True) if c)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "ccc", "dd", "e"]), max_size=40), st.integers(2, 10))
def test_ngram_table_matches_reference(words_: list[str], n: int) -> None:
    table = NgramTable(WordIndex.from_words([words_]))
    assert table.top_ngram_chars(n) == _reference_top(words_, n)
    assert table.duplicated_ngram_chars(n) == _reference_dup(words_, n)


def test_ngram_table_early_exit_is_exact() -> None:
    rng = random.Random(0)
    ws = [rng.choice("abcdefghij") for _ in range(300)]
    table = NgramTable(WordIndex.from_words([ws]))
    got = [table.duplicated_ngram_chars(n) for n in range(5, 11)]
    assert got == [_reference_dup(ws, n) for n in range(5, 11)]
