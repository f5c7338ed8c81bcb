"""Checkpoints: complete-or-ignored, newest complete wins, last k kept, exact restore of
model/optimizer/RNG."""

from __future__ import annotations

import json

import pytest
import torch

from babelbeam.model.checkpoint import (
    COMPLETE,
    Checkpointer,
    CheckpointError,
    complete_checkpoints,
    latest_checkpoint,
    load_model_weights,
)


def model_and_optimizer(seed: int) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    return model, torch.optim.AdamW(model.parameters(), lr=1e-2)


def train_steps(model: torch.nn.Module, optimizer: torch.optim.Optimizer, n: int) -> None:
    for _ in range(n):
        loss = model(torch.randn(5, 8)).pow(2).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()


def test_save_then_load_restores_everything_exactly(tmp_path):
    model, opt = model_and_optimizer(0)
    train_steps(model, opt, 3)
    ck = Checkpointer(tmp_path, keep_last=2)
    path = ck.save(3, model, opt, {"step": 3, "loader": {"samples": 12}}, "steps: 10\n")
    assert path.name == "step_00000003"
    assert {p.name for p in path.iterdir()} >= {COMPLETE, "trainer.json", "config.yaml", "rng", ".metadata"}
    # what the original does next...
    train_steps(model, opt, 2)
    expected = {k: v.clone() for k, v in model.state_dict().items()}
    # ...a fresh process restoring the checkpoint does too, bit for bit (same data through the restored RNG)
    other, other_opt = model_and_optimizer(1)
    state = ck.load(path, other, other_opt)
    assert state == {"step": 3, "loader": {"samples": 12}}
    train_steps(other, other_opt, 2)
    for key, value in expected.items():
        assert torch.equal(other.state_dict()[key], value), key


def test_only_complete_checkpoints_count_and_the_last_k_are_kept(tmp_path):
    model, opt = model_and_optimizer(0)
    ck = Checkpointer(tmp_path, keep_last=2)
    for step in (1, 2, 3):
        ck.save(step, model, opt, {"step": step}, "")
    assert [s for s, _ in complete_checkpoints(tmp_path)] == [2, 3]
    # a crash mid-save leaves a temp dir; a copied directory without its marker is not complete either
    (tmp_path / ".tmp-step_00000004").mkdir()
    (tmp_path / "step_00000005").mkdir()
    assert latest_checkpoint(tmp_path).name == "step_00000003"
    with pytest.raises(CheckpointError, match="not a complete checkpoint"):
        ck.load(tmp_path / "step_00000005", model, opt)
    # the next save clears the stale temp dir
    ck.save(6, model, opt, {"step": 6}, "")
    assert not (tmp_path / ".tmp-step_00000004").exists()
    assert [s for s, _ in complete_checkpoints(tmp_path)] == [3, 6]
    assert json.loads((tmp_path / "step_00000006" / "trainer.json").read_text()) == {"step": 6}


def test_model_weights_load_alone(tmp_path):
    model, opt = model_and_optimizer(0)
    train_steps(model, opt, 1)
    path = Checkpointer(tmp_path).save(1, model, opt, {}, "")
    fresh, _ = model_and_optimizer(2)
    load_model_weights(path, fresh)
    for key, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value)


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_a_damaged_checkpoint_file_is_named(tmp_path, damage):
    model, opt = model_and_optimizer(0)
    path = Checkpointer(tmp_path).save(1, model, opt, {"step": 1}, "")
    data_file = sorted(path.glob("*.distcp"))[0]
    raw = data_file.read_bytes()
    if damage == "flip":
        data_file.write_bytes(raw[:-10] + bytes([raw[-10] ^ 0xFF]) + raw[-9:])
    elif damage == "truncate":
        data_file.write_bytes(raw[: len(raw) // 2])
    else:
        data_file.unlink()
    other, other_opt = model_and_optimizer(1)
    with pytest.raises(CheckpointError, match=data_file.name):
        Checkpointer(tmp_path).load(path, other, other_opt)
    with pytest.raises(CheckpointError, match=data_file.name):
        load_model_weights(path, other)
