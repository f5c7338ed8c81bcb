"""Progress of a running phase, from the workers' own counts, for the orchestrator to show.

Beam's metrics cannot serve: the in-process FnApiRunner's ``Pipeline.run()`` returns only when the pipeline is
done, and its counters are read from the result afterwards; other runners expose them in their own consoles at
their own pace. So the workers write their own small progress records through Beam ``FileSystems`` (local
disk, GCS, S3, HDFS alike) under ``DIR/work/progress/``, and the orchestrator (``pipeline/run.py``) reads them
in a background thread while the phase runs:

- **annotate** (phase 1): each worker process keeps, per input file it reads, the compressed bytes read, the
  records read and rejected, and the documents a stage removed (the stages find the file by the document's
  ``source``). Every ``interval_s`` seconds and at the end of each file it rewrites one record,
  ``work/progress/wave-WWWWW-<process>.json``, with its totals. The hot path is a few integer additions per
  document; the I/O is one small file per process every few seconds.
- **write** (phase 3): each output bucket rewrites ``work/progress/write-BBBBB.json`` (documents merged, kept,
  duplicates, tokens, shards) every ``interval_s`` seconds and when it finishes.

The records are progress only: a retried bundle counts its file again from zero, and a worker's last few
seconds may be missing until its next write. Exact figures come from each wave's counts and each bucket's
marker, which the orchestrator shows when a phase ends. ``finalize`` deletes ``work/progress/``, so a finished
run's files do not depend on how it was watched, and a unit run again deletes its own records first.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from apache_beam.io.filesystems import FileSystems

from babelbeam.console import Console
from babelbeam.pipeline.sinks import write_atomically
from babelbeam.pipeline.workdir import WorkDir, matches, read_json

WORKER_INTERVAL_S = 2.0
"""Longest a worker goes without rewriting its progress record (files also write one when they end)."""
_PROCESS_TOKEN = uuid.uuid4().hex[:12]  # per interpreter; a record name adds the pid, for forked children


# ------------------------------------------------------------------------------------------------------------
# Worker side: counts per input file, written per process


@dataclass(frozen=True)
class ProgressTarget:
    """Where a phase unit's workers write their progress (picklable: it travels with the DoFns)."""

    prefix: str
    """Record path without the process id and ``.json``: ``DIR/work/progress/wave-00003``."""
    interval_s: float = WORKER_INTERVAL_S


class FileProgress:
    """The counts of one input file being read in this process."""

    __slots__ = ("owner", "stream", "size", "records", "rejected", "skipped", "removed", "kept", "done")

    def __init__(self, owner: _UnitProgress) -> None:
        self.owner = owner
        self.stream: IO[bytes] | None = None
        self.size: int | None = None
        # records: every item the file yields; kept: documents through every stage (maybe after more are read)
        self.records = self.rejected = self.skipped = self.removed = self.kept = 0
        self.done = False

    def opened(self, stream: IO[bytes]) -> None:
        """The file's raw (compressed) stream, whose position tells the bytes read so far."""
        self.stream = stream
        try:
            self.size = stream.seek(0, os.SEEK_END)
            stream.seek(0)
        except (OSError, ValueError, AttributeError):  # not seekable: bytes come from tell() alone
            self.size = None

    def bytes_read(self) -> int:
        if self.done:
            return self.size or 0
        try:
            position = self.stream.tell() if self.stream is not None else 0
        except (OSError, ValueError):  # closed
            position = self.size or 0
        return min(position, self.size) if self.size is not None else position


class _UnitProgress:
    """One process's files of one phase unit, and when it last wrote its record."""

    def __init__(self, target: ProgressTarget) -> None:
        self.target = target
        self.files: dict[str, FileProgress] = {}
        self.last_write = time.monotonic()
        self.dirty = False

    def snapshot(self) -> dict[str, int]:
        files = list(self.files.values())
        return {"files_started": len(files), "files_done": sum(f.done for f in files),
                "bytes": sum(f.bytes_read() for f in files), "records": sum(f.records for f in files),
                "rejected": sum(f.rejected for f in files), "skipped": sum(f.skipped for f in files),
                "removed": sum(f.removed for f in files), "kept": sum(f.kept for f in files)}


_LOCK = threading.Lock()
_WRITE_LOCK = threading.Lock()
_UNITS: dict[str, _UnitProgress] = {}
_SOURCES: dict[str, FileProgress] = {}


def start_file(target: ProgressTarget, path: str) -> FileProgress:
    """Counts for ``path`` starting from zero (a retried file replaces its earlier counts)."""
    with _LOCK:
        unit = _UNITS.get(target.prefix)
        if unit is None or unit.target != target:
            unit = _UNITS[target.prefix] = _UnitProgress(target)
        counts = unit.files[path] = _SOURCES[path] = FileProgress(unit)
        unit.dirty = True
    return counts


def forget_file(path: str) -> None:
    """``path`` is read without progress now: stages stop counting it into an earlier unit's record."""
    if path in _SOURCES:
        with _LOCK:
            _SOURCES.pop(path, None)


