"""The other commands fail in one line too: a corrupt stats.json or manifest, an empty or missing manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babelbeam.cli import main as cli_main

TEXT = ("The river flooded the lower town after three days of rain. Families moved their furniture upstairs "
        "and waited for the water to fall. By Sunday the streets were dry again and the shops opened.")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("finished")
    (where / "a.jsonl").write_text(json.dumps({"id": "a", "text": TEXT}) + "\n")
    (where / "run.yaml").write_text("quality: {enabled: false}\n")
    assert cli_main(["run", "--input", str(where / "a.jsonl"), "--output", str(where / "run"),
                     "--config", str(where / "run.yaml")]) == 0
    return where / "run"


def _err_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def _broken_copy(run: Path, where: Path, name: str, text: str) -> Path:
    import shutil

    copy = where / "copy"
    shutil.copytree(run, copy)
    (copy / name).write_text(text)
    return copy


@pytest.mark.parametrize(("command", "code"), [("report", 4), ("inspect", 1)])
def test_a_corrupt_stats_json_is_one_line_naming_it(finished_run, tmp_path, capsys, command, code):
    broken = _broken_copy(finished_run, tmp_path, "stats.json", '{"input": 1')
    capsys.readouterr()
    assert cli_main([command, str(broken)]) == code
    (line,) = _err_lines(capsys)
    assert line.startswith(f"babelbeam {command}: {broken / 'stats.json'}: stats file is not valid JSON")


def test_a_corrupt_manifest_under_train_is_one_line(finished_run, tmp_path, capsys):
    broken = _broken_copy(finished_run, tmp_path, "manifest.json", '{"schema_version": ')
    capsys.readouterr()
    assert cli_main(["train", "--manifest", str(broken), "--output", str(tmp_path / "train"),
                     "--preset", "tiny", "--steps", "1", "--quiet"]) == 4
    (line,) = _err_lines(capsys)
    assert line.startswith(f"babelbeam train: {broken / 'manifest.json'}: manifest is not valid JSON")


def test_an_empty_or_missing_manifest_under_train_is_one_line(tmp_path, capsys):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    empty = ["run", "--input", str(tmp_path / "empty.jsonl"), "--output", str(tmp_path / "empty")]
    assert cli_main(empty) == 0
    capsys.readouterr()
    train = ["train", "--output", str(tmp_path / "train"), "--preset", "tiny", "--steps", "1", "--quiet"]
    assert cli_main([*train, "--manifest", str(tmp_path / "empty")]) == 2
    assert _err_lines(capsys) == ["babelbeam train: data.manifests: no training tokens: the shards are "
                                  "empty or every document is held out (data.validation_fraction)"]
    assert cli_main([*train, "--manifest", str(tmp_path / "nowhere")]) == 4
    assert _err_lines(capsys) == [f"babelbeam train: {tmp_path / 'nowhere'}: no manifest.json here, so not a "
                                  f"babelbeam output directory; `babelbeam run --input ... --output "
                                  f"{tmp_path / 'nowhere'}` makes one"]


def test_verbose_adds_the_traceback(finished_run, tmp_path, capsys):
    broken = _broken_copy(finished_run, tmp_path, "stats.json", "[")
    capsys.readouterr()
    assert cli_main(["-v", "report", str(broken)]) == 4
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith("babelbeam report: ")
