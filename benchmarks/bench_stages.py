"""Time each pipeline stage's per-document work on one core, then the whole Beam pipeline, on the same corpus.

    .venv/bin/python benchmarks/bench_stages.py [--input 'examples/corpus/*'] [--repeat 3] [--json out.json]

Per-stage figures are the plain-Python work each DoFn does (read, normalise,
language ID, quality chain, exact-dedup key, MinHash signature, tokenize), measured in one process on one
core, in documents/s and MB/s of input text. The end-to-end figure runs the real
graph on the FnApiRunner (in-process: one core does the work plus Beam's own
overhead), so its gap to the stage sum is the runner's cost. The tokenizer is
compared with raw tiktoken and Hugging Face `tokenizers` in the same process.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from memory import timed
from peers import require

from babelbeam.filters.langid import LanguageIdentifier
from babelbeam.filters.minhash import MinHasher, shingle_hashes
from babelbeam.filters.normalize import exact_dedup_key, normalize_text
from babelbeam.filters.quality import QualityChain
from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import match_inputs, read_file
from babelbeam.schemas import Document
from babelbeam.schemas.config import InputConfig, LangIdConfig, RunConfig
from babelbeam.tokenize import load_tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", nargs="+", default=["examples/corpus/*"])
    parser.add_argument("--config", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    paths = match_inputs(args.input)
    config = RunConfig.from_yaml(args.config)
    docs = [d for p in paths for d in read_file(p, InputConfig()) if isinstance(d, Document)]
    texts = [normalize_text(d.text) for d in docs]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n = len(texts)
    identifier = LanguageIdentifier.from_config(LangIdConfig())
    annotated = [identifier.annotate(dataclasses.replace(d, text=t))
                 for d, t in zip(docs, texts, strict=True)]
    chain = QualityChain.from_config(config.quality)
    hasher = MinHasher.from_config(config.minhash)
    mh = config.minhash
    shingle_sets = [shingle_hashes(d.text, d.lang, ngram=mh.ngram, hash_function=mh.hash_function)
                    for d in annotated]
    tokenizer = load_tokenizer("qwen3")

    import tiktoken

    from babelbeam.assets import asset_path
    from babelbeam.tokenize.tokenizer import QWEN3_PATTERN, read_tiktoken_ranks

    raw = tiktoken.Encoding("qwen-raw", pat_str=QWEN3_PATTERN,
                            mergeable_ranks=read_tiktoken_ranks(asset_path("qwen.tiktoken")),
                            special_tokens={})
    stages: dict[str, Callable[[], object]] = {
        "read (parse JSONL/Parquet/text)": lambda: [d for p in paths for d in read_file(p, InputConfig())],
        "normalize": lambda: [normalize_text(d.text) for d in docs],
        "language ID": lambda: [identifier.identify(t) for t in texts],
        "quality filters (whole chain)": lambda: [chain.apply(dataclasses.replace(d)) for d in annotated],
        "exact-dedup key": lambda: [exact_dedup_key(t) for t in texts],
        "MinHash signature (112 perms)": lambda: [
            hasher.signature_from_hashes(hashes) for hashes in shingle_sets if len(hashes)],
        "tokenize (babelbeam)": lambda: [tokenizer.encode(t) for t in texts],
        "tokenize (raw tiktoken, same ranks)": lambda: raw.encode_ordinary_batch(texts, num_threads=1),
    }
    require("tokenizers")
    import tokenizers

    with tempfile.TemporaryDirectory() as tmp:
        tokenizer.save_tokenizer_json(os.path.join(tmp, "tokenizer.json"))
        hf = tokenizers.Tokenizer.from_file(os.path.join(tmp, "tokenizer.json"))
    stages["tokenize (HF tokenizers, same vocab)"] = lambda: [hf.encode(t, add_special_tokens=False).ids
                                                              for t in texts]

    results = []
    for name, fn in stages.items():
        seconds = timed(fn, args.repeat)
        results.append({"stage": name, "seconds": seconds, "docs_per_s": n / seconds,
                        "mb_per_s": mb / seconds})
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()  # three Beam phases: a fixed start-up cost dominates on a small corpus
        run_pipeline(args.input, os.path.join(tmp, "out"), config)
        seconds = time.perf_counter() - start
    results.append({"stage": "whole pipeline (FnApiRunner, 1 process)", "seconds": seconds,
                    "docs_per_s": n / seconds, "mb_per_s": mb / seconds})

    base = next(r for r in results if r["stage"] == "tokenize (babelbeam)")
    print(f"corpus: {n} documents, {mb:.2f} MB from {len(paths)} files; "
          f"machine: {platform.processor() or platform.machine()},"
          f" {os.cpu_count()} cores (shared: figures are best of {args.repeat})\n")
    print("| stage | docs/s per core | MB/s per core | tokenizer ratio |")
    print("|---|---:|---:|---:|")
    for r in results:
        ratio = f"{base['seconds'] / r['seconds']:.2f}" if r["stage"].startswith("tokenize") else ""
        print(f"| {r['stage']} | {r['docs_per_s']:,.0f} | {r['mb_per_s']:.2f} | {ratio} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"documents": n, "mb": mb, "results": results}, indent=2))


if __name__ == "__main__":
    main()