def release(target: ProgressTarget) -> None:
    """The unit is finished in this process: drop its counts (its record stays on disk)."""
    with _LOCK:
        unit = _UNITS.pop(target.prefix, None)
        if unit is not None:
            for path, counts in unit.files.items():
                if _SOURCES.get(path) is counts:
                    del _SOURCES[path]


def finish_file(counts: FileProgress, path: str) -> None:
    """The file is read to its end (its bytes all count); its unit's record is written now."""
    if counts.size is None:  # never opened through ``opened`` (a WARC file opens its own streams)
        try:
            counts.size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
        except Exception:  # noqa: BLE001  (progress only: a file gone now counts no bytes)
            counts.size = 0
    counts.done = True
    counts.stream = None
    _write(counts.owner)


def tick(counts: FileProgress) -> None:
    """After each record: rewrite the unit's record when ``interval_s`` has passed."""
    unit = counts.owner
    unit.dirty = True
    if time.monotonic() - unit.last_write >= unit.target.interval_s:
        _write(unit)


def note_removed(source: str | None) -> None:
    """A stage removed a document read from ``source`` (nothing when that file is not read here)."""
    counts = _SOURCES.get(source) if source else None
    if counts is not None:
        counts.removed += 1
        tick(counts)


def note_kept(source: str | None) -> None:
    """A document read from ``source`` passed every stage (nothing when that file is not read here)."""
    counts = _SOURCES.get(source) if source else None
    if counts is not None:
        counts.kept += 1
        tick(counts)


def flush() -> None:
    """Write every unit with unwritten counts (a DoFn's ``finish_bundle``)."""
    for unit in [u for u in list(_UNITS.values()) if u.dirty]:
        _write(unit)


def _write(unit: _UnitProgress) -> None:
    with _WRITE_LOCK:
        with _LOCK:
            snapshot = unit.snapshot()
            unit.dirty, unit.last_write = False, time.monotonic()
        data = json.dumps(snapshot, sort_keys=True).encode("utf-8")
        try:
            write_atomically(f"{unit.target.prefix}-{_PROCESS_TOKEN}-{os.getpid()}.json", data)
        except OSError:
            pass  # progress is best effort: the work itself must not fail for it


class BucketProgress:
    """Phase 3's counts for one output bucket, rewritten to ``work/progress/write-BBBBB.json``."""

    def __init__(self, output_dir: str, bucket: int, interval_s: float | None = WORKER_INTERVAL_S) -> None:
        # interval_s None: nobody watches the run, nothing is written
        self.path = WorkDir(output_dir).write_progress(bucket) if interval_s is not None else None
        self.interval_s = interval_s
        self.counts = Counter(documents=0, kept=0, duplicates=0, tokens=0, shards=0)
        self.last_write = time.monotonic()

    def add(self, **deltas: int) -> None:
        if self.path is None:
            return
        self.counts.update(deltas)
        if time.monotonic() - self.last_write >= self.interval_s:
            self.write()

    def write(self, done: bool = False) -> None:
        if self.path is None:
            return
        self.last_write = time.monotonic()
        try:
            write_atomically(self.path, json.dumps({**self.counts, "done": done}, sort_keys=True).encode())
        except OSError:
            pass  # best effort, as above


# ------------------------------------------------------------------------------------------------------------
# Orchestrator side: read the records while a phase runs


def _read_records(pattern: str) -> dict[str, dict[str, Any]]:
    """path -> record of every progress record matching ``pattern``; records mid-rename are skipped."""
    try:
        paths = matches(pattern)
    except Exception:  # noqa: BLE001  (a listing that fails now is retried at the next poll)
        return {}
    out = {}
    for path in (p for p in paths if ".tmp-" not in p):
        try:
            with FileSystems.open(path) as f:
                out[path] = json.loads(f.read().decode("utf-8"))
        except Exception:  # noqa: BLE001  (replaced or deleted between the listing and the read)
            continue
    return out


_EXACT_KEYS = {"read": "documents", "removed": "removed", "rejected": "rejected", "skipped": "skipped"}


def _counts_totals(counts: list) -> dict[str, int]:
    """Documents read, removed, rejected and skipped records of one wave's exact counts file."""
    totals = dict.fromkeys(_EXACT_KEYS.values(), 0)
    for (kind, _, _), n in counts:
        if kind in _EXACT_KEYS:
            totals[_EXACT_KEYS[kind]] += n
    return totals


def _records_text(totals: Counter[str], files: int) -> str:
    """The line of the readers' ``totals`` (in the progress records' keys) of ``files`` input files."""
    text = (f"read {totals['records']:,} | kept {totals['kept']:,} | removed {totals['removed']:,} | "
            f"rejected {totals['rejected']:,}")
    if totals["skipped"]:  # WARC requests and the like
        text += f" | skipped {totals['skipped']:,}"
    return text + f" | files {totals['files_done']}/{files}"


