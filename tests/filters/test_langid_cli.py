"""``babelbeam langid`` with the bundled lid.176: annotate, eval and coverage through the real CLI entry
(``babelbeam.cli.main``) once the subcommand is registered, else through the module's own parser.
``--input``'s reading, rejections and atomic output: tests/pipeline/test_langid_command.py."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from babelbeam import cli
from babelbeam.filters import langid_cli


def run_langid(argv: list[str]) -> int:
    if "langid" in cli.COMMANDS:
        return cli.main(["langid", *argv])
    parser = argparse.ArgumentParser()
    langid_cli.add_arguments(parser)
    return langid_cli.main(parser.parse_args(argv))


GOLD = [
    {"id": "1", "text": "We stayed at home all weekend because the rain never stopped falling.",
     "lang": "eng_Latn"},
    {"id": "2", "text": "Wir sind das ganze Wochenende zu Hause geblieben, weil es ununterbrochen regnete.",
     "lang": "deu_Latn"},
    {"id": "3", "text": "我們整個週末都待在家裡，因為雨一直下個不停。", "lang": "zho_Hant"},
    {"id": "4", "text": "我们整个周末都待在家里，因为雨一直下个不停。", "lang": "zho_Hans"},
    {"id": "5", "text": "Vi var hjemme hele helgen fordi regnet aldri sluttet å falle.", "lang": "nob_Latn"},
]


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_annotate_keeps_fields(tmp_path: Path) -> None:
    src = write(tmp_path / "in.jsonl", [{**r, "extra": 7} for r in GOLD] + [{"id": "x", "text": "ok"}])
    out = tmp_path / "out.jsonl"
    assert run_langid(["--input", str(src), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["lang"] for r in rows[:5]] == [r["lang"] for r in GOLD]
    assert all(r["extra"] == 7 for r in rows[:5])
    assert rows[5]["lang"] == "und" and rows[5]["removed_reason"] == "langid_too_short"
    assert rows[2]["lang_label"] == "zh"


def test_eval_prints_per_language_and_macro(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = {"id": "6", "text": GOLD[0]["text"], "lang": "fra_Latn"}  # a deliberately wrong gold label
    src = write(tmp_path / "gold.jsonl", GOLD + [wrong])
    assert run_langid(["--eval", str(src), "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "| fra_Latn | French | 1 | 0.0%" in out
    assert "- fra_Latn -> eng_Latn: 1" in out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["languages"]["eng_Latn"] == {"n": 1, "accuracy": 1.0, "precision": 0.5}
    assert report["macro_accuracy_covered"] == pytest.approx(5 / 6, abs=1e-4)
    assert report["chinese_script_accuracy"] == 1.0


def test_coverage_lists_both_sides(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_langid(["--coverage"]) == 0
    out = capsys.readouterr().out
    covered = next(line for line in out.splitlines() if line.startswith("Covered"))
    missing = next(line for line in out.splitlines() if line.startswith("Not covered"))
    assert covered.startswith("Covered (100 of 119)")
    assert "fao_Latn" in missing and "fao_Latn" not in covered
    assert "zho_Hant" in covered and "prs_Arab" in covered
    merged = next(line for line in out.splitlines() if line.startswith("Merged labels"))
    assert "fa -> pes_Arab, prs_Arab" in merged and "zh -> zho_Hans, zho_Hant" in merged
    assert "Reachable only through a group's marker words (1): bjn_Latn" in out


def test_max_sample_chars_flag() -> None:
    parser = argparse.ArgumentParser()
    langid_cli.add_arguments(parser)
    assert langid_cli.config_from_args(parser.parse_args(["--coverage"])).max_sample_chars == 1000
    none = parser.parse_args(["--coverage", "--max-sample-chars", "none"])
    assert langid_cli.config_from_args(none).max_sample_chars is None
    cap = parser.parse_args(["--coverage", "--max-sample-chars", "2000"])
    assert langid_cli.config_from_args(cap).max_sample_chars == 2000
