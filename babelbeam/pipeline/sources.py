"""Read raw documents (JSONL, Parquet, text, WARC/WET; gzip or zstd) from any path Beam's FileSystems handle.

Every input record ends as a ``Document``, a ``RejectedRecord`` or, for records that are not documents by
definition (a WARC request, a non-HTML response), a skip counted by reason in the file's summary; none is
silently dropped. Files are the unit of work, spread over workers by a ``Reshuffle``, each streamed record by
record: a worker's memory is bounded by the largest record (``input.max_document_bytes``), not by the file.

Damage (docs/reliability.md): compressed files are decoded by ``pipeline/streams.py``, which delivers every
byte before the damage; every complete record before it is read as usual and the damaged tail becomes one
rejection (``truncated_file``, ``corrupt_data``, ...) carrying a ``DamagedRegion`` (offsets, records read
before it) that ``stats.json`` lists under ``damaged``. A Parquet row group that cannot be read is one
``corrupt_row_group`` rejection; the file's other row groups are read.

Any field may hold anything: a record is rejected with a stable kind (``invalid_id``, ``text_not_string``,
...) or a side field is repaired and listed in ``Document.repaired``; nothing a record holds stops a run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from babelbeam.errors import EXIT_USAGE, BabelbeamError
from babelbeam.pipeline import progress
from babelbeam.pipeline.progress import ProgressTarget
from babelbeam.pipeline.sinks import JsonlLog
from babelbeam.pipeline.stages.base import METRICS_NAMESPACE
from babelbeam.pipeline.streams import UNREADABLE_FILE, DecodedStream, LineSplitter
from babelbeam.pipeline.warc import html_field_text, is_warc, read_warc_file
from babelbeam.schemas import DamagedRegion, Document, RejectedRecord, SkippedRecord
from babelbeam.schemas.config import InputConfig

REJECTED = "rejected"
SUMMARIES = "summaries"
"""Tagged output of ``ReadFileFn``: one ``{"source", "rejected": {kind: n}, "skipped": {reason: n},
"damaged": [...]}`` per file."""
RAW_PREFIX_CHARS = 1000
MAX_ID_BYTES = 1024
"""Longest id (UTF-8 bytes, after the type rule) a record may have; longer ones are ``invalid_id``."""
CORRUPT_ROW_GROUP = "corrupt_row_group"
_LOG = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")  # what UTF-8 cannot write: a str holds no other such code point

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")


class InputError(BabelbeamError, ValueError):
    """An input pattern matched nothing or could not be listed, or an argument of the run is wrong."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class InputFile:
    """One matched input file as the plan records it (a changed size or time means the file changed)."""

    path: str
    """Absolute local path, or a URI (``gs://...``) as given."""
    size: int
    """Bytes on storage (compressed size for .gz / .zst)."""
    mtime: float
    """Last modification time, seconds since the epoch, as the filesystem reports it."""


def absolute_path(path: str) -> str:
    """A local path made absolute (workers resolve relative ones in their own directory); URIs kept."""
    return path if "://" in path else os.path.abspath(path)


def match_input_files(patterns: list[str]) -> list[InputFile]:
    """Expand glob patterns into the matched files, sorted by path, local paths absolute.

    Raises InputError naming a pattern that matches nothing, or a directory: a directory is not read whole
    (datasets hold READMEs, licences and checksums, and a file of unknown type reads as one text document);
    name its files with a glob instead.
    """
    files: dict[str, InputFile] = {}
    for pattern in patterns:
        try:
            result = FileSystems.match([absolute_path(pattern)])[0]
        except Exception as e:  # Beam raises BeamIOError subclasses per filesystem
            raise InputError(f"cannot list input {pattern!r}: {e}") from None
        if not result.metadata_list:
            raise InputError(f"input pattern {pattern!r} matches no files")
        for m in result.metadata_list:
            if "://" not in m.path and os.path.isdir(m.path):
                glob = pattern.rstrip("/")
                raise InputError(f"--input {pattern!r} is a directory; name its files with a glob, e.g. "
                                 f"'{glob}/*.jsonl' or '{glob}/**' for everything below it")
            files[m.path] = InputFile(m.path, int(m.size_in_bytes), float(m.last_updated_in_seconds))
    return [files[p] for p in sorted(files)]


def match_inputs(patterns: list[str]) -> list[str]:
    """Expand glob patterns into a sorted list of file paths (local ones absolute): ``match_input_files``."""
    return [f.path for f in match_input_files(patterns)]


