"""Phase 1, per wave of files: read, the per-document stages, then documents and signatures stored by bucket.

The stages (normalise, language ID, quality, scoring) run with no shuffle between them; each kept document
gets its exact-dedup key and MinHash band hashes (``signature_row``). Documents go to
``work/docs/wave-W/bucket-B.parquet`` and signatures to ``work/signatures/wave-W-bucket-B.parquet``, both
sorted by ``record_order`` (id, source, position) within a bucket (bucket = hash of id); removed records go
to ``removed/``, rejected ones to ``rejected/`` (the reader writes each file's rejections itself, in position
order), counts and damaged regions to ``work/counts/``. The wave's shuffle holds at most one wave's documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.windowed_value import WindowedValue

from babelbeam.filters.minhash import MinHasher, band_hashes, shingle_hashes, unique_hashes
from babelbeam.filters.normalize import exact_dedup_key
from babelbeam.pipeline import progress
from babelbeam.pipeline.options import log_time, run_beam
from babelbeam.pipeline.progress import ProgressTarget
from babelbeam.pipeline.sinks import WriteSortedJsonl, bucket_of, removed_key, write_atomically, write_json
from babelbeam.pipeline.sources import SUMMARIES, ReadDocuments
from babelbeam.pipeline.stages.base import KEPT, METRICS_NAMESPACE, REMOVED
from babelbeam.pipeline.stages.chain import document_stages
from babelbeam.pipeline.workdir import REMOVED_DIR, WorkDir, delete_matching, parquet_bytes, wave_name
from babelbeam.schemas import Document
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.document import RECORD_ORDER_KEYS, documents_to_table
from babelbeam.schemas.minhash_config import MinHashConfig

SIGNATURE_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("position", pa.int64()),
    pa.field("exact_key", pa.string(), nullable=False),
    pa.field("bands", pa.list_(pa.int64())),
    pa.field("quality_score", pa.float64()),
    pa.field("shingles", pa.binary()),
])
"""What dedup reads of a document (about 150 bytes, no text): see ``signature_row``."""


def signature_row(doc: Document, minhash: MinHashConfig, hasher: MinHasher | None,
                  exact: bool) -> dict[str, Any]:
    """A kept document's ``SIGNATURE_SCHEMA`` row: exact key, band hashes and (with the Jaccard check) its
    shingle set. No bands when ``hasher`` is None (MinHash off) or the text has no words: the empty signature
    would put every such document into one cluster, so they stay singletons."""
    bands: list[int] = []
    shingle_bytes = None
    if hasher is not None:
        hashes = shingle_hashes(doc.text, doc.lang, ngram=minhash.ngram, segment=minhash.segment_words,
                                hash_function=minhash.hash_function)
        if len(hashes):
            bands = band_hashes(hasher.signature_from_hashes(hashes), minhash.bands, minhash.rows)
            if minhash.jaccard_check:
                shingle_bytes = unique_hashes(hashes).tobytes()
    # With exact dedup off, a key per id puts every document in a group of its own.
    exact_key = exact_dedup_key(doc.text) if exact else f"id:{doc.id}"
    return {"id": doc.id, "source": doc.source, "position": doc.position, "exact_key": exact_key,
            "bands": bands, "quality_score": doc.quality_score, "shingles": shingle_bytes}


class _DedupKeysFn(beam.DoFn):
    """Document -> (bucket, (document, signature row))."""

    def __init__(self, config: RunConfig) -> None:
        super().__init__()
        self.minhash = config.minhash
        self.exact = config.exact_dedup.enabled
        self.buckets = config.output.buckets
        self.no_shingles = Metrics.counter(METRICS_NAMESPACE, "minhash.no_shingles")

    def setup(self) -> None:
        self.hasher = MinHasher.from_config(self.minhash) if self.minhash.enabled else None

    def process(self, doc: Document) -> Iterator[tuple[int, tuple[Document, dict[str, Any]]]]:
        progress.note_kept(doc.source)
        signature = signature_row(doc, self.minhash, self.hasher, self.exact)
        if self.hasher is not None and not signature["bands"]:
            self.no_shingles.inc()
        yield bucket_of(doc.id, self.buckets), (doc, signature)


class Signatures(beam.PTransform):
    """Documents -> their signature rows, as annotate makes them: for graphs that run ``DedupDecisions``
    without the work directory (tests, benchmarks, a pipeline of your own)."""

    def __init__(self, config: RunConfig) -> None:
        super().__init__()
        self._config = config

    def expand(self, docs: beam.PCollection) -> beam.PCollection:
        return (docs | "DedupKeys" >> beam.ParDo(_DedupKeysFn(self._config))
                | "SignatureRows" >> beam.Map(lambda kv: kv[1][1]))


BATCH_CHARS = 1 << 23
"""Text characters ``_BucketBatchesFn`` holds before it sends its batches on (and at the end of each
bundle)."""


def bucket_batch(pairs: list[tuple[Document, dict[str, Any]]]) -> tuple[bytes, bytes]:
    """(documents, their signature rows) as two Arrow IPC streams: what travels to a bucket's writer."""
    docs = documents_to_table([doc for doc, _ in pairs])
    signatures = pa.Table.from_pylist([sig for _, sig in pairs], schema=SIGNATURE_SCHEMA)
    return _ipc_bytes(docs), _ipc_bytes(signatures)


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _ipc_table(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()


class _BucketBatchesFn(beam.DoFn):
    """(bucket, (document, signature row)) -> (bucket, ``bucket_batch``): a bundle's documents go to their
    bucket's writer a batch at a time, as Arrow, instead of one pickled document per element through the
    shuffle. A batch is sent when ``BATCH_CHARS`` of text are held and at the end of the bundle, so the
    memory held is bounded whatever the bundle size. Annotate runs in the global window."""

    def start_bundle(self) -> None:
        self._pending: dict[int, list[tuple[Document, dict[str, Any]]]] = {}
        self._chars = 0

    def process(self, element: tuple[int, tuple[Document, dict[str, Any]]]) -> Iterator[WindowedValue]:
        bucket, pair = element
        self._pending.setdefault(bucket, []).append(pair)
        self._chars += len(pair[0].text)
        if self._chars >= BATCH_CHARS:
            yield from self._flush()

    def finish_bundle(self) -> Iterator[WindowedValue]:  # type: ignore[override]  # Beam takes its outputs
        yield from self._flush()

    def _flush(self) -> Iterator[WindowedValue]:
        pending, self._pending, self._chars = self._pending, {}, 0
        for bucket in sorted(pending):
            yield GlobalWindows.windowed_value((bucket, bucket_batch(pending[bucket])))


class _WriteWaveBucketFn(beam.DoFn):
    def __init__(self, workdir: WorkDir, wave: int) -> None:
        super().__init__()
        self.workdir, self.wave = workdir, wave

    def process(self, element: tuple[int, Iterable[tuple[bytes, bytes]]]) -> Iterator[str]:
        bucket, batches = element
        batches = list(batches)
        docs = pa.concat_tables([_ipc_table(d) for d, _ in batches])
        signatures = pa.concat_tables([_ipc_table(s) for _, s in batches])
        # Row i of a batch's signatures is its document i's: one order sorts both (a stable sort, so the
        # files do not depend on the order the batches arrive in; equal keys are the same record).
        order = pc.sort_indices(docs, sort_keys=RECORD_ORDER_KEYS)
        docs_path = self.workdir.wave_docs(self.wave, bucket)
        write_atomically(docs_path, parquet_bytes(docs.take(order).combine_chunks()))
        write_atomically(self.workdir.signatures(self.wave, bucket),
                         parquet_bytes(signatures.take(order).combine_chunks()))
        yield docs_path


def _read_keys(doc: Document) -> list[tuple[tuple[str, str, str], int]]:
    return [(("read", "", ""), 1)] + [(("repaired", fix, ""), 1) for fix in doc.repaired]


def _summary_keys(summary: dict[str, Any]) -> list[tuple[tuple[str, str, str], int]]:
    return ([(("rejected", kind, ""), n) for kind, n in sorted(summary["rejected"].items())]
            + [(("skipped", reason, ""), n) for reason, n in sorted(summary["skipped"].items())])


def count_keys(read: beam.PCollection, removed: beam.PCollection,
               summaries: beam.PCollection) -> beam.PCollection:
    """(kind, reason, lang) -> count for the records of one phase: a single list element. Rejections and
    skips are counted from the readers' per-file summaries (the reader writes them; never elements)."""
    return (
        (
            read | "ReadKeys" >> beam.FlatMap(_read_keys),
            removed | "RemovedKeys" >> beam.Map(lambda d: (removed_key(d), 1)),
            summaries | "RejectedKeys" >> beam.FlatMap(_summary_keys),
        )
        | "AllKeys" >> beam.Flatten()
        | "CountKeys" >> beam.CombinePerKey(sum)
        | "OneList" >> beam.combiners.ToList()
    )


def write_damaged(path: str, regions: list[dict[str, Any]]) -> None:
    """A wave's damaged regions (``DamagedRegion.to_json_dict``), sorted by file and position."""
    ordered = sorted(regions, key=lambda r: (r["source"], r["position"]))
    write_json(path, ordered, sort_keys=True, ensure_ascii=False)


class AnnotateWave(beam.PTransform):
    """Phase 1 for one wave of files: per-document stages, then documents and signatures stored by bucket."""

    def __init__(self, files: list[str], output_dir: str, wave: int, config: RunConfig,
                 stages: list[tuple[str, beam.PTransform]], id_root: str,
                 progress: ProgressTarget | None = None) -> None:
        super().__init__()
        self._files, self._workdir, self._wave, self._id_root = files, WorkDir(output_dir), wave, id_root
        self._config, self._stages, self._progress = config, stages, progress

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        config, workdir, wave = self._config, self._workdir, self._wave
        # The reader writes each file's rejections to rejected/<wave>-<file index>.jsonl itself.
        read = pbegin | "Read" >> ReadDocuments(self._files, config.input, id_root=self._id_root,
                                                rejected_prefix=workdir.rejected(wave_name(wave)),
                                                progress=self._progress)
        docs, removed = read["documents"], []
        for label, stage in self._stages:
            result = docs | label >> stage
            docs = result[KEPT]
            removed.append(result[REMOVED])
            for summary in getattr(stage, "summaries", ()):  # extra outputs, for stats.json
                summary_path = workdir.wave_summary(wave, summary.name)
                _ = (result[summary.output] | f"{label}.{summary.name}.List" >> beam.combiners.ToList()
                     | f"{label}.{summary.name}.Write" >> beam.Map(
                         lambda items, path=summary_path: write_json(path, sorted(items), sort_keys=True)))
        all_removed = removed | "AllRemoved" >> beam.Flatten()
        _ = (
            docs
            | "DedupKeys" >> beam.ParDo(_DedupKeysFn(config))
            | "BucketBatches" >> beam.ParDo(_BucketBatchesFn())
            | "GroupBuckets" >> beam.GroupByKey()
            | "WriteBuckets" >> beam.ParDo(_WriteWaveBucketFn(workdir, wave))
        )
        if config.output.keep_removed:
            _ = all_removed | "WriteRemoved" >> WriteSortedJsonl(
                workdir.output_dir, REMOVED_DIR, key=lambda d: d.id, to_dict=Document.to_json_dict,
                buckets=config.output.buckets, name=wave_name(wave))
        damaged_path = workdir.wave_damaged(wave)
        _ = (read[SUMMARIES] | "DamagedRegions" >> beam.FlatMap(lambda summary: summary["damaged"])
             | "DamagedList" >> beam.combiners.ToList()
             | "WriteDamaged" >> beam.Map(lambda regions: write_damaged(damaged_path, regions)))
        counts_path = workdir.wave_counts(wave)
        return count_keys(read["documents"], all_removed, read[SUMMARIES]) | "WriteCounts" >> beam.Map(
            lambda counts: write_json(counts_path, sorted([list(k), n] for k, n in counts)))


def annotate_wave(output_dir: str, config: RunConfig, beam_args: list[str], wave: int, files: list[str],
                  id_root: str, progress_s: float | None = None) -> None:
    """Phase 1 for one wave, from a clean slate to its done marker; with ``progress_s`` its readers report
    progress every that many seconds (``pipeline/progress.py``)."""
    workdir = WorkDir(output_dir)
    delete_matching(workdir.wave_outputs(wave))
    if files:
        stages = document_stages(config)
        target = (ProgressTarget(workdir.progress(wave_name(wave)), progress_s)
                  if progress_s is not None else None)
        try:
            with log_time(f"wave {wave}: {len(files)} files annotated"):
                run_beam(beam_args, lambda p: p | f"AnnotateWave{wave}" >> AnnotateWave(
                    files, output_dir, wave, config, stages, id_root, target))
        finally:
            if target is not None:
                progress.release(target)
    else:
        write_atomically(workdir.wave_counts(wave), b"[]\n")
    write_atomically(workdir.wave_done(wave), b"done\n")
