"""The user documentation cannot drift from the code: generated pages are current, and every snippet runs.

- ``docs/configuration.md`` equals what ``scripts/gen_config_docs.py`` generates now.
- Every YAML block in the docs loads through ``RunConfig.from_yaml``.
- Every Python block in ``docs/reading-shards.md`` runs against a fresh ``babelbeam run`` and computes
  the manifest's token counts.
- The JSON examples and the column table in ``docs/output-format.md`` have exactly the fields a run writes.
- Every ``babelbeam run`` command in the cluster guides parses: babelbeam's flags and Beam's options.
- The blocks marked ``<!-- tested: tests/test_docs.py -->`` run as written (free ports, sample input,
  temporary output) through Beam's local job service and give the FnApiRunner's shard bytes.
- The README's tour (its marked block) runs as written, command by command, on ``examples/``; the
  README's other ``babelbeam`` commands parse.
- The figures quoted from the demo run (``docs/output-format.md``, ``examples/README.md``) are what
  ``scripts/gen_doc_figures.py`` writes from a fresh one.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.document import Document, RejectedRecord
from babelbeam.schemas.shard import SHARD_SCHEMA

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
OWN_DOCS = ["configuration.md", "output-format.md", "reading-shards.md", "dataflow.md", "spark.md",
            "flink.md"]
GUIDES = ["dataflow.md", "spark.md", "flink.md"]
TESTED_MARK = "<!-- tested: tests/test_docs.py -->"
SAMPLE_SOURCES = [("web_europe.jsonl", 6), ("web_world.jsonl", 6)]
"""(corpus file, first N lines): a few sample documents in several languages, some near-duplicates."""


def _load_script(name: str):
    """``scripts/<name>.py`` as a module (scripts/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _load_generator():
    return _load_script("gen_config_docs")


def code_blocks(doc: str | Path, language: str) -> list[tuple[int, str, bool]]:
    """``(line number, code, marked tested)`` of every fenced block of ``language`` in ``docs/<doc>`` (or the
    file ``doc`` when it is a path)."""
    text = (doc if isinstance(doc, Path) else DOCS / doc).read_text(encoding="utf-8")
    out = []
    for m in re.finditer(rf"^```{language}\n(.*?)^```", text, re.S | re.M):
        before = text[:m.start()].rstrip().splitlines()
        out.append((text.count("\n", 0, m.start()) + 1, m.group(1),
                    bool(before) and before[-1] == TESTED_MARK))
    return out


def logical_lines(block: str) -> list[str]:
    """Shell lines with backslash continuations joined."""
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


# ---------------------------------------------------------------- configuration.md


def test_configuration_doc_is_current() -> None:
    gen = _load_generator()
    committed = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert committed == gen.render(), (
        "docs/configuration.md is stale: run .venv/bin/python scripts/gen_config_docs.py")


def test_every_config_key_has_a_docstring() -> None:
    assert _load_generator().undocumented() == []


def test_generator_reads_field_docstrings_and_defaults() -> None:
    gen = _load_generator()
    from babelbeam.schemas.minhash_config import MinHashConfig

    annotation, doc = gen.attribute_docs(MinHashConfig)["bands"]
    assert annotation == "PositiveInt" and doc.startswith("LSH bands")
    rows = {f.key: f for s in gen.collect_sections() for f in s.fields}
    assert (rows["minhash.bands"].type, rows["minhash.bands"].allowed) == ("int", "at least 1")
    assert rows["langid.thresholds"].allowed == "values in [0, 1]"
    assert rows["quality.gopher_quality.min_doc_words"].default == 50
    assert rows["quality.c4.languages"].default == ["eng_Latn"]
    assert rows["output.shard_tokens"].default == RunConfig().output.shard_tokens
    assert "| `quality.gopher_quality.min_doc_words` | `int \\| None` | at least 0 | `50` |" in gen.render()


def test_check_mode_fails_on_a_stale_file(tmp_path: Path) -> None:
    gen = _load_generator()
    page = tmp_path / "configuration.md"
    page.write_text(gen.render(), encoding="utf-8")
    assert gen.main(["--check", "--output", str(page)]) == 0
    page.write_text(gen.render().replace("`50`", "`51`", 1), encoding="utf-8")
    assert gen.main(["--check", "--output", str(page)]) == 1


def test_flags_named_in_the_reference_exist() -> None:
    from babelbeam.pipeline import run

    parser = argparse.ArgumentParser()
    run.add_arguments(parser)
    known = {s for action in parser._actions for s in action.option_strings}
    overrides = _load_generator().cli_overrides()
    assert overrides.get("langid.model") == "--langid-model"
    for key, flag in overrides.items():
        assert flag.split(" / ")[0] in known, flag
        section, name = key.split(".", 1)
        assert hasattr(getattr(RunConfig(), section), name), key


def test_defaults_yaml_loads_back_to_the_defaults(tmp_path: Path) -> None:
    *_, (_, last, _) = code_blocks("configuration.md", "yaml")
    path = tmp_path / "defaults.yaml"
    path.write_text(last, encoding="utf-8")
    assert RunConfig.from_yaml(path) == RunConfig()


YAML_BLOCKS = [(doc, line, code) for doc in OWN_DOCS for line, code, _ in code_blocks(doc, "yaml")]


@pytest.mark.parametrize(("doc", "line", "code"), YAML_BLOCKS, ids=[f"{d}:{n}" for d, n, _ in YAML_BLOCKS])
def test_yaml_snippet_is_a_valid_run_config(doc: str, line: int, code: str, tmp_path: Path) -> None:
    path = tmp_path / "snippet.yaml"
    path.write_text(code, encoding="utf-8")
    RunConfig.from_yaml(path)  # raises ConfigError naming the key


# ---------------------------------------------------------------- a real run of a few sample documents


def _run_babelbeam(args: list[str], cwd: Path, env: dict[str, str] | None = None, exe: list[str] | None = None
                   ) -> subprocess.CompletedProcess:
    cmd = (exe or [sys.executable, "-m", "babelbeam.cli"]) + args
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{shlex.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def sample_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of a few sample documents (JSONL) taken from the sample corpus."""
    root = tmp_path_factory.mktemp("sample")
    for name, n in SAMPLE_SOURCES:
        lines = (REPO / "examples" / "corpus" / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (root / name).write_text("".join(lines[:n]), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sample_run(sample_inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``babelbeam run`` (FnApiRunner) of the sample documents with the demo config; returns the output
    dir."""
    out = tmp_path_factory.mktemp("fnapi") / "out" / "demo"
    _run_babelbeam(["run", "--input", str(sample_inputs / "*.jsonl"), "--output", str(out),
                    "--config", "examples/demo.yaml"], cwd=REPO)
    assert (out / "manifest.json").is_file()
    return out


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- reading-shards.md

PY_BLOCKS = code_blocks("reading-shards.md", "python")


def _imported_modules(code: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.slow
@pytest.mark.parametrize(("line", "code"), [(n, c) for n, c, _ in PY_BLOCKS],
                         ids=[f"line{n}" for n, _, _ in PY_BLOCKS])
def test_reading_snippet_runs(line: int, code: str, sample_run: Path, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    for module in sorted(_imported_modules(code)):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"reading-shards.md:{line} needs {module}, not installed (pip install {module})")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "demo").symlink_to(sample_run, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the datasets snippet reads local files only
    namespace: dict = {"__name__": "__snippet__"}
    exec(compile(code, f"docs/reading-shards.md:{line}", "exec"), namespace)  # noqa: S102  (our own doc)
    totals = _manifest(sample_run)["totals"]
    assert namespace["total_tokens"] == totals["tokens"] > 0
    if "tokens_per_language" in namespace:
        assert namespace["tokens_per_language"] == totals["language_tokens"]


# ---------------------------------------------------------------- output-format.md


def test_shard_column_table_matches_the_schema() -> None:
    text = (DOCS / "output-format.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| `([^`]+)` \| (yes|no) \|", text, re.M)
    documented = {name: (typ.replace("\\|", "|"), nullable == "yes") for name, typ, nullable in rows}
    assert list(documented) == SHARD_SCHEMA.names
    for f in SHARD_SCHEMA:
        typ, nullable = documented[f.name]
        # pyarrow prints float32 as "float"; the doc uses the alias readers know
        assert typ == str(f.type) or pa.type_for_alias(typ) == f.type, (f.name, typ, f.type)
        assert nullable == f.nullable, f.name


@pytest.mark.slow
def test_output_examples_have_the_fields_a_run_writes(sample_run: Path) -> None:
    examples = [json.loads(code) for _, code, _ in code_blocks("output-format.md", "json")]
    manifest_doc = next(e for e in examples if "schema_version" in e)
    stats_doc = next(e for e in examples if "conservation" in e)
    removed_doc = next(e for e in examples if "removed_reason" in e)
    rejected_doc = next(e for e in examples if "error" in e and "position" in e)
    manifest = _manifest(sample_run)
    stats = json.loads((sample_run / "stats.json").read_text(encoding="utf-8"))
    assert manifest_doc.keys() == manifest.keys()
    assert manifest_doc["tokenizer"] == manifest["tokenizer"]  # same vocabulary, same identity
    assert manifest_doc["schema_version"] == manifest["schema_version"]
    assert manifest_doc["totals"].keys() == manifest["totals"].keys()
    assert manifest_doc["shards"][0].keys() == manifest["shards"][0].keys()
    assert stats_doc.keys() == stats.keys()
    assert stats_doc["conservation"].keys() == stats["conservation"].keys()
    assert all(row.keys() == next(iter(stats["by_language"].values())).keys()
               for row in stats_doc["by_language"].values())
    possible = set(Document(id="x", text="x", url="u", lang_label="l", dup_cluster="c", dup_cluster_size=2,
                            quality_score=1.0, quality_bucket="head", removed_reason="r", metadata={"a": "b"},
                            measurements={"m": 1.0}).to_json_dict())
    assert set(removed_doc) <= possible
    assert set(rejected_doc) == set(RejectedRecord("s", 0, "e").to_json_dict())
    version = pa.ipc.open_file(manifest["shards"][0]["path"] if os.path.isabs(manifest["shards"][0]["path"])
                               else str(sample_run / manifest["shards"][0]["path"])).schema.metadata
    assert version[b"babelbeam.shard_schema_version"].decode() == manifest["schema_version"]


# ---------------------------------------------------------------- the cluster guides


def _all_pipeline_option_flags() -> set[str]:
    from apache_beam.options.pipeline_options import PipelineOptions

    parser = argparse.ArgumentParser(conflict_handler="resolve", allow_abbrev=False)
    pending = [PipelineOptions]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        cls._add_argparse_args(parser)
    return {s for action in parser._actions for s in action.option_strings}


RUN_COMMANDS = [
    (doc, line, cmd)
    for doc in GUIDES
    for line, block, _ in code_blocks(doc, "sh")
    for cmd in logical_lines(block)
    if re.match(r"^(\.venv/bin/)?babelbeam run ", cmd)
]


@pytest.mark.parametrize(("doc", "line", "cmd"), RUN_COMMANDS, ids=[f"{d}:{n}" for d, n, _ in RUN_COMMANDS])
def test_guide_command_parses(doc: str, line: int, cmd: str) -> None:
    from babelbeam import cli

    argv = shlex.split(cmd, comments=True)[1:]
    parser, _ = cli.build_parser(argv)
    args, extra = parser.parse_known_args(argv)
    assert args.command == "run" and args.input and args.output
    if args.config:
        RunConfig.from_yaml(REPO / args.config)
    beam_flags = _all_pipeline_option_flags()
    unknown = [a.split("=", 1)[0] for a in extra
               if a.startswith("--") and a.split("=", 1)[0] not in beam_flags]
    assert not unknown, f"{doc}:{line}: Beam does not know {unknown}"
    assert not [a for a in extra
                if not a.startswith("--") and "=" not in a and not _is_option_value(extra, a)], extra


def _is_option_value(extra: list[str], token: str) -> bool:
    i = extra.index(token)
    return i > 0 and extra[i - 1].startswith("--") and "=" not in extra[i - 1]


def test_guides_have_their_tested_blocks() -> None:
    tested = [(doc, line) for doc in GUIDES for line, _, marked in code_blocks(doc, "sh") if marked]
    assert {doc for doc, _ in tested} == {"spark.md", "flink.md"}


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float = 120.0) -> None:
    """Readiness wait for a service we started (not a timing assertion)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode} before listening on {port}")
        with contextlib.closing(socket.socket()) as s:
            if s.connect_ex(("localhost", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{proc.args} did not listen on {port} within {timeout_s} s")


def _replace_value(argv: list[str], flag: str, values: list[str]) -> list[str]:
    """``argv`` with the values after ``flag`` (up to the next ``--option``) replaced."""
    i = argv.index(flag)
    j = i + 1
    while j < len(argv) and not argv[j].startswith("--"):
        j += 1
    return argv[:i + 1] + values + argv[j:]


TESTED_BLOCKS = [(doc, line, block)
                 for doc in GUIDES for line, block, marked in code_blocks(doc, "sh") if marked]


@pytest.mark.slow
@pytest.mark.parametrize(("doc", "line", "block"), TESTED_BLOCKS,
                         ids=[f"{d}:{n}" for d, n, _ in TESTED_BLOCKS])
def test_tested_block_runs_and_matches_the_fnapi_run(doc: str, line: int, block: str, sample_inputs: Path,
                                                     sample_run: Path, tmp_path: Path) -> None:
    ports = {p: _free_port() for p in re.findall(r"(?:--port |--service_port |localhost:)(\d+)", block)}

    def localise(token: str) -> str:
        for old, new in ports.items():
            token = re.sub(rf"\b{old}\b", str(new), token)
        return token

    env = dict(os.environ)
    services: list[tuple[subprocess.Popen, int]] = []
    runs: list[list[str]] = []
    try:
        for cmd in logical_lines(block):
            argv = [localise(t) for t in shlex.split(cmd, comments=True)]
            if argv[0] == "source":
                assert argv[1:] == [".venv/bin/activate"], cmd
                venv_bin = Path(sys.executable).parent
                env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
                env["VIRTUAL_ENV"] = str(venv_bin.parent)
            elif argv[0] == "kill":
                continue  # the services are ours: stopped in `finally`
            elif argv[-1] == "&":
                exe = shutil.which(argv[0], path=env["PATH"])
                proc = subprocess.Popen([exe, *argv[1:-1]], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                port = int(next(t for t in argv if t.isdigit() and int(t) in ports.values()))
                services.append((proc, port))
                _wait_for_port(port, proc)
            elif argv[:2] == ["babelbeam", "run"]:
                runs.append(argv)
            else:
                pytest.fail(f"{doc}:{line}: the test does not know how to run `{cmd}`")
        assert len(runs) == 1, f"{doc}:{line}: expected one babelbeam run"
        out = tmp_path / "out"
        argv = _replace_value(runs[0], "--input", [str(sample_inputs / "*.jsonl")])
        argv = _replace_value(argv, "--output", [str(out)])
        _run_babelbeam(argv[1:], cwd=REPO, env=env, exe=[shutil.which("babelbeam", path=env["PATH"])])
    finally:
        for proc, _ in services:
            proc.terminate()
        for proc, _ in services:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    portable, local = _manifest(out), _manifest(sample_run)
    assert ([(s["path"], s["sha256"]) for s in portable["shards"]]
            == [(s["path"], s["sha256"]) for s in local["shards"]])
    assert portable == local


# ---------------------------------------------------------------- figures quoted from the demo run


@pytest.mark.slow
def test_quoted_figures_are_those_of_the_demo_run(tmp_path: Path) -> None:
    """The manifest and stats examples and the sample corpus's counts are what `make demo` writes today."""
    figures = _load_script("gen_doc_figures")
    run = figures.demo_run(tmp_path / "demo")
    for path, text in figures.render(run).items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(REPO)} quotes stale figures: run .venv/bin/python scripts/gen_doc_figures.py")


# ---------------------------------------------------------------- the README's tour

README = REPO / "README.md"


def _readme_commands(tested: bool) -> list[str]:
    return [cmd for _, block, marked in code_blocks(README, "sh") if marked == tested
            for cmd in logical_lines(block) if not cmd.lstrip().startswith("#")]


def test_readme_has_one_tested_tour_and_its_other_commands_parse() -> None:
    from babelbeam import cli

    assert [marked for _, _, marked in code_blocks(README, "sh")].count(True) == 1
    untested = [c for c in _readme_commands(False)
                if re.match(r"^(torchrun .* -m babelbeam\.\S+|babelbeam) ", c)]
    assert any(c.startswith("torchrun ") for c in untested), "the tour names the GPU / torchrun form"
    for cmd in _readme_commands(True) + untested:
        argv = shlex.split(cmd, comments=True)
        if argv[0] == "torchrun":  # torchrun ... -m babelbeam.model.train_cli ARGS is `babelbeam train ARGS`
            argv = ["babelbeam", "train", *argv[argv.index("babelbeam.model.train_cli") + 1:]]
        assert argv[0] == "babelbeam", cmd
        parser, _ = cli.build_parser(argv[1:])
        args, extra = parser.parse_known_args(argv[1:])
        assert not extra, (cmd, extra)


@pytest.mark.slow
def test_readme_tour_runs_as_written(tmp_path: Path) -> None:
    """Every command of the tour, in order, from a directory that looks like the repository root."""
    (tmp_path / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    exe = [shutil.which("babelbeam", path=str(Path(sys.executable).parent)) or "babelbeam"]
    commands = _readme_commands(True)
    assert sum(c.startswith("babelbeam run ") for c in commands) >= 4
    for cmd in commands:
        argv = shlex.split(cmd, comments=True)
        assert argv[0] == "babelbeam", f"the tour runs babelbeam commands only: {cmd}"
        _run_babelbeam(argv[1:], cwd=tmp_path, exe=exe)
    out = tmp_path / "out"
    # What the tour says each command leaves behind.
    for run in ("run1", "run2", "run3"):
        assert (out / run / "manifest.json").is_file(), run
    assert (out / "run1" / "report.png").read_bytes()[:4] == b"\x89PNG"
    # crawl_mixed.jsonl is a second crawl of the corpus: deduped against run1, its copies are duplicates now
    run3 = json.loads((out / "run3" / "stats.json").read_text(encoding="utf-8"))
    assert run3["duplicates"].get("minhash_duplicate", 0) + run3["duplicates"].get("exact_duplicate", 0) >= 10
    assert (out / "train1" / "metrics.jsonl").is_file() and (out / "hf1" / "model.safetensors").is_file()
    scores = json.loads((out / "scored" / "scores.json").read_text(encoding="utf-8"))
    assert scores, "the scored documents' per-language percentiles"
