"""Train a quality regression head on a Qwen3 backbone from (text, score) labels, as FineWeb-Edu did.

FineWeb-Edu annotated documents with an LLM (0-5 educational value), then trained a linear regression head
on a frozen encoder's pooled embedding with MSE. babelbeam does the same on a Qwen3 backbone: the labels
are standardised, the head (``QualityHeadModel``) is fitted with AdamW on the trainer's learning-rate
schedule (``train_config.lr_at``: cosine, a 5% warm-up, decay to 10%) and MSE, and a seeded held-out split
reports MSE and Spearman's rank correlation. With the backbone frozen (the default) every document's pooled
features are computed once, so each epoch costs only the head; ``train_backbone`` fine-tunes the whole model
instead.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from babelbeam.console import Console
from babelbeam.model.scorer import QualityHeadModel, choose_device, load_backbone, pad_rows, plan_batches
from babelbeam.model.train_config import OptimizerSection, ScheduleSection, TrainScorerConfig, lr_at

log = logging.getLogger(__name__)


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties); 0.0 when either side is constant."""
    ra, rb = _ranks(np.asarray(a, dtype=np.float64)), _ranks(np.asarray(b, dtype=np.float64))
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = math.sqrt(float((ra * ra).sum() * (rb * rb).sum()))
    return float((ra * rb).sum() / denom) if denom > 0 else 0.0


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = np.arange(len(x), dtype=np.float64)
    for value in np.unique(x):  # ties share their mean rank
        tied = x == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    return ranks


def read_labels(path: str | Path, text_field: str = "text", score_field: str = "score"
                ) -> tuple[list[str], list[float]]:
    """(texts, scores) of a JSONL labels file; a line without both fields raises ValueError naming it."""
    texts, scores = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if text_field not in record or score_field not in record:
                raise ValueError(f"{path}:{n}: needs fields {text_field!r} and {score_field!r}")
            texts.append(str(record[text_field]))
            scores.append(float(record[score_field]))
    return texts, scores


WARMUP_FRACTION = 0.05
"""Share of the head's optimizer steps spent warming up."""
MIN_LR_RATIO = 0.1
"""Final learning rate as a fraction of ``TrainScorerConfig.lr``."""


def schedule_for(config: TrainScorerConfig, total_steps: int) -> tuple[OptimizerSection, ScheduleSection]:
    """The trainer's cosine schedule for ``total_steps`` head steps: warm-up over ``WARMUP_FRACTION`` of them
    (at least one step), then decay to ``MIN_LR_RATIO`` of ``config.lr`` at the last step."""
    warmup = max(1, int(total_steps * WARMUP_FRACTION))
    return (OptimizerSection(lr=config.lr, min_lr_ratio=MIN_LR_RATIO),
            ScheduleSection(kind="cosine", warmup_steps=warmup))


@dataclass
class TrainScorerResult:
    """What a head training reports."""

    train_documents: int
    validation_documents: int
    train_mse: float
    """Mean squared error on the training split, in label units squared."""
    validation_mse: float | None
    validation_spearman: float | None
    """Spearman's rank correlation between predictions and labels on the held-out split."""
    label_mean: float
    label_std: float


def _pooled_features(model: QualityHeadModel, rows: list[list[int]], batch_tokens: int,
                     device: torch.device, console: Console | None = None) -> torch.Tensor:
    """Frozen-backbone features [N, H] (fp32) of token rows, batched by token budget."""
    out = torch.empty(len(rows), model.lm.config.hidden_size, dtype=torch.float32, device=device)
    console = console or Console(quiet=True)
    bar = console.bar("train-scorer features", total=len(rows), unit="documents")
    with torch.inference_mode(), bar:
        done = 0
        for batch in plan_batches([len(r) for r in rows], batch_tokens):
            ids, lengths = pad_rows([rows[i] for i in batch], device)
            out[torch.tensor(batch, device=device)] = model.pooled(ids, lengths)
            done += len(batch)
            bar.update(done, "frozen backbone: pooled features once")
        bar.update(done, "frozen backbone: pooled features once", force=True)
    return out


