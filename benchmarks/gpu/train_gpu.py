"""One-GPU training throughput and MFU of babelbeam's trainer for 0.6B- and 1.7B-shaped Qwen3 runs.

Run through ``benchmarks/gpu/train_gpu.sh``. Each preset trains ``--warmup + --steps`` optimizer steps of
``seq_len x micro_batch`` tokens on random-token shards through the real ``Trainer.train_step`` (bf16
autocast, fp32 loss, fused AdamW, clipping, document-masked flex attention); the timed steps give tokens/s
and MFU by the torchtitan convention (docs/qwen3-reference.md). Without CUDA it runs the same path on the
CPU (no MFU).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_train import make_shards  # noqa: E402

from babelbeam.model.metrics import mfu  # noqa: E402
from babelbeam.model.train import Trainer  # noqa: E402
from babelbeam.model.train_config import TrainConfig  # noqa: E402


def run_preset(preset: str, data: Path, args: argparse.Namespace) -> dict:
    config = TrainConfig.from_dict({
        "model": {"preset": preset, "compile": args.compile,
                  "activation_checkpointing": args.activation_checkpointing},
        "steps": args.warmup + args.steps + 1, "output_dir": str(data / f"out-{preset}"),
        "data": {"manifests": [str(data)], "seq_len": args.seq_len, "micro_batch_size": args.micro_batch,
                 "batch_tokens": args.seq_len * args.micro_batch, "validation_fraction": 0.0},
        "schedule": {"warmup_steps": 2}, "checkpoint": {"interval": 0},
        "logging": {"eval_interval": 0, "plot": False}})
    started = time.perf_counter()
    trainer = Trainer(config, show_progress=False)
    cuda = trainer.device.type == "cuda"

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    for _ in range(args.warmup):
        trainer.train_step(trainer.loader.next_step())
    sync()
    warm = time.perf_counter()
    losses = []
    for _ in range(args.steps):
        losses.append(trainer.train_step(trainer.loader.next_step()).loss)
    sync()
    seconds = (time.perf_counter() - warm) / args.steps
    tps = config.data.batch_tokens / seconds
    value = mfu(tps, trainer.flops_per_token, trainer.peak)
    row = {"preset": preset, "device": torch.cuda.get_device_name() if cuda else "cpu",
           "seq_len": args.seq_len, "micro_batch": args.micro_batch, "compile": args.compile,
           "activation_checkpointing": args.activation_checkpointing,
           "params": trainer.model_config.num_params(), "flops_per_token": trainer.flops_per_token,
           "step_seconds": seconds, "tokens_per_s": tps, "mfu": value, "peak_flops": trainer.peak,
           "max_memory_gib": torch.cuda.max_memory_allocated() / 2**30 if cuda else None,
           "setup_and_warmup_seconds": warm - started, "last_loss": losses[-1]}
    del trainer
    gc.collect()
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default="qwen3-0.6b,qwen3-1.7b")
    parser.add_argument("--seq-len", type=int, default=4096)
    parser.add_argument("--micro-batch", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=4,
                        help="untimed steps (compilation, allocator warm-up)")
    parser.add_argument("--steps", type=int, default=10, help="timed steps")
    parser.add_argument("--compile", action="store_true", help="torch.compile each decoder layer")
    parser.add_argument("--activation-checkpointing", action="store_true")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = True
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = make_shards(Path(tmp), tokens=args.seq_len * args.micro_batch * (args.warmup + args.steps + 2))
        for preset in args.presets.split(","):
            rows.append(run_preset(preset, data, args))
            r = rows[-1]
            mfu_text = f"{100 * r['mfu']:.1f}%" if r["mfu"] is not None else "n/a (CPU or unknown GPU)"
            print(f"{preset}: {r['tokens_per_s']:,.0f} tok/s, MFU {mfu_text}, step {r['step_seconds']:.3f}s, "
                  f"setup+warmup {r['setup_and_warmup_seconds']:.0f}s", flush=True)
    print("\n| preset | device | seq_len x micro | tok/s | MFU | max mem GiB |")
    print("|---|---|---|---:|---:|---:|")
    for r in rows:
        mfu_text = f"{100 * r['mfu']:.1f}%" if r["mfu"] is not None else "-"
        mem = f"{r['max_memory_gib']:.1f}" if r["max_memory_gib"] is not None else "-"
        print(f"| {r['preset']} | {r['device']} | {r['seq_len']} x {r['micro_batch']} | "
              f"{r['tokens_per_s']:,.0f} | {mfu_text} | {mem} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"benchmark": "train_gpu", "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
