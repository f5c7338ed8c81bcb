"""The run in three resumable phases, so no step needs the whole corpus's text in one place.

1. **Annotate**, once per wave of input files (``--files-per-wave``): read, then
   the per-document stages (normalise, language ID, quality, scoring) with no
   shuffle between them; each kept document gets its exact-dedup key and MinHash
   band hashes. Documents are written to ``work/docs/wave-W/bucket-B.parquet``
   and signatures to ``work/signatures/wave-W-bucket-B.parquet``, both sorted
   by id within a bucket (bucket = hash of id); removed and rejected records go
   to ``removed/`` and ``rejected/`` (the reader writes each file's rejections
   itself, in position order), counts to ``work/counts/wave-W.json`` and damaged
   regions to ``work/counts/wave-W.damaged.json``.
   The wave's shuffle holds at most one wave's documents.
2. **Dedup**, once, over signatures only (about 150 bytes a document, no
   text): exact groups by key (the smallest id stays), then MinHash-LSH
   clusters of the survivors (``near_dedup.ClusterSignatures``). The decisions
   (id -> reason, cluster, cluster size) go to ``work/dedup/bucket-B.parquet``.
3. **Write**, once per bucket, no shuffle: a streaming merge of that bucket's
   sorted document files from every wave, the bucket's decisions applied,
   tokens cut into shards of ``output.shard_tokens``. Memory: one shard and
   one bucket's decisions. ``work/write/bucket-B.json`` marks the bucket done
   and holds its shard entries and counts.

The orchestrator (``pipeline/run.py``) runs a Beam pipeline per phase unit and
writes a marker after each succeeds, so ``--resume`` redoes only units without
a marker. Output bytes depend on the input, the config and ``files_per_wave``,
never on where a run was interrupted.
"""

from __future__ import annotations

import heapq
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from babelbeam.filters.minhash import MinHasher, band_hashes, shingle_hashes, unique_hashes
from babelbeam.filters.normalize import exact_dedup_key
from babelbeam.pipeline.near_dedup import (
    INDEX_PREFIX,
    INDEX_SUBDIR,
    MINHASH_DUPLICATE,
    ClusterSignatures,
    index_schema,
    rank_key,
)
from babelbeam.pipeline.progress import BucketProgress, ProgressTarget
from babelbeam.pipeline.sinks import (
    REJECTED_DIR,
    REMOVED_DIR,
    WriteSortedJsonl,
    bucket_of,
    removed_key,
    write_atomically,
)
from babelbeam.pipeline.sources import SUMMARIES, ReadDocuments
from babelbeam.pipeline.stage import KEPT, METRICS_NAMESPACE, REMOVED
from babelbeam.schemas import Document
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.document import documents_to_table, rows_to_documents
from babelbeam.schemas.shard import SHARDS_DIR
from babelbeam.tokenize.shards import ShardRow, serialize_shard, shard_entry

WORK_DIR = "work"
EXACT_DUPLICATE = "exact_duplicate"
ID_DUPLICATE = "input_id_duplicate"
"""A second record with an id already seen in the same bucket (ids must be unique; the first one stays)."""

SIGNATURE_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    pa.field("exact_key", pa.string(), nullable=False),
    pa.field("bands", pa.list_(pa.int64())),
    pa.field("quality_score", pa.float64()),
    pa.field("shingles", pa.binary()),
])
DECISION_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    pa.field("reason", pa.string()),
    pa.field("dup_cluster", pa.string()),
    pa.field("dup_cluster_size", pa.int64()),
])


def work_path(output_dir: str, *parts: str) -> str:
    return FileSystems.join(output_dir, WORK_DIR, *parts)


def wave_docs_path(output_dir: str, wave: int, bucket: int) -> str:
    return work_path(output_dir, "docs", f"wave-{wave:05d}", f"bucket-{bucket:05d}.parquet")


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def read_parquet(path: str, batch_size: int = 256) -> Iterator[dict[str, Any]]:
    """Stream a Parquet file's rows through FileSystems, one batch in memory at a time."""
    with FileSystems.open(path) as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=batch_size):
            yield from batch.to_pylist()


# ---------------------------------------------------------------------------------------------------------------
# Phase 1: annotate a wave


