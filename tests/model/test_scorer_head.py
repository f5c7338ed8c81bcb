"""The regression head: trains on a small labelled set and ranks held-out documents well; train-scorer CLI."""

from __future__ import annotations

import argparse
import json
import random

import numpy as np
import pytest
import torch

from babelbeam.model import train_scorer_cli
from babelbeam.model.scorer import HEAD, Scorer
from babelbeam.model.train_config import TrainScorerConfig, lr_at
from babelbeam.model.train_scorer import schedule_for, spearman, train_head
from babelbeam.tokenize import load_tokenizer

torch.set_num_threads(1)

WORDS = ("river house morning garden teacher window bridge market letter summer village painter student "
         "library mountain evening kitchen story friend winter").split()
LETTERS = "bcdfghjklmnpqrstvwxz"


def labelled_document(rng: random.Random) -> tuple[str, float]:
    """A mix of real words and junk letter strings; the label is the share of real words."""
    n = rng.randint(20, 40)
    share = rng.random()
    words = [rng.choice(WORDS) if rng.random() < share else
             "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9))) for _ in range(n)]
    return " ".join(words), sum(w in WORDS for w in words) / n


def labelled_set(n: int, seed: int) -> tuple[list[str], list[float]]:
    rng = random.Random(seed)
    pairs = [labelled_document(rng) for _ in range(n)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def test_spearman():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)


def test_head_uses_the_trainers_cosine_schedule():
    optimizer, schedule = schedule_for(TrainScorerConfig(lr=2.0), 100)
    assert schedule.kind == "cosine" and schedule.warmup_steps == 5  # 5% of the steps
    lrs = [lr_at(s, 100, optimizer, schedule) for s in range(100)]
    assert lrs[0] < lrs[4] < lrs[5] == pytest.approx(2.0)
    assert lrs[-1] == pytest.approx(0.2)  # 10% of the peak at the last step
    assert schedule_for(TrainScorerConfig(), 3)[1].warmup_steps == 1


def test_head_trains_and_ranks_held_out_documents_far_better_than_chance():
    texts, scores = labelled_set(240, seed=0)
    config = TrainScorerConfig(init="tiny", epochs=60, batch_size=16, lr=3e-2, validation_fraction=0.25,
                               max_tokens=128, device="cpu", seed=0)
    model, result = train_head(texts, scores, config)
    assert result.validation_documents == 60 and result.train_documents == 180
    # chance is 0; a constant predictor has the label variance as MSE
    assert result.validation_spearman > 0.7
    assert result.validation_mse < 0.5 * float(np.var(scores))
    # a fresh held-out set scored through the Scorer agrees with the report
    fresh_texts, fresh_scores = labelled_set(60, seed=1)
    tok = load_tokenizer("qwen3")
    scorer = Scorer(HEAD, model, torch.device("cpu"), max_tokens=128)
    predicted = scorer.score([tok.encode(t) for t in fresh_texts])
    assert spearman(predicted, fresh_scores) > 0.7


def test_train_scorer_cli_writes_a_loadable_scorer(tmp_path, capsys):
    texts, scores = labelled_set(60, seed=2)
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"text": t, "score": s}) + "\n"
                              for t, s in zip(texts, scores, strict=True)))
    parser = argparse.ArgumentParser()
    train_scorer_cli.add_arguments(parser)
    args = parser.parse_args(["--labels", str(labels), "--output", str(tmp_path / "scorer"), "--epochs", "3",
                              "--device", "cpu", "--max-tokens", "64"])
    assert train_scorer_cli.main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["train_documents"] == 54 and report["validation_documents"] == 6
    meta = json.loads((tmp_path / "scorer" / "scorer.json").read_text())
    assert meta["kind"] == "head" and meta["max_tokens"] == 64
    scorer = Scorer.load(tmp_path / "scorer", device="cpu", max_tokens=64)
    assert scorer.kind == HEAD
    values = scorer.score([[9707, 1879], [1, 2, 3]])
    assert all(np.isfinite(values))
    bad = argparse.Namespace(**{**vars(args), "labels": str(tmp_path / "missing.jsonl")})
    assert train_scorer_cli.main(bad) == 2


@pytest.mark.parametrize(("flags", "message"), [
    (["--batch-size", "0"], "--batch-size: must be at least 1, got 0"),
    (["--lr", "0"], "--lr: must be positive, got 0.0"),
    (["--validation-fraction", "1"], "--validation-fraction: must be below 1"),
    (["--device", "tpu"], "--device: must be one of auto, cpu, cuda, got 'tpu'"),
])
def test_train_scorer_cli_names_the_flag_of_a_bad_value(tmp_path, capsys, flags, message):
    parser = argparse.ArgumentParser()
    train_scorer_cli.add_arguments(parser)
    args = parser.parse_args(["--labels", str(tmp_path / "labels.jsonl"), "--output", str(tmp_path / "s"),
                              *flags])
    assert train_scorer_cli.main(args) == 2
    assert capsys.readouterr().err.startswith(f"babelbeam train-scorer: {message}")
