"""Atomic, resumable training checkpoints with ``torch.distributed.checkpoint`` (DCP).

Layout of one checkpoint, ``<output_dir>/checkpoints/step_00001000/``::

    .metadata, __*_*.distcp   DCP: model and optimizer state, each rank writing its own shards
    trainer.json              step, tokens seen, learning-rate schedule position, data-loader state
    rng/rank_00000.pt         torch CPU (and CUDA) random state of each rank
    config.yaml               the TrainConfig that made it
    COMPLETE                  written last; a directory without it is not a checkpoint

Loading runs no code from the checkpoint: ``.metadata`` (a pickle) is read by ``dcp_reader.read_metadata``,
which admits only checkpoint metadata types, and non-tensor values and the RNG state load with
``torch.load(weights_only=True)``. See docs/security.md.

Atomicity: everything is written into ``.tmp-step_00001000``; once every rank has
finished, rank 0 writes ``COMPLETE``, fsyncs it and renames the directory to its
final name (a rename within one directory is atomic on POSIX file systems). A run
killed at any point leaves either the previous checkpoints untouched plus a
``.tmp-*`` directory that is ignored (and removed by the next save), or a new
complete checkpoint. All ranks must see the same directory (a shared file system
on multi-node runs), as DCP requires.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import signal
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.api import CheckpointException
from torch.distributed.checkpoint.metadata import Metadata
from torch.distributed.checkpoint.state_dict import (
    StateDictOptions,
    get_model_state_dict,
    get_state_dict,
    set_state_dict,
)

from babelbeam.errors import read_json_object
from babelbeam.model.checkpoint_errors import CheckpointError, UnsafeCheckpointError
from babelbeam.model.dcp_reader import (
    NOTHING_RAN,
    PlainDataLoadPlanner,
    VettedReader,
    load_plain_data,
    read_metadata,
)

log = logging.getLogger(__name__)

COMPLETE = "COMPLETE"
TRAINER_STATE = "trainer.json"
CONFIG_NAME = "config.yaml"
CHECKSUMS = "checksums.json"
_STEP_DIR = re.compile(r"^step_(\d{8,})$")

# Test hook: when this environment variable holds a step number, the process kills itself with SIGKILL
# after that step's checkpoint data is written and before it is marked complete, as a crash would.
CRASH_ENV = "BABELBEAM_TEST_KILL_IN_CHECKPOINT"


def _barrier() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.barrier()


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


@contextlib.contextmanager
def _quiet_single_process() -> Iterator[None]:
    """DCP warns that it assumes one process whenever no process group exists; that is the intent here."""
    with warnings.catch_warnings():
        if not _distributed():
            warnings.filterwarnings("ignore", message="torch.distributed is disabled")
        yield


def _rank() -> int:
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def step_dir_name(step: int) -> str:
    return f"step_{step:08d}"


def complete_checkpoints(directory: str | Path) -> list[tuple[int, Path]]:
    """Complete checkpoints under ``directory`` as (step, path), oldest first; incomplete ones are skipped."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for child in directory.iterdir():
        m = _STEP_DIR.match(child.name)
        if m and child.is_dir() and (child / COMPLETE).is_file():
            found.append((int(m.group(1)), child))
    return sorted(found)


def latest_checkpoint(directory: str | Path) -> Path | None:
    """The newest complete checkpoint under ``directory``, or None."""
    found = complete_checkpoints(directory)
    return found[-1][1] if found else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rng_state() -> dict[str, torch.Tensor]:
    """This process's torch random state (CPU, and the current CUDA device when there is one)."""
    state = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state()
    return state


