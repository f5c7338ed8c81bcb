"""Read raw documents: JSONL, Parquet and plain text, gzip or zstd, from any path Beam's FileSystems handle.

Every input record ends as a ``Document`` or a ``RejectedRecord`` (tagged output
``rejected``), never silently dropped. Files are the unit of work: a ``Reshuffle``
after matching spreads them over workers, and each file is streamed record by
record, so memory per worker is bounded by the largest record
(``input.max_document_bytes``), not by the file.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import zlib
from collections.abc import Callable, Iterator
from typing import IO

import apache_beam as beam
import pyarrow as pa
import zstandard
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from babelbeam.pipeline import progress
from babelbeam.pipeline.progress import ProgressTarget
from babelbeam.pipeline.stage import METRICS_NAMESPACE
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.config import InputConfig

REJECTED = "rejected"
RAW_PREFIX_CHARS = 1000
_LOG = logging.getLogger(__name__)

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")


class InputError(ValueError):
    """An input pattern matched nothing or could not be listed."""


def match_inputs(patterns: list[str]) -> list[str]:
    """Expand glob patterns into a sorted list of file paths; raises InputError naming an empty pattern."""
    return sorted(input_sizes(patterns))


def input_sizes(patterns: list[str]) -> dict[str, int]:
    """Every file the glob patterns match, with its size in bytes (from the listing: no file is opened)."""
    sizes: dict[str, int] = {}
    for pattern in patterns:
        try:
            result = FileSystems.match([pattern])[0]
        except Exception as e:  # Beam raises BeamIOError subclasses per filesystem
            raise InputError(f"cannot list input {pattern!r}: {e}") from None
        if not result.metadata_list:
            raise InputError(f"input pattern {pattern!r} matches no files")
        sizes.update((m.path, m.size_in_bytes) for m in result.metadata_list)
    return sizes


def split_compression(path: str) -> tuple[str, str]:
    """Return (path without compression suffix, compression) with compression in {'', 'gzip', 'zstd'}."""
    lower = path.lower()
    if lower.endswith(".gz") or lower.endswith(".gzip"):
        return path[: path.rfind(".")], "gzip"
    if lower.endswith(".zst") or lower.endswith(".zstd"):
        return path[: path.rfind(".")], "zstd"
    return path, ""


def file_format(path: str) -> str:
    base, _ = split_compression(path)
    lower = base.lower()
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return "text"


class _LimitedReader(io.RawIOBase):
    """Stops a decompressed stream at ``limit`` bytes: a decompression bomb cannot fill memory or disk."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw, self._left = raw, limit
        self.exceeded = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            if self._raw.read(1):
                self.exceeded = True
            return 0
        n = self._raw.readinto(memoryview(buffer)[: min(len(buffer), self._left)])  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0


def open_decompressed(path: str, limit: int, raw: IO[bytes] | None = None) -> tuple[IO[bytes], _LimitedReader]:
    """Open ``path`` through FileSystems (or read the already open ``raw``) and undo its compression; reads stop
    at ``limit`` decompressed bytes."""
    if raw is None:
        raw = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    _, compression = split_compression(path)
    stream: IO[bytes]
    if compression == "gzip":
        stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    elif compression == "zstd":
        stream = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)  # type: ignore[assignment]
    else:
        stream = raw
    limited = _LimitedReader(stream, limit)
    return io.BufferedReader(limited, buffer_size=1 << 20), limited  # type: ignore[return-value]


def derived_id(source: str, position: int) -> str:
    """Deterministic id for a record without one: a hash of where it came from (``source`` relative to the
    inputs' common directory, so the same corpus gets the same ids wherever it is checked out)."""
    return hashlib.sha1(f"{source}\x00{position}".encode()).hexdigest()[:20]


def input_root(paths: list[str]) -> str:
    """The directory prefix (ending in ``/``) that every input path shares; ids are derived below it."""
    prefix = os.path.commonprefix(paths) if paths else ""
    return prefix[: prefix.rfind("/") + 1]


