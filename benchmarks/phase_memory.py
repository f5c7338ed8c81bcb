"""``babelbeam run`` with wall time, CPU time and peak memory of each phase (annotate, dedup, write,
finalize).

    .venv/bin/python benchmarks/phase_memory.py --json out/bench/run-large.json -- \\
        --input 'out/bench/corpus-large/part-*' --output out/bench/run-large --overwrite \\
        --files-per-wave 2 --processes 2

Everything after ``--`` goes to ``babelbeam run``. The run logs at INFO; a phase
begins at its log line ("annotating", "dedup over signatures", "writing") and
ends where the next begins. The resident set size of the whole process tree
(the command and every worker process it started) is sampled every
``--interval`` seconds; CPU seconds are the tree's, from ``RUSAGE_CHILDREN`` at
the end (per phase only wall time and memory: a running child's CPU is not
visible until it is reaped). Linux only (reads ``/proc``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from memory import MB, tree_rss_bytes

# Log line fragment -> phase it starts.
PHASE_MARKS = (("annotating", "annotate"), ("dedup over signatures", "dedup"), ("writing", "write"))


def measure(run_args: list[str], interval: float, log_path: Path | None) -> dict:
    cli = str(Path(sys.executable).parent / "babelbeam")
    cmd = [cli, "-v", "run", *run_args]
    phases: list[dict] = [{"phase": "start", "start_s": 0.0, "peak_rss_mb": 0.0}]
    lock = threading.Lock()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    log = open(log_path, "wb") if log_path else None  # noqa: SIM115  (closed below)

    def read_log() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if log:
                log.write(line)
            text = line.decode("utf-8", "replace")
            for mark, phase in PHASE_MARKS:
                if mark in text and "babelbeam.pipeline.run" in text:
                    with lock:
                        phases.append({"phase": phase, "start_s": time.perf_counter() - start,
                                       "peak_rss_mb": 0.0})
            if text.startswith("babelbeam run: ") and " records -> " in text:  # the closing summary
                with lock:
                    phases.append({"phase": "exit", "start_s": time.perf_counter() - start,
                                   "peak_rss_mb": 0.0, "summary": text.strip()})

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    peak = 0.0
    while proc.poll() is None:
        rss = tree_rss_bytes(proc.pid) / MB
        peak = max(peak, rss)
        with lock:
            phases[-1]["peak_rss_mb"] = max(phases[-1]["peak_rss_mb"], rss)
        time.sleep(interval)
    reader.join()
    if log:
        log.close()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # "start" runs until the first phase (planning, matching inputs); "write" includes finalize (stats,
    # manifest).
    for this, following in zip(phases, phases[1:] + [{"start_s": wall}], strict=True):
        this["wall_s"] = round(following["start_s"] - this["start_s"], 1)
        this["start_s"] = round(this["start_s"], 1)
        this["peak_rss_mb"] = round(this["peak_rss_mb"], 1)
    return {"command": " ".join(cmd), "returncode": proc.returncode, "wall_s": round(wall, 1),
            "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
            "peak_rss_mb": round(peak, 1), "cores": os.cpu_count(), "load_average_at_end": os.getloadavg(),
            "phases": phases}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ours, run_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    # the summary is the first paragraph (two lines in the source; argparse joins them)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=None, help="write the result here")
    parser.add_argument("--log", type=Path, default=None, help="keep the run's log here")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between memory samples")
    args = parser.parse_args(ours)
    if not run_args:
        parser.error("give babelbeam run's arguments after --")
    result = measure(run_args, args.interval, args.log)
    print(f"exit {result['returncode']}: {result['wall_s']:,.0f} s wall, {result['cpu_s']:,.0f} CPU s, "
          f"peak tree RSS {result['peak_rss_mb'] / 1024:.2f} GiB")
    print("| phase | wall s | peak RSS MiB |\n|---|---:|---:|")
    for p in result["phases"]:
        print(f"| {p['phase']} | {p['wall_s']:,.1f} | {p['peak_rss_mb']:,.0f} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if result["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
