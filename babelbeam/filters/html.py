"""HTML bytes to main text: the charset, the decoding, and main-content extraction (no Beam here).

``html_to_text(body, extractor, http_charset)`` is the one path every HTML input takes (WARC responses and
``input.html_field`` alike):

1. **Charset.** A byte-order mark wins; then a body that is valid UTF-8 and not pure ASCII is UTF-8
   (declarations are often wrong, and text in another charset is almost never valid UTF-8); then the HTTP
   ``Content-Type`` charset, then the HTML ``<meta>`` charset in the first 1,024 bytes, then detection
   (uchardet, through resiliparse). Labels map to the WHATWG decoders browsers use (``Shift_JIS`` is
   Windows-31J, ``EUC-KR`` is Windows-949, ``GB2312``/``GBK`` decode as GB18030, ``Big5`` as Big5-HKSCS,
   ``ISO-8859-1`` and ASCII as Windows-1252).
2. **Decoding.** A candidate is taken when at most ``max_invalid_ratio`` of the decoded characters are
   replacement characters or C0 controls; a body no candidate decodes is ``html_undecodable``.
3. **Extraction.** The main text without navigation, footers, cookie banners and comments, paragraphs on
   their own lines, by the configured engine (``ENGINES``). Deterministic: trafilatura's cross-document
   deduplication and time-outs are off, so a page's text never depends on the pages before it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from babelbeam.schemas.web_config import ENGINES, check_engine

__all__ = ["ENGINES", "MainTextExtractor", "html_to_text", "decode_html", "HtmlText", "DecodedHtml"]

UNDECODABLE = "html_undecodable"
"""Rejection kind of a body that no charset decodes into text."""
EXTRACTION_FAILED = "html_extraction_failed"
"""Rejection kind of a page the engine raised on (the engine's message is the detail)."""
NO_MAIN_TEXT = "no_main_text"
"""Skip reason of a page whose extracted main text is empty."""

META_SCAN_BYTES = 1024
"""How far into the body a ``<meta charset>`` counts (the HTML standard's pre-scan length)."""
DETECT_SAMPLE_BYTES = 64 * 1024

# WHATWG decoders for labels whose Python codec of the same name is a strict subset of what pages use. UTF-16
# and UTF-32 are not ASCII-compatible: the standard treats such a declaration in an ASCII-readable page as
# UTF-8 (a real UTF-16 page has a BOM).
_WHATWG_SUPERSETS = {
    "shift_jis": "cp932", "euc_kr": "cp949", "gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs",
    "iso8859-1": "cp1252", "latin_1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
    "iso8859-11": "cp874", "tis-620": "cp874",
    "utf-16-le": "utf-8", "utf-16-be": "utf-8", "utf-16": "utf-8", "utf-32": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", re.I)
_META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", re.I)
_INVALID = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def python_codec(label: str | None) -> str | None:
    """The Python codec that decodes what ``label`` means on the web, or None for an unknown label."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return _WHATWG_SUPERSETS.get(name, name)


def charset_from_content_type(value: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header value, as written (None when absent)."""
    match = _CHARSET_PARAM.search(value or "")
    return match.group(1) if match else None


def charset_from_meta(body: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``<meta http-equiv=Content-Type>`` tag declares near the start."""
    match = _META.search(body[:META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def detect_charset(body: bytes) -> str | None:
    """uchardet's guess from a sample of the body (resiliparse's binding), None if it has none."""
    from resiliparse.parse.encoding import detect_encoding

    guess = detect_encoding(body, max_len=DETECT_SAMPLE_BYTES, html5_compatible=False, from_html_meta=False)
    return guess or None


@dataclass(frozen=True)
class DecodedHtml:
    text: str
    """The page as text."""
    encoding: str
    """The Python codec that decoded it (``cp932`` for a page labelled Shift_JIS)."""
    source: str
    """Where the charset came from: ``bom``, ``utf8``, ``http``, ``meta`` or ``detected``."""


class HtmlDecodeError(ValueError):
    """No charset decodes the body into text; ``kind`` is the stable rejection kind."""

    kind = UNDECODABLE


def _invalid_ratio(text: str) -> float:
    return len(_INVALID.findall(text)) / len(text) if text else 0.0


def decode_html(body: bytes, http_charset: str | None = None, max_invalid_ratio: float = 0.01) -> DecodedHtml:
    """Decode an HTML body: BOM, valid UTF-8, HTTP charset, meta charset, detection, in that order.

    Raises HtmlDecodeError when every candidate leaves more than ``max_invalid_ratio`` of the characters
    invalid (replacement characters and C0 controls other than tab, newlines and form feed).
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(encoding, "replace")
            if _invalid_ratio(text) <= max_invalid_ratio:
                return DecodedHtml(text, encoding, "bom")
    if not body.isascii():
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if _invalid_ratio(text) <= max_invalid_ratio:
                return DecodedHtml(text, "utf-8", "utf8")
    tried: set[str] = set()
    candidates = (("http", lambda: http_charset), ("meta", lambda: charset_from_meta(body)),
                  ("detected", lambda: detect_charset(body)))
    for source, label in candidates:
        encoding = python_codec(label())
        if encoding is None or encoding in tried:
            continue
        tried.add(encoding)
        text = body.decode(encoding, "replace")
        if _invalid_ratio(text) <= max_invalid_ratio:
            return DecodedHtml(text, encoding, source)
    if body.isascii():
        text = body.decode("ascii")
        if _invalid_ratio(text) <= max_invalid_ratio:
            return DecodedHtml(text, "ascii", "utf8")
    raise HtmlDecodeError(
        f"no charset decodes the body (tried {', '.join(sorted(tried)) or 'none'}; "
        f"at most {max_invalid_ratio:.0%} invalid characters allowed)"
    )


_BLANK_RUNS = re.compile(r"[ \t]+\n")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """One layout for every engine: no trailing spaces, at most one blank line between paragraphs."""
    return _MANY_NEWLINES.sub("\n\n", _BLANK_RUNS.sub("\n", text)).strip()


class MainTextExtractor:
    """HTML text -> main text with one engine; create once per worker (engines import lazily)."""

    def __init__(self, engine: str) -> None:
        problem = check_engine(engine)
        if problem is not None:
            raise ValueError(f"input.web.engine: {problem}")
        self.engine = engine
        if engine.startswith("trafilatura"):
            import trafilatura

            self._trafilatura = trafilatura
        else:
            from resiliparse.extract.html2text import extract_plain_text

            self._resiliparse = extract_plain_text

    def extract(self, html: str) -> str:
        """The page's main text ('' when the engine finds none)."""
        if self.engine == "resiliparse":
            # Alt texts, form fields and comment sections are not main text; lists keep their bullets.
            text = self._resiliparse(html, preserve_formatting=True, main_content=True, alt_texts=False,
                                     comments=False, form_fields=False, links=False, noscript=False)
        else:
            # No cross-page deduplication (its cache would make a page's text depend on the pages before it)
            # and no comments; tables are main text.
            text = self._trafilatura.extract(
                html, include_comments=False, include_tables=True, include_images=False, include_links=False,
                deduplicate=False, fast=self.engine == "trafilatura_fast", with_metadata=False) or ""
        return _tidy(text)


@dataclass(frozen=True)
class HtmlText:
    """What became of one HTML body: its main text, or why there is none."""

    text: str = ""
    """The main text; '' with ``error`` or ``skipped`` set."""
    encoding: str = ""
    """The codec that decoded the body."""
    charset_source: str = ""
    """Where the charset came from (``DecodedHtml.source``)."""
    error: str | None = None
    """A rejection kind (``html_undecodable``, ``html_extraction_failed``) when there is no text to take."""
    detail: str = ""
    """The rejection's message."""
    skipped: str | None = None
    """``no_main_text`` when the page decoded but holds no main text."""


def html_to_text(body: bytes | str, extractor: MainTextExtractor, http_charset: str | None = None,
                 max_invalid_ratio: float = 0.01) -> HtmlText:
    """Decode (unless already text) and extract one page; never raises for bad input."""
    if isinstance(body, str):
        decoded = DecodedHtml(body, "utf-8", "text")
        if _invalid_ratio(body) > max_invalid_ratio:
            return HtmlText(error=UNDECODABLE, detail="the HTML text is mostly control characters")
    else:
        try:
            decoded = decode_html(body, http_charset, max_invalid_ratio)
        except HtmlDecodeError as e:
            return HtmlText(error=e.kind, detail=str(e))
    try:
        text = extractor.extract(decoded.text)
    except Exception as e:  # an engine's parser error on one page must not end the file: reject the page
        return HtmlText(encoding=decoded.encoding, charset_source=decoded.source, error=EXTRACTION_FAILED,
                        detail=f"{type(e).__name__}: {e}")
    if not text:
        return HtmlText(encoding=decoded.encoding, charset_source=decoded.source, skipped=NO_MAIN_TEXT)
    return HtmlText(text=text, encoding=decoded.encoding, charset_source=decoded.source)
