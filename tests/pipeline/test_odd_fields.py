"""Any field may hold anything: a record is rejected with a stable kind or a side field is repaired (and
flagged), never a crash; ids keep their JSON type; file names that are not UTF-8 are read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FNAPI, write_jsonl

from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import MAX_ID_BYTES, derived_id, read_file, typed_id
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.config import InputConfig, RunConfig
from babelbeam.schemas.document import json_line


def _read(path: Path, **kw) -> list[Document | RejectedRecord]:
    return list(read_file(str(path), InputConfig(**kw)))


def _outcome(item: Document | RejectedRecord) -> str:
    return item.id if isinstance(item, Document) else item.error


def test_json_ids_keep_their_type(tmp_path):
    path = write_jsonl(tmp_path / "ids.jsonl", [
        {"id": 1, "text": "integer one"}, {"id": "1", "text": "string one"}, {"id": "#1", "text": "hash one"},
        {"id": "##x", "text": "two hashes"}, {"id": -7, "text": "negative"}, {"id": None, "text": "null id"},
        {"id": "", "text": "empty id"},
    ])
    ids = [_outcome(i) for i in _read(path)]
    assert ids == ["#1", "1", "##1", "###x", "#-7", derived_id(str(path), 6), derived_id(str(path), 7)]
    assert len(set(ids)) == len(ids)  # 1, "1" and "#1" are three records, never one


@pytest.mark.parametrize("value", [1.5, 1.0, True, False, [1], {"a": 1}, "a\udc00", "x" * (MAX_ID_BYTES + 1)])
def test_ids_that_are_not_strings_or_integers_are_rejected(value):
    doc_id, problem = typed_id(value)
    assert doc_id is None and problem


def test_surrogates_in_id_url_and_metadata(tmp_path):
    # JSON escapes of lone surrogates: valid JSON, but no valid Unicode string.
    lines = [b'{"id": "a\\udc00", "text": "lone surrogate in the id"}',
             b'{"id": "u", "url": "http://x.org/\\ud800", "text": "lone surrogate in the url"}',
             b'{"id": "m", "crawl": "2024-\\udfff", "text": "lone surrogate in kept metadata"}',
             b'{"id": "pair", "url": "http://x.org/\\ud834\\udd1e", "text": "a pair is one character"}']
    path = tmp_path / "s.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rejected, url_doc, meta_doc, pair_doc = _read(path, keep_fields=["crawl"])
    assert rejected.error == "invalid_id" and rejected.position == 1
    assert url_doc.url == "http://x.org/\ufffd" and url_doc.repaired == ["url_invalid_utf8"]
    assert meta_doc.metadata == {"crawl": "2024-\ufffd"} and meta_doc.repaired == ["metadata_invalid_utf8"]
    assert pair_doc.url == "http://x.org/\U0001d11e" and pair_doc.repaired == []
    json_line(rejected.to_json_dict())  # the rejected log can always be written


def test_wrong_types_in_every_field(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", [
        {"id": "a", "text": "ok", "url": 5, "k": {"b": [1, True, None], "a": 1.5}},
        {"id": "b", "text": "ok", "url": ["x"], "k": False},
        {"id": "c", "text": {"nested": "text"}},
        {"id": {"nested": "id"}, "text": "ok"},
        {"id": "d", "text": None},
        [1, 2],
        '"a string"',
        "null",
    ])
    items = _read(path, keep_fields=["k"])
    assert [_outcome(i) for i in items] == ["a", "b", "text_not_string", "invalid_id", "missing_text",
                                           "not_an_object", "not_an_object", "not_an_object"]
    a, b = items[0], items[1]
    assert a.url is None and a.repaired == ["url_not_string"]
    assert a.metadata == {"k": '{"a":1.5,"b":[1,true,null]}'}
    assert b.metadata == {"k": "false"}


def test_lines_that_break_the_json_parser_are_one_rejection_each(tmp_path):
    lines = [b"[" * 200_000 + b"]" * 200_000,  # nesting deeper than the parser's recursion limit
             b'{"id": "big", "text": "x", "n": ' + b"9" * 5000 + b"}",  # an integer over Python's digit limit
             b'{"id": "nul", "text": "a\\u0000b\x00"}',  # NUL escaped, and a raw NUL byte (invalid JSON)
             b'{"id": "after", "text": "still read"}']
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert [_outcome(i) for i in _read(path)] == ["invalid_json", "invalid_json", "invalid_json", "after"]


def test_parquet_with_integer_ids_and_odd_columns(tmp_path):
    table = pa.table({"id": pa.array([1, 2, None], pa.int64()), "text": ["one", "two", "three"],
                      "when": pa.array([0, 1, 2], pa.timestamp("s")), "blob": [b"\xff", b"ok", None]})
    pq.write_table(table, tmp_path / "t.parquet")
    items = _read(tmp_path / "t.parquet", keep_fields=["when", "blob"])
    assert [_outcome(i) for i in items] == ["#1", "#2", derived_id(str(tmp_path / "t.parquet"), 2)]
    assert items[0].metadata == {"when": "1970-01-01 00:00:00", "blob": "b'\\xff'"}


def test_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"caf\xe9.jsonl")
    write_jsonl(tmp_path / name, [{"text": "first"}, {"text": "second"}])
    (tmp_path / "caf\\xe9.jsonl").write_bytes(b'{"text": "same display name, other file"}\n')
    first, second = _read(tmp_path / name)
    (other,) = _read(tmp_path / "caf\\xe9.jsonl")
    assert first.source == str(tmp_path / "caf\\xe9.jsonl") == other.source  # readable text, flagged
    assert first.repaired == ["source_not_utf8"] and other.repaired == []
    assert len({first.id, second.id, other.id}) == 3  # ids derive from the bytes of the name


def test_rejected_log_line_with_surrogates_reads_back():
    record = RejectedRecord("f\udcff.jsonl", 3, "invalid_json", "bad \ud800", "raw \udc00 prefix")
    line = json_line(record.to_json_dict())
    line.decode("utf-8")  # valid UTF-8 on disk
    assert json.loads(line) == record.to_json_dict()


@pytest.mark.slow
def test_odd_fields_and_a_non_utf8_file_name_do_not_stop_a_run(tmp_path):
    corpus = tmp_path / "corpus"
    lines = [b'{"id": "a\\udc00", "text": "The id of this record holds a lone surrogate: rejected."}',
             b'{"id": 1, "url": "http://x.org/\\udc00", "crawl": "\\udc00", "text": "Integer id, bad url"}',
             b'{"id": "1", "url": {"not": "a url"}, "crawl": [1, 2], "text": "A string id that reads 1"}']
    corpus.mkdir()
    (corpus / "odd.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    write_jsonl(corpus / os.fsdecode(b"nam\xe9.jsonl"), [{"text": "A record from a file named in Latin-1."}])
    config = RunConfig.from_yaml(None)
    config.input.keep_fields = ["crawl"]
    config.quality.enabled, config.exact_dedup.enabled, config.minhash.enabled = False, False, False
    config.langid.threshold, config.langid.keep_undetermined, config.output.buckets = 0.0, True, 1
    config.langid.min_chars = 0
    out = tmp_path / "out"
    stats = run_pipeline([str(corpus / "*")], str(out), config, FNAPI)
    assert (stats["input"], stats["kept"], stats["rejected"]) == (4, 3, {"invalid_id": 1})
    assert stats["repaired"] == {"metadata_invalid_utf8": 1, "source_not_utf8": 1, "url_invalid_utf8": 1,
                                 "url_not_string": 1}
    import pyarrow as pa

    (shard,) = sorted((out / "shards").glob("*.arrow"))
    rows = pa.ipc.open_file(shard).read_all().to_pylist()
    assert sorted(r["id"] for r in rows if r["source"].endswith("odd.jsonl")) == ["#1", "1"]
    assert any(r["source"].endswith("nam\\xe9.jsonl") for r in rows)
    (rejected_line,) = [json.loads(line) for p in (out / "rejected").glob("*.jsonl") for line in p.open("rb")]
    assert rejected_line["error"] == "invalid_id" and "\\udc00" in rejected_line["raw"]
