"""Training visibility: throughput and MFU arithmetic, the progress line, the metrics JSONL and the loss plot.

MFU follows torchtitan's convention: achieved FLOP/s = tokens/s x ``config.flops_per_token(seq_len)``,
divided by the accelerator's dense bf16 peak. It is only reported on CUDA devices whose peak we know; a
CPU has no meaningful published peak for this arithmetic.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from babelbeam.console import format_duration

# Dense bf16 peak FLOP/s per device (no sparsity), by a substring of torch.cuda.get_device_name().
PEAK_BF16_FLOPS: dict[str, float] = {
    "H200": 989e12,
    "H100": 989e12,  # SXM; the PCIe card is lower (756e12) but shares the name prefix, so this over-states it
    "H800": 989e12,
    "A100": 312e12,
    "A800": 312e12,
    "L40S": 362e12,
    "L4": 121e12,
    "A10": 125e12,
}


def peak_flops(device_name: str) -> float | None:
    """Dense bf16 peak FLOP/s for a CUDA device name, or None when unknown."""
    for key, value in PEAK_BF16_FLOPS.items():
        if key in device_name:
            return value
    return None


def mfu(tokens_per_second_per_device: float, flops_per_token: float, peak: float | None) -> float | None:
    """Model FLOPs utilisation in [0, 1] of one device, or None when the peak is unknown."""
    if not peak:
        return None
    return tokens_per_second_per_device * flops_per_token / peak


class Progress:
    """The train command's progress line: bar, loss, learning rate, tokens/s, MFU, tokens, elapsed and ETA."""

    def __init__(self, total_steps: int, start_step: int, stream: TextIO | None = None,
                 width: int = 20) -> None:
        self.total = total_steps
        self.start_step = start_step
        self.start_time = time.perf_counter()
        self.stream = stream if stream is not None else sys.stderr
        self.width = width

    def elapsed(self) -> float:
        """Seconds since this process started training."""
        return time.perf_counter() - self.start_time

    def eta(self, step: int) -> float:
        """Seconds left, from the mean step time since this process started."""
        done = step - self.start_step
        if done <= 0:
            return float("nan")
        return self.elapsed() / done * (self.total - step)

    def line(self, step: int, loss: float, lr: float, tokens_per_s: float, mfu_value: float | None,
             extra: str = "", tokens: int | None = None) -> str:
        filled = int(self.width * step / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        parts = [f"step {step}/{self.total} [{bar}]", f"loss {loss:.4f}", f"lr {lr:.2e}",
                 f"{tokens_per_s:,.0f} tok/s"]
        if mfu_value is not None:
            parts.append(f"MFU {100 * mfu_value:.1f}%")
        if extra:
            parts.append(extra)
        if tokens is not None:
            parts.append(f"tokens {tokens:,}")
        parts.append(f"elapsed {format_duration(self.elapsed())}")
        parts.append(f"ETA {format_duration(self.eta(step))}")
        return " | ".join(parts)

    def show(self, text: str) -> None:
        # The progress line is the train command's intended output, hence a plain write, not logging.
        print(text, file=self.stream, flush=True)


class MetricsWriter:
    """Appends one JSON object per line to ``metrics.jsonl`` (rank 0 only; other ranks pass
    ``enabled=False``)."""

    def __init__(self, path: str | Path, enabled: bool = True) -> None:
        self.path = Path(path)
        self.enabled = enabled
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict[str, Any]) -> None:
        if not self.enabled:
            return
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """All records of a metrics JSONL file. After a resume the file holds the re-run steps twice; the last
    wins."""
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    return records


def plot_losses(metrics_path: str | Path, png_path: str | Path) -> Path:
    """Draw training and validation loss against step into a PNG (matplotlib's Agg backend, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train: dict[int, float] = {}
    val: dict[int, float] = {}
    for r in read_metrics(metrics_path):
        if "loss" in r:
            train[r["step"]] = r["loss"]
        if "val_loss" in r:
            val[r["step"]] = r["val_loss"]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if train:
        steps = sorted(train)
        ax.plot(steps, [train[s] for s in steps], label="train", linewidth=1.2)
    if val:
        steps = sorted(val)
        ax.plot(steps, [val[s] for s in steps], "o-", label="validation", linewidth=1.2, markersize=3)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss (nats/token)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    png_path = Path(png_path)
    fig.savefig(png_path)
    plt.close(fig)
    return png_path
