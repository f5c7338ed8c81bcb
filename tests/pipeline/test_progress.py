"""Progress while a run works: counts the workers report, shown as lines that grow to the final totals.

``babelbeam run`` off a terminal prints a line per phase every ``--progress-interval`` seconds with what the
workers counted so far; its last annotate and write lines equal stats.json. ``--quiet`` prints nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import write_jsonl

from babelbeam.cli import main as cli_main
from babelbeam.pipeline import progress

REPO = Path(__file__).resolve().parent.parent.parent
# (no WARC input here: nothing skipped)
ANNOTATE = re.compile(r"^annotate \| .* \| read ([\d,]+) \| kept ([\d,]+) \| removed ([\d,]+) "
                      r"\| rejected ([\d,]+) \| files (\d+)/(\d+) \| waves (\d+)/(\d+) \|")
WRITE = re.compile(r"^write \| ([\d,]+)/([\d,]+) documents \| kept ([\d,]+) \| duplicates ([\d,]+) \| "
                   r"tokens ([\d,]+) \| shards (\d+) \| buckets (\d+)/(\d+) \|")


def _numbers(match: re.Match) -> tuple[int, ...]:
    return tuple(int(g.replace(",", "")) for g in match.groups())


def _corpus(tmp_path: Path) -> Path:
    """Four files of the sample corpus, each its own wave: progress between waves is certain to be seen."""
    root = tmp_path / "in"
    for name in ("web_europe.jsonl", "web_world.jsonl", "crawl_mixed.jsonl"):
        lines = (REPO / "examples" / "corpus" / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("".join(lines[:15]), encoding="utf-8")
    write_jsonl(root / "zz_bad.jsonl", ["{broken", {"id": "no-text"}, {"id": "ok", "text": "kurz"}])
    return root


@pytest.mark.slow
def test_run_progress_lines_count_up_to_the_final_totals(tmp_path, capsys):
    inputs, out = _corpus(tmp_path), tmp_path / "out"
    args = ["run", "--input", str(inputs / "*.jsonl"), "--output", str(out), "--config", "examples/demo.yaml",
            "--files-per-wave", "1", "--progress-interval", "0.05"]
    assert cli_main(args) == 0
    captured = capsys.readouterr()
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    c = stats["conservation"]
    annotate = [_numbers(m) for line in captured.err.splitlines() if (m := ANNOTATE.match(line))]
    write = [_numbers(m) for line in captured.err.splitlines() if (m := WRITE.match(line))]
    assert annotate and write, captured.err
    # Counts only grow ...
    for earlier, later in zip(annotate, annotate[1:], strict=False):
        assert all(a <= b for a, b in zip(earlier, later, strict=True)), (earlier, later)
    for earlier, later in zip(write, write[1:], strict=False):
        assert all(a <= b for a, b in zip(earlier, later, strict=True)), (earlier, later)
    # ... are seen part way ...
    assert any(0 < line[0] < c["input"] for line in annotate), annotate
    # ... and end at stats.json's totals.
    read, kept, removed, rejected, files_done, files, waves_done, waves = annotate[-1]
    assert files_done == files == waves_done == waves == 4
    assert (read, removed, rejected) == (c["input"], c["removed"], c["rejected"])
    assert kept == stats["documents_read"] - c["removed"] == c["kept"] + c["duplicates"]
    merged, total, kept, duplicates, tokens, shards, buckets_done, buckets = write[-1]
    assert merged == total == c["kept"] + c["duplicates"] and buckets_done == buckets == 2
    assert (kept, duplicates, tokens) == (c["kept"], c["duplicates"], stats["tokens"])
    assert shards == len(json.loads((out / "manifest.json").read_text())["shards"])
    # The closing summary names the output, the rejection share, and where to look.
    assert captured.out.startswith(f"babelbeam run: {c['input']} records -> {out}")
    assert f"rejected {c['rejected']} ({c['rejected'] / c['input']:.1%} of the records)" in captured.out
    assert f"{out}/rejected/" in captured.out and f"babelbeam inspect {out}" in captured.out
    # Watching leaves nothing behind: the finished run's files are those of an unwatched run, and each wave
    # released its in-process counts.
    assert not (out / "work" / "progress").exists()
    assert not progress._UNITS and not progress._SOURCES


@pytest.mark.slow
def test_unreadable_files_are_named_in_the_summary(tmp_path, capsys):
    inputs = tmp_path / "in"
    # 2 of 5 records rejected: under input.max_rejected_fraction, so the run succeeds
    write_jsonl(inputs / "a.jsonl", [{"id": f"a{i}", "text": "Ein kurzer Text."} for i in range(3)])
    for name in ("b.jsonl.gz", "c.jsonl.gz"):
        (inputs / name).write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    assert cli_main(["run", "--input", str(inputs / "*"), "--output", str(tmp_path / "out"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")  # --quiet: no progress, no summary
    assert cli_main(["run", "--input", str(inputs / "*"), "--output", str(tmp_path / "out"),
                     "--overwrite"]) == 0
    out = capsys.readouterr().out
    # named as stats.json names them: below the inputs' common directory
    assert "unreadable or damaged files (2): b.jsonl.gz, c.jsonl.gz" in out
    assert "rejected 2 (40.0% of the records)" in out


def test_a_file_read_without_progress_is_not_counted_into_an_earlier_run(tmp_path):
    target = progress.ProgressTarget(str(tmp_path / "wave-00000"), interval_s=0.0)
    counts = progress.start_file(target, "x.jsonl")
    progress.note_removed("x.jsonl")
    assert counts.removed == 1
    progress.forget_file("x.jsonl")
    progress.note_removed("x.jsonl")
    assert counts.removed == 1
    progress.release(target)
    records = list(tmp_path.glob("wave-00000-*.json"))
    assert len(records) == 1 and json.loads(records[0].read_text())["removed"] == 1
