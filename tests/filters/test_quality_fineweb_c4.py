"""FineWeb and C4 rules, the line cleaners and the URL blocklist, over hand-written documents in seven
scripts."""

from __future__ import annotations

import pytest
from quality_samples import GOOD, LANGS

from babelbeam.filters.base import DocumentFilter
from babelbeam.filters.c4 import C4LineCleaner, C4QualityFilter
from babelbeam.filters.fineweb import FineWebQualityFilter
from babelbeam.filters.lines import BoilerplateLineCleaner, UrlBlocklist
from babelbeam.filters.quality import QualityChain
from babelbeam.filters.segment import words
from babelbeam.filters.textstats import TextStats
from babelbeam.schemas import Document
from babelbeam.schemas.quality_config import C4Config, FineWebConfig, LinesConfig, QualityConfig

PUNCTUATED = [lang for lang in LANGS if lang != "tha_Thai"]


def fineweb(lang: str) -> FineWebQualityFilter:
    filters = QualityChain(QualityConfig()).for_language(lang).filters
    return next(f for f in filters if isinstance(f, FineWebQualityFilter))


def has_c4(lang: str) -> bool:
    filters = QualityChain(QualityConfig()).for_language(lang).filters
    return any(isinstance(f, C4QualityFilter) for f in filters)


def verdict(f: DocumentFilter, text: str, lang: str) -> str | None:
    return f.check(TextStats(text, lang), None)


C4 = C4QualityFilter(C4Config())
LINES = BoilerplateLineCleaner(LinesConfig())


def strip_final_punct(text: str) -> str:
    return "\n".join(line.rstrip(".。।!?") for line in text.split("\n"))


# --- FineWeb ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_fineweb_good_document_passes(lang: str) -> None:
    assert verdict(fineweb(lang), GOOD[lang], lang) is None


@pytest.mark.parametrize("lang", PUNCTUATED)
def test_fineweb_too_few_punct_lines(lang: str) -> None:
    text = strip_final_punct(GOOD[lang])
    assert verdict(fineweb(lang), text, lang) == "fineweb_too_few_punct_lines"


def test_thai_has_no_punctuation_rule() -> None:
    # Thai ends sentences with a space; the per-language settings turn the rule off
    assert fineweb("tha_Thai").config.min_line_punct_ratio is None
    everywhere = FineWebQualityFilter(FineWebConfig())
    assert verdict(everywhere, GOOD["tha_Thai"], "tha_Thai") == "fineweb_too_few_punct_lines"


@pytest.mark.parametrize("lang", LANGS)
def test_fineweb_short_lines(lang: str) -> None:
    text = "\n".join(f"{w}." for w in words(GOOD[lang], lang)[:40])
    assert verdict(fineweb(lang), text, lang) == "fineweb_short_lines"


@pytest.mark.parametrize("lang", LANGS)
def test_fineweb_dup_line_chars(lang: str) -> None:
    lines = GOOD[lang].split("\n")
    text = "\n".join(lines + [lines[0]])
    assert verdict(fineweb(lang), text, lang) == "fineweb_dup_line_chars"


@pytest.mark.parametrize("lang", LANGS)
def test_fineweb_too_many_newlines(lang: str) -> None:
    text = ("\n" * 60).join(GOOD[lang].split("\n"))
    assert verdict(fineweb(lang), text, lang) == "fineweb_too_many_newlines"


def test_fineweb_empty_and_zero_words_do_not_divide_by_zero() -> None:
    assert verdict(FineWebQualityFilter(FineWebConfig()), "\n \n", "eng_Latn") == "fineweb_empty"
    lenient = FineWebQualityFilter(FineWebConfig(min_line_punct_ratio=None, max_short_line_ratio=None))
    got = verdict(lenient, "!!!\n???", "eng_Latn")
    assert got == "fineweb_too_many_newlines"


# --- C4 -----------------------------------------------------------------------------------------------


