"""``babelbeam run`` fails early, loudly and in one line: config, arguments, rejected share, changed inputs,
a full disk, a read-only directory, Ctrl-C; and its outputs do not depend on where the corpus lies."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import write_jsonl

from babelbeam.cli import main as cli_main
from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import InputError
from babelbeam.schemas.config import ConfigError, RunConfig

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = ("shards", "removed", "rejected", "manifest.json", "stats.json")
TEXT = ("The river flooded the lower town after three days of rain. Families moved their furniture upstairs "
        "and waited for the water to fall. By Sunday the streets were dry again and the shops opened.")
CONFIG = "quality: {enabled: false}\nlangid: {threshold: 0.3}\noutput: {buckets: 2, shard_tokens: 100}\n"


def _corpus(where: Path) -> Path:
    write_jsonl(where / "a.jsonl", [{"id": "a1", "text": TEXT}, {"id": "a2", "text": TEXT.upper()},
                                    "{broken"])
    near = TEXT.replace("river", "canal") + " The mayor spoke."
    write_jsonl(where / "b.jsonl", [{"id": "b1", "text": near}])
    return where


def _config_file(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return path


def _files(run: Path) -> dict[str, bytes]:
    out = {}
    for name in OUTPUTS:
        path = run / name
        for f in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            out[str(f.relative_to(run))] = f.read_bytes()
    return out


def _err_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


@pytest.mark.parametrize(("config_text", "expected"), [
    (None, "config file {config} does not exist"),
    ("output: {buckets: 2\n", "config file {config} is not valid YAML at line 2, column 1"),
    ("output: {buckets: two}\n", "{config}: output.buckets: expected int, got 'two'"),
    ("output: {buckets: 0}\n", "{config}: output.buckets: must be at least 1, got 0"),
    ("output: {shard_tokens: -5}\n", "{config}: output.shard_tokens: must be at least 1, got -5"),
])
def test_a_bad_config_fails_before_any_work_in_one_line(tmp_path, capsys, config_text, expected):
    inputs = _corpus(tmp_path / "in")
    config = tmp_path / "run.yaml"
    if config_text is not None:
        config.write_text(config_text)
    out = tmp_path / "out"
    code = cli_main(["run", "--input", str(inputs / "*.jsonl"), "--output", str(out),
                     "--config", str(config)])
    assert code == 2
    (line,) = _err_lines(capsys)  # one line
    assert line.startswith("babelbeam run: " + expected.format(config=config)), line
    assert not out.exists(), "no plan.json (or anything else) is written for a bad config"


def test_a_config_built_in_code_is_checked_before_the_plan(tmp_path):
    config = RunConfig()
    config.output.buckets = 0
    with pytest.raises(ConfigError, match="output.buckets"):
        run_pipeline([str(_corpus(tmp_path / "in") / "*.jsonl")], str(tmp_path / "out"), config)
    assert not (tmp_path / "out").exists()


def test_a_directory_as_input_is_refused_with_a_glob_to_use(tmp_path, capsys):
    inputs = _corpus(tmp_path / "in")
    code = cli_main(["run", "--input", str(inputs), "--output", str(tmp_path / "out")])
    assert code == 2
    assert _err_lines(capsys) == [f"babelbeam run: --input {str(inputs)!r} is a directory; name its files "
                                  f"with a glob, e.g. '{inputs}/*.jsonl' or '{inputs}/**' for everything "
                                  "below it"]
    assert not (tmp_path / "out").exists()


def test_too_many_rejections_write_everything_then_fail_in_one_line(tmp_path, capsys):
    records = [{"id": f"r{i}", "content": f"the text went into the wrong field {i}"} for i in range(30)]
    write_jsonl(tmp_path / "in" / "wrong.jsonl", records + [{"id": "good", "text": TEXT}, "{broken"])
    out = tmp_path / "out"
    args = ["run", "--input", str(tmp_path / "in" / "*.jsonl"), "--output", str(out),
            "--config", str(_config_file(tmp_path)), "--quiet"]  # --quiet: stderr holds only the failure
    assert cli_main(args) == 3
    assert _err_lines(capsys) == [
        "babelbeam run: 31 of 32 input records (96.9%) were rejected, more than input.max_rejected_fraction "
        "0.5: missing_text 30, invalid_json 1 (the text is read from input.text_field 'text'); each one is "
        f"in {out}/rejected/ (everything else was written)"]
    stats = json.loads((out / "stats.json").read_text())
    assert stats["conservation"]["holds"] and stats["kept"] == 1
    assert (out / "manifest.json").is_file()
    rejected = [line for f in (out / "rejected").glob("*.jsonl") for line in f.read_text().splitlines()]
    assert len(rejected) == 31
    # the finished run resumes to the same verdict; a config that allows the share passes
    assert cli_main([*args, "--resume"]) == 3
    capsys.readouterr()
    _config_file(tmp_path, CONFIG + "input: {max_rejected_fraction: 1.0}\n")
    assert cli_main([*args[:4], str(tmp_path / "allowed"), *args[5:]]) == 0


def test_resume_names_what_changed(tmp_path, capsys):
    inputs = _corpus(tmp_path / "in")
    config = RunConfig.from_yaml(_config_file(tmp_path))
    out = tmp_path / "out"
    run_pipeline([str(inputs / "*.jsonl")], str(out), config, files_per_wave=1)
    plan = json.loads((out / "work" / "plan.json").read_text())
    a = str(inputs / "a.jsonl")
    assert plan["inputs"] == [a, str(inputs / "b.jsonl")]
    assert plan["input_files"][a]["size"] == os.path.getsize(a)

    def resume_error(files_per_wave: int = 1, run_config: RunConfig = config) -> str:
        with pytest.raises(InputError) as info:
            run_pipeline([str(inputs / "*.jsonl")], str(out), run_config, resume=True,
                         files_per_wave=files_per_wave)
        return str(info.value)

    original, stat = Path(a).read_bytes(), os.stat(a)
    with open(a, "ab") as f:
        f.write(b'{"id": "a4", "text": "one more"}\n')
    message = resume_error()
    assert f"input {a} changed since the run was planned (size {len(original):,} -> " in message
    # the same bytes written again: only the time says the file changed
    Path(a).write_bytes(original)
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert "changed since the run was planned (modified " in resume_error()
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (inputs / "c.jsonl").write_text('{"id": "c1", "text": "new"}\n')
    assert f"1 input file(s) not in the run: {inputs / 'c.jsonl'}" in resume_error()
    (inputs / "c.jsonl").unlink()
    assert ("the waves differ: the run has 2 wave(s) of up to 1 file(s), these arguments make 1 of up to 2"
            in resume_error(files_per_wave=2))
    other = RunConfig.from_yaml(_config_file(tmp_path, CONFIG.replace("buckets: 2", "buckets: 3")))
    assert "config differs: output.buckets 2 -> 3" in resume_error(run_config=other)
    # unchanged: the finished run resumes to itself; the CLI says the same in one line
    stats = run_pipeline([str(inputs / "*.jsonl")], str(out), config, resume=True, files_per_wave=1)
    assert stats["input"] == 4
    code = cli_main(["run", "--input", str(inputs / "*.jsonl"), "--output", str(out), "--resume",
                     "--files-per-wave", "1", "--config", str(tmp_path / "run.yaml")])
    assert code == 2
    (line,) = _err_lines(capsys)
    assert line.startswith("babelbeam run: --resume: config differs: output.buckets 2 -> 3")


def test_outputs_do_not_depend_on_where_the_corpus_lies_or_how_it_is_named(tmp_path, monkeypatch):
    here = _corpus(tmp_path / "here" / "in")
    there = tmp_path / "elsewhere" / "deeper" / "in"
    shutil.copytree(here, there)
    config = RunConfig.from_yaml(_config_file(tmp_path))
    run_pipeline([str(here / "*.jsonl")], str(tmp_path / "one"), config)
    monkeypatch.chdir(there.parent)
    run_pipeline(["in/*.jsonl"], "two", config)  # relative names, another place
    assert _files(tmp_path / "one") == _files(there.parent / "two")
    shard = next((tmp_path / "one" / "shards").glob("*.arrow"))
    sources = set(pa.ipc.open_file(pa.memory_map(str(shard))).read_all().column("source").to_pylist())
    assert sources <= {"a.jsonl", "b.jsonl"}, "source is the path below the inputs' common directory"
    rejected = json.loads(next((tmp_path / "one" / "rejected").glob("*.jsonl")).read_text().splitlines()[0])
    assert rejected["source"] == "a.jsonl"
    plan = json.loads((there.parent / "two" / "work" / "plan.json").read_text())
    assert plan["inputs"] == [str(there / "a.jsonl"), str(there / "b.jsonl")], "the plan holds absolute paths"


def _random_corpus(path: Path, documents: int, words: int) -> None:
    """Text that compresses poorly, so a run's work files outgrow a small file system."""
    rng = random.Random(0)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                  for _ in range(5000)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(words)) + "." for _ in range(documents)]
    write_jsonl(path, [{"id": f"d{i:04d}", "text": text} for i, text in enumerate(texts)])