def split_compression(path: str) -> tuple[str, str]:
    """Return (path without compression suffix, compression) with compression in {'', 'gzip', 'zstd'}."""
    lower = path.lower()
    for suffixes, compression in (((".gz", ".gzip"), "gzip"), ((".zst", ".zstd"), "zstd")):
        if lower.endswith(suffixes):
            return path[: path.rfind(".")], compression
    return path, ""


def file_format(path: str) -> str:
    """``jsonl``, ``parquet`` or ``text``, from the name without its compression suffix."""
    lower = split_compression(path)[0].lower()
    if is_warc(lower):
        return "warc"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return "text"


def path_bytes(path: str) -> bytes:
    """The bytes a path names. A local name that is not UTF-8 reaches Python with its bad bytes as lone
    surrogates (``os.fsdecode``); this undoes that, so two different names never give the same bytes."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte stands for
        return path.encode("utf-8", "surrogatepass")


def display_path(path: str) -> tuple[str, bool]:
    """``(path as valid text, whether it had to change)``: bytes that are not UTF-8 are written ``\\xNN``."""
    text = path_bytes(path).decode("utf-8", "backslashreplace")
    return text, text != path


def derived_id(source: str, position: int) -> str:
    """Deterministic id for a record without one: a hash of where it came from (``source`` relative to the
    inputs' common directory, so the same corpus gets the same ids wherever it is checked out)."""
    return hashlib.sha1(path_bytes(source) + f"\x00{position}".encode()).hexdigest()[:20]


def input_root(paths: list[str]) -> str:
    """The directory prefix (ending in ``/``) that every input path shares; ids are derived below it."""
    prefix = os.path.commonprefix(paths)  # "" for no paths
    return prefix[: prefix.rfind("/") + 1]


def source_name(path: str, root: str) -> str:
    """A file's ``source`` in shards, ``removed/`` and ``rejected/``: its path below the inputs' common
    directory (``root``), so output bytes do not depend on where the corpus lies."""
    return path[len(root):] if root and path.startswith(root) else path


def typed_id(value: object) -> tuple[str | None, str | None]:
    """The id rule: ``(id, None)``, ``(None, None)`` for no id, or ``(None, why)`` for an invalid one.

    A string id is used as it is, except that one starting with ``#`` gets a second ``#``; an integer id ``n``
    becomes ``#n``. So ``1`` and ``"1"`` stay two ids (``#1`` and ``1``) and no string can turn into an
    integer's id (``"#1"`` becomes ``##1``). Null, a missing field and ``""`` mean no id (one is derived);
    other types (floats, booleans, lists, objects), lone surrogates and ids over ``MAX_ID_BYTES`` are invalid.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, str):
        if _SURROGATE.search(value):
            return None, "id holds a lone surrogate (not valid Unicode)"
        doc_id = "#" + value if value.startswith("#") else value
    elif isinstance(value, int) and not isinstance(value, bool):
        doc_id = f"#{value}"  # JSON cannot hold an integer Python will not print (over 4,300 digits)
    else:
        return None, f"id is a {type(value).__name__}; ids are strings or integers"
    if len(doc_id.encode("utf-8")) > MAX_ID_BYTES:
        return None, f"id is over {MAX_ID_BYTES} bytes"
    return doc_id, None


def metadata_text(value: object) -> tuple[str | None, str | None]:
    """A kept field's value as text: ``(text, repair or None)``; ``(None, repair)`` when it cannot be written.

    Strings stay as they are; other JSON values become compact JSON text (``5``, ``true``, ``{"a":1}``), other
    Parquet values (timestamps, bytes) Python's ``str()``. Lone surrogates become U+FFFD
    (``metadata_invalid_utf8``).
    """
    if isinstance(value, str):
        text = value
    elif not isinstance(value, (bool, int, float, list, dict)):
        text = str(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        except (TypeError, ValueError, RecursionError):  # mixed-type keys, huge integers, deep nesting
            return None, "metadata_not_serialisable"
    if _SURROGATE.search(text):
        return _SURROGATE.sub("\ufffd", text), "metadata_invalid_utf8"
    return text, None


class RecordParser:
    """One raw record (a JSON value or Parquet row) -> a Document or a RejectedRecord; never raises."""

    def __init__(self, config: InputConfig, id_root: str = "") -> None:
        self.config, self.id_root = config, id_root

    def from_mapping(self, record: object, source: str, position: int, raw: str,
                     path: str | None = None, repaired: tuple[str, ...] = ()) -> Document | RejectedRecord:
        """``source`` is the file as written in records (valid text), ``path`` the path ids derive from."""
        cfg = self.config
        if not isinstance(record, dict):
            return RejectedRecord(source, position, "not_an_object",
                                  f"expected a JSON object, got {type(record).__name__}", raw)
        if cfg.html_field is not None:  # the record with its HTML's main text as ``text_field``, or why not
            record = html_field_text(self, record, source, position, raw)
            if not isinstance(record, dict):
                return record
        text = record.get(cfg.text_field)
        if text is None:
            return RejectedRecord(source, position, "missing_text", f"no {cfg.text_field!r} field", raw)
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
        doc_id, id_problem = typed_id(record.get(cfg.id_field))
        if id_problem is not None:
            return RejectedRecord(source, position, "invalid_id", f"{cfg.id_field!r}: {id_problem}", raw)
        fixes = set(repaired)
        url = record.get(cfg.url_field)
        if url is not None and not isinstance(url, str):
            url = None
            fixes.add("url_not_string")
        elif url is not None and _SURROGATE.search(url):
            url = _SURROGATE.sub("\ufffd", url)
            fixes.add("url_invalid_utf8")
        metadata = {}
        for key in cfg.keep_fields:
            if record.get(key) is None:
                continue
            value, fix = metadata_text(record[key])
            if fix is not None:
                fixes.add(fix)
            if value is not None:
                metadata[key] = value
        if doc_id is None:
            doc_id = derived_id(source_name(path or source, self.id_root), position)
        return Document(id=doc_id, text=text, source=source, position=position, url=url, metadata=metadata,
                        repaired=sorted(fixes))


class _FileReader:
    """Reads one file's records; ``damaged`` turns what stopped the reading into one rejection."""

    def __init__(self, path: str, config: InputConfig, id_root: str, parser: RecordParser | None = None,
                 opened: Callable[[IO[bytes]], None] | None = None) -> None:
        self.path, self.config = path, config
        self.opened = opened  # told the raw stream, whose position is how far the file has been read
        # ``source``: the path below the inputs' common directory (where the corpus lies is no part of output)
        self.source, renamed = display_path(source_name(path, id_root))
        self.repaired = ("source_not_utf8",) if renamed else ()
        self.parser = parser or RecordParser(config, id_root)
        self.records = 0  # records yielded so far (documents and rejected records)

    def record(self, value: object, position: int, raw: str) -> Document | RejectedRecord:
        self.records += 1
        return self.parser.from_mapping(value, self.source, position, raw, self.path, self.repaired)

    def rejected(self, position: int, error: str, detail: str, raw: str = "") -> RejectedRecord:
        self.records += 1
        return RejectedRecord(self.source, position, error, detail, raw)

    def damaged(self, kind: str, position: int, detail: str, raw: str = "", **where: Any) -> RejectedRecord:
        region = DamagedRegion(self.source, kind, position, self.records, detail=detail, **where)
        where_text = "".join(f"{k.replace('_', ' ')} {v}; " for k, v in where.items() if v is not None)
        message = f"{detail} ({where_text}records read before it: {self.records})"
        return RejectedRecord(self.source, position, kind, message, raw, damaged=region)

    def stream_damage(self, stream: DecodedStream, position: int, tail_offset: int,
                      raw: str) -> RejectedRecord:
        damage = stream.damage
        assert damage is not None
        return self.damaged(damage.kind, position, damage.detail, raw,
                            compressed_offset=damage.compressed_offset, decompressed_offset=tail_offset)

    def parse_line(self, number: int, line: bytes) -> Document | RejectedRecord:
        raw = line[:RAW_PREFIX_CHARS].decode("utf-8", "replace")
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as e:
            return self.rejected(number, "invalid_utf8", str(e), raw)
        try:
            value = json.loads(decoded)
        except (ValueError, RecursionError) as e:  # JSONDecodeError, integers over the digit limit, nesting
            return self.rejected(number, "invalid_json", f"{type(e).__name__}: {e}"[:RAW_PREFIX_CHARS], raw)
        return self.record(value, number, raw)


def _open_raw(reader: _FileReader) -> IO[bytes]:
    raw = FileSystems.open(reader.path, compression_type=CompressionTypes.UNCOMPRESSED)
    if reader.opened is not None:
        reader.opened(raw)
    return raw


def read_jsonl(reader: _FileReader) -> Iterator[Document | RejectedRecord]:
    limit = reader.config.max_document_bytes
    with _open_raw(reader) as raw:
        stream = DecodedStream(raw, split_compression(reader.path)[1], reader.config.max_file_bytes)
        lines = LineSplitter(stream, limit, RAW_PREFIX_CHARS)
        for line in lines:
            if line.too_long:
                # Only the line's first bytes were held: the rest was skipped in bounded reads.
                yield reader.rejected(line.number, "document_too_large", f"line is over {limit} bytes",
                                      line.data.decode("utf-8", "replace"))
            elif line.data and not line.data.isspace():  # blank lines separate nothing and are not records
                record = reader.parse_line(line.number, line.data)
                del line  # the line's bytes are not held while the record is processed downstream
                yield record
                del record  # nor the record while the next line is read
        if stream.damage is not None:
            yield reader.stream_damage(stream, lines.next_number, lines.tail_offset,
                                       lines.tail_prefix.decode("utf-8", "replace"))


def read_text(reader: _FileReader) -> Iterator[Document | RejectedRecord]:
    """A plain text file is one document; damage anywhere makes the whole file the damaged region."""
    limit = reader.config.max_document_bytes
    data = bytearray()
    with _open_raw(reader) as raw:
        stream = DecodedStream(raw, split_compression(reader.path)[1], reader.config.max_file_bytes)
        chunks = stream.chunks()
        for chunk in chunks:
            if len(data) + len(chunk) > limit:
                chunks.close()
                yield reader.rejected(0, "document_too_large", f"file is over {limit} bytes")
                return
            data += chunk
    raw_prefix = bytes(data[:RAW_PREFIX_CHARS]).decode("utf-8", "replace")
    if stream.damage is not None:
        yield reader.stream_damage(stream, 0, 0, raw_prefix)
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        yield reader.rejected(0, "invalid_utf8", str(e), raw_prefix)
    else:
        yield reader.record({reader.config.text_field: text}, 0, raw_prefix)


def read_parquet(reader: _FileReader) -> Iterator[Document | RejectedRecord]:
    import pyarrow.parquet as pq

    # Parquet needs random access: the raw, seekable FileSystems stream (Parquet compresses inside the
    # file), read one row group at a time, in batches. pyarrow raises many exception types for a corrupt
    # file (ArrowInvalid, OSError, ValueError, ...): any of them is that file's or that row group's damage.
    with _open_raw(reader) as raw:
        try:
            table_file = pq.ParquetFile(raw)
            metadata = table_file.metadata
            groups = [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)]
        except Exception as e:  # noqa: BLE001 - see above
            yield reader.damaged(UNREADABLE_FILE, 0, f"not a readable Parquet file: {type(e).__name__}: {e}")
            return
        first = 0
        for group, rows in enumerate(groups):
            done = 0
            batches = table_file.iter_batches(batch_size=1024, row_groups=[group])
            while True:
                try:
                    batch = next(batches, None)
                    records = batch.to_pylist() if batch is not None else None
                except Exception as e:  # noqa: BLE001 - see above
                    yield reader.damaged(CORRUPT_ROW_GROUP, first + done,
                                         f"row group {group} cannot be read: {type(e).__name__}: {e}",
                                         row_group=group, rows=[first + done, first + rows])
                    break
                if records is None:
                    break
                for record in records:
                    yield reader.record(record, first + done, "")
                    done += 1
            first += rows


