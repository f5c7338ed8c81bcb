"""Readers: every record becomes a Document or a RejectedRecord naming file, position and error."""

from __future__ import annotations

import gzip
import json

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from conftest import FNAPI, write_jsonl

from babelbeam.pipeline.sources import InputError, ReadDocuments, derived_id, match_inputs, read_file
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.config import InputConfig


def _read(path, **kw):
    return list(read_file(str(path), InputConfig(**kw)))


def test_jsonl_records_and_every_rejection_kind(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a", "text": "first", "url": "http://x.org/a", "lang_hint": "en"},
        "{not json",
        {"id": "b"},
        {"id": "c", "text": 7},
        b'{"id": "d", "text": "bad \xff byte"}',
        {"id": "e", "text": "\ud800 lone surrogate"},
        "[1, 2]",
        "",
        {"text": "no id"},
    ])
    items = _read(path, keep_fields=["lang_hint"])
    docs = [i for i in items if isinstance(i, Document)]
    rejected = {i.error: i for i in items if isinstance(i, RejectedRecord)}
    assert [d.id for d in docs] == ["a", derived_id(str(path), 9)]
    assert docs[0].url == "http://x.org/a" and docs[0].metadata == {"lang_hint": "en"}
    assert set(rejected) == {"invalid_json", "missing_text", "text_not_string", "invalid_utf8",
                             "not_an_object"}
    assert rejected["invalid_json"].position == 2 and rejected["invalid_json"].source == str(path)
    assert rejected["invalid_utf8"].position in (5, 6)


def test_oversized_line_is_rejected_without_reading_it_whole(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl",
                       [{"id": "big", "text": "x" * 5000}, {"id": "ok", "text": "fine"}])
    items = _read(path, max_document_bytes=1000)
    assert [type(i).__name__ for i in items] == ["RejectedRecord", "Document"]
    assert items[0].error == "document_too_large" and items[1].id == "ok"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_jsonl(tmp_path, suffix):
    payload = "".join(json.dumps({"id": str(i), "text": f"doc {i}"}) + "\n" for i in range(50)).encode()
    path = tmp_path / f"c{suffix}"
    path.write_bytes(gzip.compress(payload) if suffix.endswith("gz")
                     else zstandard.ZstdCompressor().compress(payload))
    assert [d.id for d in _read(path)] == [str(i) for i in range(50)]


def test_decompression_bomb_is_cut_at_the_limit(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n' * 100_000))
    items = _read(path, max_file_bytes=14 * 1000)
    assert isinstance(items[-1], RejectedRecord) and items[-1].error == "file_too_large"
    assert sum(isinstance(i, Document) for i in items) <= 1000


def test_parquet_and_text(tmp_path):
    pq.write_table(pa.table({"doc_id": ["p1", "p2", "p3"], "body": ["one", None, "three"]}),
                   tmp_path / "t.parquet")
    items = _read(tmp_path / "t.parquet", text_field="body", id_field="doc_id")
    assert [getattr(i, "id", getattr(i, "error", None)) for i in items] == ["p1", "missing_text", "p3"]
    (tmp_path / "note.txt").write_text("Just one document.\nTwo lines.", encoding="utf-8")
    (doc,) = _read(tmp_path / "note.txt")
    assert (doc.text == "Just one document.\nTwo lines."
            and doc.id == derived_id(str(tmp_path / "note.txt"), 0))


def test_bad_parquet_is_rejected_naming_the_file(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 this is not parquet")
    (item,) = _read(tmp_path / "bad.parquet")
    assert item.error == "unreadable_file" and item.source.endswith("bad.parquet")


def test_empty_pattern_fails_loudly(tmp_path):
    with pytest.raises(InputError, match="matches no files"):
        match_inputs([str(tmp_path / "nothing-*.jsonl")])


def test_read_documents_transform(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "one"}, "oops", {"id": "2", "text": "two"}])
    paths = match_inputs([str(tmp_path / "*.jsonl")])
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        out = p | ReadDocuments(paths, InputConfig())
        assert_that(out["documents"] | beam.Map(lambda d: d.id), equal_to(["1", "2"]), label="docs")
        assert_that(out["rejected"] | beam.Map(lambda r: (r.error, r.position)),
                    equal_to([("invalid_json", 2)]), label="rejected")
