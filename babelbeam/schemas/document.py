"""The one document record that flows through every stage, and the rejected-input record.

A ``Document`` is created by a source, annotated by each stage (language,
quality measurements, duplicate cluster, score, tokens) and ends in exactly one
place: a token shard (``removed_reason is None``) or the removed log (its
``removed_reason`` says why). Input that cannot become a document at all becomes
a ``RejectedRecord``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa


@dataclass
class Document:
    """One text document and everything the pipeline learned about it."""

    id: str
    """Stable id: from the input's id field, else derived from source and position."""
    text: str
    """The document text (normalised to NFC by the normalise stage)."""
    source: str = ""
    """The input file the document came from."""
    position: int = 0
    """Where in ``source`` the record starts: JSONL line number (1-based), Parquet row (0-based), WARC/WET
    byte offset (in the compressed file for ``.gz``), 0 for a text file (one document). With ``id`` and
    ``source`` it gives the total order of records (``record_order``)."""
    url: str | None = None
    """The document's URL when the input has one (used by the URL blocklist)."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Other input fields kept as strings (``input.keep_fields``; non-strings as compact JSON text)."""
    repaired: list[str] = field(default_factory=list)
    """What the reader repaired in this record, sorted: ``url_not_string``, ``url_invalid_utf8``,
    ``metadata_invalid_utf8``, ``metadata_not_serialisable``, ``source_not_utf8`` (docs/output-format.md)."""
    lang: str = "und"
    """One of the 119 registry codes (e.g. ``eng_Latn``), or ``und``."""
    lang_score: float = 0.0
    """The language-ID model's probability for ``lang``, 0..1."""
    lang_top: list[tuple[str, float]] = field(default_factory=list)
    """The model's top labels (mapped codes) with scores, best first; the runner-up is ``lang_top[1]``."""
    lang_label: str | None = None
    """The model's original label when it mapped to ``und`` or to a corrected code."""
    lang_group: str | None = None
    """The confusable group of ``lang`` (``malay``, ``bcms``, ``arabic``...: langid_data/groups.tsv), or
    None."""
    lang_group_score: float | None = None
    """The group's summed probability, 0..1, which the keep decision used; None when ``lang`` is in no
    group."""
    measurements: dict[str, float] = field(default_factory=dict)
    """Values the quality filters measured, by ``<filter>_<measure>`` name, when asked to keep them."""
    dup_cluster: str | None = None
    """Near-duplicate cluster id: the smallest document id in the cluster."""
    dup_cluster_size: int = 1
    """Number of documents in the near-duplicate cluster (1 for a unique document)."""
    quality_score: float | None = None
    """Model quality score (higher is better) when a scorer ran."""
    quality_bucket: str | None = None
    """``head``, ``middle`` or ``tail`` within the document's language when a scorer ran."""
    removed_reason: str | None = None
    """Why the document was removed, as a stable ``<stage>_<condition>`` string; None while kept."""
    tokens: Any = None
    """Token ids (numpy uint32 array) once tokenized, EOS appended."""

    @property
    def kept(self) -> bool:
        return self.removed_reason is None

    def removed(self, reason: str) -> Document:
        """Return a copy marked removed for ``reason`` (the text is kept for the removed log)."""
        return dataclasses.replace(self, removed_reason=reason)

    def to_json_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """A JSON-ready dict of the record (without tokens)."""
        out: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "lang": self.lang,
            "lang_score": round(self.lang_score, 6),
            "lang_top": [[code, round(score, 6)] for code, score in self.lang_top],
        }
        if with_text:
            out["text"] = self.text
        for name in ("url", "lang_label", "lang_group", "dup_cluster", "quality_score", "quality_bucket",
                     "removed_reason"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.lang_group_score is not None:
            out["lang_group_score"] = round(self.lang_group_score, 6)
        if self.dup_cluster_size != 1:
            out["dup_cluster_size"] = self.dup_cluster_size
        if self.metadata:
            out["metadata"] = self.metadata
        if self.repaired:
            out["repaired"] = self.repaired
        if self.measurements:
            out["measurements"] = {k: round(v, 6) for k, v in sorted(self.measurements.items())}
        return out


RecordOrder = tuple[str, str, int]


RECORD_ORDER_KEYS = [("id", "ascending"), ("source", "ascending"), ("position", "ascending")]
"""``record_order`` as Arrow sort keys (``pyarrow.compute.sort_indices``, a stable sort): Arrow compares
strings as UTF-8 bytes, which is code point order."""


def record_order(record: Document | Mapping[str, Any]) -> RecordOrder:
    """The one total order of records: ``(id, source, position)``, strings by code point.

    Wherever records are sorted or one of several with the same id is chosen (work files, the bucket merge,
    the signature kept per id), this order decides, so the result is the same on every runner and worker
    count and whatever order the records arrive in: of two records with one id, the first in this order is
    kept. ``record`` is a Document or a signature row (one without source and position orders by id)."""
    if isinstance(record, Document):
        return record.id, record.source, record.position
    return record["id"], record.get("source") or "", record.get("position") or 0


@dataclass
class DamagedRegion:
    """A stretch of an input file that could not be read record by record (a cut or corrupt tail, a bad
    Parquet row group, a file that cannot be opened): one rejected record, itemised in ``stats.json``."""

    source: str
    """The input file."""
    kind: str
    """One of ``truncated_file``, ``corrupt_data``, ``corrupt_row_group``, ``unreadable_file``,
    ``file_too_large``."""
    position: int
    """Position its rejected record has: the line number the first unread line would have (JSONL), the first
    unread row (Parquet), 0 (a whole file)."""
    records_before: int
    """Records of the file read before the region (documents and rejected records)."""
    compressed_offset: int | None = None
    """Byte offset in the file as stored where the damage was detected (the file's end for a cut file)."""
    decompressed_offset: int | None = None
    """Byte offset in the decompressed stream where the region starts: the first byte of the first record
    not read (a partial last line is part of the region)."""
    row_group: int | None = None
    """Parquet: the row group that could not be read."""
    rows: list[int] | None = None
    """Parquet: ``[first, end)`` rows of the file the region covers."""
    detail: str = ""
    """The underlying message."""

    def to_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class RejectedRecord:
    """Input that could not become a document: where it was and what was wrong."""

    source: str
    """The input file."""
    position: int
    """Line number (JSONL, 1-based), row index (Parquet), 0 (whole file), or for WARC/WET the byte offset
    where the record or damage starts (in the compressed file for ``.gz``)."""
    error: str
    """A stable error kind, e.g. ``invalid_json``, ``missing_text``, ``invalid_utf8``, ``truncated_file``."""
    detail: str = ""
    """The underlying message."""
    raw: str = ""
    """A bounded prefix of the raw record (at most 1,000 characters) to help debugging."""
    damaged: DamagedRegion | None = None
    """Set when this rejection stands for a damaged region of the file rather than one record."""

    def to_json_dict(self) -> dict[str, Any]:
        out = {"source": self.source, "position": self.position, "error": self.error, "detail": self.detail,
               "raw": self.raw}
        if self.damaged is not None:
            out["damaged"] = self.damaged.to_json_dict()
        return out


def json_line(record: dict[str, Any]) -> bytes:
    """One JSONL line (sorted keys, UTF-8) that can always be written: a lone surrogate left in a string
    (a raw prefix, a message) is written as its ``\\udXXX`` JSON escape, which reads back as the same
    string."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return text.encode("utf-8", "backslashreplace") + b"\n"


@dataclass
class SkippedRecord:
    """An input record that is not a document by definition (a WARC request, a non-HTML response, a page
    without main text): counted by reason in stats.json, never written out."""

    source: str
    """The input file."""
    position: int
    """Where the record starts (a byte offset for WARC/WET, in the compressed file for ``.gz``)."""
    reason: str
    """A stable reason, e.g. ``warc_request``, ``not_html``, ``http_status_404``, ``no_main_text``."""


# Columns of the removed-documents log (DIR/removed/*.jsonl) are Document.to_json_dict().

DOCUMENT_ARROW_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("position", pa.int64()),
        pa.field("url", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("lang_score", pa.float64()),
        pa.field("lang_label", pa.string()),
        pa.field("lang_group", pa.string()),
        pa.field("lang_group_score", pa.float64()),
        pa.field("quality_score", pa.float64()),
        pa.field("quality_bucket", pa.string()),
        # Nested values as JSON text: the staged run only stores and returns them.
        pa.field("lang_top", pa.string()),
        pa.field("metadata", pa.string()),
        pa.field("measurements", pa.string()),
        pa.field("repaired", pa.list_(pa.string())),
        # Token ids (EOS appended) when a stage already tokenized, so the write phase does not do it again.
        pa.field("tokens", pa.list_(pa.uint32())),
    ]
)
"""Arrow schema of annotated documents persisted between the stages of a run (``DIR/work/docs/``)."""

_SCALAR_COLUMNS = ("id", "text", "source", "position", "url", "lang", "lang_score", "lang_label",
                   "lang_group", "lang_group_score", "quality_score", "quality_bucket")


def documents_to_table(docs: list[Document]) -> pa.Table:
    """Persist annotated documents (not their tokens) as an Arrow table; ``table_to_documents`` reverses
    it."""
    columns = {name: [getattr(d, name) for d in docs] for name in _SCALAR_COLUMNS}
    columns["lang_top"] = [json.dumps(d.lang_top) for d in docs]
    columns["metadata"] = [json.dumps(d.metadata, sort_keys=True) for d in docs]
    columns["measurements"] = [json.dumps(d.measurements, sort_keys=True) for d in docs]
    columns["repaired"] = [d.repaired or None for d in docs]
    columns["tokens"] = [None if d.tokens is None else np.asarray(d.tokens, dtype=np.uint32) for d in docs]
    return pa.Table.from_pydict(columns, schema=DOCUMENT_ARROW_SCHEMA)


def rows_to_documents(rows: list[dict[str, Any]]) -> list[Document]:
    """Documents from ``documents_to_table`` rows (e.g. ``RecordBatch.to_pylist()``)."""
    return [
        Document(
            **{name: row[name] for name in _SCALAR_COLUMNS},
            lang_top=[(code, score) for code, score in json.loads(row["lang_top"])],
            metadata=json.loads(row["metadata"]),
            measurements=json.loads(row["measurements"]),
            repaired=list(row.get("repaired") or ()),
            tokens=None if row.get("tokens") is None else np.asarray(row["tokens"], dtype=np.uint32),
        )
        for row in rows
    ]
