"""Phase 2, once, over every wave's signatures (about 150 bytes a document, no text).

Exact groups by key (the smallest id stays), then MinHash-LSH clusters of the survivors
(``near_dedup.ClusterSignatures``). One ``Decision`` per id that is removed or in a cluster of two or more
goes to ``work/dedup/bucket-B.parquet``; the survivors' band hashes go to the MinHash index ``minhash/`` a
later run's ``--dedup-index`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics

from babelbeam.pipeline.near_dedup import MINHASH_DUPLICATE, ClusterSignatures, index_schema, rank_key
from babelbeam.pipeline.options import run_beam
from babelbeam.pipeline.sinks import bucket_of, write_atomically
from babelbeam.pipeline.stages.base import METRICS_NAMESPACE
from babelbeam.pipeline.workdir import (
    INDEX_PREFIX,
    WorkDir,
    delete_matching,
    exists,
    matches,
    parquet_bytes,
    parquet_rows,
    stream_parquet_batches,
)
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.document import record_order

EXACT_DUPLICATE = "exact_duplicate"
DECISION_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    pa.field("reason", pa.string()),
    pa.field("dup_cluster", pa.string()),
    pa.field("dup_cluster_size", pa.int64()),
])


class Decision(NamedTuple):
    """What dedup decided about one document id."""

    reason: str | None
    """The removal reason (``exact_duplicate``, ``minhash_duplicate``); None: the document stays."""
    cluster: str
    """``dup_cluster``: the smallest id of its duplicate group."""
    size: int
    """``dup_cluster_size``: documents in that group."""


class _ExactGroupFn(beam.DoFn):
    """Signatures sharing an exact key: the smallest id survives into MinHash, the rest exact duplicates."""

    def __init__(self) -> None:
        super().__init__()
        self.removed = Metrics.counter(METRICS_NAMESPACE, f"exact_dedup.removed_{EXACT_DUPLICATE}")

    def process(self, element: tuple[str, Iterable[dict[str, Any]]]) -> Iterator[Any]:
        _, rows = element
        keep, size = None, 0
        for row in rows:  # pass 1: the smallest id and the group size, streamed
            size += 1
            if keep is None or row["id"] < keep["id"]:
                keep = row
        assert keep is not None
        if size > 1:
            yield beam.pvalue.TaggedOutput("decisions", (keep["id"], Decision(None, keep["id"], size)))
            for row in rows:  # pass 2
                if row["id"] != keep["id"]:
                    self.removed.inc()
                    yield beam.pvalue.TaggedOutput("decisions",
                                                   (row["id"], Decision(EXACT_DUPLICATE, keep["id"], size)))
        yield keep


def merge_decisions(element: tuple[str, Iterable[Decision]]) -> tuple[str, Decision]:
    """One id's decisions: a removal wins, then MinHash's cluster over the exact group's (the larger)."""
    doc_id, decisions = element
    # Ties (an exact group and a MinHash cluster of one size) broken by content, not by arrival order.
    return doc_id, min(decisions, key=lambda d: (d.reason is None, -d.size, d.reason or "", d.cluster))


