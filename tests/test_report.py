"""``babelbeam report``: per-language kept/removed bars from stats.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from babelbeam import report

STATS = {
    "input": 100,
    "kept": 61,
    "removed": {"gopher_quality_too_few_words": 20, "fineweb_short_lines": 9, "langid_low_score": 5},
    "duplicates": {"minhash_duplicate": 5},
    "rejected": {"invalid_json": 1},
    "by_language": {
        "eng_Latn": {"input": 50, "kept": 40, "tokens": 9000, "removed": {"gopher_quality_too_few_words": 10}},
        "tha_Thai": {
            "input": 30, "kept": 12, "tokens": 3000,
            "removed": {"gopher_quality_too_few_words": 10, "fineweb_short_lines": 8},
        },
        "jpn_Jpan": {"input": 20, "kept": 9, "tokens": 2000, "removed": {"fineweb_short_lines": 1, "langid_low_score": 5}},
    },
}


def test_rows_group_small_reasons_as_other() -> None:
    langs, rows, reasons = report.language_rows(STATS, top_reasons=2)
    assert langs == ["eng_Latn", "tha_Thai", "jpn_Jpan"]
    assert reasons == ["gopher_quality_too_few_words", "fineweb_short_lines", "other"]
    assert rows[2] == {"kept": 9, "gopher_quality_too_few_words": 0, "fineweb_short_lines": 1, "other": 5}


def test_worst_language() -> None:
    assert report.worst_language(STATS) == ("tha_Thai", 0.6, "gopher_quality_too_few_words")


def test_report_writes_png(tmp_path: Path, capsys) -> None:
    (tmp_path / "stats.json").write_text(json.dumps(STATS), encoding="utf-8")
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    assert report.main(parser.parse_args([str(tmp_path)])) == 0
    png = tmp_path / "report.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "tha_Thai lost 60.0%" in capsys.readouterr().out


def test_report_without_stats_fails(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    assert report.main(parser.parse_args([str(tmp_path)])) == 2
