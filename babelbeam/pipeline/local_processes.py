"""Independent phase units (waves, groups of output buckets) run side by side in local processes.

Each unit is a whole in-process Beam pipeline that shares nothing with the others but files, so no element
crosses a process boundary (Beam's own ``--direct_running_mode=multi_processing`` sends every element to its
workers and back over gRPC, about 20% more CPU). This module imports no Beam itself so a fresh worker process
configures logging before Beam's import logs.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from babelbeam.log_setup import configure_logging


def _worker_init(log_level: int) -> None:
    """Log like the parent, and die when it is killed, so a later --resume never races an orphan.

    Ctrl-C reaches the whole process group; the parent alone handles it (one line, then it stops the workers),
    so the workers ignore it rather than each printing a traceback.
    """
    configure_logging(log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class LocalProcesses:
    """``processes`` spawned worker processes kept for the run, so each imports Beam and loads models once.

    With one process every task runs here, in this process. Use as a context manager.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalProcesses:
        if self.processes > 1:
            # spawn, not fork: the parent may hold Beam's gRPC threads, which fork does not survive.
            self._pool = ProcessPoolExecutor(max_workers=self.processes, initializer=_worker_init,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initargs=(logging.getLogger().getEffectiveLevel(),))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._pool is not None:
            if exc_type is KeyboardInterrupt:  # do not wait for running units: their markers are not written
                for child in multiprocessing.active_children():
                    child.kill()
            self._pool.shutdown(wait=exc_type is not KeyboardInterrupt, cancel_futures=True)
            self._pool = None

    def run(self, tasks: list[tuple[Callable[..., None], tuple]]) -> None:
        """Run each ``fn(*args)``, up to ``processes`` at once. Every task runs even if another fails (each
        leaves its own marker for --resume); then the first failure is raised."""
        if self._pool is None:
            for fn, args in tasks:
                fn(*args)
            return
        futures = [self._pool.submit(fn, *args) for fn, args in tasks]
        errors = [e for e in (f.exception() for f in futures) if e is not None]
        if errors:
            raise errors[0]