class DedupDecisions(beam.PTransform):
    """Signature rows -> ``{"decisions": (id, Decision), "survivors": rows}``: the dedup graph without I/O.

    An id gets a decision when it is removed or in a group of two or more; the survivors are the rows left
    after exact dedup (the ones MinHash saw). ``documents``: how many rows to expect (``ClusterSignatures``).
    """

    def __init__(self, config: RunConfig, documents: int = 0) -> None:
        super().__init__()
        self._clusters = ClusterSignatures(config.minhash, documents) if config.minhash.enabled else None

    def expand(self, rows: beam.PCollection) -> dict[str, beam.PCollection]:
        # One signature per id, the first in record_order: the record phase 3 keeps of duplicate ids.
        rows = (rows
                | "KeyById" >> beam.Map(lambda r: (r["id"], r))
                | "OnePerId" >> beam.CombinePerKey(lambda rs: min(rs, key=record_order))
                | "OneSignaturePerId" >> beam.Values())
        exact = (
            rows
            | "KeyByText" >> beam.Map(lambda r: (r["exact_key"], r))
            | "GroupByText" >> beam.GroupByKey()
            | "ExactGroups" >> beam.ParDo(_ExactGroupFn()).with_outputs("decisions", main="survivors")
        )
        survivors, decisions = exact["survivors"], [exact["decisions"]]
        if self._clusters is not None:
            clusters = {
                "bands": survivors | "BandKeys" >> beam.Map(lambda r: (r["id"], r["bands"])),
                "rank": survivors | "Ranks" >> beam.Map(
                    lambda r: (r["id"], rank_key(r["id"], r["quality_score"]))),
                "shingles": survivors | "Shingles" >> beam.FlatMap(
                    lambda r: [(r["id"], r["shingles"])] if r["shingles"] else []),
            } | "NearDuplicates" >> self._clusters
            decisions.append(clusters | "MinHashDecisions" >> beam.MapTuple(lambda doc_id, m: (
                doc_id, Decision(None if m.representative else MINHASH_DUPLICATE, m.cluster, m.size))))
        merged = (
            decisions
            | "AllDecisions" >> beam.Flatten()
            | "GroupById" >> beam.GroupByKey()
            | "MergeDecisions" >> beam.Map(merge_decisions)
        )
        return {"decisions": merged, "survivors": survivors}


class _WriteDecisionsFn(beam.DoFn):
    def __init__(self, workdir: WorkDir) -> None:
        super().__init__()
        self.workdir = workdir

    def process(self, element: tuple[int, Iterable[tuple[str, Decision]]]) -> Iterator[str]:
        bucket, decisions = element
        rows = [{"id": i, "reason": d.reason, "dup_cluster": d.cluster, "dup_cluster_size": d.size}
                for i, d in sorted(decisions)]
        path = self.workdir.decisions(bucket)
        write_atomically(path, parquet_bytes(pa.Table.from_pylist(rows, schema=DECISION_SCHEMA)))
        yield path


class DedupSignatures(beam.PTransform):
    """Phase 2: ``DedupDecisions`` over every wave's signatures, written per bucket; the MinHash index too."""

    def __init__(self, output_dir: str, config: RunConfig) -> None:
        super().__init__()
        self._workdir, self._config = WorkDir(output_dir), config
        self._decide = DedupDecisions(config, parquet_rows(self._workdir.work("signatures", "*.parquet")))

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        workdir, config = self._workdir, self._config
        buckets = config.output.buckets
        rows = pbegin | "ReadSignatures" >> beam.io.ReadFromParquet(workdir.work("signatures", "*.parquet"))
        decided = rows | "Decide" >> self._decide
        if config.minhash.enabled:
            _ = (
                decided["survivors"]
                | "IndexRows" >> beam.Filter(lambda r: bool(r["bands"]))
                | "IndexRecords" >> beam.Map(lambda r: {"id": r["id"], "bands": r["bands"]})
                | "WriteIndex" >> beam.io.WriteToParquet(
                    workdir.index(INDEX_PREFIX), index_schema(config.minhash), file_name_suffix=".parquet")
            )
        return (
            decided["decisions"]
            | "KeyByBucket" >> beam.Map(lambda kv: (bucket_of(kv[0], buckets), kv))
            | "GroupBuckets" >> beam.GroupByKey()
            | "WriteDecisions" >> beam.ParDo(_WriteDecisionsFn(workdir))
        )


def read_decisions(workdir: WorkDir, bucket: int) -> dict[str, Decision]:
    """The bucket's decisions by id (none when dedup decided nothing there)."""
    path = workdir.decisions(bucket)
    if not exists(path):
        return {}
    return {r["id"]: Decision(r["reason"], r["dup_cluster"], r["dup_cluster_size"])
            for rows in stream_parquet_batches(path, 4096) for r in rows}


def dedup(output_dir: str, config: RunConfig, beam_args: list[str]) -> None:
    """Phase 2, from a clean slate to its done marker."""
    workdir = WorkDir(output_dir)
    delete_matching([workdir.work("dedup", "*"), workdir.index("*")])
    if matches(workdir.work("signatures", "*.parquet")):
        run_beam(beam_args, lambda p: p | "Dedup" >> DedupSignatures(output_dir, config))
    write_atomically(workdir.dedup_done, b"done\n")
