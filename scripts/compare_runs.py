"""Run ``babelbeam run`` with two versions of the code and compare every file the runs write, byte for byte.

Each side is a checkout directory or a git revision (exported with ``git archive``, the model assets copied
beside it). A side runs as a child process of this interpreter with ``PYTHONPATH`` set to its checkout, so it
imports its own ``babelbeam``; both read the same input files (this checkout's), so even ``work/plan.json``
(absolute input paths, sizes and modification times) is equal when nothing changed.

Corpora: the demo (``examples/corpus/*`` with ``examples/demo.yaml``) and the benchmark corpus
(``benchmarks/corpus.py``, 20,000 documents by default, default config), generated once into the work
directory. Every file under each output directory is compared: shards, manifest.json, stats.json,
removed/ and rejected/ logs, minhash/ and the work/ directory ``--resume`` reads. Nothing is ignored: a run
writes no timestamps or host names, and the one place host paths appear (``work/plan.json``'s input paths,
sizes and modification times) names the same files on both sides.

Usage::

    .venv/bin/python scripts/compare_runs.py --a ../main-checkout --b .    # exit 1 on any difference
    .venv/bin/python scripts/compare_runs.py --a main --b . --corpus demo  # a revision, the demo only
"""

from __future__ import annotations

import argparse
import difflib
import io
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ("babelbeam/assets/qwen.tiktoken", "babelbeam/assets/lid.176.ftz")
log = logging.getLogger("compare_runs")


def checkout(side: str, workdir: Path, name: str) -> Path:
    """The code directory of ``side``: itself when it is a directory, else revision ``side`` exported."""
    if Path(side).is_dir():
        return Path(side).resolve()
    target = workdir / f"code-{name}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", side], cwd=ROOT, capture_output=True,
                             check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    for asset in ASSETS:  # not in git: fetched by make
        shutil.copy(ROOT / asset, target / asset)
    return target


def bench_corpus(workdir: Path, docs: int) -> Path:
    """The benchmark corpus of ``docs`` documents, generated once (generation is deterministic)."""
    out = workdir / f"corpus-{docs}"
    if not (out / "manifest.json").exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--docs", str(docs),
                        "--output", str(out)], check=True)
    return out


def run(code: Path, inputs: list[str], config: str | None, output: Path) -> float:
    """``babelbeam run`` with ``code``'s package into a fresh ``output``; returns the wall seconds."""
    if output.exists():
        shutil.rmtree(output)
    command = [sys.executable, "-m", "babelbeam.cli", "run", "--input", *inputs, "--output", str(output),
               "--quiet"]
    if config:
        command += ["--config", config]
    env = {**os.environ, "PYTHONPATH": str(code)}
    check = subprocess.run([sys.executable, "-c", "import babelbeam; print(babelbeam.__file__)"], env=env,
                           cwd=output.parent, capture_output=True, text=True, check=True)
    if not Path(check.stdout.strip()).is_relative_to(code):
        raise SystemExit(f"PYTHONPATH={code} imports {check.stdout.strip()}, not that checkout's babelbeam")
    started = time.monotonic()
    # Not the checkout as the working directory: ``-m`` puts it first on sys.path, before PYTHONPATH.
    subprocess.run(command, env=env, cwd=output.parent, check=True)
    return time.monotonic() - started


def files(output: Path) -> dict[str, Path]:
    return {str(p.relative_to(output)): p for p in sorted(output.rglob("*")) if p.is_file()}


def differences(a: Path, b: Path) -> list[str]:
    """One line per file that is on one side only or differs in its bytes."""
    fa, fb = files(a), files(b)
    out = [f"only in a: {name}" for name in sorted(set(fa) - set(fb))]
    out += [f"only in b: {name}" for name in sorted(set(fb) - set(fa))]
    for name in sorted(set(fa) & set(fb)):
        da, db = fa[name].read_bytes(), fb[name].read_bytes()
        if da != db:
            out.append(f"differs: {name} ({len(da):,} vs {len(db):,} bytes)")
            if name.endswith(".json") and max(len(da), len(db)) < 1 << 20:  # say what differs
                lines = difflib.unified_diff(da.decode().splitlines(), db.decode().splitlines(), "a", "b",
                                             n=0, lineterm="")
                out += [f"    {line}" for line in list(lines)[2:12]]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", default="main", help="checkout directory or git revision (the baseline)")
    parser.add_argument("--b", default=str(ROOT), help="checkout directory or git revision (the change)")
    parser.add_argument("--corpus", choices=("demo", "bench", "all"), default="all")
    parser.add_argument("--bench-docs", type=int, default=20000, help="documents in the benchmark corpus")
    parser.add_argument("--workdir", type=Path, default=None, help="keep outputs here (default: a temp dir)")
    parser.add_argument("--reuse-a", action="store_true",
                        help="keep side a's outputs from an earlier call with the same --workdir")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="compare-runs-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    code = {"a": checkout(args.a, workdir, "a"), "b": checkout(args.b, workdir, "b")}
    corpora: list[tuple[str, list[str], str | None]] = []
    if args.corpus in ("demo", "all"):
        demo = ROOT / "examples"
        corpora.append(("demo", [str(demo / "corpus" / "*")], str(demo / "demo.yaml")))
    if args.corpus in ("bench", "all"):
        corpus = bench_corpus(workdir, args.bench_docs)
        corpora.append((f"bench-{args.bench_docs}", [str(corpus / "part-*")], None))
    failed = False
    for name, inputs, config in corpora:
        outputs = {side: workdir / f"{name}-{side}" for side in code}
        for side, path in code.items():
            if side == "a" and args.reuse_a and (outputs["a"] / "manifest.json").exists():
                log.info("%s: reusing a's output %s", name, outputs["a"])
                continue
            log.info("%s: %s ran in %.1f s", name, side, run(path, inputs, config, outputs[side]))
        found = differences(outputs["a"], outputs["b"])
        count = len(files(outputs["b"]))
        if found:
            failed = True
            files_differing = sum(not line.startswith(" ") for line in found)
            log.info("%s: %d of %d files differ:\n  %s", name, files_differing, count, "\n  ".join(found))
        else:
            log.info("%s: identical (%d files, every byte)", name, count)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