class RecordParser:
    """Turns one raw record (a JSON object or Parquet row) into a Document or a RejectedRecord."""

    def __init__(self, config: InputConfig, id_root: str = "") -> None:
        self.config = config
        self.id_root = id_root

    def from_mapping(self, record: object, source: str, position: int, raw: str) -> Document | RejectedRecord:
        cfg = self.config
        if not isinstance(record, dict):
            return RejectedRecord(source, position, "not_an_object", f"expected a JSON object, got {type(record).__name__}", raw)
        if cfg.text_field not in record or record[cfg.text_field] is None:
            return RejectedRecord(source, position, "missing_text", f"no {cfg.text_field!r} field", raw)
        text = record[cfg.text_field]
        if not isinstance(text, str):
            return RejectedRecord(source, position, "text_not_string",
                                  f"{cfg.text_field!r} is {type(text).__name__}, not a string", raw)
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            return RejectedRecord(source, position, "invalid_utf8", "text holds unpaired surrogates", raw)
        if size > cfg.max_document_bytes:
            return RejectedRecord(source, position, "document_too_large",
                                  f"text is over {cfg.max_document_bytes} bytes", raw)
        doc_id = record.get(cfg.id_field)
        url = record.get(cfg.url_field)
        metadata = {k: str(record[k]) for k in cfg.keep_fields if record.get(k) is not None}
        return Document(
            id=str(doc_id) if doc_id not in (None, "") else derived_id(self._relative(source), position),
            text=text,
            source=source,
            url=str(url) if url is not None else None,
            metadata=metadata,
        )

    def _relative(self, source: str) -> str:
        return source[len(self.id_root):] if self.id_root and source.startswith(self.id_root) else source


def read_jsonl(stream: IO[bytes], source: str, parser: RecordParser) -> Iterator[Document | RejectedRecord]:
    limit = parser.config.max_document_bytes
    position = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        position += 1
        if len(line) > limit and not line.endswith(b"\n"):
            # Skip the rest of an oversized line in bounded reads; never hold it whole.
            while True:
                more = stream.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield RejectedRecord(source, position, "document_too_large", f"line is over {limit} bytes",
                                 line[:RAW_PREFIX_CHARS].decode("utf-8", "replace"))
            continue
        if not line.strip():
            continue  # blank lines separate nothing and are not records
        raw_prefix = line[:RAW_PREFIX_CHARS].decode("utf-8", "replace")
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as e:
            yield RejectedRecord(source, position, "invalid_utf8", str(e), raw_prefix)
            continue
        try:
            record = json.loads(decoded)
        except json.JSONDecodeError as e:
            yield RejectedRecord(source, position, "invalid_json", str(e), raw_prefix)
            continue
        yield parser.from_mapping(record, source, position, raw_prefix)


def read_parquet(stream: IO[bytes], source: str, parser: RecordParser) -> Iterator[Document | RejectedRecord]:
    import pyarrow.parquet as pq

    # Parquet needs random access: ``stream`` is the raw, seekable FileSystems stream
    # (Parquet compresses inside the file), read one row group batch at a time.
    table_file = pq.ParquetFile(stream)
    position = 0
    for batch in table_file.iter_batches(batch_size=1024):
        for record in batch.to_pylist():
            yield parser.from_mapping(record, source, position, "")
            position += 1


