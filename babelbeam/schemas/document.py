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
    url: str | None = None
    """The document's URL when the input has one (used by the URL blocklist)."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Other input fields kept as strings."""
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
        if self.measurements:
            out["measurements"] = {k: round(v, 6) for k, v in sorted(self.measurements.items())}
        return out


@dataclass
class RejectedRecord:
    """Input that could not become a document: where it was and what was wrong."""

    source: str
    """The input file."""
    position: int
    """Line number (JSONL, 1-based), row index (Parquet) or 0 (whole file)."""
    error: str
    """A stable error kind, e.g. ``invalid_json``, ``missing_text``, ``invalid_utf8``, ``unreadable_file``."""
    detail: str = ""
    """The underlying message."""
    raw: str = ""
    """A bounded prefix of the raw record (at most 1,000 characters) to help debugging."""

    def to_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# Columns of the removed-documents log (DIR/removed/*.jsonl) are Document.to_json_dict().

DOCUMENT_ARROW_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("source", pa.string()),
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
        # Token ids (EOS appended) when a stage already tokenized, so the write phase does not do it again.
        pa.field("tokens", pa.list_(pa.uint32())),
    ]
)
"""Arrow schema of annotated documents persisted between the stages of a run (``DIR/work/docs/``)."""

_SCALAR_COLUMNS = ("id", "text", "source", "url", "lang", "lang_score", "lang_label", "lang_group",
                   "lang_group_score", "quality_score", "quality_bucket")


def documents_to_table(docs: list[Document]) -> pa.Table:
    """Persist annotated documents (not their tokens) as an Arrow table; ``table_to_documents`` reverses it."""
    columns = {name: [getattr(d, name) for d in docs] for name in _SCALAR_COLUMNS}
    columns["lang_top"] = [json.dumps(d.lang_top) for d in docs]
    columns["metadata"] = [json.dumps(d.metadata, sort_keys=True) for d in docs]
    columns["measurements"] = [json.dumps(d.measurements, sort_keys=True) for d in docs]
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
            tokens=None if row.get("tokens") is None else np.asarray(row["tokens"], dtype=np.uint32),
        )
        for row in rows
    ]
