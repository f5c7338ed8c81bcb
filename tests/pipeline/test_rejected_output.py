"""Rejections stream to their files: memory does not grow with the number rejected, and the files are the
same bytes whatever the process count, and after a resumed wave (no stale file left behind)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from conftest import FNAPI, write_jsonl

from babelbeam.errors import EXIT_TOO_MANY_REJECTED
from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.workdir import WorkDir
from babelbeam.schemas.config import RunConfig

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
PASSTHROUGH = "quality: {enabled: false}\nminhash: {enabled: false}\noutput: {buckets: 1}\n"


def _memory_helpers():
    spec = importlib.util.spec_from_file_location("bench_memory_helpers", BENCH / "memory.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def _wrong_field_corpus(path: Path, records: int) -> None:
    """Records whose text is in the wrong field: every one is rejected (``missing_text``), each ~450 bytes."""
    with gzip.open(path, "wb", compresslevel=1) as f:
        for i in range(records):
            record = {"id": f"w{i:07d}", "content": f"record {i} " + "words in the wrong field " * 16}
            f.write(json.dumps(record).encode() + b"\n")


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_rejected_records(tmp_path):
    memory = _memory_helpers()
    (tmp_path / "config.yaml").write_text(PASSTHROUGH, encoding="utf-8")
    peaks = {}
    for records in (1_000, 100_000):
        corpus = tmp_path / f"in-{records}" / "wrong.jsonl.gz"
        corpus.parent.mkdir()
        _wrong_field_corpus(corpus, records)
        out = tmp_path / f"out-{records}"
        cmd = [sys.executable, "-m", "babelbeam.cli", "run", "--input", str(corpus), "--output", str(out),
               "--config", str(tmp_path / "config.yaml")]
        result = memory.run_measured(cmd, log_path=tmp_path / f"log-{records}.txt", interval=0.05)
        # Everything is written; the exit code says more than input.max_rejected_fraction was rejected.
        assert result.returncode == EXIT_TOO_MANY_REJECTED, (tmp_path / f"log-{records}.txt").read_text()
        stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
        assert stats["rejected"] == {"missing_text": records}
        assert sum(1 for p in (out / "rejected").glob("*.jsonl") for _ in p.open("rb")) == records
        peaks[records] = result.peak_rss_mb
    # Grouping a wave's rejections in memory cost about 4.8 KB a record here (464 MB more for 99,000 more);
    # streaming them costs nothing a record. 1 KB a record leaves room for sampling noise.
    per_record_kb = (peaks[100_000] - peaks[1_000]) * 1024 / 99_000
    assert per_record_kb < 1.0, peaks


@pytest.mark.slow
def test_rejected_files_are_the_same_bytes_with_more_processes_and_after_a_resume(tmp_path):
    corpus = tmp_path / "corpus"
    for n in range(3):
        write_jsonl(corpus / f"part-{n}.jsonl", [
            {"id": f"{n}-a", "text": "A sentence that is long enough to be read as English text."},
            "{broken", {"id": f"{n}-b"}, {"id": [n], "text": "an id that is a list"}])
    (corpus / "part-9.jsonl.gz").write_bytes(gzip.compress(b'{"id": "cut", "text": "x"}\n' * 50)[:-10])
    config = RunConfig.from_yaml(None)
    config.quality.enabled, config.minhash.enabled, config.output.buckets = False, False, 2

    def rejected(out: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((out / "rejected").iterdir())}

    one = tmp_path / "one"
    stats = run_pipeline([str(corpus / "*")], str(one), config, FNAPI, files_per_wave=2)
    assert stats["rejected"] == {"invalid_id": 3, "invalid_json": 3, "missing_text": 3, "truncated_file": 1}
    assert sorted(rejected(one)) == [f"wave-{w:05d}-{f:05d}.jsonl" for w in range(2) for f in range(2)]
    two = tmp_path / "two"
    run_pipeline([str(corpus / "*")], str(two), config, FNAPI, files_per_wave=2, processes=2)
    assert rejected(two) == rejected(one)
    # A wave that runs again (its marker gone, as after a crash) must not leave a stale rejection file.
    Path(WorkDir(str(two)).wave_done(1)).unlink()
    (two / "manifest.json").unlink()
    (two / "rejected" / "wave-00001-00003.jsonl").write_bytes(b'{"stale": true}\n')
    resumed = run_pipeline([str(corpus / "*")], str(two), config, FNAPI, files_per_wave=2, resume=True)
    assert rejected(two) == rejected(one)
    assert resumed["damaged"] == stats["damaged"] and resumed["rejected"] == stats["rejected"]
