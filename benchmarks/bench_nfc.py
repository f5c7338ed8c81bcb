"""NFC speed: babelbeam's normaliser (the ``tokenizers`` tables, as Qwen's tokenizer) against ``unicodedata``.

    .venv/bin/python benchmarks/bench_nfc.py [--input X.jsonl ...] [--repeats 5]

Both run in this process, alternately, on the same texts (by default every text of ``examples/corpus``, read
with the pipeline's reader), split into ASCII, Latin (all code points below U+0300: babelbeam's fast paths)
and the rest. ``unicodedata`` is timed as the code it replaced (``is_normalized`` then ``normalize``). Also
reports the SHA-256 rate of the streamed shard check the trainer runs. Report ratios: absolute MB/s on a
shared machine move with its load.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from babelbeam.pipeline.sources import read_file  # noqa: E402  (needs the sys.path line above)
from babelbeam.schemas.config import InputConfig  # noqa: E402
from babelbeam.tokenize.normalization import nfc  # noqa: E402


def python_nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def best_rate(fn: Callable[[str], str], texts: list[str], mb: float, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - started)
    return mb / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus = sorted(glob.glob(str(REPO / "examples" / "corpus" / "*")))
    parser.add_argument("--input", nargs="+", default=corpus)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    texts = [d.text for path in args.input for d in read_file(path, InputConfig()) if hasattr(d, "text")]
    groups = {
        "ascii": [t for t in texts if t.isascii()],
        "latin (< U+0300)": [t for t in texts if not t.isascii() and max(t) < "\u0300"],
        "other scripts": [t for t in texts if max(t, default="a") >= "\u0300"],
        "all": texts,
    }
    print(f"{len(texts)} texts from {len(args.input)} files; best of {args.repeats}, same process\n")
    print("| texts | documents | MB | babelbeam nfc MB/s | unicodedata MB/s | babelbeam / unicodedata |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, group in groups.items():
        mb = sum(len(t.encode("utf-8")) for t in group) / 1e6
        if not group:
            continue
        ours = best_rate(nfc, group, mb, args.repeats)
        theirs = best_rate(python_nfc, group, mb, args.repeats)
        print(f"| {name} | {len(group)} | {mb:.2f} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.2f}x |")
    block = bytes(range(256)) * (1 << 14)  # 4 MiB
    started = time.perf_counter()
    digest = hashlib.sha256()
    for _ in range(64):
        digest.update(block)
    print(f"\nSHA-256 (shard check): {64 * len(block) / 1e6 / (time.perf_counter() - started):.0f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
