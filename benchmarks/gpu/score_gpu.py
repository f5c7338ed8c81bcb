"""Scoring throughput of babelbeam's quality scorer: documents/s, tokens/s and forward MFU.

    .venv/bin/python benchmarks/gpu/score_gpu.py                 # one GPU: 0.6B-shaped and ~100M models
    .venv/bin/python benchmarks/gpu/score_gpu.py --json out.json
    .venv/bin/python benchmarks/gpu/score_gpu.py --device cpu    # CPU: tiny sizes, tokens/s per core

Scores synthetic documents (random Qwen3 token ids; throughput does not depend on the ids) whose lengths
follow a log-normal distribution with a median of ``--median-tokens`` (web documents), each cut to its
first ``--max-tokens`` tokens, through ``babelbeam.model.scorer.Scorer`` exactly as the pipeline stage does
(length bucketing, token-budget batches, bf16 on CUDA, fp32 on CPU). Models have random weights in the
published shapes: ``qwen3-0.6b`` and ``qwen3-100m`` (hidden 512, 8 layers, 103M parameters, the size of
FineWeb-Edu's 109M-parameter classifier). Both scorer kinds are timed: ``perplexity`` (needs the 151,936-way
output head at every position) and ``head`` (pooled regression head, no output head).

MFU = real tokens/s x forward FLOPs per token / peak, forward FLOPs per token
``2 * N_matmul + 4 * layers * heads * head_dim * seq_len`` (N without the output head for ``head``), peak
989 TFLOP/s dense bf16 on H100/H200. Padding is counted as waste, not as work. The reference is
FineWeb-Edu's classifier: about 2.5B tokens per H100-hour, i.e. 694k tokens/s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402  (after the path insert so the checkout's babelbeam is used)
import torch  # noqa: E402

from babelbeam.model.config import PRESETS, Qwen3Config  # noqa: E402
from babelbeam.model.metrics import peak_flops  # noqa: E402
from babelbeam.model.qwen3 import Qwen3ForCausalLM  # noqa: E402
from babelbeam.model.scorer import (  # noqa: E402
    PERPLEXITY,
    QualityHeadModel,
    Scorer,
    choose_device,
    choose_dtype,
    forward_flops_per_token,
)

log = logging.getLogger("score_gpu")
FINEWEB_EDU_TOKENS_PER_S = 2.5e9 / 3600
H100_PEAK = 989e12

SIZES: dict[str, Qwen3Config] = {
    "qwen3-0.6b": PRESETS["qwen3-0.6b"],
    "qwen3-100m": Qwen3Config(hidden_size=512, intermediate_size=1536, num_hidden_layers=8,
                              num_attention_heads=8, num_key_value_heads=4, head_dim=64,
                              tie_word_embeddings=True),
    "cpu-small": Qwen3Config(hidden_size=256, intermediate_size=768, num_hidden_layers=4,
                             num_attention_heads=4, num_key_value_heads=2, head_dim=64,
                             tie_word_embeddings=True),
    "tiny": PRESETS["tiny"],
}


def synthetic_documents(n: int, median: int, seed: int) -> list[np.ndarray]:
    """``n`` documents of random ids, lengths log-normal around ``median`` tokens (sigma 1), at least 8."""
    rng = np.random.default_rng(seed)
    lengths = np.maximum(8, rng.lognormal(np.log(median), 1.0, size=n)).astype(int)
    return [rng.integers(0, 151_643, size=int(length), dtype=np.int64) for length in lengths]


def build(config: Qwen3Config, kind: str, device: torch.device, dtype: torch.dtype) -> torch.nn.Module:
    with torch.device("meta"):
        lm = Qwen3ForCausalLM(config)
    lm.to_empty(device=device)
    torch.manual_seed(0)
    lm.init_weights()
    lm.to(dtype=dtype).eval()
    if kind == PERPLEXITY:
        return lm
    model = QualityHeadModel(lm).to(device)
    model.head.float()
    return model.eval()


def bench_one(size: str, kind: str, docs: list[np.ndarray], args: argparse.Namespace, device: torch.device,
              dtype: torch.dtype) -> dict:
    config = SIZES[size]
    model = build(config, kind, device, dtype)
    scorer = Scorer(kind, model, device, max_tokens=args.max_tokens, batch_tokens=args.batch_tokens)
    rows = [d[: args.max_tokens] for d in docs]
    warm = rows[: max(1, len(rows) // 10)]
    scorer.score(warm)  # kernels, allocator and (for flex/compile) any first-call cost
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    scorer.documents = scorer.tokens = scorer.padded_tokens = 0
    start = time.perf_counter()
    scores = scorer.score(rows)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    seconds = time.perf_counter() - start
    assert all(np.isfinite(scores)), "a score is not finite"
    stats = scorer.stats()
    tokens_per_s = stats["tokens"] / seconds
    mean_len = stats["tokens"] / max(stats["documents"], 1)
    flops = forward_flops_per_token(scorer.lm, int(mean_len), with_lm_head=kind == PERPLEXITY)
    peak = peak_flops(torch.cuda.get_device_name(device)) if device.type == "cuda" else None
    threads = torch.get_num_threads()
    result = {
        "model": size, "kind": kind, "params": config.num_params(), "device": str(device),
        "dtype": str(dtype),
        "documents": stats["documents"], "tokens": stats["tokens"], "seconds": seconds,
        "docs_per_s": stats["documents"] / seconds, "tokens_per_s": tokens_per_s,
        "padding_fraction": stats["padding_fraction"], "forward_flops_per_token": flops,
        "achieved_tflops": tokens_per_s * flops / 1e12,
        "mfu": tokens_per_s * flops / peak if peak else None,
        "vs_fineweb_edu": tokens_per_s / FINEWEB_EDU_TOKENS_PER_S,
    }
    if device.type == "cpu":
        result["threads"] = threads
        result["tokens_per_s_per_core"] = tokens_per_s / threads
    del model, scorer
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return result


def markdown(results: list[dict], device: torch.device) -> str:
    cpu = device.type == "cpu"
    head = ("| model | params | kind | docs/s | tokens/s | " + ("tokens/s/core | " if cpu else "MFU | ")
            + "padding | x FineWeb-Edu |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        extra = f"{r['tokens_per_s_per_core']:,.0f}" if cpu else (f"{r['mfu']:.1%}" if r["mfu"] else "?")
        lines.append(f"| {r['model']} | {r['params'] / 1e6:.0f}M | {r['kind']} | {r['docs_per_s']:,.1f} | "
                     f"{r['tokens_per_s']:,.0f} | {extra} | {r['padding_fraction']:.1%} | "
                     f"{r['vs_fineweb_edu']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated model sizes (default: qwen3-0.6b,qwen3-100m "
                        "on CUDA, tiny,cpu-small on CPU); known: " + ", ".join(SIZES))
    parser.add_argument("--kinds", default="perplexity,head")
    parser.add_argument("--docs", type=int, default=None,
                        help="documents (default 20000 on CUDA, 200 on CPU)")
    parser.add_argument("--median-tokens", type=int, default=400)
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--batch-tokens", type=int, default=None, help="default 65536 on CUDA, 4096 on CPU")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's)")
    parser.add_argument("--json", default=None, help="write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = choose_device(args.device)
    dtype = choose_dtype("auto", device)
    cuda = device.type == "cuda"
    sizes = (args.sizes or ("qwen3-0.6b,qwen3-100m" if cuda else "tiny,cpu-small")).split(",")
    args.docs = args.docs or (20000 if cuda else 200)
    args.batch_tokens = max(args.batch_tokens or (65536 if cuda else 4096), args.max_tokens)
    docs = synthetic_documents(args.docs, args.median_tokens, seed=0)
    results = []
    for size in sizes:
        for kind in args.kinds.split(","):
            r = bench_one(size, kind, docs, args, device, dtype)
            log.info("%s %s: %.1f docs/s, %.0f tokens/s", size, kind, r["docs_per_s"], r["tokens_per_s"])
            results.append(r)
    where = torch.cuda.get_device_name(device) if cuda else f"CPU, {torch.get_num_threads()} threads"
    print(f"Scoring throughput on {where} ({args.docs} documents, median {args.median_tokens} tokens, first "
          f"{args.max_tokens} scored, {args.batch_tokens} tokens per batch, {dtype}).")
    if not cuda:
        print("CPU figures were taken on a shared machine; the MFU column needs a GPU.")
    print(markdown(results, device))
    print(f"FineWeb-Edu reference: 2.5B tokens per H100-hour = {FINEWEB_EDU_TOKENS_PER_S:,.0f} tokens/s.")
    if args.json:
        Path(args.json).write_text(json.dumps({"device": where, "args": vars(args), "results": results,
                                               "host_cpus": os.cpu_count()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
