"""Training visibility: MFU arithmetic, the progress line, metrics JSONL, the loss plot, the GPU benchmark's
CPU path."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from babelbeam.model.config import preset
from babelbeam.model.metrics import (
    MetricsWriter,
    Progress,
    format_duration,
    mfu,
    peak_flops,
    plot_losses,
    read_metrics,
)

REPO = Path(__file__).resolve().parent.parent.parent


def test_mfu_follows_the_torchtitan_convention():
    assert peak_flops("NVIDIA H200") == peak_flops("NVIDIA H100 80GB HBM3") == 989e12
    assert peak_flops("cpu") is None and mfu(1000.0, 1e9, None) is None
    config = preset("qwen3-0.6b")
    per_token = config.flops_per_token(4096)
    # 6 N + 12 L H d T with N the matmul weights incl. the (tied) head
    assert per_token == 6 * config.num_matmul_params(active=True) + 12 * 28 * 16 * 128 * 4096
    # 40k tok/s on one H100 at that size is about 30% MFU
    assert mfu(40_000, per_token, 989e12) == pytest.approx(40_000 * per_token / 989e12)
    assert 0.2 < mfu(40_000, per_token, 989e12) < 0.4


def test_progress_line_and_eta():
    out = io.StringIO()
    progress = Progress(total_steps=100, start_step=0, stream=out)
    line = progress.line(50, 3.14159, 3e-4, 12345.6, 0.4123, "lbl 1.020")
    assert line.startswith("step 50/100 [##########..........]")
    assert "loss 3.1416" in line and "lr 3.00e-04" in line and "12,346 tok/s" in line
    assert "MFU 41.2%" in line and "lbl 1.020" in line and "ETA " in line
    assert "MFU" not in progress.line(50, 1.0, 1e-3, 10.0, None)
    progress.show(line)
    assert out.getvalue() == line + "\n"
    assert format_duration(3725) == "1h02m" and format_duration(185) == "3m05s" and format_duration(7) == "7s"
    assert format_duration(float("nan")) == "?"


def test_metrics_jsonl_and_loss_plot(tmp_path):
    writer = MetricsWriter(tmp_path / "m" / "metrics.jsonl")
    for step in range(1, 11):
        writer.write({"step": step, "loss": 10.0 / step})
    writer.write({"step": 10, "val_loss": 2.0})
    MetricsWriter(tmp_path / "other.jsonl", enabled=False).write({"step": 1})
    assert not (tmp_path / "other.jsonl").exists()  # ranks other than 0 write nothing
    records = read_metrics(tmp_path / "m" / "metrics.jsonl")
    assert len(records) == 11 and records[-1] == {"step": 10, "val_loss": 2.0}
    png = plot_losses(tmp_path / "m" / "metrics.jsonl", tmp_path / "loss.png")
    assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 5000


@pytest.mark.slow
def test_gpu_benchmark_script_runs_its_cpu_fallback(tmp_path):
    env = {**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(REPO), "CUDA_VISIBLE_DEVICES": "",
           "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(["bash", str(REPO / "benchmarks/gpu/train_gpu.sh"), str(tmp_path)], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "CPU fallback" in proc.stderr
    (row,) = json.loads((tmp_path / "train_gpu.json").read_text())["results"]
    assert row["preset"] == "tiny" and row["device"] == "cpu" and row["mfu"] is None
    assert row["tokens_per_s"] > 0 and row["last_loss"] > 0
    assert "| tiny | cpu | 64 x 2 |" in proc.stdout
