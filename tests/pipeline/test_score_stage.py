"""The scoring stage: RunInference scores, per-language quantile buckets, thresholds, token reuse; score
CLI."""

from __future__ import annotations

import argparse
import json

import apache_beam as beam
import numpy as np
import pytest
import torch
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that

from babelbeam.model.hf import save_hf_checkpoint
from babelbeam.model.scorer import Scorer, load_backbone
from babelbeam.pipeline import score_cli
from babelbeam.pipeline.stages.score import (
    BELOW_THRESHOLD,
    HEAD,
    MIDDLE,
    NO_TOKENS,
    PERCENTILES,
    TAIL,
    LanguageCuts,
    ScoreDocuments,
    assign_bucket,
    language_cuts,
    percentile,
)
from babelbeam.schemas import Document
from babelbeam.schemas.config_base import ConfigError
from babelbeam.schemas.scorer_config import ScorerConfig
from babelbeam.tokenize import load_tokenizer

torch.set_num_threads(1)
FNAPI = ["--runner=FnApiRunner"]
WORDS = "alpha beta gamma delta river stone light cloud seven window".split()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("scorer") / "tiny"
    save_hf_checkpoint(load_backbone("tiny", seed=0), path)
    return str(path)


def documents() -> list[Document]:
    docs = []
    for i in range(30):
        text = " ".join(WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(3 + i % 11)) + f" {i}"
        docs.append(Document(id=f"d{i:02d}", text=text, lang="eng_Latn" if i % 3 else "fra_Latn"))
    docs.append(Document(id="empty", text="", lang="eng_Latn"))
    return docs


def test_percentile_interpolates():
    q = [0.0, 10.0, 20.0]
    assert percentile(q, 0) == 0.0 and percentile(q, 100) == 20.0
    assert percentile(q, 25) == pytest.approx(5.0)
    assert percentile(q, 50) == pytest.approx(10.0)


def test_buckets_and_cuts():
    cuts = LanguageCuts(tail_below=1.0, head_from=2.0, keep_from=None)
    assert [assign_bucket(s, cuts) for s in (0.5, 1.0, 1.5, 2.0, 3.0)] == [TAIL, MIDDLE, MIDDLE, HEAD, HEAD]
    quantiles = list(np.linspace(0.0, 100.0, 1001))
    config = ScorerConfig(min_score={"*": 5.0, "eng_Latn": 20.0}, min_percentile={"eng_Latn": 10.0})
    eng = language_cuts(quantiles, "eng_Latn", config)
    assert eng.tail_below == pytest.approx(100 / 3) and eng.head_from == pytest.approx(200 / 3)
    assert eng.keep_from == pytest.approx(20.0)  # the stricter of 20 (absolute) and 10 (10th percentile)
    assert language_cuts(quantiles, "deu_Latn", config).keep_from == pytest.approx(5.0)
    assert language_cuts(quantiles, "deu_Latn", ScorerConfig()).keep_from is None


def test_config_validation_names_the_key():
    with pytest.raises(ConfigError, match="scorer.kind"):
        ScorerConfig(kind="bert")
    with pytest.raises(ConfigError, match="scorer.min_percentile.xx_Latn"):
        ScorerConfig(min_percentile={"xx_Latn": 5.0})
    with pytest.raises(ConfigError, match="scorer.model"):
        ScorerConfig(enabled=True)
    with pytest.raises(ConfigError, match="tail_percentile"):
        ScorerConfig(tail_percentile=80, head_percentile=20)
    with pytest.raises(ConfigError, match="scorer.model"):
        ScoreDocuments(ScorerConfig())  # the stage without a model, even when the config leaves it off


def run_stage(config: ScorerConfig, docs: list[Document], check) -> None:
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        result = p | beam.Create(docs) | "Score" >> ScoreDocuments(config)
        assert_that((result["kept"], result["removed"], result[PERCENTILES]) | beam.Flatten(), check)


