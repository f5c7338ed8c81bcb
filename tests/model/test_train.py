"""The trainer end to end on real shards: it learns, resumes bit for bit, survives a crash mid-checkpoint."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml
from trainutil import pipeline_manifest, real_manifest

from babelbeam.model import export_cli, train_cli
from babelbeam.model.checkpoint import CRASH_ENV, latest_checkpoint
from babelbeam.model.hf import load_hf_checkpoint
from babelbeam.model.metrics import read_metrics
from babelbeam.model.train import Trainer
from babelbeam.model.train_config import TrainConfig

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return real_manifest(tmp_path_factory.mktemp("shards"))


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def small_config(manifest: Path, out: Path, **changes) -> dict:
    data = {"model": {"preset": "tiny"}, "steps": 8, "output_dir": str(out), "seed": 1,
            "data": {"manifests": [str(manifest)], "seq_len": 32, "batch_tokens": 64, "micro_batch_size": 1,
                     "validation_fraction": 0.05, "validation_sequences": 8, "seed": 2},
            "optimizer": {"lr": 3e-3}, "schedule": {"kind": "cosine", "warmup_steps": 2},
            "checkpoint": {"interval": 4, "keep_last": 2}, "logging": {"log_interval": 1, "eval_interval": 0}}
    for key, value in changes.items():
        section, _, name = key.rpartition(".")
        (data[section] if section else data)[name] = value
    return data


@pytest.mark.slow
def test_tiny_model_learns_from_real_shards_and_exports(tmp_path):
    # shards of the 42-language sample corpus made by `babelbeam run`, mixed by language with temperature 3
    demo = pipeline_manifest(tmp_path / "demo")
    config = TrainConfig.from_dict(small_config(
        demo, tmp_path / "run", steps=150, **{"data.micro_batch_size": 2, "data.validation_sequences": 16,
                                              "data.validation_fraction": 0.1, "data.temperature": 3.0,
                                              "checkpoint.interval": 50, "logging.log_interval": 25,
                                              "logging.eval_interval": 75, "schedule.warmup_steps": 10}))
    trainer = Trainer(config, show_progress=False)
    assert len(trainer.table.groups) > 30 and trainer.validation.total_samples == 16
    result = trainer.train()
    assert sorted(result.validation) == [0, 75, 150]
    # ln(151936) = 11.93 at step 0; 150 steps of 64 tokens over 42 languages take off about 3 nats
    val = result.validation
    assert val[0] > 11.0, val
    # about 3 nats in one data order; at least 1 in any (the order follows the corpus's derived ids)
    assert val[150] < val[0] - 1.0, val
    assert val[150] < val[75] + 0.1, val
    out = tmp_path / "run"
    records = read_metrics(out / "metrics.jsonl")
    assert [r["step"] for r in records if "loss" in r] == [25, 50, 75, 100, 125, 150]
    assert all(r["tokens_per_s"] > 0 and "mfu" not in r for r in records if "loss" in r)  # no MFU on CPU
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    checkpoints = sorted(p.name for p in (out / "checkpoints").iterdir())
    assert checkpoints == ["step_00000100", "step_00000150"]  # keep_last=2
    saved = yaml.safe_load((out / "checkpoints" / "step_00000150" / "config.yaml").read_text())
    assert saved["steps"] == 150 and saved["data"]["seq_len"] == 32
    # export the newest checkpoint as Hugging Face files; they hold exactly the trained weights
    export_cli.export(out, tmp_path / "hf", dtype="float32")
    hf = load_hf_checkpoint(tmp_path / "hf")
    trained = trainer.raw_model.state_dict()
    assert set(hf.state_dict()) == set(trained)
    for key, value in hf.state_dict().items():
        assert torch.equal(value, trained[key]), key


def weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.raw_model.state_dict().items()}


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["tiny", "tiny-moe"])
def test_stop_and_resume_is_bit_identical_to_an_uninterrupted_run(manifest, tmp_path, preset):
    # accumulation 2: two micro-batches of one sample per step
    def config(out: Path, **changes) -> TrainConfig:
        return TrainConfig.from_dict(small_config(manifest, out, **{"model.preset": preset, **changes}))

    straight = Trainer(config(tmp_path / "a"), show_progress=False)
    full = straight.train()
    stopped = Trainer(config(tmp_path / "b"), show_progress=False)
    stopped.train(stop_after=4)
    assert latest_checkpoint(tmp_path / "b" / "checkpoints").name == "step_00000004"
    resumed = Trainer(config(tmp_path / "b", **{"checkpoint.resume": True}), show_progress=False)
    assert resumed.step == 4
    rest = resumed.train()
    assert [r.step for r in rest.history] == [5, 6, 7, 8]
    assert [r.loss for r in rest.history] == [r.loss for r in full.history[4:]]
    assert [r.grad_norm for r in rest.history] == [r.grad_norm for r in full.history[4:]]
    if preset == "tiny-moe":
        assert [r.lbl for r in rest.history] == [r.lbl for r in full.history[4:]]
        assert all(r.lbl is not None and r.lbl >= 0.99 for r in full.history)  # 1.0 = perfectly balanced
    a, b = weights(straight), weights(resumed)
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.slow
def test_a_run_killed_mid_checkpoint_resumes_from_the_previous_complete_one(manifest, tmp_path):
    out = tmp_path / "run"
    config_path = tmp_path / "train.yaml"
    config_path.write_text(yaml.safe_dump(small_config(manifest, out, steps=6, **{"checkpoint.interval": 2})))
    env = {**os.environ, CRASH_ENV: "4", "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    env.pop("WORLD_SIZE", None)
    proc = subprocess.run([sys.executable, "-m", "babelbeam.model.train_cli", "--config", str(config_path),
                           "--quiet"], env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == -9, proc.stderr[-3000:]  # SIGKILL while writing checkpoint 4
    checkpoints = out / "checkpoints"
    assert (checkpoints / ".tmp-step_00000004" / ".metadata").exists()  # its data was written...
    assert latest_checkpoint(checkpoints).name == "step_00000002"  # ...but it never became complete
    before_crash = {r["step"]: r["loss"] for r in read_metrics(out / "metrics.jsonl") if "loss" in r}
    assert sorted(before_crash) == [1, 2, 3, 4]
    config = TrainConfig.from_yaml(config_path, ["checkpoint.resume=true"])
    trainer = Trainer(config, show_progress=False)
    assert trainer.step == 2
    result = trainer.train()
    assert [r.step for r in result.history] == [3, 4, 5, 6]
    # steps 3 and 4 are redone exactly as the killed run did them
    assert [r.loss for r in result.history[:2]] == [before_crash[3], before_crash[4]]
    assert latest_checkpoint(checkpoints).name == "step_00000006"
    assert not (checkpoints / ".tmp-step_00000004").exists()


def test_cli_flags_and_overrides_build_the_config(tmp_path):
    parser = argparse.ArgumentParser()
    train_cli.add_arguments(parser)
    config_path = tmp_path / "c.yaml"
    config_path.write_text("data: {seq_len: 128, batch_tokens: 1024}\noptimizer: {lr: 1.0e-3}\n")
    args = parser.parse_args(["--config", str(config_path), "--manifest", "out/a", "--manifest", "out/b",
                              "--output", str(tmp_path / "o"), "--preset", "tiny-moe", "--steps", "5",
                              "--resume", "--set", "optimizer.lr=2e-4", "--set", "schedule.kind=wsd"])
    config = train_cli.build_config(args)
    assert config.data.manifests == ["out/a", "out/b"] and config.data.seq_len == 128
    assert config.model.preset == "tiny-moe" and config.steps == 5 and config.checkpoint.resume
    assert config.optimizer.lr == 2e-4 and config.schedule.kind == "wsd"
    assert config.output_dir == str(tmp_path / "o")
    bad = parser.parse_args(["--set", "schedule.kind=linear"])
    assert train_cli.main(bad) == 2
    assert train_cli.__doc__.splitlines()[0].startswith("Train the bundled Qwen3 model")


_STEP_LINE = re.compile(r"^step (\d+)/(\d+) \[[#.]+\] \| loss ([\d.]+) \| lr \S+ \| ([\d,]+) tok/s \| "
                        r"tokens ([\d,]+) \| elapsed \S+ \| ETA \S+$")


def test_train_prints_progress_from_step_1_up_to_the_final_step(manifest, tmp_path, capsys):
    """Off a terminal: a line at step 1, then at log-interval steps, and at the last, ending at the totals."""
    config_path = tmp_path / "c.yaml"
    config_path.write_text(yaml.safe_dump(small_config(manifest, tmp_path / "run", steps=7, **{
        "logging.log_interval": 3, "checkpoint.interval": 0})))
    parser = argparse.ArgumentParser()
    train_cli.add_arguments(parser)
    args = parser.parse_args(["--config", str(config_path), "--progress-interval", "0.001"])
    assert train_cli.main(args) == 0
    lines = [m.groups() for line in capsys.readouterr().err.splitlines() if (m := _STEP_LINE.match(line))]
    steps = [int(step) for step, *_ in lines]
    # step 1 first (not after the first log interval), then every 3rd, and the last
    assert steps == [1, 3, 6, 7]
    assert {int(total) for _, total, *_ in lines} == {7}
    tokens = [int(t.replace(",", "")) for *_, t in lines]
    assert tokens == [64 * s for s in steps]  # data.batch_tokens per step
    assert all(float(tps.replace(",", "")) > 0 for *_, tps, _ in lines)
    last = read_metrics(tmp_path / "run" / "metrics.jsonl")[-1]
    assert last["step"] == 7 and last["tokens"] == tokens[-1]
    assert float(lines[-1][2]) == pytest.approx(last["loss"], abs=5e-5)


def test_train_quiet_prints_nothing(manifest, tmp_path, capsys):
    config_path = tmp_path / "c.yaml"
    config_path.write_text(yaml.safe_dump(small_config(manifest, tmp_path / "run", steps=2)))
    parser = argparse.ArgumentParser()
    train_cli.add_arguments(parser)
    assert train_cli.main(parser.parse_args(["--config", str(config_path), "--quiet"])) == 0
    assert capsys.readouterr() == ("", "")
    assert read_metrics(tmp_path / "run" / "metrics.jsonl")[-1]["step"] == 2


def test_export_refuses_a_directory_without_a_complete_checkpoint(tmp_path):
    (tmp_path / "checkpoints" / ".tmp-step_00000002").mkdir(parents=True)
    parser = argparse.ArgumentParser()
    export_cli.add_arguments(parser)
    assert export_cli.main(parser.parse_args([str(tmp_path), str(tmp_path / "hf")])) == 2
    assert not (tmp_path / "hf").exists()


def test_activation_checkpointing_changes_memory_not_results(manifest, tmp_path):
    results = []
    for ac in (False, True):
        trainer = Trainer(TrainConfig.from_dict(small_config(manifest, tmp_path / str(ac), steps=2, **{
            "model.activation_checkpointing": ac})), show_progress=False)
        results.append([trainer.train_step(trainer.loader.next_step()) for _ in range(2)])
        results[-1].append(weights(trainer))
    plain, checkpointed = results
    assert [r.loss for r in plain[:2]] == [r.loss for r in checkpointed[:2]]
    for key, value in plain[2].items():
        torch.testing.assert_close(checkpointed[2][key], value, rtol=0, atol=1e-6)
