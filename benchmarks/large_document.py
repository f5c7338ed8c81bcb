"""Peak memory of ``babelbeam run`` on one large document, per byte of that document.

    .venv/bin/python benchmarks/large_document.py --mb 4 30 --json out/bench/large-document.json

For each size the script writes a JSONL file holding one document of about that many MB of prose-like
text (``prose``: words drawn from a Zipf-distributed vocabulary, punctuation, numbers, contractions,
lines and paragraphs, so every quality rule and the MinHash word split has work to do) and three small
documents, and runs the whole ``babelbeam run`` on it (one process, the FnApiRunner) with the peak
resident set size of the process tree sampled from ``/proc``. The same run without the large document
gives the baseline. Reported: the peak, the growth over the baseline, and the growth per byte of the
document; and, between the two largest sizes, the slope (MB of peak per MB of document), which leaves
out what every run pays once. The config keeps the document (``max_doc_words`` off, any language score)
so it is tokenized and written too. Linux only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import MB, run_measured  # noqa: E402  (the benchmarks' own helper, beside this file)

CONFIG = """\
langid: {threshold: 0.0}
quality:
  gopher_quality: {max_doc_words: null}
"""
"""Keep the large document through every stage, so its tokens are cut and written as well."""

SMALL = [f"This is a small ordinary document, number {i}, written to keep the run company. " * 8
         for i in range(3)]


def prose(n_bytes: int, seed: int = 0) -> str:
    """About ``n_bytes`` of ASCII prose: sentences of Zipf-distributed words with commas, numbers,
    contractions and hyphens, lines of one to three sentences, a blank line between paragraphs."""
    rng = random.Random(seed)
    syllables = "ka ri to men sel un der pro ta lo ve nis gar bo ex qui stra pen dol mar".split()
    vocabulary = list(dict.fromkeys("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                                    for _ in range(60_000)))
    vocabulary[:0] = "the of and to in a is that for it as was with be by on not he this are".split()
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        words = rng.choices(vocabulary, weights, k=rng.randint(6, 24))
        if rng.random() < 0.2:
            words[rng.randrange(len(words))] = str(rng.randint(1, 2100))
        if rng.random() < 0.1:
            words[rng.randrange(len(words))] += rng.choice(["'s", "n't", "-like"])
        if len(words) > 8 and rng.random() < 0.5:
            words[rng.randrange(len(words) - 1)] += ","
        sentence = " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])
        sentence += rng.choice([" ", " ", "\n", "\n\n"])
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts).strip()


def write_corpus(path: Path, document_mb: float | None) -> int:
    """The JSONL corpus: the large document (when ``document_mb``) and the small ones. Returns the large
    document's UTF-8 bytes (0 without it)."""
    text = prose(int(document_mb * MB)) if document_mb else ""
    with open(path, "w", encoding="utf-8") as f:
        if text:
            f.write(json.dumps({"id": "large", "text": text}) + "\n")
        for i, small in enumerate(SMALL):
            f.write(json.dumps({"id": f"small-{i}", "text": small}) + "\n")
    return len(text.encode("utf-8"))


def measure(work: Path, document_mb: float | None) -> dict:
    """One ``babelbeam run`` over the corpus with (or without) the large document: peak RSS and stats."""
    name = f"doc-{document_mb}" if document_mb else "baseline"
    corpus, out = work / f"{name}.jsonl", work / f"out-{name}"
    (work / "config.yaml").write_text(CONFIG, encoding="utf-8")
    size = write_corpus(corpus, document_mb)
    cmd = [sys.executable, "-m", "babelbeam.cli", "run", "--input", str(corpus), "--output", str(out),
           "--overwrite", "--config", str(work / "config.yaml")]
    result = run_measured(cmd, log_path=work / f"{name}.log", interval=0.02)
    if result.returncode != 0:
        raise SystemExit(f"babelbeam run failed ({result.returncode}): {(work / f'{name}.log').read_text()}")
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    return {"document_bytes": size, "peak_rss_mb": result.peak_rss_mb, "cpu_s": result.cpu_s,
            "kept": stats["kept"], "tokens": stats["tokens"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[4.0, 30.0], help="document sizes in MB")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        baseline = measure(work, None)
        rows = [measure(work, mb) for mb in sorted(args.mb)]
    print(f"baseline (3 small documents): peak {baseline['peak_rss_mb']:.0f} MB")
    print("| document MB | peak RSS MB | growth MB | growth / document size | kept |")
    print("|---:|---:|---:|---:|---:|")
    for row in rows:
        growth = row["peak_rss_mb"] - baseline["peak_rss_mb"]
        row["growth_per_byte"] = growth * MB / row["document_bytes"]
        print(f"| {row['document_bytes'] / MB:.1f} | {row['peak_rss_mb']:.0f} | {growth:.0f} | "
              f"{row['growth_per_byte']:.1f}x | {row['kept']} |")
    summary = {"baseline": baseline, "documents": rows}
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        summary["slope"] = ((b["peak_rss_mb"] - a["peak_rss_mb"]) * MB
                            / (b["document_bytes"] - a["document_bytes"]))
        print(f"slope between the two largest: {summary['slope']:.1f} MB of peak per MB of document")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
