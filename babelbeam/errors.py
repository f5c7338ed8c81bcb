"""The errors babelbeam expects, their exit codes, and the one line ``babelbeam`` prints for any failure.

Every command runs inside ``cli.main``, which turns an exception into one line on
stderr and an exit code (``describe``): babelbeam's own errors carry their code,
operating-system errors are named by their errno, Ctrl-C is 130, anything else
is an unexpected error (1). The traceback is printed only with ``-v``. The
codes are listed in the README; this module is plain Python (no Beam, no torch),
so ``babelbeam inspect`` can report a failure without loading either.
"""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
"""An unexpected error (a bug: rerun with -v for the traceback), or ``inspect`` found something broken."""
EXIT_USAGE = 2
"""Wrong arguments, config or input (as argparse): nothing was run; the line names the flag, key or file."""
EXIT_TOO_MANY_REJECTED = 3
"""The run wrote everything, but rejected more than ``input.max_rejected_fraction`` of its records."""
EXIT_CORRUPT = 4
"""An output read back (manifest, stats, shard, checkpoint) is missing or corrupt; or records don't add up."""
EXIT_OS = 5
"""The operating system refused: disk full, permission denied, read-only file system, missing file, ..."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it)."""

RESUME_HINT = "rerun with --resume to continue"


class BabelbeamError(Exception):
    """An error babelbeam expects and explains in its message (which names the flag, key or file)."""

    exit_code = EXIT_FAILED


class CorruptOutputError(BabelbeamError):
    """An output read back (manifest, stats.json, shard, checkpoint) is missing, corrupt or inconsistent."""

    exit_code = EXIT_CORRUPT


class ConservationError(CorruptOutputError, RuntimeError):
    """Input records do not add up to kept + removed + duplicates + rejected + skipped."""


# errno -> what the user is told; the failing path follows when the error names one.
_OS_CAUSES = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "not a directory",
    errno.EISDIR: "is a directory",
    errno.EMFILE: "too many open files",
    errno.EIO: "input/output error",
}
# Errors that a rerun with --resume gets past once the cause is fixed.
_RESUMABLE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EMFILE}
# A worker's OSError that reaches the submitter only as text (Beam re-raises it inside a RuntimeError).
_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\] ([^\[\]\n]*?)(?:: '([^'\n]+)')?(?: \[while running|$|\n)")


def read_json_object(path: Path, what: str, error: type[CorruptOutputError], missing: str | None = None,
                     hint: str = "") -> dict[str, Any]:
    """The JSON object in ``path``; else ``error`` naming the file and ``what`` it should hold. ``missing``:
    the message when the file does not exist (default: cannot be read); ``hint``: added to a corrupt one's."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise error(f"{path}: {missing or f'cannot read the {what} ({e.strerror or e})'}") from None
    except OSError as e:
        raise error(f"{path}: cannot read the {what} ({e.strerror or e})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise error(f"{path}: {what} is not valid JSON ({e}){hint}") from None
    if not isinstance(value, dict):
        raise error(f"{path}: {what} is not a JSON object{hint}")
    return value


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and the exceptions it was raised from or while handling (Beam re-raises a transform's error
    as a new one whose context is the original)."""
    out: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not e for e in out):
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _interrupted(error: BaseException) -> bool:
    chain = _chain(error)
    return any(isinstance(e, KeyboardInterrupt) for e in chain) or str(error).startswith("KeyboardInterrupt")


def _os_error_in(error: BaseException) -> tuple[int, str | None] | None:
    """(errno, filename) of the OSError behind ``error``: itself, its causes, or named in its text."""
    for current in _chain(error):
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno, current.filename if isinstance(current.filename, str) else None
    match = _ERRNO_IN_TEXT.search(str(error))
    if match:
        return int(match.group(1)), match.group(3)
    return None


def _first_line(error: BaseException) -> str:
    """The error's message on one line: Beam's wrapped errors carry a whole remote traceback."""
    text = str(error).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    # A re-raised worker error ends with the original "Type: message" line; the first line is Beam's wrapper.
    line = lines[-1] if len(lines) > 1 and not isinstance(error, BabelbeamError) else lines[0]
    return line if len(line) <= 400 else line[:400] + " ..."


def describe(error: BaseException, resumable: bool = False) -> tuple[str, int]:
    """The one line to print for ``error`` and the exit code; ``resumable``: the command has ``--resume``."""
    if _interrupted(error):
        return "interrupted" + (f"; {RESUME_HINT}" if resumable else ""), EXIT_INTERRUPTED
    if isinstance(error, BabelbeamError):
        return _first_line(error), error.exit_code
    os_error = _os_error_in(error)
    if os_error is not None:
        code, filename = os_error
        cause = _OS_CAUSES.get(code) or (errno.errorcode.get(code, f"errno {code}"))
        line = f"{cause}" + (f": {filename}" if filename else "") + f" [errno {code}]"
        if resumable and code in _RESUMABLE_ERRNOS:
            line += f"; free space or fix the cause, then {RESUME_HINT}"
        return line, EXIT_OS
    line = f"unexpected error {type(error).__name__}: {_first_line(error)} (rerun with -v for the traceback)"
    if resumable:
        line += f"; after a fix, {RESUME_HINT}"
    return line, EXIT_FAILED
