"""Each phase transform on its own, through a TestPipeline on the FnApiRunner: AnnotateWave,
DedupDecisions and DedupSignatures, WriteOutputBuckets, each given the work files the phase before
would have left."""

from __future__ import annotations

import json
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from conftest import FNAPI, write_jsonl

from babelbeam.pipeline.phases.annotate import SIGNATURE_SCHEMA, AnnotateWave
from babelbeam.pipeline.phases.dedup import EXACT_DUPLICATE, Decision, DedupDecisions, DedupSignatures
from babelbeam.pipeline.phases.write import ID_DUPLICATE, WriteOutputBuckets
from babelbeam.pipeline.sinks import bucket_of
from babelbeam.pipeline.stages.normalize import Normalize
from babelbeam.pipeline.workdir import WorkDir, parquet_bytes, read_json
from babelbeam.schemas import Document
from babelbeam.schemas.config import OutputConfig, RunConfig
from babelbeam.schemas.document import documents_to_table
from babelbeam.tokenize.shards import open_shard


def _pipeline() -> TestPipeline:
    return TestPipeline(options=PipelineOptions(FNAPI))


def _signature(doc_id: str, exact_key: str) -> dict:
    return {"id": doc_id, "exact_key": exact_key, "bands": [], "quality_score": None, "shingles": None}


def test_annotate_wave_persists_documents_signatures_and_counts_by_bucket(tmp_path: Path) -> None:
    config = RunConfig(output=OutputConfig(buckets=2))
    records = [{"id": f"d{i}", "text": f"text number {i}"} for i in range(6)]
    source = write_jsonl(tmp_path / "in.jsonl", [*records, "{not json"])
    workdir = WorkDir(str(tmp_path / "out"))
    stages = [("Normalize", Normalize(config.normalize))]  # the one stage every run has
    with _pipeline() as p:
        counts = p | AnnotateWave([str(source)], workdir.output_dir, 3, config, stages, str(tmp_path))
        assert_that(counts, equal_to([None]))  # one counts file written
    for bucket in range(2):
        ids = [d["id"] for d in pq.read_table(workdir.wave_docs(3, bucket)).to_pylist()]
        assert ids == sorted(f"d{i}" for i in range(6) if bucket_of(f"d{i}", 2) == bucket)
        signatures = pq.read_table(workdir.signatures(3, bucket))
        assert signatures.schema.equals(SIGNATURE_SCHEMA) and signatures.column("id").to_pylist() == ids
    assert read_json(workdir.wave_counts(3)) == [[["read", "", ""], 6], [["rejected", "invalid_json", ""], 1]]
    assert read_json(workdir.wave_damaged(3)) == []
    assert list(Path(workdir.rejected()).glob("wave-00003-*.jsonl"))


def test_dedup_decisions_exact_groups_without_minhash() -> None:
    config = RunConfig()
    config.minhash.enabled = False
    rows = [_signature("b", "k1"), _signature("a", "k1"), _signature("c", "k2")]
    with _pipeline() as p:
        decided = p | beam.Create(rows) | DedupDecisions(config)
        expected = [("a", Decision(None, "a", 2)), ("b", Decision(EXACT_DUPLICATE, "a", 2))]
        assert_that(decided["decisions"], equal_to(expected), label="decisions")
        survivors = decided["survivors"] | beam.Map(lambda r: r["id"])
        assert_that(survivors, equal_to(["a", "c"]), label="survivors")


def test_dedup_signatures_writes_each_buckets_decisions(tmp_path: Path) -> None:
    config = RunConfig(output=OutputConfig(buckets=2))
    config.minhash.enabled = False
    workdir = WorkDir(str(tmp_path))
    for wave, rows in enumerate([[_signature("b", "k1")], [_signature("a", "k1"), _signature("c", "k2")]]):
        Path(workdir.signatures(wave, 0)).parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(rows, schema=SIGNATURE_SCHEMA)
        Path(workdir.signatures(wave, 0)).write_bytes(parquet_bytes(table))
    with _pipeline() as p:
        paths = p | DedupSignatures(workdir.output_dir, config)
        # a and b share a bucket or not: one decision file per bucket holding decisions
        assert_that(paths, equal_to(sorted({workdir.decisions(bucket_of(i, 2)) for i in "ab"})))
    rows = [r for b in range(2) if Path(workdir.decisions(b)).exists()
            for r in pq.read_table(workdir.decisions(b)).to_pylist()]
    assert sorted(rows, key=lambda r: r["id"]) == [
        {"id": "a", "reason": None, "dup_cluster": "a", "dup_cluster_size": 2},
        {"id": "b", "reason": EXACT_DUPLICATE, "dup_cluster": "a", "dup_cluster_size": 2}]


def test_write_output_buckets_merges_waves_applies_decisions_and_cuts_shards(tmp_path: Path) -> None:
    config = RunConfig(output=OutputConfig(buckets=1, shard_tokens=1))
    workdir = WorkDir(str(tmp_path))
    waves = [[Document("a", "first text here"), Document("c", "third text here")],
             [Document("b", "second text here"), Document("c", "a second record of id c")]]
    for wave, docs in enumerate(waves):
        Path(workdir.wave_docs(wave, 0)).parent.mkdir(parents=True, exist_ok=True)
        Path(workdir.wave_docs(wave, 0)).write_bytes(parquet_bytes(documents_to_table(docs)))
    decisions = [{"id": "a", "reason": None, "dup_cluster": "a", "dup_cluster_size": 2},
                 {"id": "b", "reason": EXACT_DUPLICATE, "dup_cluster": "a", "dup_cluster_size": 2}]
    Path(workdir.decisions(0)).parent.mkdir(parents=True)
    Path(workdir.decisions(0)).write_bytes(parquet_bytes(pa.Table.from_pylist(decisions)))
    with _pipeline() as p:
        assert_that(p | WriteOutputBuckets([0], workdir.output_dir, config, waves=2), equal_to([0]))
    marker = read_json(workdir.bucket_done(0))
    assert marker["counts"] == [[["duplicates", EXACT_DUPLICATE, "und"], 1],
                                [["duplicates", ID_DUPLICATE, "und"], 1]]
    # a and c are kept, in id order; a shard closes at its first token, so each is a shard of its own
    assert [e["path"] for e in marker["entries"]] == [WorkDir.shard_relative(0, i) for i in range(2)]
    shards = [open_shard(workdir.output(e["path"])) for e in marker["entries"]]
    assert [shard.ids for shard in shards] == [["a"], ["c"]]
    assert [shard.table.column("dup_cluster_size").to_pylist() for shard in shards] == [[2], [1]]
    removed = [json.loads(line) for line in Path(workdir.dedup_removed_log(0)).read_text().splitlines()]
    assert [(r["id"], r["removed_reason"]) for r in removed] == [("b", EXACT_DUPLICATE), ("c", ID_DUPLICATE)]