READERS = {"jsonl": read_jsonl, "parquet": read_parquet, "text": read_text}


def read_file(path: str, config: InputConfig, id_root: str = "", parser: RecordParser | None = None,
              opened: Callable[[IO[bytes]], None] | None = None) -> Iterator[Document | RejectedRecord]:
    """Read every record of one file. What stops the reading (a cut or corrupt tail, a bad row group, an
    I/O error) is one rejection with a ``DamagedRegion``, after every record before it.

    ``id_root`` is the inputs' common directory (``input_root``): ids of records without one derive from the
    path below it. ``parser`` replaces the default ``RecordParser(config, id_root)`` (``babelbeam langid``
    passes one that keeps each record's fields). ``opened`` gets the raw (still compressed) stream once the
    file is open; its position is how far it has been read (progress; WARC files report when they end).
    """
    if file_format(path) == "warc":  # WARC/WET files open, resync after damage and decompress themselves
        yield from read_warc_file(path, config, id_root)
        return
    reader = _FileReader(path, config, id_root, parser, opened)
    try:
        yield from READERS[file_format(path)](reader)
    except OSError as e:  # the file cannot be opened (gone, no permission) or fails outside the decoder
        yield reader.damaged(UNREADABLE_FILE, reader.records + 1 if reader.records else 0,
                             f"{type(e).__name__}: {e}")