class _DedupKeysFn(beam.DoFn):
    """Document -> (bucket, (document, signature row)): its exact-dedup key and MinHash band hashes."""

    def __init__(self, config: RunConfig) -> None:
        super().__init__()
        self.minhash = config.minhash
        self.exact = config.exact_dedup.enabled
        self.buckets = config.output.buckets
        self.no_shingles = Metrics.counter(METRICS_NAMESPACE, "minhash.no_shingles")

    def setup(self) -> None:
        self.hasher = MinHasher.from_config(self.minhash) if self.minhash.enabled else None

    def process(self, doc: Document) -> Iterator[tuple[int, tuple[Document, dict[str, Any]]]]:
        cfg = self.minhash
        bands: list[int] = []
        shingle_bytes = None
        if self.hasher is not None:
            hashes = shingle_hashes(doc.text, doc.lang, ngram=cfg.ngram, segment=cfg.segment_words,
                                    hash_function=cfg.hash_function)
            if len(hashes):
                bands = band_hashes(self.hasher.signature_from_hashes(hashes), cfg.bands, cfg.rows)
                if cfg.jaccard_check:
                    shingle_bytes = unique_hashes(hashes).tobytes()
            else:
                self.no_shingles.inc()  # no words: stays a singleton rather than sharing the empty signature
        # With exact dedup off, a key per id puts every document in a group of its own.
        exact_key = exact_dedup_key(doc.text) if self.exact else f"id:{doc.id}"
        signature = {"id": doc.id, "exact_key": exact_key, "bands": bands,
                     "quality_score": doc.quality_score, "shingles": shingle_bytes}
        yield bucket_of(doc.id, self.buckets), (doc, signature)


class _WriteWaveBucketFn(beam.DoFn):
    def __init__(self, output_dir: str, wave: int) -> None:
        super().__init__()
        self.output_dir, self.wave = output_dir, wave

    def process(self, element: tuple[int, Iterable[tuple[Document, dict[str, Any]]]]) -> Iterator[str]:
        bucket, pairs = element
        ordered = sorted(pairs, key=lambda pair: pair[0].id)
        docs_path = wave_docs_path(self.output_dir, self.wave, bucket)
        write_atomically(docs_path, parquet_bytes(documents_to_table([doc for doc, _ in ordered])))
        signatures = pa.Table.from_pylist([sig for _, sig in ordered], schema=SIGNATURE_SCHEMA)
        write_atomically(work_path(self.output_dir, "signatures", f"wave-{self.wave:05d}-bucket-{bucket:05d}.parquet"),
                         parquet_bytes(signatures))
        yield docs_path


def _read_keys(doc: Document) -> list[tuple[tuple[str, str, str], int]]:
    return [(("read", "", ""), 1)] + [(("repaired", fix, ""), 1) for fix in doc.repaired]


def count_keys(read: beam.PCollection, removed: beam.PCollection,
               summaries: beam.PCollection) -> beam.PCollection:
    """(kind, reason, lang) -> count for the records of one phase: a single list element. Rejections are
    counted (skips too) from the readers' per-file summaries (they are written by the reader, never held as elements)."""
    return (
        (
            read | "ReadKeys" >> beam.FlatMap(_read_keys),
            removed | "RemovedKeys" >> beam.Map(lambda d: (removed_key(d), 1)),
            summaries | "RejectedKeys" >> beam.FlatMap(
                lambda s: [(("rejected", kind, ""), n) for kind, n in sorted(s["rejected"].items())]
                + [(("skipped", reason, ""), n) for reason, n in sorted(s["skipped"].items())]),
        )
        | "AllKeys" >> beam.Flatten()
        | "CountKeys" >> beam.CombinePerKey(sum)
        | "OneList" >> beam.combiners.ToList()
    )


