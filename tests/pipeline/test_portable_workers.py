"""A run through Beam's portable job API with SDK workers started in another directory, as on any cluster.

The job service is Beam's local one (``job_service.py`` beside this file adds the
worker count Flink and Spark job servers take from ``--sdk_worker_parallelism``);
the SDK workers come from Beam's EXTERNAL worker pool, started with its working
directory elsewhere and the venv's ``python`` first on PATH (the pool starts
workers with the ``python`` it finds there). The run names its inputs and output
with relative paths: they must mean the same files on the workers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_jsonl

from babelbeam.cli import main as cli_main

HERE = Path(__file__).resolve().parent
OUTPUTS = ("shards", "removed", "rejected", "manifest.json", "stats.json")
TEXT = ("The river flooded the lower town after three days of rain. Families moved their furniture upstairs "
        "and waited for the water to fall. By Sunday the streets were dry again and the shops opened.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"service exited early:\n{log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("localhost", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"service on port {port} did not start:\n{log.read_text()[-2000:]}")


def _start(cmd: list[str], cwd: Path, log: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own group: stopping it takes its workers along
    _wait_for_port(port, proc, log)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Iterator[dict]:
    """A job service and an EXTERNAL worker pool whose working directory is not the submitter's."""
    root = tmp_path_factory.mktemp("services")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    job_port, pool_port = _free_port(), _free_port()
    started: list[subprocess.Popen] = []
    # A hung job must fail the test, not hang it: stopping the services fails the submitter's job.
    watchdog = threading.Timer(900, lambda: [_stop(proc) for proc in started])
    try:
        started.append(_start([sys.executable, str(HERE / "job_service.py"), "--port", str(job_port)],
                              root, root / "job_service.log", job_port))
        started.append(_start([sys.executable, "-m", "apache_beam.runners.worker.worker_pool_main",
                               "--service_port", str(pool_port)], elsewhere, root / "pool.log", pool_port))
        watchdog.start()
        yield {"job_port": job_port, "pool_port": pool_port, "log": root / "job_service.log",
               "elsewhere": elsewhere}
    finally:
        watchdog.cancel()
        for proc in started:
            _stop(proc)


def _corpus(where: Path) -> None:
    write_jsonl(where / "in" / "a.jsonl", [
        {"id": "a1", "text": TEXT},
        {"id": "a2", "text": TEXT.upper()},  # an exact duplicate of a1 after folding
        "{broken",
    ])
    write_jsonl(where / "in" / "sub" / "b.jsonl", [
        {"id": "b1", "text": TEXT.replace("river", "canal") + " The mayor thanked the volunteers."},
        {"text": "Le marché du samedi attire beaucoup de monde. On y trouve des légumes frais et du pain."},
        {"id": "b3", "content": "text in the wrong field"},
    ])


def _files(run: Path) -> dict[str, bytes]:
    out = {}
    for name in OUTPUTS:
        path = run / name
        for f in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            out[str(f.relative_to(run))] = f.read_bytes()
    return out


def _run(args: list[str]) -> int:
    return cli_main(["run", "--input", "in/*.jsonl", "in/sub/*.jsonl", "--config", "run.yaml", *args])


@pytest.mark.slow
def test_external_workers_elsewhere_write_the_fnapi_bytes(tmp_path, monkeypatch, services):
    _corpus(tmp_path)
    (tmp_path / "run.yaml").write_text("quality: {enabled: false}\nlangid: {threshold: 0.3}\n"
                                       "output: {buckets: 2, shard_tokens: 40}\n")
    monkeypatch.chdir(tmp_path)  # the submitter names everything relative to here
    assert _run(["--output", "fnapi"]) == 0
    reference = _files(tmp_path / "fnapi")
    assert reference["stats.json"] and any(k.startswith("shards/") for k in reference)
    portable = ["--runner=PortableRunner", f"--job_endpoint=localhost:{services['job_port']}",
                "--environment_type=EXTERNAL", f"--environment_config=localhost:{services['pool_port']}"]
    for workers in (1, 2):
        log_start = services["log"].stat().st_size
        assert _run(["--output", f"portable{workers}", *portable, f"--sdk_worker_parallelism={workers}"]) == 0
        assert _files(tmp_path / f"portable{workers}") == reference, f"{workers} SDK worker(s)"
        with open(services["log"], "rb") as log:
            log.seek(log_start)
            fed = {line.split()[1] for line in log.read().decode().splitlines() if line.startswith("INPUT ")}
        # Every pipeline of the run (waves, dedup, buckets) starts its own workers: at least one per pipeline
        # with one worker; with two, the runner feeds elements to both of a pipeline's workers.
        assert len(fed) >= 3, fed
        if workers == 2:
            assert len(fed) >= 4, f"only these SDK workers received data: {sorted(fed)}"
    assert not list(services["elsewhere"].iterdir()), "a worker wrote into its own working directory"
