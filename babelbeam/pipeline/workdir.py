"""Every path a run writes, named once: the output files and the ``work/`` directory that makes it resumable.

``DIR/`` holds what a run is for: ``shards/part-BBBBB-IIIII.arrow``, ``manifest.json`` (written last: it
marks a finished run), ``stats.json``, ``removed/`` and ``rejected/`` logs and the MinHash index
``minhash/``. ``DIR/work/`` holds what the phases hand each other, and the markers ``--resume`` reads::

    work/plan.json                              inputs, waves and config (plan)
    work/langid/thresholds.yaml                 measured language-ID thresholds (its own marker)
    work/docs/wave-WWWWW/bucket-BBBBB.parquet   a wave's documents of one bucket, sorted (annotate)
    work/signatures/wave-WWWWW-bucket-BBBBB.parquet   their dedup keys and band hashes (annotate)
    work/counts/wave-WWWWW.json                 a wave's counts by (kind, reason, lang) (annotate)
    work/counts/wave-WWWWW.damaged.json         its damaged regions (annotate)
    work/counts/wave-WWWWW.scorer.json          its per-language score summaries (annotate, with a scorer)
    work/waves/wave-WWWWW.done                  the wave is done (annotate)
    work/dedup/bucket-BBBBB.parquet             dedup decisions of one bucket (dedup)
    work/dedup/_DONE                            dedup is done (dedup)
    work/write/bucket-BBBBB.json                the bucket's shard entries and counts; it is done (write)
    work/progress/                              what a watched run's workers report (deleted by finalize)

Paths go through Beam's ``FileSystems``, so ``DIR`` may be local or any Beam filesystem (``gs://...``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from babelbeam.schemas.shard import MANIFEST_NAME, SHARDS_DIR, STATS_NAME

REMOVED_DIR = "removed"
REJECTED_DIR = "rejected"
INDEX_DIR = "minhash"
"""The MinHash index a later run's ``--dedup-index`` reads: ``DIR/minhash/signatures*.parquet``."""
INDEX_PREFIX = "signatures"
WORK_DIR = "work"
PROGRESS_DIR = "progress"
PLAN_NAME = "plan.json"
LANGID_THRESHOLDS = ("langid", "thresholds.yaml")
"""Where ``langid.thresholds: auto`` writes the thresholds it measured, under ``DIR/work/``."""


def wave_name(wave: int) -> str:
    return f"wave-{wave:05d}"


def bucket_name(bucket: int) -> str:
    return f"bucket-{bucket:05d}"


@dataclass(frozen=True)
class WorkDir:
    """The paths of one run's output directory ``output_dir`` (picklable: it travels with the DoFns)."""

    output_dir: str

    def output(self, *parts: str) -> str:
        return FileSystems.join(self.output_dir, *parts)

    def work(self, *parts: str) -> str:
        return FileSystems.join(self.output_dir, WORK_DIR, *parts)

    @property
    def manifest(self) -> str:
        return self.output(MANIFEST_NAME)

    @property
    def stats(self) -> str:
        return self.output(STATS_NAME)

    def removed(self, *parts: str) -> str:
        return self.output(REMOVED_DIR, *parts)

    def rejected(self, *parts: str) -> str:
        return self.output(REJECTED_DIR, *parts)

    def dedup_removed_log(self, bucket: int) -> str:
        """The duplicates the write phase found in ``bucket``, one JSON line each."""
        return self.removed(f"dedup-{bucket:05d}.jsonl")

    @staticmethod
    def shard_relative(bucket: int, index: int) -> str:
        """A shard's path relative to the output directory, as the manifest names it."""
        return f"{SHARDS_DIR}/part-{bucket:05d}-{index:05d}.arrow"

    def shards_of(self, bucket: int) -> str:
        return self.output(SHARDS_DIR, f"part-{bucket:05d}-*")

    def index(self, *parts: str) -> str:
        return self.output(INDEX_DIR, *parts)

    @property
    def plan(self) -> str:
        return self.work(PLAN_NAME)

    @property
    def langid_thresholds(self) -> str:
        return self.work(*LANGID_THRESHOLDS)

    def wave_docs(self, wave: int, bucket: int) -> str:
        return self.work("docs", wave_name(wave), f"{bucket_name(bucket)}.parquet")

    def signatures(self, wave: int, bucket: int) -> str:
        return self.work("signatures", f"{wave_name(wave)}-{bucket_name(bucket)}.parquet")

    def wave_counts(self, wave: int) -> str:
        return self.work("counts", f"{wave_name(wave)}.json")

    def wave_damaged(self, wave: int) -> str:
        return self.work("counts", f"{wave_name(wave)}.damaged.json")

    def wave_summary(self, wave: int, name: str) -> str:
        """A stage summary's items for one wave (``stage.StageSummary``)."""
        return self.work("counts", f"{wave_name(wave)}.{name}.json")

    def wave_done(self, wave: int) -> str:
        return self.work("waves", f"{wave_name(wave)}.done")

    def wave_outputs(self, wave: int) -> list[str]:
        """Patterns of everything a wave writes but its marker: deleted before the wave runs again."""
        name = wave_name(wave)
        return [self.work("docs", name, "*"), self.work("signatures", f"{name}-*"), self.removed(f"{name}-*"),
                self.rejected(f"{name}-*"), self.progress(f"{name}-*")]

    def decisions(self, bucket: int) -> str:
        return self.work("dedup", f"{bucket_name(bucket)}.parquet")

    @property
    def dedup_done(self) -> str:
        return self.work("dedup", "_DONE")

    def bucket_done(self, bucket: int) -> str:
        return self.work("write", f"{bucket_name(bucket)}.json")

    def write_progress(self, bucket: int) -> str:
        return self.progress(f"write-{bucket:05d}.json")

    def progress(self, *parts: str) -> str:
        return self.work(PROGRESS_DIR, *parts)

    def everything(self) -> list[str]:
        """Patterns of everything a run writes, for --overwrite."""
        return [self.manifest, self.stats, self.output(SHARDS_DIR, "*"), self.removed("*"),
                self.rejected("*"), self.index("*"), self.work("*"), self.work("*", "*"),
                self.work("docs", "*", "*")]


def exists(path: str) -> bool:
    return FileSystems.exists(path)


def matches(pattern: str) -> list[str]:
    return [m.path for m in FileSystems.match([pattern])[0].metadata_list]


def delete_matching(patterns: list[str]) -> None:
    for pattern in patterns:
        paths = matches(pattern)
        if paths:
            FileSystems.delete(paths)


def read_json(path: str) -> Any:
    with FileSystems.open(path) as f:
        return json.loads(f.read().decode("utf-8"))


def parquet_bytes(table: pa.Table) -> bytes:
    """A work file's bytes. No column statistics: nothing reads them, and a text column's min and max are
    two more copies of its longest values (a 30 MB document cost 230 MB to write with them, 95 without)."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", write_statistics=False)
    return sink.getvalue()


def stream_parquet_batches(path: str, batch_size: int = 256) -> Iterator[list[dict[str, Any]]]:
    """Stream a work file's rows through FileSystems, one batch of rows in memory at a time."""
    with FileSystems.open(path) as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=batch_size):
            yield batch.to_pylist()


def parquet_rows(pattern: str) -> int:
    """Rows in the Parquet files matching ``pattern``, from their footers (no data read)."""
    total = 0
    for path in matches(pattern):
        with FileSystems.open(path) as f:
            total += pq.ParquetFile(f).metadata.num_rows
    return total