def write_damaged(path: str, regions: list[dict[str, Any]]) -> None:
    """A wave's damaged regions (``DamagedRegion.to_json_dict``), sorted by file and position."""
    ordered = sorted(regions, key=lambda r: (r["source"], r["position"]))
    write_atomically(path, (json.dumps(ordered, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))


def write_counts(path: str, counts: list[tuple[tuple[str, str, str], int]]) -> None:
    data = json.dumps(sorted([list(key), n] for key, n in counts)) + "\n"
    write_atomically(path, data.encode("utf-8"))


class AnnotateWave(beam.PTransform):
    """Phase 1 for one wave of files: per-document stages, then documents and signatures persisted by bucket."""

    def __init__(self, files: list[str], output_dir: str, wave: int, config: RunConfig,
                 stages: list[tuple[str, beam.PTransform]], id_root: str,
                 progress: ProgressTarget | None = None) -> None:
        super().__init__()
        self._files, self._output_dir, self._wave, self._id_root = files, output_dir, wave, id_root
        self._config, self._stages, self._progress = config, stages, progress

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        config, output_dir, name = self._config, self._output_dir, f"wave-{self._wave:05d}"
        # The reader writes each file's rejections to rejected/<wave>-<file index>.jsonl itself.
        rejected_prefix = FileSystems.join(output_dir, REJECTED_DIR, name)
        read = pbegin | "Read" >> ReadDocuments(self._files, config.input, id_root=self._id_root,
                                                rejected_prefix=rejected_prefix,
                                                progress=self._progress)
        docs, removed = read["documents"], []
        for label, stage in self._stages:
            result = docs | label >> stage
            docs = result[KEPT]
            removed.append(result[REMOVED])
            if "percentiles" in result:  # the scorer's per-language score summaries, for stats.json
                scorer_path = work_path(output_dir, "counts", f"{name}.scorer.json")
                _ = (result["percentiles"] | "ScoreSummaries" >> beam.combiners.ToList()
                     | "WriteScoreSummaries" >> beam.Map(lambda items, path=scorer_path: write_atomically(
                         path, (json.dumps(sorted(items), sort_keys=True) + "\n").encode("utf-8"))))
        all_removed = removed | "AllRemoved" >> beam.Flatten()
        _ = (
            docs
            | "DedupKeys" >> beam.ParDo(_DedupKeysFn(config))
            | "GroupBuckets" >> beam.GroupByKey()
            | "WriteBuckets" >> beam.ParDo(_WriteWaveBucketFn(output_dir, self._wave))
        )
        if config.output.keep_removed:
            _ = all_removed | "WriteRemoved" >> WriteSortedJsonl(
                output_dir, REMOVED_DIR, key=lambda d: d.id, to_dict=Document.to_json_dict,
                buckets=config.output.buckets, name=name)
        damaged_path = work_path(output_dir, "counts", f"{name}.damaged.json")
        _ = (read[SUMMARIES] | "DamagedRegions" >> beam.FlatMap(lambda summary: summary["damaged"])
             | "DamagedList" >> beam.combiners.ToList()
             | "WriteDamaged" >> beam.Map(lambda regions: write_damaged(damaged_path, regions)))
        counts_path = work_path(output_dir, "counts", f"{name}.json")
        return (
            count_keys(read["documents"], all_removed, read[SUMMARIES])
            | "WriteCounts" >> beam.Map(lambda counts: write_counts(counts_path, counts))
        )


# ---------------------------------------------------------------------------------------------------------------
# Phase 2: dedup over signatures


class _ExactGroupFn(beam.DoFn):
    """Signatures sharing an exact key: the smallest id survives into MinHash, the rest are exact duplicates."""

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
            yield beam.pvalue.TaggedOutput("decisions", (keep["id"], (None, keep["id"], size)))
            for row in rows:  # pass 2
                if row["id"] != keep["id"]:
                    self.removed.inc()
                    yield beam.pvalue.TaggedOutput("decisions", (row["id"], (EXACT_DUPLICATE, keep["id"], size)))
        yield keep


def merge_decisions(element: tuple[str, Iterable[tuple[str | None, str, int]]]) -> tuple[str, tuple]:
    """One id's decisions: a removal wins, then MinHash's cluster over the exact group's."""
    doc_id, decisions = element
    ordered = sorted(decisions, key=lambda d: (d[0] is None, -d[2]))
    return doc_id, ordered[0]


class _WriteDecisionsFn(beam.DoFn):
    def __init__(self, output_dir: str) -> None:
        super().__init__()
        self.output_dir = output_dir

    def process(self, element: tuple[int, Iterable[tuple[str, tuple]]]) -> Iterator[str]:
        bucket, decisions = element
        rows = [{"id": i, "reason": r, "dup_cluster": c, "dup_cluster_size": n}
                for i, (r, c, n) in sorted(decisions)]
        path = work_path(self.output_dir, "dedup", f"bucket-{bucket:05d}.parquet")
        write_atomically(path, parquet_bytes(pa.Table.from_pylist(rows, schema=DECISION_SCHEMA)))
        yield path


class DedupSignatures(beam.PTransform):
    """Phase 2: exact and near-duplicate decisions from every wave's signatures; writes the MinHash index too."""

    def __init__(self, output_dir: str, config: RunConfig) -> None:
        super().__init__()
        self._output_dir, self._config = output_dir, config
        self._clusters = ClusterSignatures(config.minhash) if config.minhash.enabled else None

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        output_dir, config = self._output_dir, self._config
        buckets = config.output.buckets
        rows = pbegin | "ReadSignatures" >> beam.io.ReadFromParquet(work_path(output_dir, "signatures", "*.parquet"))
        exact = (
            rows
            | "KeyByText" >> beam.Map(lambda r: (r["exact_key"], r))
            | "GroupByText" >> beam.GroupByKey()
            | "ExactGroups" >> beam.ParDo(_ExactGroupFn()).with_outputs("decisions", main="survivors")
        )
        decisions = [exact["decisions"]]
        if self._clusters is not None:
            survivors = exact["survivors"]
            info = {
                "entries": survivors | "BandEntries" >> beam.FlatMap(lambda r: ((int(k), r["id"]) for k in r["bands"])),
                "rank": survivors | "Ranks" >> beam.Map(lambda r: (r["id"], rank_key(r["id"], r["quality_score"]))),
                "shingles": survivors | "Shingles" >> beam.FlatMap(
                    lambda r: [(r["id"], r["shingles"])] if r["shingles"] else []),
            } | "NearDuplicates" >> self._clusters
            decisions.append(info | "MinHashDecisions" >> beam.Map(
                lambda kv: (kv[0], (None if kv[1][2] else MINHASH_DUPLICATE, kv[1][0], kv[1][1]))))
            _ = (
                survivors
                | "IndexRows" >> beam.Filter(lambda r: bool(r["bands"]))
                | "IndexRecords" >> beam.Map(lambda r: {"id": r["id"], "bands": r["bands"]})
                | "WriteIndex" >> beam.io.WriteToParquet(
                    FileSystems.join(output_dir, INDEX_SUBDIR, INDEX_PREFIX), index_schema(config.minhash),
                    file_name_suffix=".parquet")
            )
        return (
            decisions
            | "AllDecisions" >> beam.Flatten()
            | "GroupById" >> beam.GroupByKey()
            | "MergeDecisions" >> beam.Map(merge_decisions)
            | "KeyByBucket" >> beam.Map(lambda kv: (bucket_of(kv[0], buckets), kv))
            | "GroupBuckets" >> beam.GroupByKey()
            | "WriteDecisions" >> beam.ParDo(_WriteDecisionsFn(output_dir))
        )


# ---------------------------------------------------------------------------------------------------------------
# Phase 3: write shards per bucket


def iter_bucket_documents(paths: list[str]) -> Iterator[Document]:
    """Merge the bucket's per-wave files (each sorted by id) into one id-ordered stream."""
    def documents(path: str) -> Iterator[Document]:
        with FileSystems.open(path) as f:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=256):
                yield from rows_to_documents(batch.to_pylist())

    return heapq.merge(*(documents(p) for p in paths), key=lambda d: d.id)


