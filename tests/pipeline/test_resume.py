"""Fault injection: kill runs at chosen points and resume; corrupt outputs and check the errors name the
file."""

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


def _start(output: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "babelbeam.cli", "run", "--input", CORPUS, "--output", str(output),
           "--config", CONFIG, "--files-per-wave", "3", *extra]
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
    assert cli_main(["run", "--input", CORPUS, "--output", str(out), "--config", CONFIG,
                     "--files-per-wave", "3"]) == 0
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


def test_resume_clears_what_a_killed_bucket_left(tmp_path, uninterrupted):
    """A kill while a bucket writes leaves its temporary files (names with a random part, so a retried
    bundle never shares one); resuming the bucket deletes them with the bucket's other partial outputs."""
    out = tmp_path / "run"
    args = ["run", "--input", CORPUS, "--output", str(out), "--config", CONFIG, "--files-per-wave", "3"]
    assert cli_main(args) == 0
    # The state of a run killed while bucket 0 wrote: no manifest, bucket 0 not done, its temporaries left.
    (out / "manifest.json").unlink()
    (out / "stats.json").unlink()
    (out / "work" / "write" / "bucket-00000.json").unlink()
    (out / "removed" / "dedup-00000.jsonl.tmp-0123abcd").write_bytes(b'{"id": "half a line')
    (out / "shards" / "part-00000-00001.arrow.tmp-4567cdef").write_bytes(b"ARROW1")
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


def test_two_local_processes_write_the_same_bytes_as_one(tmp_path, uninterrupted):
    out = tmp_path / "run"
    assert cli_main(["run", "--input", CORPUS, "--output", str(out), "--config", CONFIG,
                     "--files-per-wave", "3", "--processes", "2"]) == 0
    assert _files(out) == uninterrupted


def test_processes_without_files_per_wave_plan_that_many_waves(tmp_path, uninterrupted):
    out = tmp_path / "run"
    stats = run_pipeline([CORPUS], str(out), RunConfig.from_yaml(CONFIG), processes=2)
    plan = json.loads((out / "work" / "plan.json").read_text())
    assert [len(w) for w in plan["waves"]] == [5, 4]  # 9 files
    assert stats["conservation"]["holds"]
    shards = {k: v for k, v in _files(out).items() if k.startswith("shards")}
    assert shards == {k: v for k, v in uninterrupted.items() if k.startswith("shards")}


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_parallel_run_takes_its_workers_along_and_resumes(tmp_path, uninterrupted):
    out = tmp_path / "run"
    proc = _start(out, "--processes", "2")
    workers: set[int] = set()

    def first_wave_done() -> bool:
        workers.update(_children(proc.pid))
        return (out / "work" / "waves").exists() and any((out / "work" / "waves").glob("*.done"))

    assert _kill_when(proc, first_wave_done), "the run finished before a wave was done"
    assert workers, "no worker process was seen"
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "worker processes outlived the killed run"
    args = ["run", "--input", CORPUS, "--output", str(out), "--config", CONFIG, "--files-per-wave", "3"]
    assert cli_main(args + ["--resume", "--processes", "2"]) == 0
    assert _files(out) == uninterrupted


def test_processes_refuse_a_cluster_runner(tmp_path):
    with pytest.raises(InputError, match="--processes"):
        run_pipeline([CORPUS], str(tmp_path / "run"), RunConfig(), ["--runner=DataflowRunner"], processes=2)
    with pytest.raises(InputError, match="--processes must be >= 1"):
        run_pipeline([CORPUS], str(tmp_path / "run"), RunConfig(), processes=0)
    assert not (tmp_path / "run").exists()


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