class ReadFileFn(beam.DoFn):
    """``(index, path as bytes)`` in, the file's documents out; rejections go to ``rejected`` (or straight
    to the file's log under ``rejected_prefix``) and one summary per file to ``summaries``."""

    def __init__(self, config: InputConfig, id_root: str = "", rejected_prefix: str | None = None,
                 progress: ProgressTarget | None = None) -> None:
        super().__init__()
        self.config, self.id_root = config, id_root
        self.rejected_prefix, self.progress = rejected_prefix, progress
        self.documents = Metrics.counter(METRICS_NAMESPACE, "read.documents")
        self.rejected = Metrics.counter(METRICS_NAMESPACE, "read.rejected")
        self.repaired = Metrics.counter(METRICS_NAMESPACE, "read.repaired")
        self.files = Metrics.counter(METRICS_NAMESPACE, "read.files")
        self.skipped = Metrics.counter(METRICS_NAMESPACE, "read.skipped")

    def process(self, element: tuple[int, bytes]) -> Iterator[object]:
        index, name = element
        path = name.decode("utf-8", "surrogateescape")  # as ReadDocuments encoded it (path_bytes)
        self.files.inc()
        log = JsonlLog(f"{self.rejected_prefix}-{index:05d}.jsonl") if self.rejected_prefix else None
        kinds: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        damaged: list[dict[str, Any]] = []
        source = display_path(source_name(path, self.id_root))[0]  # what the stages see as documents' source
        counts = progress.start_file(self.progress, source) if self.progress is not None else None
        if counts is None:  # a stage must not count this file into an earlier run's progress
            progress.forget_file(source)
        try:
            for item in read_file(path, self.config, self.id_root, opened=counts.opened if counts else None):
                if counts is not None:
                    counts.records += 1
                    counts.rejected += isinstance(item, RejectedRecord)
                    counts.skipped += isinstance(item, SkippedRecord)
                    progress.tick(counts)
                if isinstance(item, SkippedRecord):  # not a document by definition (a WARC request, ...)
                    self.skipped.inc()
                    skipped[item.reason] += 1
                elif isinstance(item, RejectedRecord):
                    self.rejected.inc()
                    kinds[item.error] += 1
                    if item.damaged is not None:
                        damaged.append(item.damaged.to_json_dict())
                    _LOG.info("rejected %s:%d (%s): %s", item.source, item.position, item.error, item.detail)
                    if log is not None:
                        log.write(item)
                    else:
                        yield beam.pvalue.TaggedOutput(REJECTED, item)
                else:
                    self.documents.inc()
                    if item.repaired:
                        self.repaired.inc()
                    yield item
        except BaseException:
            if log is not None:
                log.abort()
            raise
        if log is not None:
            log.close()
        if counts is not None:
            progress.finish_file(counts, path)
        yield beam.pvalue.TaggedOutput(SUMMARIES, {"source": source, "rejected": dict(kinds),
                                                   "skipped": dict(skipped), "damaged": damaged})

    def finish_bundle(self) -> None:
        if self.progress is not None:
            progress.flush()


