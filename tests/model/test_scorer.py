"""The model scorer on CPU with tiny Qwen3 models: batching, padding independence, loading, and a trained LM
that scores shuffled-word junk below clean held-out text."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from babelbeam.model.hf import save_hf_checkpoint
from babelbeam.model.scorer import (
    HEAD,
    PERPLEXITY,
    QualityHeadModel,
    Scorer,
    choose_device,
    forward_flops_per_token,
    load_backbone,
    plan_batches,
)
from babelbeam.schemas.config_base import ConfigError
from babelbeam.tokenize import load_tokenizer

torch.set_num_threads(1)

# A small grammar of clean English: word order carries information a language model can learn.
SUBJECTS = ["the farmer", "my neighbour", "a young teacher", "the old doctor", "our captain",
            "the tired student", "a quiet painter", "the baker"]
VERBS = ["walked to", "looked at", "wrote about", "talked with", "waited near", "cleaned", "painted",
         "visited"]
OBJECTS = ["the river", "a small house", "the green field", "the market", "her brother", "the library",
           "an open window", "the bridge"]
ENDINGS = ["in the morning.", "after dinner.", "before the rain came.", "with great care.", "on a cold day.",
           "every summer.", "without a word.", "at night."]


def clean_document(rng: random.Random) -> str:
    sentences = [f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                 f"{rng.choice(ENDINGS)}" for _ in range(rng.randint(3, 6))]
    return " ".join(sentences)


def shuffled_words(text: str, rng: random.Random) -> str:
    words = text.split()
    rng.shuffle(words)
    return " ".join(words)


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer("qwen3")


@pytest.fixture(scope="module")
def random_lm():
    return load_backbone("tiny", seed=0)


def mixed_documents(seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 151_000, size=n).tolist() for n in (3, 70, 10, 1, 40, 25, 64, 2)]


def test_plan_batches_respects_budget_and_sorts_by_length():
    lengths = [5, 1, 30, 8, 8, 2, 17, 30, 100]
    batches = plan_batches(lengths, batch_tokens=40)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)
    for b in batches:
        # padded size within budget, except a single document longer than the budget
        assert max(lengths[i] for i in b) * len(b) <= 40 or len(b) == 1
    assert [100] in [[lengths[i] for i in b] for b in batches]


@pytest.mark.parametrize("kind", [PERPLEXITY, HEAD])
def test_scores_independent_of_batch_composition_and_padding(random_lm, kind):
    model = random_lm if kind == PERPLEXITY else QualityHeadModel(random_lm, label_mean=1.0, label_std=2.0)
    if kind == HEAD:
        torch.manual_seed(1)
        torch.nn.init.normal_(model.head.weight, std=0.5)
    docs = mixed_documents()
    big = Scorer(kind, model, torch.device("cpu"), max_tokens=48, batch_tokens=4096)
    small = Scorer(kind, model, torch.device("cpu"), max_tokens=48, batch_tokens=60)
    together = big.score(docs)
    alone = [big.score([d])[0] for d in docs]
    bucketed = small.score(docs)
    reversed_order = big.score(docs[::-1])[::-1]
    assert big.padded_tokens > big.tokens  # the mixed batch really was padded
    assert len(set(map(len, plan_batches([min(len(d), 48) for d in docs], 60)))) > 1
    np.testing.assert_allclose(together, alone, rtol=0, atol=2e-5)
    np.testing.assert_allclose(together, bucketed, rtol=0, atol=2e-5)
    np.testing.assert_allclose(together, reversed_order, rtol=0, atol=2e-5)
    # deterministic: the same call gives the same numbers
    assert big.score(docs) == together
    # scores vary between documents (the test would pass vacuously on a constant)
    assert np.std(together) > 1e-3


def test_perplexity_only_reads_first_max_tokens(random_lm):
    scorer = Scorer(PERPLEXITY, random_lm, torch.device("cpu"), max_tokens=8)
    doc = list(range(1000, 1020))
    assert scorer.score([doc])[0] == pytest.approx(scorer.score([doc[:8]])[0], abs=1e-6)
    assert scorer.score([doc[:8]])[0] != pytest.approx(scorer.score([doc[:7]])[0], abs=1e-6)


def test_perplexity_equals_mean_log_likelihood_from_full_logits(random_lm):
    doc = [9707, 1879, 11, 1052, 374, 264, 1273, 13]
    score = Scorer(PERPLEXITY, random_lm, torch.device("cpu")).score([doc])[0]
    ids = torch.tensor([[151643, *doc]])
    with torch.no_grad():
        logits = random_lm(ids).logits[0, :-1].float()
    expected = -F.cross_entropy(logits, ids[0, 1:]).item()
    assert score == pytest.approx(expected, abs=1e-5)


def test_empty_document_scores_nan(random_lm):
    scores = Scorer(PERPLEXITY, random_lm, torch.device("cpu")).score([[], [5, 6, 7]])
    assert math.isnan(scores[0]) and not math.isnan(scores[1])


def test_bad_device_or_kind_is_a_config_error_naming_the_key(random_lm):
    with pytest.raises(ConfigError, match="scorer.device: expected auto, cpu or cuda, got 'tpu'"):
        choose_device("tpu")
    with pytest.raises(ConfigError, match="scorer.kind: expected perplexity or head, got 'bert'"):
        Scorer("bert", random_lm, torch.device("cpu"))
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="scorer.device: cuda, but torch sees no CUDA device"):
            choose_device("cuda")


def test_load_hf_dir_and_head_dir_round_trip(random_lm, tmp_path):
    docs = mixed_documents(1)
    save_hf_checkpoint(random_lm, tmp_path / "lm")
    loaded = Scorer.load(tmp_path / "lm", device="cpu")
    assert loaded.kind == PERPLEXITY
    expected = Scorer(PERPLEXITY, random_lm, torch.device("cpu")).score(docs)
    np.testing.assert_allclose(loaded.score(docs), expected, atol=1e-6)
    head = QualityHeadModel(random_lm, label_mean=3.0, label_std=0.5)
    torch.manual_seed(2)
    torch.nn.init.normal_(head.head.weight, std=0.3)
    head.save(tmp_path / "head", max_tokens=512)
    reloaded = Scorer.load(tmp_path / "head", device="cpu")
    assert reloaded.kind == HEAD
    expected = Scorer(HEAD, head, torch.device("cpu")).score(docs)
    np.testing.assert_allclose(reloaded.score(docs), expected, atol=1e-6)
    with pytest.raises(FileNotFoundError):
        Scorer.load(tmp_path / "lm", kind="head", device="cpu")


def test_forward_flops_is_a_third_of_training_flops(random_lm):
    c = random_lm.config
    assert forward_flops_per_token(random_lm, 512) * 3 == pytest.approx(c.flops_per_token(512))
    without_head = forward_flops_per_token(random_lm, 512, with_lm_head=False)
    assert without_head < forward_flops_per_token(random_lm, 512)


def train_tiny_lm(texts: list[str], tokenizer, steps: int, seed: int = 0) -> torch.nn.Module:
    """A few AdamW steps of next-token prediction on ``texts`` (full Qwen vocabulary, tiny body)."""
    stream = np.concatenate([np.asarray(tokenizer.encode(t) + [tokenizer.eos_id], dtype=np.int64)
                             for t in texts])
    model = load_backbone("tiny", seed=seed)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
    rng = np.random.default_rng(seed)
    seq, rows = 64, 2
    for _ in range(steps):
        starts = rng.integers(0, len(stream) - seq - 1, size=rows)
        x = torch.from_numpy(np.stack([stream[s:s + seq] for s in starts]))
        y = torch.from_numpy(np.stack([stream[s + 1:s + seq + 1] for s in starts]))
        loss = F.cross_entropy(model(x).logits.view(-1, model.config.vocab_size), y.view(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model


@pytest.mark.slow
def test_trained_lm_scores_shuffled_junk_below_clean_held_out_text(tokenizer):
    rng = random.Random(0)
    train_texts = [clean_document(rng) for _ in range(400)]
    held_out = [clean_document(rng) for _ in range(40)]
    junk = [shuffled_words(t, random.Random(i)) for i, t in enumerate(held_out)]
    model = train_tiny_lm(train_texts, tokenizer, steps=20)
    scorer = Scorer(PERPLEXITY, model, torch.device("cpu"), max_tokens=128)
    clean_scores = np.array(scorer.score([tokenizer.encode(t) for t in held_out]))
    junk_scores = np.array(scorer.score([tokenizer.encode(t) for t in junk]))
    # the same words in a scrambled order: each clean document against its own shuffle
    assert (clean_scores > junk_scores).mean() >= 0.9
    assert clean_scores.mean() > junk_scores.mean() + 0.2
    # and the untrained model cannot tell them apart that well
    untrained = Scorer(PERPLEXITY, load_backbone("tiny", seed=0), torch.device("cpu"), max_tokens=128)
    gap_untrained = (np.mean(untrained.score([tokenizer.encode(t) for t in held_out]))
                     - np.mean(untrained.score([tokenizer.encode(t) for t in junk])))
    assert clean_scores.mean() - junk_scores.mean() > gap_untrained + 0.2
