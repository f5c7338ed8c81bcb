"""Every quality-chain decision on the demo and benchmark corpora, and whether another revision agrees.

Reads every record of the demo corpus (``examples/corpus/*``, with ``examples/demo.yaml``) and of the
benchmark corpus (``benchmarks/corpus.py``, 20,000 documents by default, streamed: nothing is written),
normalises and language-identifies each as a run does, then runs the quality chain in three settings:

- ``run``: the run config's quality section as it is;
- ``measured``: the same with ``keep_measurements`` (every measured value, hashed);
- ``every_rule``: C4 for every language, citation removal in the line cleaner, measurements kept.

Each document gives one line per setting: ``setting, corpus, id, lang, kept or the reason, a hash of the
text that leaves the chain, a hash of its measurements`` (tab-separated). A document language ID removes
gets its reason and never reaches the chain.

Usage::

    .venv/bin/python scripts/compare_filter_decisions.py --out decisions.tsv        # this checkout's code
    .venv/bin/python scripts/compare_filter_decisions.py --against main             # exit 1 on a difference

``--against REV`` exports revision ``REV`` with ``git archive`` into a temporary directory (the model assets
copied beside it), writes the decisions of that code and of this checkout's, each in a child process that
imports its own ``babelbeam``, and compares them line by line.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_INPUT = "examples/corpus/*"
DEMO_CONFIG = "examples/demo.yaml"
ASSETS = ("babelbeam/assets/qwen.tiktoken", "babelbeam/assets/lid.176.ftz")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def _documents(bench_docs: int) -> Iterator[tuple[str, object, object]]:
    """``(corpus, run config, document)`` for every record, demo corpus first, in reading order."""
    from babelbeam.pipeline.sources import input_root, read_file
    from babelbeam.schemas import Document
    from babelbeam.schemas.config import RunConfig

    demo = RunConfig.from_yaml(ROOT / DEMO_CONFIG)
    paths = sorted(glob.glob(str(ROOT / DEMO_INPUT)))
    root = input_root(paths)
    for path in paths:
        for record in read_file(path, demo.input, root):
            if isinstance(record, Document):
                yield "demo", demo, record
    if bench_docs:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import corpus

        bench = RunConfig()
        for record in corpus.iter_documents(bench_docs):
            yield "bench", bench, Document(id=record["id"], text=record["text"], url=record["url"])


def _settings(config: object) -> dict[str, object]:
    """The three quality settings of one run config (see the module docstring)."""
    run = config.quality
    measured = dataclasses.replace(run, keep_measurements=True)
    every_rule = dataclasses.replace(
        measured, c4=dataclasses.replace(run.c4, languages=None),
        lines=dataclasses.replace(run.lines, remove_citations=True))
    return {"run": run, "measured": measured, "every_rule": every_rule}


def write_decisions(out: Path, bench_docs: int) -> Counter:
    """Write every decision of the ``babelbeam`` this process imports to ``out``; returns decision counts."""
    import babelbeam
    from babelbeam.filters.langid import LanguageIdentifier
    from babelbeam.filters.normalize import normalize_text
    from babelbeam.filters.quality import QualityChain

    print(f"decisions of {Path(babelbeam.__file__).parent} -> {out}", file=sys.stderr)
    identifiers: dict[int, LanguageIdentifier] = {}
    chains: dict[int, dict[str, QualityChain]] = {}
    counts: Counter = Counter()
    with open(out, "w", encoding="utf-8") as f:
        for corpus, config, doc in _documents(bench_docs):
            key = id(config)
            if key not in identifiers:
                identifiers[key] = LanguageIdentifier.from_config(config.langid)
                chains[key] = {name: QualityChain.from_config(q) for name, q in _settings(config).items()}
            doc.text = normalize_text(doc.text, config.normalize.form, config.normalize.strip_control)
            annotated = identifiers[key].annotate(doc)
            for setting, chain in chains[key].items():
                out_doc = annotated if annotated.removed_reason else chain.apply(annotated)
                decision = out_doc.removed_reason or out_doc.metadata.get("quality_reason") or "kept"
                measurements = json.dumps(list(out_doc.measurements.items()))
                f.write(f"{setting}\t{corpus}\t{doc.id}\t{out_doc.lang}\t{decision}\t"
                        f"{_digest(out_doc.text)}\t{_digest(measurements)}\n")
                counts[(setting, corpus, decision)] += 1
    return counts


def _export(rev: str, into: Path) -> None:
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True,
                             check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    for asset in ASSETS:
        shutil.copyfile(ROOT / asset, into / asset)


def _run_child(code_root: Path, out: Path, bench_docs: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    subprocess.run([sys.executable, __file__, "--out", str(out), "--bench-docs", str(bench_docs)], env=env,
                   check=True)


def compare(rev: str, workdir: Path, bench_docs: int) -> int:
    """Decisions of ``rev`` and of this checkout; prints the first differences; returns how many differ."""
    code = workdir / "code"
    code.mkdir(parents=True)
    _export(rev, code)
    theirs, ours = workdir / f"{rev.replace('/', '_')}.tsv", workdir / "checkout.tsv"
    _run_child(code, theirs, bench_docs)
    _run_child(ROOT, ours, bench_docs)
    a = theirs.read_text(encoding="utf-8").splitlines()
    b = ours.read_text(encoding="utf-8").splitlines()
    differing = [(x, y) for x, y in zip(a, b, strict=False) if x != y] + [("", "")] * abs(len(a) - len(b))
    for x, y in differing[:10]:
        print(f"- {rev}:     {x}\n+ checkout: {y}")
    print(f"{len(a)} decisions of {rev}, {len(b)} of this checkout, {len(differing)} differing "
          f"(files in {workdir})")
    return len(differing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write this code's decisions here")
    parser.add_argument("--against", metavar="REV", help="compare with the decisions of this git revision")
    parser.add_argument("--bench-docs", type=int, default=20_000, help="benchmark corpus documents (0: none)")
    parser.add_argument("--workdir", type=Path,
                        help="with --against: keep the files here (default: a temporary directory)")
    args = parser.parse_args(argv)
    if args.against:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="filter-decisions-"))
        return 1 if compare(args.against, workdir, args.bench_docs) else 0
    if args.out is None:
        parser.error("give --out FILE or --against REV")
    counts = write_decisions(args.out, args.bench_docs)
    for (setting, corpus, decision), n in sorted(counts.items()):
        print(f"{setting}\t{corpus}\t{decision}\t{n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