def train_head(texts: Sequence[str], scores: Sequence[float], config: TrainScorerConfig,
               console: Console | None = None) -> tuple[QualityHeadModel, TrainScorerResult]:
    """Fit a ``QualityHeadModel`` on labelled texts; returns the model (eval mode) and its report.
    Progress (features, then optimizer steps) goes to ``console`` when given."""
    console = console or Console(quiet=True)
    from babelbeam.tokenize import load_tokenizer

    if len(texts) != len(scores) or len(texts) < 2:
        raise ValueError(f"need at least 2 labelled documents with one score each, got "
                         f"{len(texts)}/{len(scores)}")
    device = choose_device(config.device)
    tokenizer = load_tokenizer(config.tokenizer)
    rows = [ids[: config.max_tokens] or [tokenizer.eos_id] for ids in (tokenizer.encode(t) for t in texts)]
    y_all = np.asarray(scores, dtype=np.float64)

    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(texts))
    n_val = int(round(len(texts) * config.validation_fraction))
    val_idx, train_idx = order[:n_val], order[n_val:]
    mean = float(y_all[train_idx].mean())
    std = float(y_all[train_idx].std()) or 1.0

    lm = load_backbone(config.init, device=device, dtype=torch.float32, seed=config.seed)
    torch.manual_seed(config.seed)
    model = QualityHeadModel(lm, mean, std).to(device)
    nn_init_head(model)
    frozen = not config.train_backbone
    for p in model.lm.parameters():
        p.requires_grad_(not frozen)
    features = _pooled_features(model, rows, config.batch_tokens, device, console) if frozen else None

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    target = torch.tensor((y_all - mean) / std, dtype=torch.float32, device=device)
    steps_per_epoch = math.ceil(len(train_idx) / config.batch_size)
    total = steps_per_epoch * config.epochs
    optimizer_section, schedule = schedule_for(config, total)
    step = 0
    model.train()
    bar = console.bar("train-scorer", total=total, unit="steps")
    for epoch in range(config.epochs):
        perm = train_idx[np.random.default_rng([config.seed, epoch]).permutation(len(train_idx))]
        for start in range(0, len(perm), config.batch_size):
            batch = perm[start:start + config.batch_size].tolist()
            if frozen:
                pred = model.head_output(features[batch])
            else:
                ids, lengths = pad_rows([rows[i] for i in batch], device)
                pred = model.head_output(model.pooled(ids, lengths))
            loss = F.mse_loss(pred, target[batch])
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, total, optimizer_section, schedule)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            bar.update(step, f"epoch {epoch + 1}/{config.epochs} | batch mse {loss.item():.4f} "
                             "(standardised)")
        log.info("epoch %d/%d: last batch mse %.4f (standardised)", epoch + 1, config.epochs, loss.item())
    bar.update(step, bar.status, force=True)
    bar.close()
    model.eval()

    def predict(indices: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            if frozen:
                z = model.head_output(features[indices.tolist()])
                return (z * std + mean).double().cpu().numpy()
            out = np.empty(len(indices))
            for batch in plan_batches([len(rows[i]) for i in indices], config.batch_tokens):
                ids, lengths = pad_rows([rows[indices[j]] for j in batch], device)
                out[batch] = model(ids, lengths).double().cpu().numpy()
            return out

    train_pred = predict(train_idx)
    result = TrainScorerResult(
        train_documents=len(train_idx), validation_documents=len(val_idx),
        train_mse=float(((train_pred - y_all[train_idx]) ** 2).mean()),
        validation_mse=None, validation_spearman=None, label_mean=mean, label_std=std)
    if len(val_idx):
        val_pred = predict(val_idx)
        result.validation_mse = float(((val_pred - y_all[val_idx]) ** 2).mean())
        result.validation_spearman = spearman(val_pred, y_all[val_idx])
    return model, result


def nn_init_head(model: QualityHeadModel) -> None:
    """Zero-mean small head init from torch's RNG (seeded by the caller), zero bias."""
    with torch.no_grad():
        torch.nn.init.normal_(model.head.weight, std=0.02)
        torch.nn.init.zeros_(model.head.bias)


def train_scorer(config: TrainScorerConfig, console: Console | None = None) -> TrainScorerResult:
    """Read ``config.labels``, train the head, write the scorer directory to ``config.output``."""
    texts, scores = read_labels(config.labels, config.text_field, config.score_field)
    model, result = train_head(texts, scores, config, console)
    model.save(config.output, config.max_tokens,
               extra={"init": config.init, "tokenizer": config.tokenizer, "train": asdict(result)})
    log.info("scorer written to %s: %s", config.output, result)
    return result
