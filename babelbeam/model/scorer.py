"""Model-based document quality scores on a Qwen3 backbone: perplexity (CCNet) or a regression head
(FineWeb-Edu).

Two kinds of scorer share one batching and one backbone:

- ``perplexity``: the mean log-likelihood per token of a document's first ``max_tokens`` tokens under a
  Qwen3 language model, in nats (higher is better; ``exp(-score)`` is the perplexity). Each document is
  read as ``<|endoftext|> t1 .. tN`` so that every one of its N tokens, the first included, is predicted
  (Qwen3 has no BOS; ``<|endoftext|>`` is what precedes a document in its pretraining stream).
- ``head``: a linear regression head on the mean of the backbone's final hidden states over the first
  ``max_tokens`` tokens, trained by ``babelbeam train-scorer`` on (text, score) labels.

Padding never changes a score: rows are right-padded and attention is causal, so a real token never sees
a pad; losses and pooling read only real positions. Documents are sorted by length and cut into batches of
at most ``batch_tokens`` padded tokens (length bucketing), so padding stays small.

A head scorer is stored as one directory: the backbone as a Hugging Face checkpoint (``config.json`` +
``model.safetensors``), ``head.safetensors`` (``weight`` [1, hidden], ``bias`` [1]) and ``scorer.json``
(kind, pooling, label mean/std, max_tokens). A perplexity scorer is any Qwen3 checkpoint.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

from babelbeam.model.config import ENDOFTEXT_ID, preset
from babelbeam.model.hf import load_hf_checkpoint, save_hf_checkpoint, save_safetensors
from babelbeam.model.qwen3 import Qwen3ForCausalLM
from babelbeam.schemas.config_base import ConfigError

log = logging.getLogger(__name__)

SCORER_JSON = "scorer.json"
HEAD_FILE = "head.safetensors"
PERPLEXITY = "perplexity"
HEAD = "head"
PAD_ID = ENDOFTEXT_ID
"""Pad id of right-padded rows: never read (causal attention, masked loss and pooling), any id would do."""


# ------------------------------------------------------------------------------------------------ device


def choose_device(name: str = "auto") -> torch.device:
    """``auto``: CUDA when available, else CPU (logged either way); ``cpu`` / ``cuda`` as asked."""
    if name == "auto":
        device = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
        if device.type == "cuda":
            log.info("scorer device: cuda (%s)", torch.cuda.get_device_name(device))
        else:
            log.info("scorer device: cpu (no CUDA device available)")
        return device
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("scorer.device: cuda, but torch sees no CUDA device")
    if name not in ("cpu", "cuda"):
        raise ConfigError(f"scorer.device: expected auto, cpu or cuda, got {name!r}")
    return torch.device(name)


def choose_dtype(name: str, device: torch.device) -> torch.dtype:
    """``auto``: bfloat16 on CUDA (what Qwen3 is released in), float32 on CPU (bf16 matmuls are slow
    there)."""
    if name == "auto":
        return torch.bfloat16 if device.type == "cuda" else torch.float32
    return {"float32": torch.float32, "bfloat16": torch.bfloat16}[name]


# ------------------------------------------------------------------------------------------------ batching


def plan_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Length bucketing: indices of ``lengths`` sorted by length (ties by index) and cut greedily into
    batches whose padded size (rows x longest row) stays within ``batch_tokens``.

    A document longer than ``batch_tokens`` gets a batch of its own. The plan depends only on the lengths,
    so it is deterministic; scores do not depend on it at all (see the module docstring).
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = max(lengths[i], 1)  # sorted ascending: the newcomer is the longest row
        if current and longest * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def pad_rows(rows: Sequence[Sequence[int]], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad id rows into ([B, T] int64 ids, [B] int64 lengths) on ``device``."""
    lengths = [len(r) for r in rows]
    t = max(max(lengths), 1)
    ids = np.full((len(rows), t), PAD_ID, dtype=np.int64)
    for b, row in enumerate(rows):
        ids[b, : len(row)] = np.asarray(row, dtype=np.int64)
    return torch.from_numpy(ids).to(device), torch.tensor(lengths, dtype=torch.int64, device=device)


# ------------------------------------------------------------------------------------------- pooling and head


def token_mask(lengths: torch.Tensor, t: int) -> torch.Tensor:
    """[B, T] boolean, True at the real (unpadded) positions of each row."""
    return torch.arange(t, device=lengths.device)[None, :] < lengths[:, None]


