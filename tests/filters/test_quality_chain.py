"""The quality chain and its config: per-language settings, stop-word sources, label-only mode,
measurements."""

from __future__ import annotations

import pytest
from quality_samples import GOOD, LANGS, repeated_paragraphs

from babelbeam.filters.quality import LABEL_KEY, QualityChain
from babelbeam.filters.stopwords import resolve_stop_words, stopwordsiso_code
from babelbeam.filters.textstats import TextStats
from babelbeam.schemas import Document
from babelbeam.schemas.config import ConfigError, from_dict
from babelbeam.schemas.languages import language_codes
from babelbeam.schemas.quality_config import QualityConfig


def doc(text: str, lang: str) -> Document:
    return Document(id="d", text=text, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_chain_keeps_good_documents_unchanged(lang: str) -> None:
    out = QualityChain.from_config(QualityConfig()).apply(doc(GOOD[lang], lang))
    assert out.removed_reason is None
    assert out.text == GOOD[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_chain_removes_with_first_reason(lang: str) -> None:
    out = QualityChain.from_config(QualityConfig()).apply(doc(repeated_paragraphs(lang), lang))
    assert out.removed_reason == "gopher_repetition_dup_para_frac"
    assert out.text == repeated_paragraphs(lang)  # the removed log keeps the text


def test_chain_cleans_boilerplate_and_c4_lines() -> None:
    text = ("Skip to main content\n" + GOOD["eng_Latn"]
            + "\nPlease enable JavaScript to comment on this story today.")
    out = QualityChain.from_config(QualityConfig()).apply(doc(text, "eng_Latn"))
    assert out.removed_reason is None
    assert out.text == GOOD["eng_Latn"]


def test_empty_text() -> None:
    out = QualityChain.from_config(QualityConfig()).apply(doc("  \n ", "eng_Latn"))
    assert out.removed_reason == "quality_empty"


def test_label_only_keeps_and_annotates() -> None:
    chain = QualityChain.from_config(QualityConfig(label_only=True))
    out = chain.apply(doc(repeated_paragraphs("rus_Cyrl"), "rus_Cyrl"))
    assert out.removed_reason is None
    assert out.metadata[LABEL_KEY] == "gopher_repetition_dup_para_frac"
    assert out.measurements["quality_flagged"] == 1.0
    assert LABEL_KEY not in chain.apply(doc(GOOD["rus_Cyrl"], "rus_Cyrl")).metadata


def test_keep_measurements_records_every_filter_without_touching_input() -> None:
    d = doc(GOOD["jpn_Jpan"], "jpn_Jpan")
    out = QualityChain.from_config(QualityConfig(keep_measurements=True)).apply(d)
    assert d.measurements == {}
    assert out.measurements["gopher_quality_words"] > 50
    assert "gopher_repetition_dup_5gram_frac" in out.measurements
    assert "fineweb_punct_lines_ratio" in out.measurements


def test_measuring_does_not_change_the_decision() -> None:
    for lang in LANGS:
        for text in (GOOD[lang], repeated_paragraphs(lang), GOOD[lang].replace("\n", "\n\n\n\n\n\n\n\n")):
            plain = QualityChain.from_config(QualityConfig()).apply(doc(text, lang))
            measured = QualityChain.from_config(QualityConfig(keep_measurements=True)).apply(doc(text, lang))
            assert plain.removed_reason == measured.removed_reason, (lang, text[:30])


def test_url_blocklist_in_chain(tmp_path) -> None:
    path = tmp_path / "block.txt"
    path.write_text("spam.example\n", encoding="utf-8")
    chain = QualityChain.from_config(QualityConfig(url_blocklist=str(path)))
    d = Document(id="d", text=GOOD["eng_Latn"], lang="eng_Latn", url="https://a.spam.example/x")
    assert chain.apply(d).removed_reason == "url_blocklisted"


# --- config --------------------------------------------------------------------------------------------


def test_config_from_yaml_dict_with_overrides() -> None:
    cfg = from_dict(
        QualityConfig,
        {
            "gopher_quality": {"min_doc_words": 20},
            "languages": {"rus_Cyrl": {"fineweb": {"min_line_punct_ratio": None}},
                          "jpn_Jpan": {"c4": {"enabled": True}}},
        },
        prefix="quality.",
    )
    assert cfg.settings_for("eng_Latn").gopher_quality.min_doc_words == 20
    assert cfg.settings_for("rus_Cyrl").fineweb.min_line_punct_ratio is None
    assert cfg.settings_for("eng_Latn").fineweb.min_line_punct_ratio == 0.12
    # built-in settings for scripts without spaces still apply under user overrides
    assert cfg.settings_for("jpn_Jpan").gopher_quality.min_avg_word_length == 1
    assert cfg.settings_for("jpn_Jpan").c4.enabled
    assert not cfg.settings_for("zho_Hans").c4.enabled
    chain = QualityChain.from_config(cfg)
    text = GOOD["rus_Cyrl"].replace(".", "")
    assert chain.apply(doc(text, "rus_Cyrl")).removed_reason is None
    japanese = GOOD["jpn_Jpan"] + "\n設定は {debug: true} です。"
    assert chain.apply(doc(japanese, "jpn_Jpan")).removed_reason == "c4_curly_bracket"


def test_c4_for_all_languages() -> None:
    cfg = QualityConfig()
    cfg.c4.languages = None
    assert cfg.settings_for("hin_Deva").c4.enabled


@pytest.mark.parametrize(
    ("languages", "key"),
    [
        ({"xxx_Latn": {}}, "quality.languages.xxx_Latn"),
        ({"rus_Cyrl": {"finewebb": {}}}, "quality.languages.rus_Cyrl.finewebb"),
        ({"rus_Cyrl": {"fineweb": {"min_line_punct": 0.1}}},
         "quality.languages.rus_Cyrl.fineweb.min_line_punct"),
        ({"rus_Cyrl": {"fineweb": {"short_line_length": "long"}}},
         "quality.languages.rus_Cyrl.fineweb.short_line_length"),
    ],
)
def test_config_errors_name_the_key(languages: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        QualityConfig(languages=languages)


def test_builtin_overrides_can_be_turned_off() -> None:
    plain = QualityConfig(builtin_language_overrides=False).settings_for("zho_Hans")
    assert plain.gopher_quality.min_avg_word_length == 3


# --- stop words for all 119 ----------------------------------------------------------------------------


def test_every_registry_language_builds_and_never_gets_english_stop_words() -> None:
    english = resolve_stop_words("eng_Latn", configured=None)[0]
    sources = {}
    chain = QualityChain(QualityConfig())
    for lang in language_codes():
        sources[lang] = chain.stopword_source(lang)
        if lang != "eng_Latn":
            words, _ = resolve_stop_words(lang)
            assert words != english, lang
    assert sources["eng_Latn"] == "config"
    assert sources["fra_Latn"] == sources["tha_Thai"] == sources["zho_Hant"] == "stopwordsiso"
    assert sources["yue_Hant"] == sources["ceb_Latn"] == "none"
    assert stopwordsiso_code("nno_Latn") == "no" and stopwordsiso_code("ary_Arab") == "ar"
    assert sum(s == "stopwordsiso" for s in sources.values()) == 59


def test_corpus_stop_words_fill_the_gap(tmp_path) -> None:
    (tmp_path / "ceb_Latn.txt").write_text("ang\nsa\nug\nnga\n", encoding="utf-8")
    cfg = QualityConfig(stopwords_dir=str(tmp_path))
    chain = QualityChain.from_config(cfg)
    assert chain.stopword_source("ceb_Latn") == "corpus"
    no_stops = " ".join(f"pulong{i} balay{i} dagat{i}." for i in range(30))
    assert chain.apply(doc(no_stops, "ceb_Latn")).removed_reason == "gopher_quality_too_few_stop_words"
    cebuano = "Ang balay sa akong lola dako ug nindot nga tan-awon. " * 1
    text = "\n".join(f"{cebuano}Adunay {i} ka kahoy nga mangga sa luyo sa balay ug usa ka atabay."
                     for i in range(8))
    gopher_quality = chain.for_language("ceb_Latn").filters[1]
    assert gopher_quality.name == "gopher_quality"
    assert gopher_quality.check(TextStats(text, "ceb_Latn"), None) is None


@pytest.mark.parametrize("measure", [False, True])
def test_batch_decides_as_one_at_a_time(measure: bool) -> None:
    """``apply_batch`` (the n-gram statistics of the batch computed together) gives each document exactly
    what ``apply`` gives it, measurements included."""
    config = QualityConfig(keep_measurements=measure)
    docs = [Document(id=lang, text=text, lang=lang) for lang, text in sorted(GOOD.items())]
    docs += [Document(id=f"rep-{lang}", text=repeated_paragraphs(lang), lang=lang) for lang in sorted(GOOD)]
    docs += [Document(id="empty", text=" \n ", lang="eng_Latn"),
             Document(id="one", text="Word.", lang="eng_Latn")]
    want = [QualityChain.from_config(config).apply(d) for d in docs]
    assert QualityChain.from_config(config).apply_batch(docs) == want
    assert {d.removed_reason for d in want} >= {None, "gopher_repetition_dup_para_frac"}
