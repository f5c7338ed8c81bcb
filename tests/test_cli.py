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