def split(items):
    docs = [x for x in items if isinstance(x, Document)]
    kept = {d.id: d for d in docs if d.removed_reason is None}
    removed = {d.id: d for d in docs if d.removed_reason is not None}
    percentiles = dict(x for x in items if isinstance(x, tuple))
    return kept, removed, percentiles


def test_stage_scores_buckets_per_language_and_reuses_tokens(model_dir):
    config = ScorerConfig(enabled=True, model=model_dir, max_tokens=16, batch_tokens=48, device="cpu")
    docs = documents()
    tok = load_tokenizer("qwen3")
    scorer = Scorer.load(model_dir, device="cpu", max_tokens=16)
    expected = {d.id: scorer.score([tok.encode(d.text)])[0] for d in docs if d.text}
    expected_tokens = {d.id: tok.encode(d.text) + [tok.eos_id] for d in docs}

    def check(items):
        kept, removed, percentiles = split(items)
        assert set(kept) | set(removed) == {d.id for d in docs}
        assert {k: d.removed_reason for k, d in removed.items()} == {"empty": NO_TOKENS}
        for doc_id, doc in kept.items():
            # the same score as alone through the Scorer, whatever batch RunInference formed
            assert doc.quality_score == pytest.approx(expected[doc_id], abs=2e-5)
            assert doc.tokens.dtype == np.uint32 and doc.tokens.tolist() == expected_tokens[doc_id]
        for lang in ("eng_Latn", "fra_Latn"):
            group = sorted((d.quality_score, d.quality_bucket) for d in kept.values() if d.lang == lang)
            n = len(group)
            buckets = [b for _, b in group]
            # thirds in score order: tail, then middle, then head (CCNet)
            assert buckets == sorted(buckets, key=[TAIL, MIDDLE, HEAD].index)
            assert abs(buckets.count(TAIL) - n / 3) <= 1 and abs(buckets.count(HEAD) - n / 3) <= 1
            summary = percentiles[lang]
            assert summary["documents"] == n
            assert summary["min"] == pytest.approx(group[0][0], abs=1e-5)
            assert summary["max"] == pytest.approx(group[-1][0], abs=1e-5)
            assert summary["percentiles"]["1"] <= summary["percentiles"]["50"] <= summary["percentiles"]["99"]
            assert summary["keep_from"] is None
        assert len({d.quality_score for d in kept.values()}) > 20  # scores differ between documents

    run_stage(config, docs, check)


def test_stage_removes_below_per_language_thresholds(model_dir):
    config = ScorerConfig(enabled=True, model=model_dir, max_tokens=16, batch_tokens=48, device="cpu",
                          min_percentile={"fra_Latn": 50.0}, min_score={"eng_Latn": -11.0})
    docs = [d for d in documents() if d.text]
    scorer = Scorer.load(model_dir, device="cpu", max_tokens=16)
    tok = load_tokenizer("qwen3")
    scores = {d.id: scorer.score([tok.encode(d.text)])[0] for d in docs}
    fra = sorted(scores[d.id] for d in docs if d.lang == "fra_Latn")

    def check(items):
        kept, removed, percentiles = split(items)
        assert all(d.removed_reason == BELOW_THRESHOLD for d in removed.values())
        assert all(d.tokens is None for d in removed.values())
        for d in docs:
            below = ((scores[d.id] < -11.0) if d.lang == "eng_Latn"
                     else (scores[d.id] < percentiles["fra_Latn"]["keep_from"] - 1e-6))
            assert (d.id in removed) == below, d.id
        removed_fra = sum(1 for d in removed.values() if d.lang == "fra_Latn")
        assert abs(removed_fra - len(fra) / 2) <= 1
        assert percentiles["eng_Latn"]["keep_from"] == -11.0

    run_stage(config, docs, check)