class ReadDocuments(beam.PTransform):
    """File paths -> ``{"documents": PCollection[Document], "rejected": PCollection[RejectedRecord],
    "summaries": PCollection[dict]}``.

    With ``rejected_prefix`` (a path prefix such as ``DIR/rejected/wave-00000``) the reader writes rejections
    to ``<prefix>-<file index, 5 digits>.jsonl``, in position order, and ``rejected`` stays empty: a million
    rejected records never become a million elements the runner holds.
    """

    def __init__(self, paths: list[str], config: InputConfig, id_root: str | None = None,
                 rejected_prefix: str | None = None, progress: ProgressTarget | None = None) -> None:
        super().__init__()
        self._paths, self._config, self._rejected_prefix = paths, config, rejected_prefix
        self._progress = progress  # where the readers report bytes and records read (pipeline/progress.py)
        # A run read in waves passes the root of all its inputs, so ids do not depend on the waves.
        self._id_root = input_root(paths) if id_root is None else id_root

    def expand(self, pbegin: beam.pvalue.PBegin) -> dict[str, beam.PCollection]:
        fn = ReadFileFn(self._config, self._id_root, self._rejected_prefix, self._progress)
        results = (
            pbegin
            # Paths travel as bytes: a local name that is not UTF-8 is a str no Beam string coder can encode.
            | "ListFiles" >> beam.Create([(i, path_bytes(p)) for i, p in enumerate(self._paths)])
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadFiles" >> beam.ParDo(fn).with_outputs(REJECTED, SUMMARIES, main="documents")
        )
        return {"documents": results["documents"], REJECTED: results[REJECTED], SUMMARIES: results[SUMMARIES]}