def _can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt || mount -t tmpfs -o size=64k tmpfs /tmp"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs unshare and a user namespace to mount a tmpfs")
def test_a_full_disk_mid_run_is_one_line_and_the_run_resumes(tmp_path):
    """A real ENOSPC: the output lies on a 128 KiB tmpfs (mounted in a user namespace), big enough for the
    plan, too small for the annotated documents. The same tmpfs, enlarged, then lets --resume finish."""
    _random_corpus(tmp_path / "big.jsonl", documents=150, words=400)
    config = _config_file(tmp_path, "quality: {enabled: false}\n"
                                    "langid: {threshold: 0.0, keep_undetermined: true}\n")
    mount = tmp_path / "small"
    mount.mkdir()
    run = (f"{sys.executable} -m babelbeam.cli run --input big.jsonl --output small/out "
           f"--config {config} --quiet")
    script = (f"mount -t tmpfs -o size=128k tmpfs small && {{ {run} 2>full.err; echo $? > full.rc; }}; "
              f"mount -o remount,size=64m small && {run} --resume 2>resumed.err; echo $? > resumed.rc; "
              "cp -r small/out resumed")
    subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script], cwd=tmp_path,
                   check=True, timeout=600)
    assert (tmp_path / "full.rc").read_text().strip() == "5"
    assert (tmp_path / "full.err").read_text().splitlines() == [
        "babelbeam run: disk full [errno 28]; free space or fix the cause, then rerun with --resume to "
        "continue"]
    assert (tmp_path / "resumed.rc").read_text().strip() == "0", (tmp_path / "resumed.err").read_text()
    assert cli_main(["run", "--input", str(tmp_path / "big.jsonl"), "--output", str(tmp_path / "reference"),
                     "--config", str(config)]) == 0
    assert _files(tmp_path / "resumed") == _files(tmp_path / "reference")


