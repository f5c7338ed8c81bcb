"""Peak-memory and CPU-time measurement for the benchmarks: in-process stages and whole process trees.

Two tools, both Linux-only (they read ``/proc``):

- ``Measure`` (a context manager) wraps one in-process stage: wall seconds,
  this process's CPU seconds (``time.process_time``) and the peak resident set
  size seen while the block ran, sampled every ``interval`` seconds by a thread,
  with the RSS at entry so the stage's own growth is visible.
- ``run_measured(cmd)`` runs a command and reports its wall seconds, the CPU
  seconds of it and every descendant it reaped (``RUSAGE_CHILDREN``) and the
  peak RSS summed over the whole process tree (the Beam runner and its worker
  processes), polled from ``/proc``.

CPU seconds are what "per core" means on a shared machine: other users' load
stretches the wall clock but not the CPU time a single-threaded stage needs, so
``documents / cpu_seconds`` is the per-core rate. It still moves a little with
cache and memory-bandwidth contention; the benchmark prints that caveat.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size of one process in bytes (0 when it has gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process visible in ``/proc``."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: the parent pid follows the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_rss_bytes(pid: int) -> int:
    """RSS of ``pid`` plus all its descendants, in bytes (shared pages are counted in each process)."""
    tree = _children()
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss_bytes(p)
        stack.extend(tree.get(p, ()))
    return total


def peak_rss_self_mb() -> float:
    """This process's lifetime peak RSS (``ru_maxrss``) in MiB; it never goes down."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Measured:
    """What ``Measure`` or ``run_measured`` saw."""

    wall_s: float = 0.0
    """Elapsed wall-clock seconds."""
    cpu_s: float = 0.0
    """CPU seconds (user + system) spent by the measured code or process tree."""
    peak_rss_mb: float = 0.0
    """Highest resident set size sampled, MiB (the whole tree for ``run_measured``)."""
    start_rss_mb: float = 0.0
    """RSS when the measurement began, MiB (0 for ``run_measured``)."""
    returncode: int | None = None
    """Exit status of a measured command."""
    extra: dict = field(default_factory=dict)

    @property
    def growth_mb(self) -> float:
        """Peak RSS above the RSS at entry, MiB: what the stage itself held at most."""
        return max(0.0, self.peak_rss_mb - self.start_rss_mb)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["growth_mb"] = round(self.growth_mb, 1)
        for key in ("wall_s", "cpu_s"):
            out[key] = round(out[key], 3)
        for key in ("peak_rss_mb", "start_rss_mb"):
            out[key] = round(out[key], 1)
        return out


class _Sampler(threading.Thread):
    def __init__(self, probe, interval: float) -> None:
        super().__init__(daemon=True)
        self._probe, self._interval = probe, interval
        self._stop_event = threading.Event()
        self.peak = probe()

    def run(self) -> None:
        while not self._stop_event.wait(self._interval):
            self.peak = max(self.peak, self._probe())

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return max(self.peak, self._probe())


class Measure:
    """``with Measure() as m: work()`` -> ``m.result`` (wall, this process's CPU, peak RSS while it ran).

    The sampling thread wakes every ``interval`` seconds and holds the GIL for a
    few microseconds, which costs the measured code well under 1%.
    """

    def __init__(self, interval: float = 0.02) -> None:
        self._interval = interval
        self.result = Measured()

    def __enter__(self) -> Measure:
        self.result.start_rss_mb = rss_bytes() / MB
        self._sampler = _Sampler(rss_bytes, self._interval)
        self._sampler.start()
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.result.cpu_s = time.process_time() - self._cpu
        self.result.wall_s = time.perf_counter() - self._wall
        self.result.peak_rss_mb = self._sampler.stop() / MB


def run_measured(cmd: list[str], *, cwd: str | Path | None = None, env: dict | None = None,
                 log_path: str | Path | None = None, interval: float = 0.25,
                 timeout: float | None = None) -> Measured:
    """Run ``cmd`` to completion; wall seconds, CPU seconds of the tree, peak tree RSS (MiB) and exit status.

    CPU time comes from ``RUSAGE_CHILDREN``, which counts every descendant that
    was waited for (Beam's worker processes are), so do not run two measured
    commands at once from one process. Output goes to ``log_path`` (or is
    discarded). Raises ``subprocess.TimeoutExpired`` after ``timeout`` seconds,
    having killed the command's process group.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115  (closed below)
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        peak = 0
        while True:
            peak = max(peak, tree_rss_bytes(proc.pid))
            try:
                proc.wait(timeout=interval)
                break
            except subprocess.TimeoutExpired:
                if timeout is not None and time.perf_counter() - start > timeout:
                    os.killpg(proc.pid, 9)
                    proc.wait()
                    raise
    finally:
        if log_path:
            out.close()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall_s=wall, cpu_s=cpu, peak_rss_mb=peak / MB, returncode=proc.returncode)


def forget_word_indexes() -> None:
    """Drop the word indexes ``segment.word_index`` remembers for this thread, in every loaded copy of the
    module (this checkout's and a baseline revision's): a benchmark that times the same texts twice must
    segment them twice, as a run that sees each document once does."""
    for name, module in list(sys.modules.items()):
        if name.endswith(".segment") and hasattr(module, "_local"):
            module._local.recent = None


def timed(fn, repeat: int) -> float:  # noqa: ANN001 - any zero-argument callable
    """Best wall time of ``repeat`` runs of ``fn()``: the least disturbed by other work on the machine. Each
    run starts without the word indexes an earlier one left (``forget_word_indexes``)."""
    best = float("inf")
    for _ in range(repeat):
        forget_word_indexes()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
