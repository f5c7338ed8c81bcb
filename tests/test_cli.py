"""The command map and the parser agree, every subcommand module has the shape cli.py expects, and every
``--help`` explains itself: commands listed, every option with text, paragraphs and lists kept."""

from __future__ import annotations

import argparse
import importlib
import re

import pytest

from babelbeam.cli import COMMANDS, build_parser, command_summary


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
        "babelbeam run: error: Beam option: argument --direct_num_workers: invalid int value: 'two' "
        "(see `babelbeam run --help`)")


def test_commands_without_beam_options_refuse_them_too(capsys):
    from babelbeam import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["inspect", "out", "--runner", "FnApiRunner"])
    assert exit_info.value.code == 2
    assert "unknown option --runner (not an option of this command)" in capsys.readouterr().err


def _render_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    parser, _ = build_parser(argv)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_lists_every_command_with_its_line(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = _render_help([], capsys)
    listing = text[text.index("commands:"):]
    for name, module_name in COMMANDS.items():
        summary = command_summary(module_name)
        assert summary, f"{module_name} needs a one-line docstring summary"
        match = re.search(rf"^  {re.escape(name)}\s+(.+(?:\n {{6,}}\S.*)*)", listing, re.M)
        assert match, f"`babelbeam --help` does not list {name}"
        assert " ".join(match.group(1).split()) == summary
    assert "internal" not in text.lower() and "typed function" not in text  # not the module's own docstring


def _documented(action: argparse.Action) -> str:
    return re.sub(r"\(default [^)]*\)", "", action.help or "").strip()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_text_and_help_is_wrapped_properly(name, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    parser, _ = build_parser([name])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    text = _render_help([name], capsys)
    options = text[min(i for h in ("positional arguments:", "options:") if (i := text.find(h)) >= 0):]
    for action in sub._actions:
        if action.help == argparse.SUPPRESS:
            continue
        words = _documented(action).split()
        assert len(words) >= 2, f"babelbeam {name} {action.option_strings or action.dest}: no help text"
        flag = action.option_strings[-1] if action.option_strings else action.dest
        assert flag in options
        # The help text follows its flag (wrapped lines joined), with docstring markup made plain.
        after = " ".join(options[options.index(flag):].split())
        assert " ".join(words[:3]).replace("``", "`") in after, (name, flag)
    assert "``" not in text
    for line in text.splitlines():
        assert len(line) <= 100 or line.startswith(" " * 4), line  # wrapped, except verbatim commands
        assert "Usage:" not in line  # argparse prints the usage; the docstring's own is not run into prose


def test_langid_mode_list_keeps_one_mode_a_line(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = _render_help(["langid"], capsys)
    modes = [line for line in text.splitlines() if line.startswith("- `--")]
    assert [m.split()[1] for m in modes] == ["`--input", "`--eval", "`--coverage`:", "`--calibrate"]


def test_version_comes_from_the_package(capsys):
    from babelbeam import __version__, cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"babelbeam {__version__}"


def test_a_usage_error_says_where_to_look(capsys):
    parser, _ = build_parser(["run"])
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "--input"])
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("(see `babelbeam run --help`)")
