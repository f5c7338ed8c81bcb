"""Training-step throughput: babelbeam's trainer beside transformers' Qwen3, same config and optimizer.

Both sides run the same work per step on the same token batches: forward, fp32 cross-entropy summed over
tokens, backward, gradient-norm clipping at 1.0 and a fused AdamW step with the same decay groups.
babelbeam's side is the real ``Trainer.train_step`` reading packed shards, so it also pays for its document
mask (packed samples attend within their documents); transformers' side runs plain causal attention.

    .venv/bin/python benchmarks/bench_train.py [--presets tiny,tiny-moe] [--seq-len 256] [--json out.json]

CPU, one thread (figures are per core). Taken on a shared machine: compare the ratio, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from peers import require  # noqa: E402  (benchmarks/ is on sys.path)

from babelbeam.model.train import Trainer, param_groups  # noqa: E402
from babelbeam.model.train_config import TrainConfig  # noqa: E402
from babelbeam.tokenize.shards import ShardRow, make_manifest, write_shard  # noqa: E402

EOS = 151643


def make_shards(out: Path, tokens: int, seed: int = 0) -> Path:
    """Random-token documents (100-1000 tokens, ids below the real vocabulary) as one shard plus manifest."""
    rng = np.random.default_rng(seed)
    rows, total, i = [], 0, 0
    while total < tokens:
        n = int(rng.integers(100, 1000))
        rows.append(ShardRow(id=f"d{i}", lang="eng_Latn", tokens=np.append(
            rng.integers(0, 151643, n - 1, dtype=np.uint32), np.uint32(EOS))))
        total, i = total + n, i + 1
    entry = write_shard(out / "shards" / "part-00000.arrow", rows)
    (out / "manifest.json").write_text(make_manifest({"name": "qwen3", "eos_id": EOS}, [entry]).to_json())
    return out


def time_steps(step, warmup: int, steps: int) -> float:
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def bench_babelbeam(preset: str, data: Path, seq_len: int, micro: int, warmup: int, steps: int) -> float:
    config = TrainConfig.from_dict({
        "model": {"preset": preset}, "steps": warmup + steps + 1, "output_dir": str(data / f"out-{preset}"),
        "data": {"manifests": [str(data)], "seq_len": seq_len, "batch_tokens": seq_len * micro,
                 "micro_batch_size": micro, "validation_fraction": 0.0},
        "checkpoint": {"interval": 0}, "logging": {"eval_interval": 0, "plot": False}})
    trainer = Trainer(config, show_progress=False)
    seconds = time_steps(lambda: trainer.train_step(trainer.loader.next_step()), warmup, steps)
    return seq_len * micro / seconds


def bench_transformers(preset: str, seq_len: int, micro: int, warmup: int, steps: int) -> float:
    require("transformers")
    import transformers

    from babelbeam.model.config import preset as get_preset

    hf = get_preset(preset).to_hf_config()
    hf.pop("architectures")
    moe = hf.pop("model_type") == "qwen3_moe"
    if moe:
        cfg = transformers.Qwen3MoeConfig(**hf)
        cls = transformers.Qwen3MoeForCausalLM
    else:
        cfg = transformers.Qwen3Config(**hf)
        cls = transformers.Qwen3ForCausalLM
    cfg._attn_implementation = "sdpa"
    torch.manual_seed(0)
    model = cls(cfg)
    model.train()
    groups = param_groups(model, 0.1)
    opt = torch.optim.AdamW(groups, lr=3e-4, betas=(0.9, 0.95), eps=1e-8, fused=True)
    gen = torch.Generator().manual_seed(0)

    def step() -> None:
        ids = torch.randint(0, 151643, (micro, seq_len + 1), generator=gen)
        logits = model(input_ids=ids[:, :-1]).logits.float()
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction="sum")
        (loss / ids[:, 1:].numel()).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    return seq_len * micro / time_steps(step, warmup, steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default="tiny,tiny-moe", help="comma-separated model presets")
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--micro-batch", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    torch.set_num_threads(1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        steps = args.warmup + args.steps + 2
        data = make_shards(Path(tmp), tokens=args.seq_len * args.micro_batch * steps * 2)
        for preset in args.presets.split(","):
            ours = bench_babelbeam(preset, data, args.seq_len, args.micro_batch, args.warmup, args.steps)
            theirs = bench_transformers(preset, args.seq_len, args.micro_batch, args.warmup, args.steps)
            rows.append({"preset": preset, "seq_len": args.seq_len, "micro_batch": args.micro_batch,
                         "babelbeam_tokens_per_s": ours, "transformers_tokens_per_s": theirs,
                         "ratio": ours / theirs if theirs else None})
    print(f"Training step, CPU, 1 thread, seq_len {args.seq_len}, micro-batch {args.micro_batch}, "
          f"{args.steps} timed steps (shared machine: compare ratios)\n")
    print("| preset | babelbeam tok/s/core | transformers tok/s/core | ratio |")
    print("|---|---:|---:|---:|")
    for r in rows:
        theirs = f"{r['transformers_tokens_per_s']:,.0f}"
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        print(f"| {r['preset']} | {r['babelbeam_tokens_per_s']:,.0f} | {theirs} | {ratio} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"benchmark": "train_step", "device": "cpu", "threads": 1,
                                               "shared_machine": True, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