@contextmanager
def _showing(console: Console, desc: str, total: float | None, unit: str,
             status: Callable[[], tuple[float, str]],
             final: Callable[[], tuple[float, str]] | None = None) -> Iterator[None]:
    """A bar that a background thread updates with ``status()`` (amount done, text) while the block runs,
    often enough for a live bar or for the next line; then ``final()`` (default ``status()``) once more."""
    every_s = 0.5 if console.live else min(console.interval_s, 1.0)
    stop = threading.Event()
    with console.bar(desc, total=total, unit=unit) as bar:

        def poll() -> None:
            while not stop.wait(every_s):
                bar.update(*status())

        thread = threading.Thread(target=poll, name="babelbeam-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
        bar.update(*(final or status)(), force=True)


def watch_reading(console: Console, target: ProgressTarget, sizes: dict[str, int],
                  desc: str) -> contextlib.AbstractContextManager:
    """Show the readers' records under ``target`` (one pipeline that reads ``sizes``' files) while it runs."""
    total = sum(sizes.values())

    def status() -> tuple[float, str]:
        totals: Counter[str] = Counter()
        for record in _read_records(f"{target.prefix}-*.json").values():
            totals.update(record)
        totals["kept"] = totals["records"] - totals["rejected"] - totals["skipped"] - totals["removed"]
        return min(totals["bytes"], total), _records_text(totals, len(sizes))

    return _showing(console, desc, total, "B", status)


class RunMonitor:
    """Shows a run's phases on a ``Console`` from the progress records, polled in a background thread."""

    def __init__(self, output_dir: str, console: Console, sizes: dict[str, int]) -> None:
        self.console, self.sizes, self._workdir = console, sizes, WorkDir(output_dir)
        self._wave_totals: dict[int, dict[str, int]] = {}

    def wave_totals(self, wave: int) -> dict[str, int]:
        """The exact counts of a finished wave (read once)."""
        if wave not in self._wave_totals:
            self._wave_totals[wave] = _counts_totals(read_json(self._workdir.wave_counts(wave)))
        return self._wave_totals[wave]

    def annotate(self, waves: list[list[str]], pending: list[int]) -> contextlib.AbstractContextManager:
        """Phase 1 for the ``pending`` waves: bytes read of their files, records read / kept / removed /
        rejected, waves done."""
        total_bytes = sum(self.sizes.get(path, 0) for w in pending for path in waves[w])
        n_files = sum(len(waves[w]) for w in pending)

        def status(final: bool = False) -> tuple[float, str]:
            done = {int(path.rsplit("/", 1)[-1][len("wave-"):-len(".done")])
                    for path in matches(self._workdir.work("waves", "wave-*.done"))} & set(pending)
            totals: Counter[str] = Counter()  # in the progress records' keys
            for w in done:
                exact = self.wave_totals(w)
                totals.update(exact, records=exact["documents"] + exact["rejected"] + exact["skipped"],
                              kept=exact["documents"] - exact["removed"], files_done=len(waves[w]),
                              bytes=sum(self.sizes.get(path, 0) for path in waves[w]))
            if not final:
                for path, record in _read_records(self._workdir.progress("wave-*.json")).items():
                    wave = int(path.rsplit("/", 1)[-1].split("-")[1])
                    # Kept is counted as documents pass the last stage, not as read minus removed: a
                    # batching stage decides documents after reading them, and the count must only grow.
                    if wave in pending and wave not in done:
                        totals.update(record)
            text = _records_text(totals, n_files) + f" | waves {len(done)}/{len(pending)}"
            return min(totals["bytes"], total_bytes), text

        self.console.print(f"annotate: {len(pending)} wave(s), {n_files} files, "
                           f"{total_bytes / 1e6:,.1f} MB")
        return _showing(self.console, "annotate", total_bytes, "B", status, lambda: status(final=True))

    def dedup(self) -> contextlib.AbstractContextManager:
        """Phase 2 runs as one pipeline over the signatures: its elapsed time only."""
        return _showing(self.console, "dedup", None, "",
                        lambda: (0, "exact and MinHash duplicates over every wave's signatures"),
                        lambda: (0, "done"))

    def write(self, buckets: list[int], documents: int) -> contextlib.AbstractContextManager:
        """Phase 3 for ``buckets``: documents merged of ``documents`` (the annotated ones), kept, duplicates,
        tokens, shards."""
        pending = set(buckets)

        def status() -> tuple[float, str]:
            # Each record's "done" is a bool: a sum that starts from 0 counts the buckets done.
            totals: Counter[str] = Counter(done=0)
            for path, record in _read_records(self._workdir.progress("write-*.json")).items():
                if int(path.rsplit("-", 1)[-1].split(".")[0]) in pending:
                    totals.update(record)
            text = (f"kept {totals['kept']:,} | duplicates {totals['duplicates']:,} | "
                    f"tokens {totals['tokens']:,} | shards {totals['shards']:,} | "
                    f"buckets {totals['done']}/{len(buckets)}")
            return totals["documents"], text

        return _showing(self.console, "write", documents, "documents", status)