def read_text(stream: IO[bytes], source: str, parser: RecordParser) -> Iterator[Document | RejectedRecord]:
    limit = parser.config.max_document_bytes
    data = stream.read(limit + 1)
    if len(data) > limit:
        yield RejectedRecord(source, 0, "document_too_large", f"file is over {limit} bytes", "")
        return
    raw_prefix = data[:RAW_PREFIX_CHARS].decode("utf-8", "replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        yield RejectedRecord(source, 0, "invalid_utf8", str(e), raw_prefix)
        return
    yield parser.from_mapping({parser.config.text_field: text}, source, 0, raw_prefix)


READERS = {"jsonl": read_jsonl, "parquet": read_parquet, "text": read_text}


def read_file(path: str, config: InputConfig, id_root: str = "",
              opened: Callable[[IO[bytes]], None] | None = None) -> Iterator[Document | RejectedRecord]:
    """Read every record of one file. A file that breaks mid-way yields what it read, then one rejection naming it.

    ``id_root`` is the inputs' common directory (``input_root``): ids of records without one derive from the
    path below it. ``opened`` is called with the raw (still compressed) stream once the file is open; its
    position is how far the file has been read (progress).
    """
    parser = RecordParser(config, id_root)
    reader = READERS[file_format(path)]
    last_position = 0
    limited = None
    try:
        raw = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
        if opened is not None:
            opened(raw)
        if reader is read_parquet:
            stream = raw
        else:
            stream, limited = open_decompressed(path, config.max_file_bytes, raw)
        with stream:
            for item in reader(stream, path, parser):
                last_position = item.position if isinstance(item, RejectedRecord) else last_position + 1
                yield item
        if limited is not None and limited.exceeded:
            yield RejectedRecord(path, last_position + 1, "file_too_large",
                                 f"decompressed size is over {config.max_file_bytes} bytes; the rest was not read")
    except (OSError, EOFError, zlib.error, zstandard.ZstdError, ValueError, pa.ArrowException) as e:
        # Corrupt or truncated compressed data, unreadable files, bad Parquet.
        yield RejectedRecord(path, last_position + 1, "unreadable_file", f"{type(e).__name__}: {e}")


class ReadFileFn(beam.DoFn):
    """One file in, its documents out; records that cannot be parsed go to the ``rejected`` output."""

    def __init__(self, config: InputConfig, id_root: str = "", progress: ProgressTarget | None = None) -> None:
        super().__init__()
        self.config = config
        self.id_root = id_root
        self.progress = progress
        self.documents = Metrics.counter(METRICS_NAMESPACE, "read.documents")
        self.rejected = Metrics.counter(METRICS_NAMESPACE, "read.rejected")
        self.files = Metrics.counter(METRICS_NAMESPACE, "read.files")

    def process(self, path: str) -> Iterator[object]:
        self.files.inc()
        if self.progress is not None:
            counts = progress.start_file(self.progress, path)
        else:
            counts = None
            progress.forget_file(path)  # a stage must not count this file into an earlier run's progress
        for item in read_file(path, self.config, self.id_root, opened=counts.opened if counts else None):
            if counts is not None:
                counts.records += 1
                progress.tick(counts)
            if isinstance(item, RejectedRecord):
                self.rejected.inc()
                if counts is not None:
                    counts.rejected += 1
                _LOG.info("rejected %s:%d (%s): %s", item.source, item.position, item.error, item.detail)
                yield beam.pvalue.TaggedOutput(REJECTED, item)
            else:
                self.documents.inc()
                yield item
        if counts is not None:
            progress.finish_file(counts)

    def finish_bundle(self) -> None:
        if self.progress is not None:
            progress.flush()


class ReadDocuments(beam.PTransform):
    """File paths -> ``{"documents": PCollection[Document], "rejected": PCollection[RejectedRecord]}``."""

    def __init__(self, paths: list[str], config: InputConfig, id_root: str | None = None,
                 progress: ProgressTarget | None = None) -> None:
        super().__init__()
        self._paths = paths
        self._config = config
        self._progress = progress  # where the readers report bytes and records read (pipeline/progress.py)
        # A run read in waves passes the root of all its inputs, so ids do not depend on the waves.
        self._id_root = input_root(paths) if id_root is None else id_root

    def expand(self, pbegin: beam.pvalue.PBegin) -> dict[str, beam.PCollection]:
        results = (
            pbegin
            | "ListFiles" >> beam.Create(self._paths)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadFiles" >> beam.ParDo(ReadFileFn(self._config, self._id_root, self._progress))
            .with_outputs(REJECTED, main="documents")
        )
        return {"documents": results["documents"], REJECTED: results[REJECTED]}
