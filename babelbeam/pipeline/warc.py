"""Read WARC and WET files (``.warc``, ``.warc.gz``, ``.warc.wet.gz``, ``.wet``): one file streamed by record.

Each record becomes a document (a ``response`` with status 200 and an HTML payload with main text, or a WET
``conversion`` record), a skip with a reason or a rejection with a kind and byte offset; docs/web-input.md has
the tables. HTML is decoded and its main text extracted here, in the read stage: no HTML reaches a shuffle.

Damage never costs the rest of the file where the format allows a fresh start: in a ``.warc.gz`` every record
is its own gzip member (as Common Crawl writes them), so reading resumes at the next member that inflates to a
WARC header; in an uncompressed file, at the next line that starts ``WARC/1.``. The record before the damage
is held back until the next header parses, so a record that swallowed the start of the next one (its content
cut short) is rejected, not kept with foreign bytes.

Memory per file: the parser's buffers, one payload (at most ``input.web.max_html_bytes``) and the extractor's
tree of that one page.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from babelbeam.filters.html import MainTextExtractor, html_to_text
from babelbeam.schemas import Document, RejectedRecord, SkippedRecord
from babelbeam.schemas.config import InputConfig

WARC_SUFFIXES = (".warc", ".wet")
HTML_TYPES = ("text/html", "application/xhtml+xml")
RAW_PREFIX_BYTES = 1000
_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")  # a gzip header (magic, deflate)
_SCAN_CHUNK = 1 << 20
_WARC_LINE = re.compile(rb"WARC/1\.[01]\r\n")
_HEADER_LIMIT = 1 << 16  # a WARC header block longer than this is damage, not a header

Item = Document | RejectedRecord | SkippedRecord


def is_warc(path_without_compression: str) -> bool:
    """Whether a path (its compression suffix already removed) names a WARC or WET file."""
    return path_without_compression.lower().endswith(WARC_SUFFIXES)


# ------------------------------------------------------------------------------------------------------------
# One record, whichever parser read it


@dataclass
class WarcEntry:
    """The parts of a WARC record the reader decides on; ``read_payload`` reads its payload on demand."""

    offset: int
    record_type: str
    headers: dict[str, str]
    http_status: int | None
    http_content_type: str | None
    http_charset: str | None
    http_encoded: bool
    """The payload has a Content-Encoding or Transfer-Encoding (the parser decodes it: its length differs)."""
    read_payload: Callable[[int], tuple[bytes, bool]]
    """``limit -> (payload[:limit + 1], complete)``; not complete when the record ends before its length."""


def _fastwarc_entries(stream: IO[bytes]) -> Iterator[WarcEntry]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    # WarcRecordType values are not hashable: a list of pairs, not a dict.
    names = [(getattr(WarcRecordType, n), n) for n in ("response", "request", "metadata", "warcinfo",
                                                        "revisit", "conversion", "resource", "continuation")]
    for record in ArchiveIterator(stream, parse_http=True, auto_decode="all"):
        rtype = next((name for value, name in names if record.record_type == value), "unknown")
        http = record.http_headers if record.is_http else None
        status = http.status_code if http is not None else None
        encoded = http is not None and bool(http.get("Content-Encoding") or http.get("Transfer-Encoding"))

        def read(limit: int, record: Any = record) -> tuple[bytes, bool]:
            data = record.reader.read(limit + 1)
            return data, len(data) > limit or len(data) >= record.content_length

        yield WarcEntry(record.stream_pos, rtype, dict(record.headers.items()), status,
                        record.http_content_type if http is not None else None,
                        record.http_charset if http is not None else None, encoded, read)


def _warcio_entries(stream: IO[bytes]) -> Iterator[WarcEntry]:
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(stream, no_record_parse=False, check_digests=False)
    for record in iterator:
        http = record.http_headers if record.rec_type in ("response", "request", "revisit") else None
        content_type = http.get_header("Content-Type") if http is not None else None
        status = None
        if http is not None and record.rec_type == "response":
            try:
                status = int(http.get_statuscode())
            except (TypeError, ValueError):
                status = None
        encoded = http is not None and bool(http.get_header("Content-Encoding")
                                            or http.get_header("Transfer-Encoding"))
        mime = content_type.split(";")[0].strip().lower() if content_type else None
        charset = None
        if content_type and "charset=" in content_type.lower():
            charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None

        def read(limit: int, record: Any = record) -> tuple[bytes, bool]:
            data = record.content_stream().read(limit + 1)
            # The raw block reader counts what is left of the declared length: left over means cut short.
            return data, len(data) > limit or getattr(record.raw_stream, "limit", 0) == 0

        # ``offset``, not ``get_record_offset()``: the latter reads the record to its end first.
        yield WarcEntry(iterator.offset, record.rec_type, dict(record.rec_headers.headers), status, mime,
                        charset, encoded, read)


ENTRY_READERS = {"fastwarc": _fastwarc_entries, "warcio": _warcio_entries}


# ------------------------------------------------------------------------------------------------------------
# Finding where to start again after damage


def _inflate_member(stream: IO[bytes], start: int, max_output: int) -> tuple[int | None, bytes]:
    """Inflate the gzip member at ``start``: (its end offset, or None if it does not end; its first bytes).

    At most ``max_output`` bytes of output are kept, 1 MiB inflated at a time; raises zlib.error if corrupt.
    """
    stream.seek(start)
    inflater = zlib.decompressobj(31)
    consumed, kept = start, bytearray()
    while not inflater.eof:
        chunk = stream.read(1 << 16)
        if not chunk:
            return None, bytes(kept)
        consumed += len(chunk)
        data = inflater.decompress(chunk, 1 << 20)
        while True:
            if len(kept) < max_output:
                kept += data[: max_output - len(kept)]
            if inflater.eof or not inflater.unconsumed_tail:
                break
            data = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
    return consumed - len(inflater.unused_data), bytes(kept)


def _inflates_to_warc(stream: IO[bytes], start: int) -> bool:
    try:
        stream.seek(start)
        return zlib.decompressobj(31).decompress(stream.read(1 << 14), 16).startswith(b"WARC/1.")
    except zlib.error:
        return False


def _next_record(stream: IO[bytes], after: int, gzip: bool) -> int | None:
    """The first offset from ``after`` where a record starts: a gzip member that inflates to a WARC header, or
    in an uncompressed file a WARC header line. Any position counts, not only line starts: a record cut short
    leaves the next record's first line glued to its last bytes."""
    position = after
    while True:
        stream.seek(position)
        window = stream.read(_SCAN_CHUNK + 16)  # windows overlap: a start across two windows is found
        for match in (_GZIP_MEMBER if gzip else _WARC_LINE).finditer(window):
            if not gzip or _inflates_to_warc(stream, position + match.start()):
                return position + match.start()
        if len(window) <= _SCAN_CHUNK:
            return None
        position += _SCAN_CHUNK


