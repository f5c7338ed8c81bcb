"""``babelbeam report``: where every record went, per language, in a colour-blind-safe PNG from stats.json
and the shards."""

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
        "eng_Latn": {"input": 50, "kept": 40, "tokens": 9000,
                     "removed": {"gopher_quality_too_few_words": 10}},
        "tha_Thai": {
            "input": 30, "kept": 12, "tokens": 3000,
            "removed": {"gopher_quality_too_few_words": 10, "fineweb_short_lines": 8},
        },
        "jpn_Jpan": {"input": 20, "kept": 9, "tokens": 2000,
                     "removed": {"fineweb_short_lines": 1, "langid_low_score": 5}},
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


def _demo_like_stats() -> dict:
    """Reasons as the demo run has them: filters, both duplicate kinds, a language that lost everything."""
    stats = json.loads(json.dumps(STATS))
    stats["by_language"]["ceb_Latn"] = {"input": 1, "kept": 0, "tokens": 0,
                                        "removed": {"langid_low_score": 1}}
    stats["by_language"]["eng_Latn"]["removed"].update({"exact_duplicate": 2, "minhash_duplicate": 1,
                                                        "langid_too_short": 3, "normalize_empty": 1})
    return stats


def test_kept_and_every_reason_have_distinct_styles_and_kept_is_never_a_reason_colour() -> None:
    _, _, reasons = report.language_rows(_demo_like_stats(), top_reasons=8)
    assert {"langid_low_score", "exact_duplicate", "minhash_duplicate"} <= set(reasons)
    styles = report.series_styles(reasons)
    drawn = [report.KEPT, *reasons, report.REJECTED]
    assert len({styles[name] for name in drawn}) == len(drawn), styles  # no two series look the same
    kept_colour = styles[report.KEPT][0]
    assert all(styles[name][0] != kept_colour for name in drawn if name != report.KEPT)
    # Duplicates are greys and rejections black: told apart from the filters' colours at a glance.
    for name in ("exact_duplicate", "minhash_duplicate"):
        r, g, b = (int(styles[name][0][i:i + 2], 16) for i in (1, 3, 5))
        assert r == g == b and 0 < r < 255
    assert styles[report.REJECTED][0] == "#000000"


def test_duplicates_are_drawn_apart_even_when_filter_reasons_are_cut() -> None:
    _, rows, reasons = report.language_rows(_demo_like_stats(), top_reasons=1)
    assert reasons == ["gopher_quality_too_few_words", "other", "exact_duplicate", "minhash_duplicate"]
    eng = rows[0]
    assert eng["exact_duplicate"] == 2 and eng["other"] == 3 + 1  # langid_too_short + normalize_empty


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]  # IHDR: width, height (big-endian)
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")


def test_report_stays_readable_at_119_languages(tmp_path: Path) -> None:
    from babelbeam.schemas.languages import LANGUAGES

    by_language = {}
    for i, lang in enumerate(sorted(LANGUAGES)):
        n = 10 + 37 * i
        kept = 0 if i % 30 == 0 else n // 2
        by_language[lang] = {"input": n, "kept": kept, "tokens": kept * 500,
                             "removed": {"langid_low_score": n - kept - n // 10,
                                         "minhash_duplicate": n // 10}}
    assert len(by_language) == 119
    stats = {"input": sum(e["input"] for e in by_language.values()), "kept": sum(e["kept"] for e in
             by_language.values()), "rejected": {"invalid_json": 3}, "by_language": by_language}
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    assert parser.parse_args([str(tmp_path)]).max_languages >= 119, "every language is drawn by default"
    png = report.draw(stats, tmp_path / "report.png")
    width, height = _png_size(png)
    assert width >= 1200
    assert height / 119 >= 15, "at least 15 pixels a language row: every label legible"


def test_token_lengths_and_quality_buckets_come_from_the_shards(tmp_path: Path) -> None:
    import numpy as np

    from babelbeam.schemas.shard import MANIFEST_NAME
    from babelbeam.tokenize.shards import ShardRow, make_manifest, write_shard

    rows = [ShardRow(id=f"d{i}", lang="eng_Latn" if i % 2 else "tha_Thai",
                     tokens=np.arange(1 + i, dtype=np.uint32),
                     quality_bucket=["head", "middle", "tail"][i % 3])
            for i in range(10)]
    entries = [write_shard(tmp_path / "shards" / f"part-{k}.arrow", rows[k * 5:(k + 1) * 5]) for k in (0, 1)]
    (tmp_path / MANIFEST_NAME).write_text(
        make_manifest({"name": "qwen3", "eos_id": 151643}, entries).to_json())
    lengths, buckets = report.shard_figures(tmp_path)
    assert lengths == {n: 1 for n in range(1, 11)}
    assert report.length_percentiles(lengths) == {50: 5, 90: 9, 99: 10}
    assert buckets["eng_Latn"] == {"middle": 2, "head": 2, "tail": 1}  # i = 1, 3, 5, 7, 9
    assert sum(buckets["tha_Thai"].values()) == 5


def test_report_on_an_unfinished_run_says_to_resume(tmp_path: Path, caplog) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "plan.json").write_text("{}")
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    assert report.main(parser.parse_args([str(tmp_path)])) == 2
    assert "--resume" in caplog.text
