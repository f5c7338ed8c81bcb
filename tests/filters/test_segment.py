"""ICU word and sentence segmentation across scripts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from babelbeam.filters import segment
from babelbeam.filters.segment import icu_locale, is_unspaced, sentences, words
from babelbeam.schemas.languages import language_codes


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("eng_Latn", "Hello, world! It's a don't-care e-mail at 3.5 U.S.A. ...",
         ["Hello", "world", "It's", "a", "don't", "care", "e", "mail", "at", "3.5", "U.S.A"]),
        ("rus_Cyrl", "Привет, мир! Это — тест.", ["Привет", "мир", "Это", "тест"]),
        ("arb_Arab", "مرحبا بالعالم، هذا اختبار.", ["مرحبا", "بالعالم", "هذا", "اختبار"]),
        ("hin_Deva", "नमस्ते दुनिया। यह परीक्षण है।", ["नमस्ते", "दुनिया", "यह", "परीक्षण", "है"]),
        ("tha_Thai", "ภาษาไทยง่ายนิดเดียว", ["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"]),
        ("zho_Hans", "我们今天去市场。", ["我们", "今天", "去", "市场"]),
        ("jpn_Jpan", "日本語のテキストです。", ["日本語", "の", "テキスト", "です"]),
    ],
)
def test_words_per_script(lang: str, text: str, expected: list[str]) -> None:
    assert words(text, lang) == expected


def test_words_skip_spaces_and_punctuation() -> None:
    got = words("  ... !!! -- «» 、。 \n\t ", "eng_Latn")
    assert got == []


def test_words_correct_offsets_after_astral_characters() -> None:
    # emoji and CJK extension B are two UTF-16 units each: later words must not shift
    got = words("Hi 😀 there 𠀀 friend", "eng_Latn")
    assert got[0] == "Hi" and got[-1] == "friend" and "there" in got
    assert sentences("One 😀. Two 𠀀 here. Three.", "eng_Latn") == ["One 😀.", "Two 𠀀 here.", "Three."]


def test_sentences_keep_abbreviations() -> None:
    assert sentences("Mr. Smith went to Washington. He said hi! Then left", "eng_Latn") == [
        "Mr. Smith went to Washington.", "He said hi!", "Then left",
    ]
    assert sentences("今日は晴れです。明日は雨です。", "jpn_Jpan") == ["今日は晴れです。", "明日は雨です。"]


def test_icu_locale_from_registry_code() -> None:
    assert icu_locale("tha_Thai") == "th"
    assert icu_locale("jpn_Jpan") == "ja"
    assert icu_locale("zho_Hans") == "zh_Hans"
    assert icu_locale("zho_Hant") == "zh_Hant"
    assert icu_locale("ceb_Latn") == "ceb"
    assert icu_locale("und") == ""
    assert is_unspaced("tha_Thai") and is_unspaced("yue_Hant") and not is_unspaced("kor_Hang")


def test_every_registry_language_segments() -> None:
    for lang in language_codes():
        assert words("abc 123 def", lang) == ["abc", "123", "def"], lang


def test_iterators_are_cached_per_locale() -> None:
    words("a b", "tha_Thai")
    first = segment._iterator("word", "th")
    words("c d", "tha_Thai")
    assert segment._iterator("word", "th") is first
    assert segment._iterator("word", "ja") is not first


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab Zé٣\u0301\u200d\u00ad\r\n\t.'-😀中文ไทย한ка", max_size=80),
       st.sampled_from(["eng_Latn", "tha_Thai", "zho_Hans", "jpn_Jpan", "kor_Hang", "und"]),
       st.integers(1, 30))
def test_a_text_segmented_in_newline_pieces_gives_the_same_words(text: str, lang: str, size: int) -> None:
    """``words`` and ``word_index`` segment a long text in pieces cut after a newline: every piece size gives
    the words of the whole text segmented at once."""
    whole = segment._segment_words(text, lang)  # noqa: SLF001
    pieces = list(segment.newline_pieces(text, size))
    assert "".join(pieces) == text
    assert all(p.endswith("\n") for p in pieces[:-1])
    assert [w for p in pieces for w in segment._segment_words(p, lang)] == whole  # noqa: SLF001
    index = segment.WordIndex.from_words(segment._segment_words(p, lang) for p in pieces)  # noqa: SLF001
    vocabulary = list(index.vocabulary)
    assert [vocabulary[i] for i in index.vocabulary_ids()] == whole
    assert index.lengths.tolist() == [len(w) for w in whole]


def test_recent_word_indexes_are_bounded_by_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """``word_index`` remembers recent texts up to ``RECENT_CHARS`` characters: a batch's worth comes back as
    the same objects, older ones are segmented again, and texts without words count too (a stream of them
    must not grow the memory without bound)."""
    monkeypatch.setattr(segment, "RECENT_CHARS", 100)
    monkeypatch.setattr(segment._local, "recent", None, raising=False)  # noqa: SLF001  (start empty)
    texts = [f"word{i} and more words {i}" for i in range(4)]  # 22 characters each
    first = [segment.word_index(t, "eng_Latn") for t in texts]
    assert all(segment.word_index(t, "eng_Latn") is f for t, f in zip(texts, first, strict=True))
    segment.word_index("x" * 60, "eng_Latn")  # 148 characters: the oldest three go
    assert segment.word_index(texts[3], "eng_Latn") is first[3]
    assert segment.word_index(texts[0], "eng_Latn") is not first[0]
    for i in range(300):  # 300 different texts without a word
        assert not len(segment.word_index("!" * (1 + i % 30) + "?" * (i // 30), "eng_Latn"))
    recent = segment._local.recent  # noqa: SLF001
    assert recent.chars <= 100 and len(recent.indexes) <= 100