def set_rng_state(state: dict[str, torch.Tensor]) -> None:
    torch.set_rng_state(state["cpu"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state(state["cuda"])


def file_checksums(directory: Path) -> dict[str, str]:
    """SHA-256 of every file under ``directory`` by relative path (the checksum list itself excluded)."""
    out = {}
    files = (p for p in directory.rglob("*") if p.is_file() and p.name not in (CHECKSUMS, COMPLETE))
    for file in sorted(files):
        digest = hashlib.sha256()
        with open(file, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        out[str(file.relative_to(directory))] = digest.hexdigest()
    return out


def verify_checkpoint(path: Path) -> None:
    """Raise CheckpointError naming the file if ``path`` is incomplete or any file differs from its
    checksum."""
    if not (path / COMPLETE).is_file():
        raise CheckpointError(f"{path} is not a complete checkpoint (no {COMPLETE} marker)")
    listed = path / CHECKSUMS
    if not listed.is_file():
        return  # written before checksums existed
    try:
        expected = json.loads(listed.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{listed}: checksum list is corrupt ({e})") from None
    actual = file_checksums(path)
    for name, digest in expected.items():
        if name not in actual:
            raise CheckpointError(f"{path / name}: missing from checkpoint {path}")
        if actual[name] != digest:
            raise CheckpointError(f"{path / name}: checksum mismatch, the checkpoint is corrupt; "
                                  "resume from an earlier one")


def _one_line(e: BaseException) -> str:
    return " ".join(f"{type(e).__name__}: {e}".split())[:300]


@contextlib.contextmanager
def _named_errors(path: Path) -> Iterator[None]:
    """Turn a deep torch.distributed.checkpoint failure into one line naming the checkpoint (or file)."""
    try:
        yield
    except CheckpointError:
        raise
    except CheckpointException as e:  # DCP's wrapper (a BaseException) of the failures of every rank
        failures = [exc for exc, _ in e.failures.values()]
        named = next((exc for exc in failures if isinstance(exc, CheckpointError)), None)
        if named is not None:
            raise named from None
        raise CheckpointError(f"{path}: cannot read checkpoint ({_one_line(failures[0])})") from None
    except (RuntimeError, ValueError, OSError, KeyError, EOFError, pickle.UnpicklingError) as e:
        raise CheckpointError(f"{path}: cannot read checkpoint ({_one_line(e)})") from None


def read_checkpoint_metadata(path: str | Path) -> Metadata:
    """The DCP metadata of the complete checkpoint ``path``, read without running code from it.

    Raises CheckpointError (UnsafeCheckpointError for a crafted file) naming the file.
    """
    path = Path(path)
    if not (path / COMPLETE).is_file():
        raise CheckpointError(f"{path} is not a complete checkpoint (no {COMPLETE} marker)")
    return read_metadata(path)


def _dcp_load(path: Path, state: dict[str, Any]) -> None:
    """``dcp.load`` of ``state`` from ``path`` through the restricted metadata reader and planner."""
    metadata = read_metadata(path)
    with _quiet_single_process(), _named_errors(path):
        dcp.load(state, storage_reader=VettedReader(path, metadata), planner=PlainDataLoadPlanner(path),
                 no_dist=not _distributed())


def _read_trainer_state(path: Path) -> dict[str, Any]:
    return read_json_object(path / TRAINER_STATE, "trainer state", CheckpointError)


def _read_rng_state(file: Path) -> dict[str, torch.Tensor]:
    try:
        state = load_plain_data(file)
    except pickle.UnpicklingError:
        raise UnsafeCheckpointError(f"{file}: refused to load: it holds a pickled object that is not plain "
                                    f"data {NOTHING_RAN}") from None
    except (RuntimeError, OSError, EOFError, ValueError) as e:
        raise CheckpointError(f"{file}: cannot read the RNG state ({_one_line(e)})") from None
    if not (isinstance(state, dict) and isinstance(state.get("cpu"), torch.Tensor)):
        raise CheckpointError(f"{file}: not an RNG state (expected a dict with a 'cpu' tensor)")
    return state


class Checkpointer:
    """Saves and restores the trainer's state under ``directory``, keeping the last ``keep_last``
    checkpoints."""

    def __init__(self, directory: str | Path, keep_last: int = 3) -> None:
        self.directory = Path(directory)
        self.keep_last = keep_last

    def save(self, step: int, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
             trainer_state: dict[str, Any], config_yaml: str) -> Path:
        """Write checkpoint ``step`` atomically (a collective: every rank calls it). Returns its final
        path."""
        rank = _rank()
        final = self.directory / step_dir_name(step)
        tmp = self.directory / f".tmp-{step_dir_name(step)}"
        if rank == 0:
            self.directory.mkdir(parents=True, exist_ok=True)
            for stale in self.directory.glob(".tmp-step_*"):
                shutil.rmtree(stale, ignore_errors=True)
            if final.exists():  # an earlier run reached this step and we are redoing it
                shutil.rmtree(final)
            (tmp / "rng").mkdir(parents=True)
        _barrier()
        model_state, optim_state = get_state_dict(model, optimizer)
        with _quiet_single_process():
            dcp.save({"model": model_state, "optim": optim_state}, checkpoint_id=str(tmp),
                     no_dist=not _distributed())
        torch.save(rng_state(), tmp / "rng" / f"rank_{rank:05d}.pt")
        if rank == 0:
            (tmp / TRAINER_STATE).write_text(json.dumps(trainer_state, indent=1, sort_keys=True) + "\n",
                                             encoding="utf-8")
            (tmp / CONFIG_NAME).write_text(config_yaml, encoding="utf-8")
        _barrier()
        if os.environ.get(CRASH_ENV) == str(step):
            log.error("%s=%d: killing this process before the checkpoint is complete", CRASH_ENV, step)
            os.kill(os.getpid(), signal.SIGKILL)
        if rank == 0:
            # Every file's SHA-256, checked on load: DCP itself would read flipped bytes without a word.
            (tmp / CHECKSUMS).write_text(json.dumps(file_checksums(tmp), indent=1, sort_keys=True) + "\n",
                                         encoding="utf-8")
            with open(tmp / COMPLETE, "w", encoding="utf-8") as f:
                f.write(f"{step}\n")
                f.flush()
                os.fsync(f.fileno())
            _fsync_dir(tmp)
            os.rename(tmp, final)
            _fsync_dir(self.directory)
            self._prune()
            log.info("checkpoint %s written", final)
        _barrier()
        return final

    def _prune(self) -> None:
        found = complete_checkpoints(self.directory)
        for _, path in found[:-self.keep_last]:
            shutil.rmtree(path, ignore_errors=True)

    def load(self, path: str | Path, model: torch.nn.Module,
             optimizer: torch.optim.Optimizer) -> dict[str, Any]:
        """Restore model, optimizer and this rank's RNG state from ``path``; returns the trainer state."""
        path = Path(path)
        verify_checkpoint(path)
        trainer_state = _read_trainer_state(path)
        model_state, optim_state = get_state_dict(model, optimizer)
        state = {"model": model_state, "optim": optim_state}
        _dcp_load(path, state)
        with _named_errors(path):
            set_state_dict(model, optimizer, model_state_dict=state["model"], optim_state_dict=state["optim"])
        rng_file = path / "rng" / f"rank_{_rank():05d}.pt"
        if rng_file.is_file():
            rng = _read_rng_state(rng_file)
            with _named_errors(rng_file):
                set_rng_state(rng)
        else:
            log.warning("%s has no RNG state for rank %d (different world size?); RNG not restored",
                        path, _rank())
        return trainer_state


def load_model_weights(path: str | Path, model: torch.nn.Module) -> None:
    """Load only the model weights of checkpoint ``path`` into an unsharded ``model`` (one process, no
    optimizer)."""
    path = Path(path)
    verify_checkpoint(path)
    state = {"model": get_model_state_dict(model, options=StateDictOptions())}
    _dcp_load(path, state)
    with _named_errors(path):
        model.load_state_dict(state["model"], strict=True)