def _framing_ok(block: bytes) -> bool:
    """Whether ``block`` (a record and what follows it) holds a header, its Content-Length of content and the
    record's closing blank line."""
    end = block.find(b"\r\n\r\n")
    if end == -1 or not block.startswith(b"WARC/1."):
        return False
    length = None
    for line in block[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return False
    if length is None:
        return False
    close = end + 4 + length
    return block[close : close + 4] == b"\r\n\r\n"


def _record_end(stream: IO[bytes], start: int, gzip: bool, max_record: int) -> int | None:
    """Where the record at ``start`` ends when it is whole (its member's end for gzip), None when it is cut
    short or swallowed bytes that are not its own."""
    if gzip:
        try:
            end, data = _inflate_member(stream, start, max_record)
        except zlib.error:
            return None
        return end if end is not None and (len(data) >= max_record or _framing_ok(data)) else None
    stream.seek(start)
    head = stream.read(_HEADER_LIMIT)
    header_end = head.find(b"\r\n\r\n")
    if header_end == -1:
        return None
    length = None
    for line in head[:header_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    if length is None:
        return None
    close = start + header_end + 4 + length
    stream.seek(close)
    tail = stream.read(4 + 7)
    if tail[:4] != b"\r\n\r\n" or (len(tail) > 4 and not tail[4:].startswith(b"WARC/1.")):
        return None
    return close + 4


# ------------------------------------------------------------------------------------------------------------
# Records to documents


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def _looks_like_html(payload: bytes) -> bool:
    head = payload[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


class WarcRecordReader:
    """Turns a file's ``WarcEntry`` stream into documents, skips and rejections; one per worker and config."""

    def __init__(self, config: InputConfig, id_root: str = "") -> None:
        self.config, self.id_root = config, id_root
        self.extractor = MainTextExtractor(config.web.engine)

    def to_item(self, entry: WarcEntry, source: str) -> Item:
        headers = {k.lower(): v for k, v in entry.headers.items()}
        if "warc-type" not in headers or "content-length" not in headers:
            # Only a header cut short lacks these two (a gzip member that ends mid-header does that).
            return RejectedRecord(source, entry.offset, "damaged_record", "the WARC header has no WARC-Type "
                                  f"or Content-Length (headers: {', '.join(sorted(headers)) or 'none'})")
        skip = self._skip_reason(entry)
        if skip is not None:
            return SkippedRecord(source, entry.offset, skip)
        web = self.config.web
        limit = web.max_html_bytes if entry.record_type == "response" else self.config.max_document_bytes
        payload, complete = entry.read_payload(limit)
        raw = payload[:RAW_PREFIX_BYTES].decode("utf-8", "replace")
        if len(payload) > limit:
            return RejectedRecord(source, entry.offset, "document_too_large",
                                  f"{entry.record_type} payload is over {limit} bytes", raw)
        if not complete and not entry.http_encoded:
            return RejectedRecord(source, entry.offset, "truncated_record",
                                  "the record ends before its Content-Length", raw)
        if not payload.strip():
            return SkippedRecord(source, entry.offset, "empty_body")
        metadata: dict[str, str] = {}
        if entry.record_type == "conversion":
            try:
                text = payload.decode("utf-8").strip()
            except UnicodeDecodeError as e:
                return RejectedRecord(source, entry.offset, "invalid_utf8", str(e), raw)
        else:
            if entry.http_content_type is None and not _looks_like_html(payload):
                return SkippedRecord(source, entry.offset, "not_html")
            result = html_to_text(payload, self.extractor, entry.http_charset, web.max_invalid_ratio)
            if result.error is not None:
                return RejectedRecord(source, entry.offset, result.error, result.detail, raw)
            if result.skipped is not None:
                return SkippedRecord(source, entry.offset, result.skipped)
            text = result.text
            metadata["charset"] = result.encoding
        if len(text.encode("utf-8", "surrogatepass")) > self.config.max_document_bytes:
            return RejectedRecord(source, entry.offset, "document_too_large",
                                  f"text is over {self.config.max_document_bytes} bytes", raw)
        url = headers.get("warc-target-uri") or None
        extra = {"crawl_date": headers.get("warc-date"), "domain": _domain(url),
                 "warc_truncated": headers.get("warc-truncated")}
        metadata.update((key, value) for key, value in extra.items() if value)
        record_id = (headers.get("warc-record-id") or "").strip()
        from babelbeam.pipeline.sources import derived_id, source_name

        return Document(id=record_id or derived_id(source_name(source, self.id_root), entry.offset),
                        text=text, source=source, position=entry.offset, url=url,
                        metadata=dict(sorted(metadata.items())))

    @staticmethod
    def _skip_reason(entry: WarcEntry) -> str | None:
        if entry.record_type == "conversion":
            return None
        if entry.record_type != "response":
            return f"warc_{entry.record_type}"
        if entry.http_status is None:
            return "not_http"
        if entry.http_status != 200:
            return f"http_status_{entry.http_status}"
        if entry.http_content_type is not None and entry.http_content_type.lower() not in HTML_TYPES:
            return "not_html"
        return None


def read_warc_file(path: str, config: InputConfig, id_root: str = "") -> Iterator[Item]:
    """Every record of one WARC/WET file as a Document, SkippedRecord or RejectedRecord, in file order.

    Damage is rejected once per damaged stretch (kind ``damaged_record``, or ``truncated_record`` for a record
    cut short), with the offset where it starts, and reading resumes at the next whole record.
    """
    from babelbeam.pipeline.sources import display_path, source_name, split_compression

    records = WarcRecordReader(config, id_root)
    source = display_path(source_name(path, id_root))[0]  # as every reader writes ``source``
    entries_of = ENTRY_READERS[config.web.warc_reader]
    _, compression = split_compression(path)
    gzip = compression == "gzip"
    max_record = config.web.max_html_bytes + (1 << 20)
    try:
        stream = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
        probe = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    except OSError as e:
        yield RejectedRecord(source, 0, "unreadable_file", f"{type(e).__name__}: {e}")
        return
    with stream, probe:
        start: int | None = 0
        while start is not None:
            stream.seek(start)
            held: list[Item] = []  # the item of the record at ``current``, yielded once the next one parses
            current = start
            try:
                for entry in entries_of(stream):
                    yield from held
                    held, current = [], entry.offset  # reading the payload may raise: nothing is held then
                    held = [records.to_item(entry, source)]
                yield from held
                return
            except Exception as e:  # each parser raises its own types (OSError, ArchiveLoadFailed): damage
                error = f"{type(e).__name__}: {e}"
            damage = current
            if held:
                # The next header did not parse: the held record is kept only if it ends where it says.
                end = _record_end(probe, current, gzip, max_record)
                if end is None:
                    yield RejectedRecord(source, current, "truncated_record",
                                         f"the record does not end where its Content-Length says ({error})")
                else:
                    yield from held
                    yield RejectedRecord(source, end, "damaged_record", error)
                    damage = end
            else:
                yield RejectedRecord(source, current, "damaged_record", error)
            # A zstd stream has no record boundaries to find again.
            start = None if compression == "zstd" else _next_record(probe, damage + 1, gzip)


# ------------------------------------------------------------------------------------------------------------
# HTML held in a JSONL/Parquet field (``input.html_field``): the same decoding and extraction


def html_field_text(parser: Any, record: dict, source: str, position: int,
                    raw: str) -> dict | RejectedRecord | SkippedRecord:
    """``record`` with the main text of its ``input.html_field`` as its ``text_field``, or why there is none.

    ``parser`` is the file's ``sources.RecordParser``; its extractor is made on first use and kept on it.
    """
    cfg = parser.config
    value = record.get(cfg.html_field)
    if value is None:
        return RejectedRecord(source, position, "missing_html", f"no {cfg.html_field!r} field", raw)
    if not isinstance(value, str | bytes):
        return RejectedRecord(source, position, "html_not_string",
                              f"{cfg.html_field!r} is {type(value).__name__}, not a string or bytes", raw)
    size = len(value) if isinstance(value, bytes) else len(value.encode("utf-8", "surrogatepass"))
    if size > cfg.web.max_html_bytes:
        return RejectedRecord(source, position, "document_too_large",
                              f"{cfg.html_field!r} is over {cfg.web.max_html_bytes} bytes", raw)
    extractor = getattr(parser, "html_extractor", None)
    if extractor is None:
        extractor = parser.html_extractor = MainTextExtractor(cfg.web.engine)
    result = html_to_text(value, extractor, None, cfg.web.max_invalid_ratio)
    if result.error is not None:
        return RejectedRecord(source, position, result.error, result.detail, raw)
    if result.skipped is not None:
        return SkippedRecord(source, position, result.skipped)
    return {**record, cfg.text_field: result.text}
