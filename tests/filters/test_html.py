"""HTML to main text: charsets from the header, the meta tag or detection; main-text engines; bad bodies."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from warc_builder import page  # noqa: E402  (helpers live at the top of tests/)
from web_pages import ARTICLES  # noqa: E402

from babelbeam.filters.html import (  # noqa: E402
    NO_MAIN_TEXT,
    UNDECODABLE,
    HtmlDecodeError,
    MainTextExtractor,
    charset_from_content_type,
    charset_from_meta,
    decode_html,
    html_to_text,
    python_codec,
)
from babelbeam.schemas.config import ConfigError, RunConfig  # noqa: E402
from babelbeam.schemas.web_config import ENGINES, WebConfig  # noqa: E402


def _body(article, declared: str) -> tuple[bytes, str | None]:
    head = f'<meta charset="{article.label}">' if declared == "meta" else ""
    html = page("Library", list(article.paragraphs), lang=article.lang, head=head)
    return html.encode(article.charset), (article.label if declared == "http" else None)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"{a.name}-{a.charset}")
@pytest.mark.parametrize("declared", ["http", "meta", "none"])
def test_every_charset_decodes_from_header_meta_or_detection(article, declared) -> None:
    body, http_charset = _body(article, declared)
    decoded = decode_html(body, http_charset)
    assert article.paragraphs[1] in decoded.text
    if article.charset != "utf-8":  # (the English page is ASCII: any source decodes it)
        assert decoded.source == {"none": "detected"}.get(declared, declared)


def test_header_beats_meta_and_meta_beats_detection() -> None:
    rus = next(a for a in ARTICLES if a.name == "rus")
    html = page("x", list(rus.paragraphs), head='<meta charset="koi8-r">').encode("cp1251")
    assert decode_html(html, "windows-1251").source == "http"
    assert decode_html(html, None).source == "meta"  # a wrong meta still wins over detection: it was declared
    assert rus.paragraphs[0] not in decode_html(html, None).text


def test_valid_utf8_beats_a_wrong_single_byte_declaration() -> None:
    ces = next(a for a in ARTICLES if a.name == "ces")
    body = page("x", list(ces.paragraphs)).encode("utf-8")
    decoded = decode_html(body, "iso-8859-1")
    assert decoded.encoding == "utf-8" and ces.paragraphs[0] in decoded.text


def test_labels_decode_as_browsers_do() -> None:
    # Shift_JIS pages use Windows-31J characters (NEC circled numbers); GB2312 pages use GBK ones.
    assert "①" in decode_html("<p>番号①です</p>".encode("cp932"), "Shift_JIS").text
    assert "镕" in decode_html("<p>朱镕基</p>".encode("gbk"), "gb2312").text
    assert python_codec("ISO-8859-1") == "cp1252" and python_codec("EUC-KR") == "cp949"
    assert python_codec("Big5") == "big5hkscs" and python_codec("x-no-such-charset") is None
    assert charset_from_content_type('text/html; charset="Shift_JIS"') == "Shift_JIS"
    assert (
        charset_from_meta(b'<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">') == "euc-kr"
    )
    assert charset_from_meta(b" " * 2000 + b'<meta charset="big5">') is None  # past the 1,024-byte pre-scan


def test_binary_body_is_undecodable() -> None:
    junk = bytes(range(256)) * 40
    with pytest.raises(HtmlDecodeError):
        decode_html(junk, "utf-8")
    result = html_to_text(junk, MainTextExtractor("resiliparse"), "utf-8")
    assert result.error == UNDECODABLE and not result.text


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_keep_the_article_and_drop_the_boilerplate(engine) -> None:
    eng = next(a for a in ARTICLES if a.name == "eng")
    result = html_to_text(page("Flood", list(eng.paragraphs)).encode(), MainTextExtractor(engine), "utf-8")
    assert result.error is None and result.skipped is None
    for paragraph in eng.paragraphs:
        assert paragraph in result.text
    assert "\n" in result.text.strip()  # paragraphs stay on their own lines
    for boilerplate in ("Accept all cookies", "Copyright 2024", "first!!!", "Privacy policy"):
        assert boilerplate not in result.text, boilerplate


@pytest.mark.parametrize("engine", ENGINES)
def test_page_without_main_text_is_skipped(engine) -> None:
    result = html_to_text(
        b"<html><head><title>x</title></head><body></body></html>", MainTextExtractor(engine)
    )
    assert result.skipped == NO_MAIN_TEXT and result.error is None


def test_engine_choice_fails_clearly(monkeypatch) -> None:
    with pytest.raises(ConfigError, match="input.web.engine: must be one of"):
        WebConfig(engine="magic").validate()
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "warcio" else real(name, *a)
    )
    with pytest.raises(ConfigError, match="input.web.warc_reader: 'warcio' needs the 'warcio' package"):
        WebConfig(warc_reader="warcio").validate()
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "trafilatura" else real(name, *a)
    )
    with pytest.raises(ConfigError, match="pip install trafilatura"):
        WebConfig(engine="trafilatura").validate()


def test_yaml_config_names_the_web_key(tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("input:\n  html_field: html\n  web: {engine: resiliparse, max_invalid_ratio: 2}\n")
    with pytest.raises(ConfigError, match="input.web.max_invalid_ratio"):
        RunConfig.from_yaml(path)
    path.write_text("input:\n  html_field: html\n  web: {engine: resiliparse}\n")
    config = RunConfig.from_yaml(path)
    assert config.input.html_field == "html" and config.input.web.engine == "resiliparse"