def test_score_cli_writes_scored_documents_and_percentiles(model_dir, tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in documents()[:12]))
    parser = argparse.ArgumentParser()
    score_cli.add_arguments(parser)
    args = parser.parse_args(["--input", str(inp), "--model", model_dir, "--output", str(tmp_path / "out"),
                              "--no-langid", "--max-tokens", "16", "--device", "cpu", "--buckets", "2"])
    args.extra_args = FNAPI
    assert score_cli.main(args) == 0
    scored = [json.loads(line) for f in sorted((tmp_path / "out" / "scored").glob("*.jsonl"))
              for line in f.read_text().splitlines()]
    assert len(scored) == 12 and all("quality_score" in r and "quality_bucket" in r for r in scored)
    stats = json.loads((tmp_path / "out" / "scores.json").read_text())
    assert stats["by_language"]["und"]["documents"] == 12
    assert stats["kind"] == "auto" and stats["max_tokens"] == 16


def _score(inp, model, out, *flags):
    parser = argparse.ArgumentParser()
    score_cli.add_arguments(parser)
    args = parser.parse_args(["--input", str(inp), "--model", model, "--output", str(out), "--no-langid",
                              "--max-tokens", "16", "--device", "cpu", *flags])
    args.extra_args = FNAPI
    return score_cli.main(args)


def _jsonl_lines(directory):
    return [json.loads(line) for f in sorted(directory.glob("*.jsonl"))
            for line in f.read_text().splitlines()]


def test_score_cli_accounts_for_every_record(model_dir, tmp_path, capsys):
    good = documents()[:7]
    bad = [b'{"id": "cut", "text": "this line was cut', b"[1, 2]", b'{"id": "no-text"}',
           b'{"id": "n", "text": 5}', b'{"id": "latin1", "text": "caf\xe9"}',
           b'{"id": "lone", "text": "\\udc00"}']
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(b"".join(json.dumps({"id": d.id, "text": d.text}).encode() + b"\n" for d in good)
                    + b"\n".join(bad) + b"\n" + b'{"id": "blank", "text": "\\u0000 \\u0001"}\n')
    assert _score(inp, model_dir, tmp_path / "out", "--buckets", "2") == 0
    out = tmp_path / "out"
    assert sorted(r["id"] for r in _jsonl_lines(out / "scored")) == sorted(d.id for d in good)
    assert [r["id"] for r in _jsonl_lines(out / "removed")] == ["blank"]  # empty once control characters go
    rejected = _jsonl_lines(out / "rejected")
    assert sorted(r["error"] for r in rejected) == ["invalid_json", "invalid_utf8", "invalid_utf8",
                                                    "missing_text", "not_an_object", "text_not_string"]
    assert sorted(r["position"] for r in rejected) == [8, 9, 10, 11, 12, 13]
    records = json.loads((out / "scores.json").read_text())["records"]
    assert records == {"input": 14, "read": 8, "scored": 7, "removed": {"normalize_empty": 1},
                       "rejected": {"invalid_json": 1, "invalid_utf8": 2, "missing_text": 1,
                                    "not_an_object": 1, "text_not_string": 1}, "skipped": {}, "holds": True}
    assert "14 records: 7 scored, 1 removed, 6 rejected (invalid_json 1" in capsys.readouterr().out
    assert [p.name for p in out.iterdir() if p.name.startswith("_incomplete")] == []


def test_score_cli_replaces_an_earlier_run_and_a_failed_run_changes_nothing(model_dir, tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in documents()[:12]))
    out = tmp_path / "out"
    assert _score(inp, model_dir, out, "--buckets", "4") == 0
    assert len(list((out / "scored").glob("*.jsonl"))) == 4
    assert _score(inp, model_dir, out, "--buckets", "2") == 0
    # The earlier run's scored-00002/00003 are gone: the directory holds one run, not a mix of two.
    assert sorted(p.name for p in (out / "scored").iterdir()) == ["scored-00000.jsonl", "scored-00001.jsonl"]
    assert len(_jsonl_lines(out / "scored")) == 12
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "broken_model"
    broken.mkdir()
    (broken / "config.json").write_text("{")
    with pytest.raises(Exception):  # noqa: B017  (whatever the loader raises: the point is what is left)
        _score(inp, str(broken), out, "--buckets", "3")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
