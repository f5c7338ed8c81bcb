"""One line and an exit code for every failure: real operating-system errors, Beam's wrapped ones, Ctrl-C."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from babelbeam.errors import (
    EXIT_CORRUPT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OS,
    EXIT_USAGE,
    ConservationError,
    describe,
)
from babelbeam.pipeline.sources import InputError
from babelbeam.schemas.config import ConfigError
from babelbeam.tokenize.shards import ShardError


def _raised(fn) -> BaseException:
    try:
        fn()
    except BaseException as e:  # noqa: BLE001 (the test hands every kind to describe)
        return e
    raise AssertionError("nothing was raised")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_named_with_the_resume_hint():
    def write_to_full() -> None:
        with open("/dev/full", "wb") as f:  # every write to /dev/full fails with ENOSPC
            f.write(b"x" * 8192)

    error = _raised(write_to_full)
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
    line, code = describe(error, resumable=True)
    assert code == EXIT_OS and line.startswith("disk full") and "--resume" in line and "\n" not in line
    assert "--resume" not in describe(error, resumable=False)[0]


def test_a_missing_file_names_the_path(tmp_path):
    error = _raised(lambda: open(tmp_path / "nowhere" / "x.json", "rb"))
    line, code = describe(error)
    assert code == EXIT_OS
    assert line == f"no such file or directory: {tmp_path / 'nowhere' / 'x.json'} [errno 2]"


def test_beams_wrapping_keeps_the_cause():
    # A transform's OSError reaches the submitter as a RuntimeError whose context is the original (in-process
    # runners) or as text only (remote workers).
    def in_process() -> None:
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError as e:
            raise RuntimeError(f"OSError: {e} [while running 'Write']") from None

    error = _raised(in_process)
    error.__context__ = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert describe(error)[1] == EXIT_OS
    remote = RuntimeError("Pipeline job-1 failed in state FAILED: Traceback (most recent call last):\n  ...\n"
                          "PermissionError: [Errno 13] Permission denied: '/out/shards/part-00000.arrow'\n")
    line, code = describe(remote)
    assert code == EXIT_OS and line == "permission denied: /out/shards/part-00000.arrow [errno 13]"
    interrupted = RuntimeError("KeyboardInterrupt [while running 'AnnotateWave0/Read']")
    assert describe(interrupted, resumable=True) == ("interrupted; rerun with --resume to continue",
                                                      EXIT_INTERRUPTED)


def test_ctrl_c_is_130():
    hint = "interrupted; rerun with --resume to continue"
    assert describe(KeyboardInterrupt(), resumable=True) == (hint, 130)
    assert describe(KeyboardInterrupt()) == ("interrupted", 130)


@pytest.mark.parametrize(("error", "code"), [
    (InputError("input pattern 'x' matches no files"), EXIT_USAGE),
    (ConfigError("output.buckets: must be at least 1, got 0"), EXIT_USAGE),
    (ShardError("out/manifest.json: manifest is not valid JSON"), EXIT_CORRUPT),
    (ConservationError("records do not add up"), EXIT_CORRUPT),
])
def test_our_errors_carry_their_code(error, code):
    assert describe(error) == (str(error), code)


def test_anything_else_is_one_line_pointing_at_verbose():
    line, code = describe(_raised(lambda: 1 // 0))
    assert code == EXIT_FAILED and "\n" not in line
    assert line.startswith("unexpected error ZeroDivisionError: ") and "-v" in line
    # A remote traceback in the message: the last line (the original error) is the one shown.
    wrapped = RuntimeError("Pipeline failed:\nTraceback (most recent call last):\n  File x\n"
                           "ValueError: bad row 7")
    assert describe(wrapped)[0].startswith("unexpected error RuntimeError: ValueError: bad row 7")
