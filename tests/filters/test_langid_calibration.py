"""Per-language thresholds: FineWeb-2's rule, the mergeable score histogram, the thresholds YAML and the
``babelbeam langid --calibrate`` mode, and the shipped lid.176 table."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from babelbeam.filters import langid_cli
from babelbeam.filters.langid import DEFAULT_THRESHOLDS_FILE, LanguageIdentifier, resolve_thresholds
from babelbeam.filters.langid_calibration import (
    BINS,
    ScoreHistogram,
    calibrate,
    calibration_yaml,
    fineweb2_threshold,
    histograms,
    load_thresholds,
)
from babelbeam.schemas.config import ConfigError, LangIdConfig

ENGLISH = [
    "The library opens at nine and closes late on Thursdays.",
    "Our neighbours planted apple trees along the fence last spring.",
    "He missed the early train and had to wait an hour at the station.",
    "The committee will publish its report before the end of the month.",
]
GERMAN = [
    "Die Bibliothek öffnet um neun Uhr und schließt donnerstags spät.",
    "Unsere Nachbarn haben im letzten Frühjahr Apfelbäume am Zaun gepflanzt.",
    "Er hat den frühen Zug verpasst und musste eine Stunde am Bahnhof warten.",
    "Der Ausschuss wird seinen Bericht vor Ende des Monats veröffentlichen.",
]


@pytest.fixture(scope="module")
def lid() -> LanguageIdentifier:
    return LanguageIdentifier.from_config(LangIdConfig())


def test_fineweb2_rule() -> None:
    assert fineweb2_threshold(0.8, 0.1) == pytest.approx(0.7)
    assert fineweb2_threshold(0.95, 0.01) == 0.9  # the ceiling
    assert fineweb2_threshold(0.4, 0.3) == 0.3  # the floor
    assert fineweb2_threshold(0.4, 0.3, floor=0.2, ceiling=0.5) == 0.2
    assert fineweb2_threshold(0.99, 0.0, floor=0.2, ceiling=0.5) == 0.5


def test_histogram_matches_exact_statistics_and_merges_in_any_order() -> None:
    rng = random.Random(3)
    scores = [rng.betavariate(5, 2) for _ in range(2001)]
    whole = ScoreHistogram()
    for s in scores:
        whole.add(s)
    assert abs(whole.median() - float(np.median(scores))) <= 1 / BINS
    assert whole.std() == pytest.approx(float(np.std(scores)), rel=1e-9)
    a, b = histograms(("x", s) for s in scores[:700])["x"], histograms(("x", s) for s in scores[700:])["x"]
    assert a.merge(b).counts == b.merge(a).counts == whole.counts
    assert a.merge(b).n == whole.n and a.merge(b).median() == whole.median()


def test_calibrate_skips_thin_languages_and_und() -> None:
    hists = histograms(
        [("eng_Latn", 0.95)] * 30 + [("eng_Latn", 0.55)] * 10 + [("deu_Latn", 0.9)] * 3 + [("und", 0.2)] * 50
    )
    cal = calibrate(hists, floor=0.3, ceiling=0.9, min_documents=20)
    assert set(cal.thresholds) == {"eng_Latn"} and "und" not in cal.evidence
    e = cal.evidence["eng_Latn"]
    assert e.documents == 40 and e.threshold == pytest.approx(round(e.median - e.std, 3), abs=1e-3)
    assert cal.evidence["deu_Latn"].threshold is None  # 3 < min_documents: keeps the default


def test_thresholds_yaml_round_trip(tmp_path: Path) -> None:
    cal = calibrate(histograms([("eng_Latn", 0.8)] * 5 + [("eng_Latn", 0.6)] * 5), min_documents=5)
    path = tmp_path / "t.yaml"
    path.write_text(
        calibration_yaml(cal, header="computed on a test\nsecond line", model="m.bin"), encoding="utf-8"
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# computed on a test\n# second line\n")
    assert load_thresholds(path) == cal.thresholds == {"eng_Latn": 0.5}  # median 0.6 - std 0.1
    assert yaml.safe_load(text)["evidence"]["eng_Latn"]["documents"] == 10
    bad = tmp_path / "bad.yaml"
    bad.write_text("thresholds: {english: 0.5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="english"):
        load_thresholds(bad)


def test_threshold_modes(lid: LanguageIdentifier, tmp_path: Path) -> None:
    shipped = load_thresholds(DEFAULT_THRESHOLDS_FILE)
    assert (
        resolve_thresholds(LangIdConfig()) == shipped == resolve_thresholds(LangIdConfig(thresholds="auto"))
    )
    assert resolve_thresholds(LangIdConfig(thresholds="global")) == {}
    assert resolve_thresholds(LangIdConfig(model="/any/other.bin")) == {}  # the table is lid.176's
    assert resolve_thresholds(LangIdConfig(thresholds={"jpn_Jpan": 0.8})) == {"jpn_Jpan": 0.8}
    path = tmp_path / "mine.yaml"
    path.write_text("thresholds:\n  eng_Latn: 0.77\n", encoding="utf-8")
    custom = LanguageIdentifier(lid.model, LangIdConfig(thresholds=str(path)))
    assert custom.threshold_for("eng_Latn") == 0.77 and custom.threshold_for("deu_Latn") == 0.5
    with pytest.raises(ConfigError, match="langid.thresholds"):
        LanguageIdentifier(lid.model, LangIdConfig(thresholds="/nonexistent.yaml"))
    with pytest.raises(ConfigError, match="langid.calibration_floor"):
        LanguageIdentifier(lid.model, LangIdConfig(calibration_floor=0.95))
    with pytest.raises(ConfigError, match="langid.calibration_sample"):
        LanguageIdentifier(lid.model, LangIdConfig(calibration_sample=0.0))


def test_shipped_table_never_raises_a_threshold_above_the_old_default() -> None:
    # The ceiling 0.5 keeps every document that one threshold of 0.5 kept; the floor is 0.2.
    shipped = load_thresholds(DEFAULT_THRESHOLDS_FILE)
    assert len(shipped) >= 80 and all(0.2 <= v <= 0.5 for v in shipped.values())
    header = DEFAULT_THRESHOLDS_FILE.read_text(encoding="utf-8").split("\nrule:")[0]
    assert "tuning half" in header and "scripts/langid_report.py --calibrate" in header
    # lid.176's weakest languages score their own clean text low: their thresholds are below 0.5.
    assert shipped["jav_Latn"] < 0.5 and shipped["hat_Latn"] < 0.5


def test_cli_calibrate_writes_reviewable_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [{"text": t} for t in ENGLISH * 3 + GERMAN * 3]
    # A gold label that disagrees with the model makes the text not count.
    records.append({"text": ENGLISH[0], "lang": "fra_Latn"})
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    config = tmp_path / "run.yaml"
    config.write_text(
        "langid: {calibration_min_documents: 5, calibration_floor: 0.2, calibration_ceiling: 0.95}\n"
    )
    out = tmp_path / "thresholds.yaml"
    parser = argparse.ArgumentParser()
    langid_cli.add_arguments(parser)
    args = parser.parse_args(["--calibrate", str(src), "--output", str(out), "--config", str(config)])
    assert langid_cli.main(args) == 0
    assert "2 per-language thresholds" in capsys.readouterr().out
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert set(data["thresholds"]) == {"eng_Latn", "deu_Latn"}
    assert data["evidence"]["eng_Latn"]["documents"] == 12 and data["rule"]["floor"] == 0.2
    assert all(0.2 <= v <= 0.95 for v in data["thresholds"].values())
    assert out.read_text(encoding="utf-8").startswith("# Per-language language-ID thresholds computed by")
    assert load_thresholds(out) == data["thresholds"]
