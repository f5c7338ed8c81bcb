"""What a long command shows while it works: a live bar on a terminal, a plain line every few seconds
otherwise.

Every long command (``run``, ``train``, ``langid``, ``stopwords``, ``export-hf``, ``train-scorer``) reports
through one ``Console``: ``--quiet`` silences all of it (errors still reach stderr), a terminal gets a
``tqdm`` bar that redraws in place, and a pipe or a log file gets one self-contained line at most every
``interval_s`` seconds (and at the end of each phase), which ``grep`` and log collectors read.

The bar is ``tqdm`` rather than ``rich``: tqdm is one pure-Python package with no dependencies (rich pulls
in pygments and markdown-it), it is already what ``datasets`` and ``transformers`` users see, and one bar
with a status text is all babelbeam draws. The numbers shown always come from the work (records read,
steps done, bytes read); the clock only decides how often they are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

T = TypeVar("T")

LOG_INTERVAL_S = 5.0
"""Seconds between progress lines when the output is not a terminal."""


def format_duration(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``12s``; ``?`` when unknown."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m"
    if m:
        return f"{m}m{s:02d}s"
    return f"{s}s"


def format_mb(n_bytes: float) -> str:
    """Bytes as megabytes (10^6) with one decimal: ``12.3 MB``."""
    return f"{n_bytes / 1e6:,.1f} MB"


class Bar:
    """One task's progress: ``update`` with the amount done; the console decides how to show it.

    Use as a context manager (or call ``close``): the final state is always shown once.
    """

    def __init__(self, console: Console, desc: str, total: float | None, unit: str, initial: float = 0,
                 interval_s: float | None = LOG_INTERVAL_S) -> None:
        self.console, self.desc, self.total, self.unit = console, desc, total, unit
        self.n = initial
        self.initial = initial
        self.status = ""
        self.started = time.monotonic()
        self._interval_s = interval_s
        self._last_line = float("-inf")
        self._last_text: str | None = None
        self._tqdm: Any = None
        if console.live:
            from tqdm import tqdm

            byte_units = unit == "B"
            # A short bar of fixed width leaves the line to the numbers (tqdm cuts what does not fit at the
            # end); without a total there is nothing to fill: the elapsed time and the status only.
            bar_format = ("{desc}: {percentage:3.0f}%|{bar:12}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
                          "{rate_fmt}]{postfix}" if total is not None else "{desc} [{elapsed}]{postfix}")
            self._tqdm = tqdm(total=total, desc=desc, unit=unit, initial=initial, file=console.stream,
                              unit_scale=byte_units, dynamic_ncols=True, leave=True, mininterval=0.2,
                              bar_format=bar_format)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def rate(self) -> float:
        """Units per second since the bar started (0 before any)."""
        elapsed = self.elapsed()
        return (self.n - self.initial) / elapsed if elapsed > 0 else 0.0

    def eta(self) -> float:
        """Seconds left at the rate so far; nan when the total or the rate is unknown."""
        rate = self.rate()
        if self.total is None or rate <= 0:
            return float("nan")
        return max(self.total - self.n, 0) / rate

    def update(self, n: float, status: str = "", *, total: float | None = None, force: bool = False,
               text: str | None = None) -> None:
        """Set the amount done to ``n`` and the status text.

        Off a terminal a line is printed when ``force`` is set or ``interval_s`` has passed since the last
        one; ``text`` replaces the default line (``line()``).
        """
        self.n, self.status = n, status
        if total is not None:
            self.total = total
        if self.console.quiet:
            return
        if self._tqdm is not None:
            if total is not None:
                self._tqdm.total = total
            self._tqdm.n = n
            self._tqdm.set_postfix_str(status, refresh=False)
            self._tqdm.refresh() if force else self._tqdm.update(0)
            return
        now = time.monotonic()
        due = self._interval_s is not None and now - self._last_line >= self._interval_s
        if force or due:
            line = text if text is not None else self.line()
            if force and line == self._last_text:
                return  # the closing update repeats the last line: print it once
            self.console.print(line)
            self._last_line, self._last_text = now, line

    def line(self) -> str:
        """``desc | done/total unit, rate | status | elapsed, ETA``: one self-contained log line."""
        parts = [self.desc]
        if self.unit == "B":
            amount = (format_mb(self.n) if self.total is None
                      else f"{self.n / 1e6:,.1f}/{format_mb(self.total)}")
            parts.append(f"{amount}, {self.rate() / 1e6:,.2f} MB/s")
        elif self.unit:
            amount = f"{self.n:,.0f}" if self.total is None else f"{self.n:,.0f}/{self.total:,.0f}"
            parts.append(f"{amount} {self.unit}")
        if self.status:
            parts.append(self.status)
        timing = f"elapsed {format_duration(self.elapsed())}"
        if self.total is not None:
            timing += f", ETA {format_duration(self.eta())}"
        parts.append(timing)
        return " | ".join(parts)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(self.status, refresh=False)
            self._tqdm.close()
            self._tqdm = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class Console:
    """Where a command reports progress and its closing summary (stderr by default).

    ``live`` (a redrawn bar) is chosen when the stream is a terminal; ``quiet`` prints nothing.
    """

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, live: bool | None = None,
                 interval_s: float = LOG_INTERVAL_S) -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.live = (is_tty if live is None else live) and not quiet
        self.interval_s = interval_s

    def print(self, text: str) -> None:
        """A line of the command's intended output (not a log record), unless quiet."""
        if self.quiet:
            return
        if self.live:
            from tqdm import tqdm

            tqdm.write(text, file=self.stream)  # above the bar, which redraws below it
        else:
            print(text, file=self.stream, flush=True)

    def bar(self, desc: str, total: float | None = None, unit: str = "", initial: float = 0,
            interval_s: float | None = -1.0) -> Bar:
        """A progress bar; ``interval_s`` -1 takes the console's, None prints only forced lines."""
        return Bar(self, desc, total, unit, initial=initial,
                   interval_s=self.interval_s if interval_s == -1.0 else interval_s)

    def track(self, items: Iterable[T], desc: str, total: float | None = None, unit: str = "records",
              weight: Callable[[T], float] | None = None) -> Iterator[T]:
        """``items`` as they are consumed, counted on a bar (``weight`` of each, e.g. its bytes; else 1)."""
        with self.bar(desc, total=total, unit=unit) as bar:
            n, count = 0.0, 0
            for item in items:
                yield item
                n += weight(item) if weight is not None else 1
                count += 1
                bar.update(n, f"{count:,} records" if weight is not None else "")
            bar.update(max(n, total or 0) if weight is not None else n,
                       f"{count:,} records" if weight is not None else "", force=True)

    @contextlib.contextmanager
    def logging(self) -> Iterator[None]:
        """While a live bar is drawn, log records (``-v``) are written above it instead of through it."""
        if not self.live:
            yield
            return
        from tqdm.contrib.logging import logging_redirect_tqdm

        with logging_redirect_tqdm():
            yield


def add_console_arguments(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``--progress-interval``, the same on every long command."""
    parser.add_argument("--quiet", action="store_true",
                        help="print no progress and no summary; errors still go to stderr")
    parser.add_argument("--progress-interval", type=float, default=LOG_INTERVAL_S, metavar="SECONDS",
                        help="when stderr is not a terminal, seconds between progress lines (default "
                             f"{LOG_INTERVAL_S:g}); on a terminal a live bar redraws instead")


def console_from_args(args: argparse.Namespace, stream: TextIO | None = None) -> Console:
    """The ``Console`` that ``--quiet`` and ``--progress-interval`` describe (stderr by default)."""
    interval = getattr(args, "progress_interval", LOG_INTERVAL_S)
    if interval <= 0:
        raise SystemExit(f"--progress-interval: must be positive, got {interval:g}")
    return Console(quiet=getattr(args, "quiet", False), stream=stream, interval_s=interval)
