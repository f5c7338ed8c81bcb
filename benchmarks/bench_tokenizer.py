"""Benchmark babelbeam's Qwen3 tokenizer against raw tiktoken and Hugging Face ``tokenizers``.

All three run in this process, on one thread each, on the same documents, with the same Qwen3
vocabulary: babelbeam's ``encode_batch`` (NFC + tiktoken), a plain ``tiktoken.Encoding`` built from the
same ranks (fed text that is already NFC), and ``tokenizers`` loaded from the ``tokenizer.json`` that
babelbeam exports. Ids are compared document by document and mismatches are counted.

Input: ``--input GLOB`` (JSONL files with a ``text`` field), else ``examples/corpus/**/*.jsonl`` if present,
else a few MB generated deterministically from babelbeam's multilingual sample sentences.

    .venv/bin/python benchmarks/bench_tokenizer.py [--input GLOB] [--mb 4] [--repeats 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import glob
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# One thread for tokenizers' Rayon pool, so every figure is per core. Must be set before the import.
os.environ["TOKENIZERS_PARALLELISM"] = "false"

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from peers import require  # noqa: E402  (benchmarks/ is on sys.path)

from babelbeam.tokenize import load_tokenizer  # noqa: E402  (needs the sys.path line above)
from babelbeam.tokenize._samples import SAMPLE_TEXTS  # noqa: E402
from babelbeam.tokenize.normalization import nfc  # noqa: E402
from babelbeam.tokenize.tokenizer import QWEN3_PATTERN  # noqa: E402

logger = logging.getLogger("bench_tokenizer")


def read_jsonl(pattern: str) -> list[str]:
    """Texts of every JSONL record with a string ``text`` field in the files matching ``pattern``."""
    texts = []
    paths = sorted(glob.glob(pattern, recursive=True))
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("text"), str):
                    texts.append(record["text"])
    logger.info("read %d documents from %d files matching %s", len(texts), len(paths), pattern)
    return texts


def generate(megabytes: float, seed: int = 0) -> list[str]:
    """Deterministic documents of 3-30 sample sentences each, until ``megabytes`` MB of UTF-8."""
    rng = random.Random(seed)
    texts: list[str] = []
    total = 0
    while total < megabytes * 1e6:
        sentences = [rng.choice(SAMPLE_TEXTS) for _ in range(rng.randint(3, 30))]
        text = "".join(s + rng.choice((" ", " ", "\n", "\n\n")) for s in sentences)
        texts.append(text)
        total += len(text.encode("utf-8"))
    return texts


def best_time(fn: Callable[[], list[list[int]]], repeats: int) -> tuple[float, list[list[int]]]:
    """Shortest wall time of ``repeats`` runs (least disturbed by other users of a shared machine)."""
    best = float("inf")
    result: list[list[int]] = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def raw_tiktoken(babel: Any) -> Any:
    """A plain ``tiktoken.Encoding`` with the ranks and split pattern of babelbeam's loaded Qwen3 tokenizer
    (raw tiktoken's row in bench_tokenizer and run_all, and run_all's unavoidable-work floor)."""
    import tiktoken

    from babelbeam.tokenize.tokenizer import read_tiktoken_ranks

    return tiktoken.Encoding("raw-qwen", pat_str=QWEN3_PATTERN,
                             mergeable_ranks=read_tiktoken_ranks(babel.source), special_tokens={})


def make_engines(babel: Any, texts: list[str], nfc_texts: list[str]
                 ) -> tuple[dict[str, Callable[[], list[list[int]]]], float]:
    """The engines to time on ``texts``, babelbeam's first: ``(engines, tokenizer.json export seconds)``;
    raises ``peers.PeerMissing`` when tiktoken or tokenizers does not import.

    ``babel`` is babelbeam's loaded Qwen3 tokenizer; ``nfc_texts`` are ``texts`` in NFC (raw tiktoken's
    input).
    """
    require("tiktoken", "tokenizers")
    import tokenizers

    engines: dict[str, Callable[[], list[list[int]]]] = {
        "babelbeam (tiktoken + NFC)": lambda: babel.encode_batch(texts),
    }
    raw = raw_tiktoken(babel)
    engines["tiktoken (raw, NFC input)"] = lambda: [raw.encode_ordinary(t) for t in nfc_texts]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path = babel.save_tokenizer_json(Path(tmp) / "tokenizer.json")
        export_s = time.perf_counter() - start
        hf = tokenizers.Tokenizer.from_file(str(path))
    hf.encode_special_tokens = True
    engines["HF tokenizers (exported json)"] = lambda: [
        e.ids for e in hf.encode_batch(texts, add_special_tokens=False)
    ]
    return engines, export_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", help="glob of JSONL files with a 'text' field")
    parser.add_argument("--mb", type=float, default=4.0, help="MB of generated text when no input is found")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per engine; the best is kept")
    parser.add_argument("--json", help="write the results as JSON to this path")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.input:
        texts, source = read_jsonl(args.input), args.input
    elif glob.glob(str(REPO / "examples/corpus/**/*.jsonl"), recursive=True):
        source = "examples/corpus/**/*.jsonl"
        texts = read_jsonl(str(REPO / source))
    else:
        texts, source = generate(args.mb), f"{args.mb} MB generated from the sample sentences"
    if not texts:
        logger.error("no documents to tokenize (source: %s)", source)
        return 1
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    nfc_texts = [nfc(t) for t in texts]

    start = time.perf_counter()
    babel = load_tokenizer("qwen3")
    load_s = time.perf_counter() - start

    engines, export_s = make_engines(babel, texts, nfc_texts)

    results = []
    reference: list[list[int]] | None = None
    for label, fn in engines.items():
        seconds, ids = best_time(fn, args.repeats)
        if reference is None:
            reference = ids
        mismatches = sum(a != b for a, b in zip(reference, ids, strict=True))
        results.append(
            {
                "engine": label,
                "seconds": seconds,
                "docs_per_s_per_core": len(texts) / seconds,
                "mb_per_s_per_core": n_bytes / 1e6 / seconds,
                "tokens": sum(len(x) for x in ids),
                "mismatched_docs": mismatches,
            }
        )
    base = results[0]["mb_per_s_per_core"]
    for row in results:
        row["speed_vs_babelbeam"] = row["mb_per_s_per_core"] / base

    print(f"\nTokenizer benchmark: {len(texts):,} docs, {n_bytes / 1e6:.2f} MB ({source}), one thread each,")
    print(
        f"best of {args.repeats} runs. Taken on a shared machine: figures are indicative, "
        "ratios are the point."
    )
    print(
        f"babelbeam load_tokenizer('qwen3'): {load_s:.2f} s; tokenizer.json export: {export_s:.2f} s\n"
    )
    print("| engine | docs/s/core | MB/s/core | speed vs babelbeam | tokens | docs with other ids |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['engine']} | {row['docs_per_s_per_core']:,.0f} | {row['mb_per_s_per_core']:.2f} | "
            f"{row['speed_vs_babelbeam']:.2f}x | {row['tokens']:,} | {row['mismatched_docs']} |"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "source": source,
                    "documents": len(texts),
                    "bytes": n_bytes,
                    "load_seconds": load_s,
                    "export_seconds": export_s,
                    "shared_machine": True,
                    "results": results,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 1 if any(row["mismatched_docs"] for row in results) else 0


if __name__ == "__main__":
    sys.exit(main())
