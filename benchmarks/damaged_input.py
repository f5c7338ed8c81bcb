"""``babelbeam run`` on damaged and odd input: records kept and rejected, exit status and peak RSS per case.

    .venv/bin/python benchmarks/damaged_input.py --work out/bench/damaged [--cases gz5000 zst200 ...]

Each case writes a small input under ``--work``, runs ``babelbeam run`` on it in
a child process (``python -m babelbeam.cli``, so ``PYTHONPATH`` chooses which
checkout runs) with every filter off (what is read is kept: the figures are
about reading, not filtering), and reports the exit status, ``stats.json``'s
counts, the lines under ``rejected/`` and the peak RSS of the whole process
tree (``memory.tree_rss_bytes``). A run whose tree grows over ``--rss-cap-mb``
is killed and reported as such, so a case cannot take a shared machine down.

Cases: a ``.jsonl.gz`` of 5,000 records cut at 60% of its bytes (``gz5000``), a
``.jsonl.zst`` of 200 records cut likewise (``zst200``), the bundled
``examples/corrupt/truncated.jsonl.gz`` (``example_truncated``), a lone
surrogate in an id (``surrogate_id``), a file name that is not UTF-8
(``non_utf8_name``), 200,000 records with the text in the wrong field
(``wrong_field_200k``), 300,000 lines of ``{}`` gzipped (``empty_objects_300k``)
and 1,000,000 records rejected (``rejected_1m``, text in the wrong field).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import zstandard
from memory import MB, tree_rss_bytes

REPO = Path(__file__).resolve().parent.parent
PASSTHROUGH_CONFIG = """\
# Every filter off: a read document is a kept document.
langid: {threshold: 0.0, keep_undetermined: true, min_chars: 0}
quality: {enabled: false}
exact_dedup: {enabled: false}
minhash: {enabled: false}
output: {buckets: 2}
"""
WORDS = ("river stone garden window market bread morning quiet letter yellow travel table winter music "
         "harbour lantern field orchard candle thunder silver meadow bridge ferry").split()


def _sentence(rng: random.Random, i: int, words: int) -> str:
    return f"Document {i}: " + " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _jsonl(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _cut(data: bytes, share: float) -> bytes:
    return data[: int(len(data) * share)]


def case_gz5000(d: Path) -> list[str]:
    rng = random.Random(5000)
    records = [{"id": f"r{i:05d}", "text": _sentence(rng, i, 80)} for i in range(5000)]
    data = gzip.compress(_jsonl(records), mtime=0)
    (d / "cut.jsonl.gz").write_bytes(_cut(data, 0.6))
    return [str(d / "cut.jsonl.gz")]


def case_zst200(d: Path) -> list[str]:
    rng = random.Random(200)
    data = zstandard.ZstdCompressor().compress(_jsonl([{"id": f"z{i:03d}", "text": _sentence(rng, i, 80)}
                                                       for i in range(200)]))
    (d / "cut.jsonl.zst").write_bytes(_cut(data, 0.6))
    return [str(d / "cut.jsonl.zst")]


def case_example_truncated(d: Path) -> list[str]:
    shutil.copy(REPO / "examples" / "corrupt" / "truncated.jsonl.gz", d / "truncated.jsonl.gz")
    return [str(d / "truncated.jsonl.gz")]


def case_surrogate_id(d: Path) -> list[str]:
    lines = [b'{"id": "ok-1", "text": "A first good record."}',
             b'{"id": "a\\udc00", "text": "A record whose id holds a lone surrogate."}',
             b'{"id": "ok-2", "text": "A second good record."}']
    (d / "ids.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return [str(d / "ids.jsonl")]


def case_non_utf8_name(d: Path) -> list[str]:
    name = os.fsdecode(b"caf\xe9.jsonl")  # Latin-1 bytes: not UTF-8
    (d / name).write_bytes(_jsonl([{"id": f"n{i}", "text": f"Good record number {i}."} for i in range(3)]))
    return [str(d / "*.jsonl")]


def _wrong_field(d: Path, n: int, words: int) -> list[str]:
    rng = random.Random(n)
    with gzip.open(d / "wrong_field.jsonl.gz", "wb", compresslevel=1) as f:
        for i in range(n):
            f.write(json.dumps({"id": f"w{i:07d}", "content": _sentence(rng, i, words)}).encode() + b"\n")
    return [str(d / "wrong_field.jsonl.gz")]


def case_wrong_field_200k(d: Path) -> list[str]:
    return _wrong_field(d, 200_000, 80)


def case_empty_objects_300k(d: Path) -> list[str]:
    (d / "empty.jsonl.gz").write_bytes(gzip.compress(b"{}\n" * 300_000, mtime=0))
    return [str(d / "empty.jsonl.gz")]


def case_rejected_1m(d: Path) -> list[str]:
    return _wrong_field(d, 1_000_000, 12)


CASES: dict[str, Callable[[Path], list[str]]] = {
    name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}


def run_case(name: str, work: Path, rss_cap_mb: float, interval: float) -> dict:
    case_dir, out = work / name / "input", work / name / "out"
    shutil.rmtree(work / name, ignore_errors=True)
    case_dir.mkdir(parents=True)
    inputs = CASES[name](case_dir)
    config = work / "passthrough.yaml"
    config.write_text(PASSTHROUGH_CONFIG, encoding="utf-8")
    cmd = [sys.executable, "-m", "babelbeam.cli", "run", "--input", *inputs, "--output", str(out),
           "--config", str(config)]
    log_path = work / name / "run.log"
    start, peak, killed = time.perf_counter(), 0.0, False
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while proc.poll() is None:
            peak = max(peak, tree_rss_bytes(proc.pid) / MB)
            if peak > rss_cap_mb:
                os.killpg(proc.pid, 9)
                proc.wait()
                killed = True
                break
            time.sleep(interval)
    result = {"case": name, "exit": proc.returncode, "peak_rss_mb": round(peak), "killed_over_cap": killed,
              "wall_s": round(time.perf_counter() - start, 1)}
    stats_path = out / "stats.json"
    if stats_path.exists():
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
        result.update(documents_read=stats["documents_read"], kept=stats["kept"], rejected=stats["rejected"],
                      damaged=stats.get("damaged"), holds=stats["conservation"]["holds"])
    else:
        result["stats"] = "none"
    logs = sorted((out / "rejected").glob("*.jsonl")) if out.exists() else []
    result["rejected_log_lines"] = sum(len(p.read_bytes().splitlines()) for p in logs)
    tail = log_path.read_bytes().decode("utf-8", "replace").strip().splitlines()
    result["last_line"] = tail[-1][:200] if tail else ""
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=REPO / "out" / "bench" / "damaged")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--rss-cap-mb", type=float, default=3000.0,
                        help="kill a run whose process tree grows over this")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between memory samples")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for name in args.cases:
        result = run_case(name, args.work, args.rss_cap_mb, args.interval)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