def mean_pool(hidden: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Mean over each row's real positions of ``hidden`` [B, T, H], in fp32 -> [B, H]."""
    mask = token_mask(lengths, hidden.shape[1]).unsqueeze(-1)  # [B, T, 1]
    summed = (hidden.float() * mask).sum(dim=1)  # [B, H]
    return summed / lengths.clamp(min=1).unsqueeze(-1).float()


class QualityHeadModel(nn.Module):
    """A Qwen3 backbone with a linear regression head on mean-pooled final hidden states.

    ``label_mean`` / ``label_std`` undo the standardisation the head was trained with, so ``forward``
    returns scores in the units of the training labels.
    """

    def __init__(self, lm: Qwen3ForCausalLM, label_mean: float = 0.0, label_std: float = 1.0) -> None:
        super().__init__()
        self.lm = lm
        self.head = nn.Linear(lm.config.hidden_size, 1)  # kept in fp32 whatever the backbone dtype
        self.label_mean = float(label_mean)
        self.label_std = float(label_std)

    def pooled(self, input_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Mean-pooled backbone features [B, H] in fp32."""
        hidden, _ = self.lm.hidden_states(input_ids)  # [B, T, H], the LM head skipped
        return mean_pool(hidden, lengths)

    def head_output(self, pooled: torch.Tensor) -> torch.Tensor:
        """Standardised prediction [B] from pooled features (what the training loss sees)."""
        return self.head(pooled).squeeze(-1)

    def forward(self, input_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Scores [B] in label units."""
        return self.head_output(self.pooled(input_ids, lengths)) * self.label_std + self.label_mean

    def save(self, path: str | os.PathLike[str], max_tokens: int,
             extra: dict[str, Any] | None = None) -> Path:
        """Write the scorer directory (backbone HF checkpoint, head, ``scorer.json``); returns it."""
        path = Path(path)
        save_hf_checkpoint(self.lm, path)
        save_safetensors({"weight": self.head.weight.detach().float().cpu().contiguous(),
                          "bias": self.head.bias.detach().float().cpu().contiguous()},
                         path / HEAD_FILE, metadata={"format": "pt"})
        meta = {"kind": HEAD, "pooling": "mean", "label_mean": self.label_mean, "label_std": self.label_std,
                "max_tokens": max_tokens, **(extra or {})}
        (path / SCORER_JSON).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path


# ------------------------------------------------------------------------------------------------ loading


def load_backbone(path_or_preset: str | os.PathLike[str], device: torch.device | str = "cpu",
                  dtype: torch.dtype | None = None, seed: int = 0) -> Qwen3ForCausalLM:
    """A Qwen3 LM from a Hugging Face directory, a ``babelbeam train`` run or checkpoint, or a preset name
    (randomly initialised from ``seed``: for tests and benchmarks)."""
    path = Path(path_or_preset)
    if (path / "config.json").is_file():
        model = load_hf_checkpoint(path, dtype=dtype, device=device)
    elif path.exists():
        from babelbeam.model.checkpoint import CONFIG_NAME, load_model_weights
        from babelbeam.model.export_cli import resolve_checkpoint
        from babelbeam.model.train_config import TrainConfig

        ckpt = resolve_checkpoint(path)
        with torch.device("meta"):
            model = Qwen3ForCausalLM(TrainConfig.from_yaml(ckpt / CONFIG_NAME).model.qwen3_config())
        model.to_empty(device="cpu")
        load_model_weights(ckpt, model)
        model.to(device=device, dtype=dtype)
    else:
        try:
            config = preset(str(path_or_preset))
        except KeyError:
            raise FileNotFoundError(f"{path_or_preset}: neither a model directory nor a preset "
                                    "name") from None
        with torch.device("meta"):
            model = Qwen3ForCausalLM(config)
        model.to_empty(device=device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model.init_weights()
        model.to(dtype=dtype)
    model.eval()
    return model


def check_model(path_or_preset: str | os.PathLike[str]) -> None:
    """Refuse, before any work, a ``babelbeam train`` run or checkpoint whose metadata is corrupt or crafted.

    Reads only the checkpoint's metadata, through the restricted reader (``babelbeam.model.dcp_reader``).
    Hugging Face and ``train-scorer`` directories (JSON and safetensors: nothing to unpickle), preset names
    and paths this machine does not see pass; the model itself loads later, on the workers. Raises
    CheckpointError (UnsafeCheckpointError for a crafted file) naming the file, or FileNotFoundError for a
    directory without a complete checkpoint.
    """
    path = Path(path_or_preset)
    if (path / "config.json").is_file() or not path.exists():
        return
    from babelbeam.model.checkpoint import read_checkpoint_metadata
    from babelbeam.model.export_cli import resolve_checkpoint

    read_checkpoint_metadata(resolve_checkpoint(path))


def scorer_kind(path: str | os.PathLike[str]) -> str:
    """``head`` when ``path`` holds a ``scorer.json``, else ``perplexity``."""
    return HEAD if (Path(path) / SCORER_JSON).is_file() else PERPLEXITY


def load_head_model(path: str | os.PathLike[str], device: torch.device | str = "cpu",
                    dtype: torch.dtype | None = None) -> tuple[QualityHeadModel, dict[str, Any]]:
    """A ``babelbeam train-scorer`` directory -> (model, its ``scorer.json``)."""
    path = Path(path)
    meta = json.loads((path / SCORER_JSON).read_text(encoding="utf-8"))
    if meta.get("kind") != HEAD or meta.get("pooling") != "mean":
        raise ValueError(f"{path / SCORER_JSON}: expected kind 'head' with mean pooling, got {meta}")
    lm = load_hf_checkpoint(path, dtype=dtype, device=device)
    model = QualityHeadModel(lm, meta["label_mean"], meta["label_std"])
    head = load_file(str(path / HEAD_FILE), device=str(device))
    model.head.load_state_dict({"weight": head["weight"], "bias": head["bias"]})
    model.head.to(device=device, dtype=torch.float32)
    model.eval()
    return model, meta


# ------------------------------------------------------------------------------------------------ scorer


class Scorer:
    """Scores token sequences with a loaded model; ``score`` batches by token budget with length bucketing.

    Build with ``Scorer.load``. ``score`` takes any number of documents (token id sequences, no EOS) and
    returns one float per document, ``nan`` for a document without tokens.
    """

    def __init__(self, kind: str, model: nn.Module, device: torch.device, max_tokens: int = 512,
                 batch_tokens: int = 16384, logit_chunk_elements: int | None = None) -> None:
        if kind not in (PERPLEXITY, HEAD):
            raise ConfigError(f"scorer.kind: expected perplexity or head, got {kind!r}")
        self.kind = kind
        self.model = model.eval()
        self.device = device
        self.max_tokens = max_tokens
        self.batch_tokens = batch_tokens
        # Logits of at most this many elements exist at once (fp32): 32 MB on CPU (cache-friendlier: 1.6x
        # faster than 256 MB chunks, measured), 2 GB on a GPU.
        self.logit_chunk_elements = logit_chunk_elements or (2**29 if device.type == "cuda" else 2**23)
        self.documents = 0
        """Documents scored so far."""
        self.tokens = 0
        """Real (unpadded) tokens run through the model so far."""
        self.padded_tokens = 0
        """Padded tokens (rows x longest row) run through the model so far."""

    @classmethod
    def load(cls, path: str | os.PathLike[str], kind: str = "auto", device: str = "auto", dtype: str = "auto",
             max_tokens: int = 512, batch_tokens: int = 16384, num_threads: int | None = None) -> Scorer:
        """Load the model at ``path`` (see ``ScorerConfig.model``) onto the chosen device in the chosen
        dtype."""
        if num_threads is not None:
            torch.set_num_threads(num_threads)
        dev = choose_device(device)
        torch_dtype = choose_dtype(dtype, dev)
        found = scorer_kind(path) if Path(path).exists() else PERPLEXITY
        kind = found if kind == "auto" else kind
        if kind == HEAD:
            if found != HEAD:
                raise FileNotFoundError(f"{path}: kind 'head' needs a {SCORER_JSON} (write one with "
                                        "train-scorer)")
            model, _ = load_head_model(path, device=dev, dtype=torch_dtype)
        else:
            model = load_backbone(path, device=dev, dtype=torch_dtype)
        log.info("scorer %s from %s on %s in %s", kind, path, dev, torch_dtype)
        return cls(kind, model, dev, max_tokens=max_tokens, batch_tokens=batch_tokens)

    @property
    def lm(self) -> Qwen3ForCausalLM:
        """The Qwen3 backbone."""
        return self.model.lm if isinstance(self.model, QualityHeadModel) else self.model

    def model_rows(self, tokens: Sequence[int] | np.ndarray) -> list[int]:
        """The ids the model reads for one document: the first ``max_tokens`` tokens, preceded by
        ``<|endoftext|>`` for the perplexity scorer."""
        ids = [int(t) for t in tokens[: self.max_tokens]]
        return [ENDOFTEXT_ID, *ids] if self.kind == PERPLEXITY and ids else ids

    @torch.inference_mode()
    def score(self, documents: Sequence[Sequence[int] | np.ndarray]) -> list[float]:
        """One score per document (higher is better), in input order; ``nan`` for an empty document."""
        rows = [self.model_rows(doc) for doc in documents]
        scores = [math.nan] * len(rows)
        nonempty = [i for i, r in enumerate(rows) if r]
        for batch in plan_batches([len(rows[i]) for i in nonempty], self.batch_tokens):
            indices = [nonempty[j] for j in batch]
            values = self._score_batch([rows[i] for i in indices])
            for i, v in zip(indices, values, strict=True):
                scores[i] = v
        return scores

    def _score_batch(self, rows: list[list[int]]) -> list[float]:
        ids, lengths = pad_rows(rows, self.device)
        self.documents += len(rows)
        self.tokens += int(lengths.sum())
        self.padded_tokens += ids.numel()
        if self.kind == HEAD:
            return self.model(ids, lengths).float().cpu().tolist()
        return self._mean_log_likelihood(ids, lengths)

    def _mean_log_likelihood(self, ids: torch.Tensor, lengths: torch.Tensor) -> list[float]:
        """Mean over each row of log p(t_{i+1} | t_<=i) for its real positions (the leading EOS predicts
        t1)."""
        lm = self.lm
        # The final-norm hidden states, so the [B, T, vocab] logits are never materialised: they are
        # computed below only for real positions, in chunks.
        hidden, _ = lm.hidden_states(ids)  # [B, T, H]
        b, t, _ = hidden.shape
        predicts = token_mask(lengths - 1, t)  # [B, T]: position i predicts i+1, real while i+1 < length
        targets = torch.roll(ids, shifts=-1, dims=1)  # [B, T]: the token each position predicts
        h = hidden[predicts]  # [M, H], rows in (row, position) order
        y = targets[predicts]  # [M]
        row_of = torch.arange(b, device=ids.device)[:, None].expand(b, t)[predicts]  # [M]
        weight = lm.output_weight()
        chunk = max(1, self.logit_chunk_elements // weight.shape[0])
        nll = torch.empty(h.shape[0], dtype=torch.float32, device=ids.device)
        for start in range(0, h.shape[0], chunk):
            # Logits in the model dtype (as training computes them), log-softmax in fp32.
            logits = F.linear(h[start:start + chunk], weight).float()  # [m, V]
            nll[start:start + chunk] = F.cross_entropy(logits, y[start:start + chunk], reduction="none")
        per_row = torch.zeros(b, dtype=torch.float64, device=ids.device).index_add_(0, row_of, nll.double())
        counts = (lengths - 1).clamp(min=1).double()
        return (-(per_row / counts)).cpu().tolist()

    def stats(self) -> dict[str, float]:
        """Counters: documents, real tokens, padded tokens and the padding share."""
        pad = 1.0 - self.tokens / self.padded_tokens if self.padded_tokens else 0.0
        return {"documents": self.documents, "tokens": self.tokens, "padded_tokens": self.padded_tokens,
                "padding_fraction": pad}


def forward_flops_per_token(model: Qwen3ForCausalLM, seq_len: int, with_lm_head: bool = True) -> float:
    """Forward FLOPs per token: ``2 * N_matmul + 4 * L * n_heads * head_dim * seq_len`` (one third of the
    training convention, docs/qwen3-reference.md). ``with_lm_head=False`` drops the output head (the head
    scorer)."""
    c = model.config
    n = c.num_matmul_params(active=True)
    if not with_lm_head:
        n -= c.vocab_size * c.hidden_size
    return 2.0 * n + 4.0 * c.num_hidden_layers * c.num_attention_heads * c.head_dim * seq_len
