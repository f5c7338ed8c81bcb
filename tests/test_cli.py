"""The command map and the parser agree, and every subcommand module has the shape cli.py expects."""

from __future__ import annotations

import importlib

import pytest

from babelbeam.cli import COMMANDS, build_parser


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_module_has_help_arguments_and_main(name):
    module = importlib.import_module(COMMANDS[name])
    assert (module.__doc__ or "").strip(), f"{COMMANDS[name]} needs a docstring: it is the --help text"
    assert callable(module.add_arguments) and callable(module.main)
    parser, modules = build_parser([name])
    assert name in modules
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args([name, "--help"])
    assert exit_info.value.code == 0


def test_unknown_command_is_an_error():
    parser, _ = build_parser(["nope"])
    with pytest.raises(SystemExit):
        parser.parse_args(["nope"])


def test_verbose_after_the_command_is_ours_not_beams(monkeypatch):
    from babelbeam import cli

    run_module = importlib.import_module(COMMANDS["run"])
    seen = {}
    monkeypatch.setattr(run_module, "main", lambda args: seen.setdefault("extra", args.extra_args) and 0)
    assert cli.main(["run", "-v", "--input", "x.jsonl", "--output", "out", "--runner", "DirectRunner"]) == 0
    assert seen["extra"] == ["--runner", "DirectRunner"]


@pytest.mark.parametrize(("typed", "named", "suggested"), [
    (["--file-per-wave", "2"], "--file-per-wave", "--files-per-wave"),
    (["--resme"], "--resme", "--resume"),
    (["--job-endpoint=localhost:8099"], "--job-endpoint", "--job_endpoint"),  # Beam's own flags use "_"
    (["--colour", "red"], "--colour", None),
])
def test_an_unknown_option_is_refused_before_any_work(tmp_path, capsys, typed, named, suggested):
    from babelbeam import cli

    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "some text"}\n')
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "--input", str(tmp_path / "a.jsonl"), "--output", str(out), *typed])
    assert exit_info.value.code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("babelbeam run: error: unknown option " + named)
    assert (f"did you mean {suggested}?" in line) if suggested else "did you mean" not in line
    assert not out.exists(), "nothing may run"


def test_beam_options_pass_through_in_both_spellings(monkeypatch):
    from babelbeam import cli

    run_module = importlib.import_module(COMMANDS["run"])
    seen = {}
    monkeypatch.setattr(run_module, "main", lambda args: seen.setdefault("extra", args.extra_args) and 0)
    beam = ["--runner", "PortableRunner", "--job_endpoint=localhost:8099", "--environment_type", "EXTERNAL",
            "--direct_num_workers=2", "--project", "p", "--experiments", "a", "--experiments=b",
            "--sdk_worker_parallelism=2", "--save_main_session"]
    assert cli.main(["run", "--input", "x.jsonl", "--output", "out", *beam]) == 0
    assert seen["extra"] == beam


def test_a_beam_option_without_its_value_is_one_line(tmp_path, capsys):
    from babelbeam import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "--input", "x.jsonl", "--output", str(tmp_path / "out"), "--direct_num_workers=two"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "babelbeam run: error: Beam option: argument --direct_num_workers: invalid int value: 'two'")


def test_commands_without_beam_options_refuse_them_too(capsys):
    from babelbeam import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["inspect", "out", "--runner", "FnApiRunner"])
    assert exit_info.value.code == 2
    assert "unknown option --runner (not an option of this command)" in capsys.readouterr().err
