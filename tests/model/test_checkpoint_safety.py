"""Loading a checkpoint runs no code from it: crafted files are refused by name at every loading entry point.

Each crafted file would run ``touch MARKER`` if it were unpickled (see tests/unsafe_checkpoints.py); a test
passes only if the marker never appears and the loader (or the command, in one line) names the file.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
import torch
from torch.distributed.checkpoint.metadata import Metadata
from trainutil import synthetic_rows, write_manifest
from unsafe_checkpoints import crafted_checkpoint, replace_value_with_pickle, touch_payload

from babelbeam.cli import main as cli_main
from babelbeam.model.checkpoint import (
    CHECKSUMS,
    Checkpointer,
    CheckpointError,
    UnsafeCheckpointError,
    file_checksums,
    load_model_weights,
)
from babelbeam.model.dcp_reader import read_metadata
from babelbeam.model.scorer import Scorer, check_model, load_backbone


def small_model() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model(torch.randn(3, 8)).sum().backward()
    optimizer.step()  # so the optimizer has state to save
    return model, optimizer


def saved_checkpoint(directory: Path) -> Path:
    model, optimizer = small_model()
    return Checkpointer(directory).save(1, model, optimizer, {"step": 1}, "")


def one_line_naming(err: str, file: Path) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(file) in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------------------------------------------ Python API


@pytest.mark.parametrize("loader", ["load_model_weights", "Checkpointer.load", "load_backbone", "Scorer.load",
                                    "check_model"])
def test_python_loaders_refuse_a_crafted_metadata_file(tmp_path, loader):
    marker = tmp_path / "pwned"
    checkpoint = crafted_checkpoint(tmp_path / "step_00000001", marker)
    model, optimizer = small_model()
    calls = {
        "load_model_weights": lambda: load_model_weights(checkpoint, model),
        "Checkpointer.load": lambda: Checkpointer(tmp_path).load(checkpoint, model, optimizer),
        "load_backbone": lambda: load_backbone(checkpoint),
        "Scorer.load": lambda: Scorer.load(checkpoint, device="cpu"),
        "check_model": lambda: check_model(checkpoint),
    }
    with pytest.raises(UnsafeCheckpointError, match="refused") as refused:
        calls[loader]()
    assert not marker.exists()
    assert str(refused.value).startswith(f"{checkpoint / '.metadata'}: ")
    assert "posix.system" in str(refused.value) and "\n" not in str(refused.value)


def test_a_pickled_optimizer_value_is_refused(tmp_path):
    # .metadata made only of genuine metadata types; the payload is a value DCP would torch.load unrestricted.
    marker = tmp_path / "pwned"
    checkpoint = saved_checkpoint(tmp_path / "run")
    data_file = replace_value_with_pickle(checkpoint, "optim.param_groups.0.lr", touch_payload(marker))
    model, optimizer = small_model()
    with pytest.raises(UnsafeCheckpointError, match="optim.param_groups.0.lr") as refused:
        Checkpointer(tmp_path / "run").load(checkpoint, model, optimizer)
    assert not marker.exists()
    assert str(refused.value).startswith(f"{data_file}: ")


def test_a_model_tensor_declared_a_pickled_value_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    checkpoint = saved_checkpoint(tmp_path / "run")
    replace_value_with_pickle(checkpoint, "model.0.weight", touch_payload(marker))
    model, _ = small_model()
    with pytest.raises(UnsafeCheckpointError, match="model.0.weight"):
        load_model_weights(checkpoint, model)
    assert not marker.exists()


def test_a_crafted_rng_state_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    checkpoint = saved_checkpoint(tmp_path / "run")
    rng_file = checkpoint / "rng" / "rank_00000.pt"
    rng_file.write_bytes(touch_payload(marker))
    (checkpoint / CHECKSUMS).write_text(json.dumps(file_checksums(checkpoint)))
    model, optimizer = small_model()
    with pytest.raises(UnsafeCheckpointError, match="refused") as refused:
        Checkpointer(tmp_path / "run").load(checkpoint, model, optimizer)
    assert not marker.exists()
    assert str(refused.value).startswith(f"{rng_file}: ")


def test_metadata_cannot_rewrite_a_class_it_may_name(tmp_path):
    # GLOBAL Metadata, then BUILD on the class itself with slot state {"injected": 1}: plain pickle.load
    # would setattr(Metadata, "injected", 1). Only instances of the metadata classes may be filled in.
    payload = (b"\x80\x02ctorch.distributed.checkpoint.metadata\nMetadata\n"
               b"N}X\x08\x00\x00\x00injectedK\x01s\x86b.")
    checkpoint = crafted_checkpoint(tmp_path / "step_00000001", tmp_path / "unused")
    (checkpoint / ".metadata").write_bytes(payload)
    model, _ = small_model()
    with pytest.raises(UnsafeCheckpointError, match="sets the state of a type"):
        load_model_weights(checkpoint, model)
    assert not hasattr(Metadata, "injected")


def test_a_data_file_outside_the_checkpoint_is_refused(tmp_path):
    checkpoint = saved_checkpoint(tmp_path / "run")
    metadata = pickle.loads((checkpoint / ".metadata").read_bytes())  # our own save: trusted
    for info in metadata.storage_data.values():
        shutil.copy(checkpoint / info.relative_path, tmp_path / info.relative_path)
        info.relative_path = f"../../{info.relative_path}"
    (checkpoint / ".metadata").write_bytes(pickle.dumps(metadata))
    (checkpoint / CHECKSUMS).unlink()
    model, _ = small_model()
    with pytest.raises(UnsafeCheckpointError, match="outside the checkpoint"):
        load_model_weights(checkpoint, model)


def test_the_restricted_reader_reads_a_real_checkpoint_exactly(tmp_path):
    checkpoint = saved_checkpoint(tmp_path / "run")
    assert read_metadata(checkpoint) == pickle.loads((checkpoint / ".metadata").read_bytes())


@pytest.mark.parametrize("damage", ["truncated metadata", "garbage rng"])
def test_corrupt_files_are_named(tmp_path, damage):
    checkpoint = saved_checkpoint(tmp_path / "run")
    file = checkpoint / (".metadata" if damage == "truncated metadata" else "rng/rank_00000.pt")
    file.write_bytes(file.read_bytes()[:40] if damage == "truncated metadata" else b"not a torch file")
    (checkpoint / CHECKSUMS).unlink()
    model, optimizer = small_model()
    with pytest.raises(CheckpointError) as failed:
        Checkpointer(tmp_path / "run").load(checkpoint, model, optimizer)
    assert str(failed.value).startswith(f"{file}: ") and "\n" not in str(failed.value)


# ------------------------------------------------------------------------------------------------ commands


def test_export_hf_refuses_a_crafted_checkpoint(tmp_path, capsys):
    marker = tmp_path / "pwned"
    checkpoint = crafted_checkpoint(tmp_path / "step_00000001", marker)
    assert cli_main(["export-hf", str(checkpoint), str(tmp_path / "hf")]) != 0
    assert not marker.exists()
    line = one_line_naming(capsys.readouterr().err, checkpoint / ".metadata")
    assert line.startswith("babelbeam export-hf: ")
    assert not (tmp_path / "hf" / "model.safetensors").exists()


def train_args(tmp_path: Path, out: Path) -> list[str]:
    manifest = write_manifest(tmp_path / "data", synthetic_rows(40))
    settings = ["data.seq_len=32", "data.batch_tokens=64", "data.micro_batch_size=1",
                "data.validation_fraction=0", "logging.eval_interval=0"]
    return ["train", "--manifest", str(manifest.parent), "--output", str(out), "--preset", "tiny",
            "--steps", "2", "--resume", "--quiet", *[arg for s in settings for arg in ("--set", s)]]


def test_train_resume_refuses_a_crafted_checkpoint(tmp_path, capsys):
    marker = tmp_path / "pwned"
    out = tmp_path / "train"
    checkpoint = crafted_checkpoint(out / "checkpoints" / "step_00000001", marker)
    assert cli_main(train_args(tmp_path, out)) != 0
    assert not marker.exists()
    assert one_line_naming(capsys.readouterr().err, checkpoint / ".metadata").startswith("babelbeam train: ")


def test_train_scorer_init_refuses_a_crafted_checkpoint(tmp_path, capsys):
    marker = tmp_path / "pwned"
    checkpoint = crafted_checkpoint(tmp_path / "step_00000001", marker)
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"text": f"document {i}", "score": i}) + "\n" for i in range(4)))
    code = cli_main(["train-scorer", "--labels", str(labels), "--init", str(checkpoint),
                     "--output", str(tmp_path / "scorer"), "--device", "cpu"])
    assert code != 0
    assert not marker.exists()
    one_line_naming(capsys.readouterr().err, checkpoint / ".metadata")
    assert not (tmp_path / "scorer").exists()


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    """A real one-step training run of the tiny preset: its data under ``data/``, the run under ``train/``."""
    root = tmp_path_factory.mktemp("trained")
    args = train_args(root, root / "train")
    args[args.index("--steps") + 1] = "1"
    assert cli_main([a for a in args if a != "--resume"]) == 0
    return root


@pytest.mark.parametrize("command", ["export-hf", "train --resume"])
def test_a_corrupt_checkpoint_is_named_in_one_line(trained_run, tmp_path, capsys, command):
    # A real checkpoint with a truncated data file and no checksum list to catch that first.
    shutil.copytree(trained_run, tmp_path, dirs_exist_ok=True)
    out = tmp_path / "train"
    capsys.readouterr()
    checkpoint = out / "checkpoints" / "step_00000001"
    data_file = sorted(checkpoint.glob("*.distcp"))[0]
    data_file.write_bytes(data_file.read_bytes()[:1000])
    (checkpoint / CHECKSUMS).unlink()
    export = ["export-hf", str(out), str(tmp_path / "hf")]
    argv = train_args(tmp_path, out) if command == "train --resume" else export
    assert cli_main(argv) != 0
    line = one_line_naming(capsys.readouterr().err, checkpoint)
    assert "cannot read checkpoint" in line
