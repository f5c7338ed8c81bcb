"""Benchmark babelbeam's Qwen3 against transformers' on the same weights: forward and forward+backward
tokens/s.

Runs in one process on the same inputs: each case builds transformers' model from babelbeam's config, copies
its weights into babelbeam's model (so both compute the same function, checked on the logits), then times
``forward`` (no grad) and ``forward + cross-entropy + backward``.

On CPU (fp32) the 0.6B-shaped case keeps the real widths and vocabulary but only ``--cpu-layers`` of its 28
layers, and the 30B-A3B shape is skipped (2.4 GB of fp32 experts per layer, twice). On a GPU (bf16) the 0.6B
case has all 28 layers, a 4-layer 30B-A3B shape is added, and the table reports MFU: FLOPs per token by the
torchtitan convention (``Qwen3Config.flops_per_token``; a third of it for forward only) over a 989 TFLOP/s
dense bf16 peak (H100 SXM / H200).

    .venv/bin/python benchmarks/bench_model.py [--json out.json] [--iters 2] [--cpu-layers 2]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import require  # noqa: E402  (benchmarks/ is on sys.path)

from babelbeam.model.config import Qwen3Config, preset  # noqa: E402 -- after the sys.path fix
from babelbeam.model.hf import hf_to_babelbeam  # noqa: E402
from babelbeam.model.qwen3 import Qwen3ForCausalLM  # noqa: E402

log = logging.getLogger("bench_model")
PEAK_BF16_FLOPS = 989e12  # H100 SXM / H200 dense bf16 (docs/qwen3-reference.md)


def _time(fn: Callable[[], None], iters: int, sync: Callable[[], None]) -> float:
    """Median seconds of ``fn`` over ``iters`` runs after one warm-up run."""
    fn()
    sync()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _build_hf(config: Qwen3Config, device: torch.device, dtype: torch.dtype) -> torch.nn.Module | None:
    """transformers' model for ``config`` (SDPA attention)."""
    import transformers

    kwargs = {k: v for k, v in config.to_hf_config().items() if k not in ("architectures", "model_type")}
    if config.is_moe:
        model = transformers.Qwen3MoeForCausalLM(
            transformers.Qwen3MoeConfig(**kwargs, attn_implementation="sdpa"))
    else:
        model = transformers.Qwen3ForCausalLM(transformers.Qwen3Config(**kwargs, attn_implementation="sdpa"))
    return model.to(device=device, dtype=dtype)


def bench_case(name: str, config: Qwen3Config, batch: int, seq: int, iters: int, device: torch.device,
               dtype: torch.dtype) -> list[dict]:
    """Result rows (one per implementation x mode) for one config."""
    torch.manual_seed(0)
    hf = _build_hf(config, device, dtype)
    ours = Qwen3ForCausalLM(config).to(device=device, dtype=dtype)
    ours.load_state_dict(hf_to_babelbeam(hf.state_dict(), config))
    ids = torch.randint(0, config.vocab_size, (batch, seq), device=device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    models: dict[str, tuple[torch.nn.Module, Callable[[torch.Tensor], torch.Tensor]]] = {
        "babelbeam": (ours, lambda x: ours(x).logits), "transformers": (hf, lambda x: hf(x).logits)}
    with torch.no_grad():
        diff = (ours(ids[:1, :32]).logits.float() - hf(ids[:1, :32]).logits.float()).abs().max().item()
    log.info("%s: max |logit difference| babelbeam vs transformers = %.2e", name, diff)

    rows = []
    tokens = batch * seq
    for impl, (model, logits_fn) in models.items():
        model.train()

        def fwd(logits_fn: Callable[[torch.Tensor], torch.Tensor] = logits_fn) -> None:
            with torch.no_grad():
                logits_fn(ids)

        def fwd_bwd(model: torch.nn.Module = model, logits_fn: Callable = logits_fn) -> None:
            logits = logits_fn(ids)
            F.cross_entropy(logits[:, :-1].flatten(0, 1).float(), ids[:, 1:].flatten()).backward()
            model.zero_grad(set_to_none=True)

        for mode, fn, flop_share in (("forward", fwd, 1 / 3), ("forward+backward", fwd_bwd, 1.0)):
            seconds = _time(fn, iters, sync)
            row = {"case": name, "impl": impl, "mode": mode, "batch": batch, "seq": seq,
                   "layers": config.num_hidden_layers, "dtype": str(dtype).removeprefix("torch."),
                   "tokens_per_s": tokens / seconds}
            if device.type == "cuda":
                row["mfu"] = tokens / seconds * config.flops_per_token(seq) * flop_share / PEAK_BF16_FLOPS
            rows.append(row)
            log.info("  %-12s %-17s %10.0f tok/s", impl, mode, row["tokens_per_s"])
    return rows


def _cases(cuda: bool, cpu_layers: int) -> list[tuple[str, Qwen3Config, int, int]]:
    """(name, config, batch, seq) per case."""
    if cuda:
        return [("tiny", preset("tiny"), 8, 2048), ("tiny-moe", preset("tiny-moe"), 8, 2048),
                ("qwen3-0.6b", preset("qwen3-0.6b"), 4, 4096),
                ("qwen3-30b-a3b shape (4 of 48 layers)", preset("qwen3-30b-a3b").replace(num_hidden_layers=4),
                 4, 4096)]
    small = preset("qwen3-0.6b").replace(num_hidden_layers=cpu_layers)
    return [("tiny", preset("tiny"), 2, 256), ("tiny-moe", preset("tiny-moe"), 2, 256),
            (f"qwen3-0.6b shape ({cpu_layers} of 28 layers)", small, 1, 128)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the result rows here")
    parser.add_argument("--iters", type=int, default=2, help="timed runs per measurement (median reported)")
    parser.add_argument("--cpu-layers", type=int, default=2, help="layers of the 0.6B-shaped case on CPU")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    torch.set_num_threads(args.threads)

    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    dtype = torch.bfloat16 if cuda else torch.float32
    require("transformers")
    import transformers

    peer = f"transformers {transformers.__version__}"

    rows = []
    for name, config, batch, seq in _cases(cuda, args.cpu_layers):
        log.info("benchmarking %s (batch %d x %d tokens)", name, batch, seq)
        rows.extend(bench_case(name, config, batch, seq, args.iters, device, dtype))

    where = torch.cuda.get_device_name() if cuda else f"CPU, {args.threads} torch threads"
    print(f"\nQwen3 model throughput on {where}, {str(dtype).removeprefix('torch.')}, "
          f"torch {torch.__version__}{', vs ' + peer if peer else ''}. "
          f"Taken on a shared machine: figures are indicative.\n")
    header = "| case | batch x seq | mode | babelbeam tok/s | transformers tok/s | ratio |"
    header += " MFU babelbeam | MFU transformers |" if cuda else ""
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in rows:
        if r["impl"] != "babelbeam":
            continue
        theirs = next((p for p in rows if p["impl"] == "transformers" and p["case"] == r["case"]
                       and p["mode"] == r["mode"]), None)
        line = (f"| {r['case']} | {r['batch']} x {r['seq']} | {r['mode']} | {r['tokens_per_s']:,.0f} | "
                + (f"{theirs['tokens_per_s']:,.0f} | {r['tokens_per_s'] / theirs['tokens_per_s']:.2f}x |"
                   if theirs else "n/a | n/a |"))
        if cuda:
            line += f" {r['mfu']:.1%} | " + (f"{theirs['mfu']:.1%} |" if theirs else "n/a |")
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"device": where, "dtype": str(dtype), "peer": peer, "rows": rows},
                                        indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