class _WriteOutputBucketFn(beam.DoFn):
    """One bucket: merge, apply dedup decisions, tokenize, cut shards; write its marker with entries and counts."""

    def __init__(self, output_dir: str, config: RunConfig, waves: int, progress_s: float | None = None) -> None:
        super().__init__()
        self.output_dir, self.config, self.waves = output_dir, config, waves
        self.progress_s = progress_s  # seconds between progress records (pipeline/progress.py); None: none
        self.shards = Metrics.counter(METRICS_NAMESPACE, "write.shards")
        self.tokens = Metrics.counter(METRICS_NAMESPACE, "tokenize.tokens")

    def setup(self) -> None:
        from babelbeam.tokenize import load_tokenizer

        self.tokenizer = load_tokenizer(self.config.tokenize.tokenizer)
        self.eos = np.array([self.tokenizer.eos_id], dtype=np.uint32)

    def _decisions(self, bucket: int) -> dict[str, tuple[str | None, str, int]]:
        path = work_path(self.output_dir, "dedup", f"bucket-{bucket:05d}.parquet")
        if not FileSystems.exists(path):
            return {}
        return {r["id"]: (r["reason"], r["dup_cluster"], r["dup_cluster_size"]) for r in read_parquet(path, 4096)}

    def process(self, bucket: int) -> Iterator[int]:
        decisions = self._decisions(bucket)
        paths = [p for w in range(self.waves) if FileSystems.exists(p := wave_docs_path(self.output_dir, w, bucket))]
        counts: Counter[tuple[str, str, str]] = Counter()
        entries, part, part_tokens = [], [], 0
        removed_path = FileSystems.join(self.output_dir, REMOVED_DIR, f"dedup-{bucket:05d}.jsonl")
        removed_tmp = f"{removed_path}.tmp"
        removed_file = FileSystems.create(removed_tmp) if self.config.output.keep_removed else None
        last_id = None
        watch = BucketProgress(self.output_dir, bucket, self.progress_s) if self.progress_s is not None else None
        for doc in iter_bucket_documents(paths):
            reason = ID_DUPLICATE if doc.id == last_id else None
            last_id = doc.id
            if reason is None and doc.id in decisions:
                reason, doc.dup_cluster, doc.dup_cluster_size = decisions[doc.id]
            if reason is not None:
                doc = doc.removed(reason)
                counts[removed_key(doc)] += 1
                if watch is not None:
                    watch.add(documents=1, duplicates=1)
                if removed_file is not None:
                    line = json.dumps(doc.to_json_dict(), ensure_ascii=False, sort_keys=True) + "\n"
                    removed_file.write(line.encode("utf-8"))
                continue
            if doc.tokens is not None:  # tokenized by the scorer already (EOS included)
                tokens = doc.tokens
            else:
                tokens = np.concatenate([self.tokenizer.encode_array(doc.text), self.eos])
            self.tokens.inc(len(tokens))
            part.append(ShardRow(id=doc.id, lang=doc.lang, tokens=tokens, source=doc.source,
                                 lang_score=doc.lang_score, dup_cluster_size=doc.dup_cluster_size,
                                 quality_score=doc.quality_score, quality_bucket=doc.quality_bucket,
                                 lang_group_score=doc.lang_group_score))
            part_tokens += len(tokens)
            if watch is not None:
                watch.add(documents=1, kept=1, tokens=len(tokens))
            if part_tokens >= self.config.output.shard_tokens:
                entries.append(self._write_shard(bucket, len(entries), part))
                part, part_tokens = [], 0
                if watch is not None:
                    watch.add(shards=1)
        if part:
            entries.append(self._write_shard(bucket, len(entries), part))
            if watch is not None:
                watch.add(shards=1)
        if removed_file is not None:
            removed_file.close()
            if counts:
                if FileSystems.exists(removed_path):
                    FileSystems.delete([removed_path])
                FileSystems.rename([removed_tmp], [removed_path])
            else:
                FileSystems.delete([removed_tmp])
        marker = {"entries": [vars(e) for e in entries], "counts": sorted([list(k), n] for k, n in counts.items())}
        write_atomically(work_path(self.output_dir, "write", f"bucket-{bucket:05d}.json"),
                         (json.dumps(marker, sort_keys=True) + "\n").encode("utf-8"))
        if watch is not None:
            watch.write(done=True)
        yield bucket

    def _write_shard(self, bucket: int, index: int, rows: list[ShardRow]) -> Any:
        relative = f"{SHARDS_DIR}/part-{bucket:05d}-{index:05d}.arrow"
        data = serialize_shard(rows)
        write_atomically(FileSystems.join(self.output_dir, relative), data)
        self.shards.inc()
        return shard_entry(relative, rows, data)


class WriteOutputBuckets(beam.PTransform):
    """Phase 3 for the given buckets, spread over workers; each bucket streams and writes on its own."""

    def __init__(self, buckets: list[int], output_dir: str, config: RunConfig, waves: int,
                 progress_s: float | None = None) -> None:
        super().__init__()
        self._buckets, self._output_dir, self._config, self._waves = buckets, output_dir, config, waves
        self._progress_s = progress_s

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Buckets" >> beam.Create(self._buckets)
            | "SpreadBuckets" >> beam.Reshuffle()
            | "WriteBuckets" >> beam.ParDo(_WriteOutputBucketFn(self._output_dir, self._config, self._waves,
                                                                self._progress_s))
        )
