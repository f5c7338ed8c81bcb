"""Fault injection: kill runs at chosen points and resume; corrupt outputs and check the errors name the file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from babelbeam.cli import main as cli_main
from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import InputError
from babelbeam.schemas.config import RunConfig
from babelbeam.tokenize.shards import ShardError, read_manifest, validate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = str(ROOT / "examples" / "corpus" / "*")
CONFIG = str(ROOT / "examples" / "demo.yaml")
OUTPUTS = ("shards", "removed", "rejected", "manifest.json", "stats.json")


def _files(run: Path) -> dict[str, bytes]:
    out = {}
    for name in OUTPUTS:
        path = run / name
        for f in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            out[str(f.relative_to(run))] = f.read_bytes()
    return out


def _start(output: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "babelbeam.cli", "run", "--input", CORPUS, "--output", str(output),
           "--config", CONFIG, "--files-per-wave", "3"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(proc: subprocess.Popen, ready: callable, timeout: float = 300) -> bool:
    """SIGKILL the run as soon as ``ready()`` holds; False if the run ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the run neither reached the kill point nor ended")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("whole") / "run"
    assert cli_main(["run", "--input", CORPUS, "--output", str(out), "--config", CONFIG, "--files-per-wave", "3"]) == 0
    return _files(out)


KILL_POINTS = {
    # after the second wave is marked done, before the third finishes
    "between_waves": lambda out: (out / "work" / "waves" / "wave-00001.done").exists(),
    # dedup finished, no bucket written yet
    "after_dedup": lambda out: (out / "work" / "dedup" / "_DONE").exists(),
    # the first shard file of the run exists: mid-way through writing buckets
    "mid_shards": lambda out: any((out / "shards").glob("part-*")) if (out / "shards").exists() else False,
}


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_killed_run_resumes_to_identical_bytes(tmp_path, uninterrupted, point):
    out = tmp_path / "run"
    killed = _kill_when(_start(out), lambda: KILL_POINTS[point](out))
    assert killed, f"the run finished before reaching {point}"
    assert not (out / "manifest.json").exists()
    args = ["run", "--input", CORPUS, "--output", str(out), "--config", CONFIG, "--files-per-wave", "3"]
    assert cli_main(args) == 2, "a plain rerun must refuse to mix with a half-finished run"
    assert cli_main(args + ["--resume"]) == 0
    assert _files(out) == uninterrupted


def test_resume_refuses_changed_arguments_and_empty_directories(tmp_path, uninterrupted):
    with pytest.raises(InputError, match="no run to resume"):
        run_pipeline([CORPUS], str(tmp_path / "nothing"), RunConfig(), resume=True)
    out = tmp_path / "run"
    run_pipeline([CORPUS], str(out), RunConfig.from_yaml(CONFIG), files_per_wave=3)
    with pytest.raises(InputError, match="differ"):
        run_pipeline([CORPUS], str(out), RunConfig.from_yaml(CONFIG), resume=True, files_per_wave=4)
    # A finished run resumes to itself without work.
    stats = run_pipeline([CORPUS], str(out), RunConfig.from_yaml(CONFIG), resume=True, files_per_wave=3)
    assert stats["conservation"]["holds"] and _files(out) == uninterrupted


def test_unwritable_output_fails_fast_with_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code = cli_main(["run", "--input", CORPUS, "--output", str(blocker / "out"), "--config", CONFIG])
    assert code == 2
    assert "cannot write to the output directory" in capsys.readouterr().err


def test_corrupt_manifest_entries_and_files_are_named(tmp_path):
    out = tmp_path / "run"
    run_pipeline([CORPUS], str(out), RunConfig.from_yaml(CONFIG))
    manifest_path = out / "manifest.json"
    original = manifest_path.read_text()
    first = read_manifest(out).shards[0]
    # A manifest entry whose token count is wrong.
    edited = json.loads(original)
    edited["shards"][0]["tokens"] += 1
    manifest_path.write_text(json.dumps(edited))
    (problem,) = validate(out)
    assert Path(first.path).name in problem and "manifest says" in problem
    # A truncated manifest.
    manifest_path.write_text(original[: len(original) // 2])
    with pytest.raises(ShardError, match="manifest.json"):
        read_manifest(out)
    # A missing shard.
    manifest_path.write_text(original)
    Path(first.path).unlink()
    assert any("missing" in p and Path(first.path).name in p for p in validate(out))


def test_corrupt_signature_index_is_named(tmp_path):
    out = tmp_path / "run"
    run_pipeline([CORPUS], str(out), RunConfig.from_yaml(CONFIG))
    index_file = sorted((out / "minhash").glob("*.parquet"))[0]
    index_file.write_bytes(index_file.read_bytes()[:100])
    code = cli_main(["run", "--input", CORPUS, "--output", str(tmp_path / "next"), "--config", CONFIG,
                     "--dedup-index", str(out)])
    assert code == 2