def _unprivileged() -> list[str] | None:
    """A command prefix that runs without the right to write into other users' directories, or None."""
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") and subprocess.run(["unshare", "--user", "true"]).returncode == 0:
        return ["unshare", "--user"]  # root's files belong to nobody inside: a real EACCES
    return None


@pytest.mark.slow
@pytest.mark.skipif(_unprivileged() is None, reason="runs as root without user namespaces")
def test_a_read_only_directory_mid_run_is_one_line():
    # Not under tmp_path: the unprivileged process must be able to walk to it (pytest's base is private).
    where = Path(tempfile.mkdtemp(prefix="babelbeam-ro-"))
    try:
        where.chmod(0o755)
        inputs = _corpus(where / "in")
        out = where / "out"
        (out / "shards").mkdir(parents=True)
        out.chmod(0o777)
        (out / "shards").chmod(0o555)  # the plan and work files can be written, the shards cannot
        proc = subprocess.run([*_unprivileged(), sys.executable, "-m", "babelbeam.cli", "run", "--input",
                               str(inputs / "*.jsonl"), "--output", str(out),
                               "--config", str(_config_file(where)), "--quiet"],
                              capture_output=True, text=True, timeout=600, cwd=where)
        assert proc.returncode == 5, proc.stderr
        (line,) = [line for line in proc.stderr.splitlines() if line.strip()]
        assert line.startswith(f"babelbeam run: permission denied: {out / 'shards'}/part-")
        assert line.endswith("[errno 13]")
    finally:
        (where / "out" / "shards").chmod(0o755)
        shutil.rmtree(where)


@pytest.mark.slow
def test_ctrl_c_is_one_line_and_the_run_resumes(tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "babelbeam.cli", "run", "--input", str(ROOT / "examples" / "corpus" / "*"),
           "--output", str(out), "--config", str(ROOT / "examples" / "demo.yaml"), "--quiet"]
    # A test run started in the background (`make test &` in a script, nohup) inherits SIGINT ignored, and
    # so would the run: Python keeps an inherited SIG_IGN. A handled signal is reset to the default in the
    # child, so the run sees Ctrl-C as a user's terminal would deliver it.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    deadline = time.monotonic() + 300
    while not (out / "work" / "plan.json").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert [line for line in err.splitlines() if line.strip()] == [
        "babelbeam run: interrupted; rerun with --resume to continue"]
    assert not (out / "manifest.json").exists()
    assert cli_main(cmd[3:] + ["--resume"]) == 0
    assert json.loads((out / "stats.json").read_text())["conservation"]["holds"]
