"""Phase 3, once per output bucket, no shuffle: shards from that bucket's documents of every wave.

A streaming merge of the bucket's sorted document files from every wave (``iter_bucket_documents``), the
bucket's dedup decisions applied (``decided``), removed documents to ``removed/dedup-B.jsonl`` (no file when
none is kept), the rest tokenized and cut into shards of ``output.shard_tokens`` (``_ShardCutter``). Memory:
one shard and one bucket's decisions. ``work/write/bucket-B.json`` (shard entries, counts) marks it done.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from babelbeam.pipeline.options import run_beam
from babelbeam.pipeline.phases.dedup import Decision, read_decisions
from babelbeam.pipeline.progress import BucketProgress
from babelbeam.pipeline.sinks import JsonlLog, removed_key, write_atomically, write_json
from babelbeam.pipeline.stages.base import METRICS_NAMESPACE
from babelbeam.pipeline.workdir import WorkDir, exists, stream_parquet_batches
from babelbeam.schemas import Document
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.document import record_order, rows_to_documents
from babelbeam.tokenize.shards import ShardEntry, ShardRow, serialize_shard, shard_entry

ID_DUPLICATE = "input_id_duplicate"
"""A record whose id an earlier one in ``record_order`` has (ids must be unique; the first one stays)."""


def iter_bucket_documents(paths: list[str]) -> Iterator[Document]:
    """Merge the bucket's per-wave files (each sorted by ``record_order``) into one stream in that order."""
    streams = ((doc for rows in stream_parquet_batches(p) for doc in rows_to_documents(rows)) for p in paths)
    return heapq.merge(*streams, key=record_order)


def decided(docs: Iterable[Document],
            decisions: dict[str, Decision]) -> Iterator[tuple[str | None, Document]]:
    """(removal reason or None, document) for each merged document: a second record of an id is removed as
    ``input_id_duplicate``; otherwise dedup's decision, if any, sets its cluster and maybe removes it."""
    last_id = None
    for doc in docs:  # freshly read from the wave files: no other holder sees the changes
        reason = ID_DUPLICATE if doc.id == last_id else None
        last_id = doc.id
        if reason is None and doc.id in decisions:
            reason, doc.dup_cluster, doc.dup_cluster_size = decisions[doc.id]
        yield reason, (doc if reason is None else doc.removed(reason))


class _ShardCutter:
    """Rows -> shard files of at least ``shard_tokens`` tokens (the last one smaller), numbered in order."""

    def __init__(self, workdir: WorkDir, bucket: int, shard_tokens: int, watch: Any, counter: Any) -> None:
        self.workdir, self.bucket, self.shard_tokens = workdir, bucket, shard_tokens
        self.watch, self.counter = watch, counter
        self.entries: list[ShardEntry] = []
        self.rows: list[ShardRow] = []
        self.tokens = 0

    def add(self, row: ShardRow) -> None:
        self.rows.append(row)
        self.tokens += len(row.tokens)
        if self.tokens >= self.shard_tokens:
            self.cut()

    def cut(self) -> None:
        """Write the rows gathered so far as the next shard (nothing when there are none)."""
        if not self.rows:
            return
        relative = WorkDir.shard_relative(self.bucket, len(self.entries))
        data = serialize_shard(self.rows)
        write_atomically(self.workdir.output(relative), data)
        self.counter.inc()
        self.entries.append(shard_entry(relative, self.rows, data))
        self.watch.add(shards=1)
        self.rows, self.tokens = [], 0


class _WriteOutputBucketFn(beam.DoFn):
    """One bucket: merge, apply decisions, log removals, tokenize, cut shards; then the marker."""

    def __init__(self, workdir: WorkDir, config: RunConfig, waves: int,
                 progress_s: float | None = None) -> None:
        super().__init__()
        self.workdir, self.config, self.waves = workdir, config, waves
        self.progress_s = progress_s  # seconds between progress records (pipeline/progress.py); None: none
        self.shards = Metrics.counter(METRICS_NAMESPACE, "write.shards")
        self.tokens = Metrics.counter(METRICS_NAMESPACE, "tokenize.tokens")

    def setup(self) -> None:
        from babelbeam.tokenize import load_tokenizer

        self.tokenizer = load_tokenizer(self.config.tokenize.tokenizer)

    def process(self, bucket: int) -> Iterator[int]:
        workdir = self.workdir
        waves = [p for w in range(self.waves) if exists(p := workdir.wave_docs(w, bucket))]
        watch = BucketProgress(workdir.output_dir, bucket, self.progress_s)
        counts: Counter[tuple[str, str, str]] = Counter()
        removed = JsonlLog(workdir.dedup_removed_log(bucket))
        shards = _ShardCutter(workdir, bucket, self.config.output.shard_tokens, watch, self.shards)
        for reason, doc in decided(iter_bucket_documents(waves), read_decisions(workdir, bucket)):
            if reason is not None:
                counts[removed_key(doc)] += 1
                watch.add(documents=1, duplicates=1)
                if self.config.output.keep_removed:
                    removed.write(doc)
                continue
            # doc.tokens: tokenized by the scorer already (EOS included)
            tokens = doc.tokens if doc.tokens is not None else self.tokenizer.encode_document(doc.text)
            self.tokens.inc(len(tokens))
            watch.add(documents=1, kept=1, tokens=len(tokens))
            shards.add(ShardRow(id=doc.id, lang=doc.lang, tokens=tokens, source=doc.source,
                                lang_score=doc.lang_score, dup_cluster_size=doc.dup_cluster_size,
                                quality_score=doc.quality_score, quality_bucket=doc.quality_bucket,
                                lang_group_score=doc.lang_group_score))
        shards.cut()
        removed.close()
        marker = {"entries": [vars(e) for e in shards.entries],
                  "counts": sorted([list(k), n] for k, n in counts.items())}
        write_json(workdir.bucket_done(bucket), marker, sort_keys=True)
        watch.write(done=True)
        yield bucket


class WriteOutputBuckets(beam.PTransform):
    """Phase 3 for the given buckets, spread over workers; each bucket streams and writes on its own."""

    def __init__(self, buckets: list[int], output_dir: str, config: RunConfig, waves: int,
                 progress_s: float | None = None) -> None:
        super().__init__()
        self._buckets, self._workdir, self._config, self._waves = buckets, WorkDir(output_dir), config, waves
        self._progress_s = progress_s

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Buckets" >> beam.Create(self._buckets)
            | "SpreadBuckets" >> beam.Reshuffle()
            | "WriteBuckets" >> beam.ParDo(_WriteOutputBucketFn(self._workdir, self._config, self._waves,
                                                                self._progress_s))
        )


def write_buckets(output_dir: str, config: RunConfig, beam_args: list[str], buckets: list[int], waves: int,
                  progress_s: float | None = None) -> None:
    """Phase 3 for ``buckets`` in one Beam pipeline; each writes its marker when done."""
    run_beam(beam_args, lambda p: p | "Write" >> WriteOutputBuckets(buckets, output_dir, config, waves,
                                                                    progress_s))