def test_c4_good_english_passes_and_is_english_only_by_default() -> None:
    assert has_c4("eng_Latn")
    assert verdict(C4, GOOD["eng_Latn"], "eng_Latn") is None
    for lang in LANGS:
        if lang != "eng_Latn":
            assert not has_c4(lang), lang


@pytest.mark.parametrize("lang", PUNCTUATED)
def test_c4_good_documents_pass_when_enabled(lang: str) -> None:
    assert verdict(C4, GOOD[lang], lang) is None


def test_c4_lorem_ipsum() -> None:
    text = GOOD["eng_Latn"] + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit."
    assert verdict(C4, text, "eng_Latn") == "c4_lorem_ipsum"


@pytest.mark.parametrize("lang", PUNCTUATED)
def test_c4_curly_bracket(lang: str) -> None:
    text = GOOD[lang] + "\nThe default setting is {debug: true} for every user."
    assert verdict(C4, text, lang) == "c4_curly_bracket"


@pytest.mark.parametrize("lang", PUNCTUATED)
def test_c4_too_few_sentences(lang: str) -> None:
    assert verdict(C4, strip_final_punct(GOOD[lang]), lang) == "c4_too_few_sentences"


def test_c4_curly_bracket_in_a_dropped_line_does_not_remove() -> None:
    # as in C4, the document rules only look at lines that survived the line rules
    text = GOOD["eng_Latn"] + "\nfunction f() { return 1 }"
    assert verdict(C4, text, "eng_Latn") is None


def test_c4_drops_javascript_and_policy_lines_from_kept_text() -> None:
    text = (GOOD["eng_Latn"] + "\nPlease enable JavaScript to view the comments."
            "\nRead our privacy policy for details.")
    stats = TextStats(text, "eng_Latn")
    assert C4.check(stats, None) is None
    assert C4LineCleaner(C4.config).clean(stats, None).text == GOOD["eng_Latn"]


# --- line cleaner and URL blocklist --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_line_cleaner_removes_boilerplate_keeps_document(lang: str) -> None:
    text = ("Skip to main content\n" + GOOD[lang] + "\nThis site uses cookies. Accept all cookies\n"
            + "x" * 1200)
    assert LINES.clean_text(text).text == GOOD[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_line_cleaner_leaves_good_documents_alone(lang: str) -> None:
    assert LINES.clean_text(GOOD[lang]).text is GOOD[lang]


def test_line_cleaner_keeps_prose_mentioning_a_phrase() -> None:
    prose = (
        "The committee spent three long evenings discussing whether the new privacy policy of the library "
        "should allow volunteers to see the borrowing history of members, and in the end it decided that it "
        "should not, because trust matters more than convenience."
    )
    assert LINES.clean_text(prose).text == prose


def test_line_cleaner_removes_document_only_when_nothing_is_left() -> None:
    text = "Privacy Policy\nTerms of Use\nAll rights reserved."
    assert LINES.clean_text(text).text == ""
    out = QualityChain(QualityConfig()).apply(Document(id="d", text=text, lang="eng_Latn"))
    assert out.removed_reason == "lines_all_removed"
    assert out.text == text


def test_url_blocklist(tmp_path) -> None:
    path = tmp_path / "blocked.txt"
    path.write_text("# spam domains\nspam.example\nwww.BadSite.org  # trailing comment\n\n", encoding="utf-8")
    block = UrlBlocklist.from_file(path)
    assert block.check(TextStats("x", "eng_Latn", url="https://spam.example/page"), None) == "url_blocklisted"
    news = TextStats("x", "eng_Latn", url="http://news.spam.example:8080/a?b")
    assert block.check(news, None) == "url_blocklisted"
    assert block.check(TextStats("x", "eng_Latn", url="https://www.badsite.org/"), None) == "url_blocklisted"
    assert block.check(TextStats("x", "eng_Latn", url="https://notspam.example/"), None) is None
    assert block.check(TextStats("x", "eng_Latn", url="https://example/"), None) is None
    assert block.check(TextStats("x", "eng_Latn", url=None), None) is None
