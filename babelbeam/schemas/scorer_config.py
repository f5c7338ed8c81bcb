"""Configuration of the model-based quality scorer (the run config's ``scorer`` section).

In the run config this is the ``scorer`` section::

    scorer:
      enabled: true
      model: out/scorer            # HF Qwen3 dir, a `babelbeam train` run/checkpoint, or a train-scorer dir
      kind: auto                   # perplexity | head | auto (head when the directory holds scorer.json)
      max_tokens: 512              # score the first 512 tokens of each document
      batch_tokens: 16384          # padded tokens per forward pass
      tail_percentile: 33.33       # CCNet: bottom third of a language = tail
      head_percentile: 66.67       #        top third = head
      min_percentile: {"*": 10}    # optional: remove the lowest 10% of every language
      min_score: {eng_Latn: -4.0}  # optional: absolute floor per language (score units, higher is better)

A score is always "higher is better": the perplexity scorer's score is the mean log-likelihood per token
(minus the mean token cross-entropy, in nats) of the first ``max_tokens`` tokens; the head scorer's score
is the regression head's output in the units of its training labels.

The config of ``babelbeam train-scorer``, which trains a head, is ``TrainScorerConfig`` in
``babelbeam/model/train_config.py`` beside the trainer's: it is read by model commands only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from babelbeam.schemas.config_base import (
    FilePath,
    LocalPath,
    OneOf,
    Percentile,
    PositiveInt,
    check_config,
)
from babelbeam.schemas.languages import LANGUAGES, UNDETERMINED

SCORER_KINDS = ("auto", "perplexity", "head")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "bfloat16")
ALL_LANGUAGES = "*"
"""Key of ``min_score`` / ``min_percentile`` applying to every language without its own entry."""


def _bad_language_keys(name: str, values: dict[str, float]) -> Iterator[tuple[str, str]]:
    for lang in values:
        if lang != ALL_LANGUAGES and lang not in LANGUAGES and lang != UNDETERMINED:
            yield f"{name}.{lang}", "not one of the 119 registry codes, 'und' or '*'"


@dataclass
class ScorerConfig:
    enabled: bool = False
    """Run the scoring stage (off by default: it needs a model)."""
    model: FilePath | None = None
    """Model directory: a Hugging Face Qwen3 checkpoint (``config.json`` + safetensors), a ``babelbeam train``
    output directory or checkpoint (``step_XXXXXXXX``), or a ``babelbeam train-scorer`` output
    (``scorer.json``)."""
    kind: Annotated[str, OneOf(SCORER_KINDS)] = "auto"
    """``perplexity`` (mean token log-likelihood under the language model, as CCNet), ``head`` (a regression
    head on the backbone, as FineWeb-Edu), or ``auto``: ``head`` when the model directory holds
    ``scorer.json``."""
    tokenizer: Annotated[str, LocalPath(names=("qwen3",))] = "qwen3"
    """Tokenizer of the model: ``qwen3`` (bundled) or a path to a ``tokenizer.json``."""
    max_tokens: PositiveInt = 512
    """Score only each document's first this many tokens (FineWeb-Edu's classifier reads 512)."""
    batch_tokens: PositiveInt = 16384
    """Most padded tokens (rows x longest row) in one forward pass; bounds activation memory."""
    bucket_window: PositiveInt = 8
    """Forward batches' worth of documents gathered and sorted by length before they are cut into batches:
    larger windows pad less."""
    device: Annotated[str, OneOf(DEVICES)] = "auto"
    """``cuda`` when available else ``cpu`` (logged) for ``auto``; or force ``cpu`` / ``cuda``."""
    dtype: Annotated[str, OneOf(DTYPES)] = "auto"
    """Compute dtype: ``auto`` is bfloat16 on CUDA and float32 on CPU."""
    num_threads: PositiveInt | None = None
    """CPU threads torch may use per worker (None: torch's default)."""
    share_model_across_processes: bool = False
    """Load one model per machine and share it between worker processes (Beam ``MultiProcessShared``);
    use with multi-process workers (e.g. one GPU and several SDK processes)."""
    tail_percentile: Percentile = 100.0 / 3.0
    """Documents scoring below this percentile of their language are ``tail`` (CCNet's bottom third)."""
    head_percentile: Percentile = 200.0 / 3.0
    """Documents scoring at or above this percentile of their language are ``head`` (CCNet's top third);
    the rest are ``middle``."""
    min_score: dict[str, float] = field(default_factory=dict)
    """Optional absolute keep threshold per language (``*`` for the rest): documents scoring below it are
    removed as ``scorer_below_threshold``."""
    min_percentile: dict[str, Percentile] = field(default_factory=dict)
    """Optional keep threshold per language (``*`` for the rest) as a percentile (0-100) of the language's
    scores in this run: documents below it are removed as ``scorer_below_threshold``."""

    def __post_init__(self) -> None:
        check_config(self, "scorer.")  # also when built from flags (``babelbeam score``)

    def problems(self) -> Iterator[tuple[str, str]]:
        """Rules between fields."""
        if self.batch_tokens < self.max_tokens:
            yield "batch_tokens", (f"must be at least max_tokens={self.max_tokens} so the longest document "
                                   f"fits one batch, got {self.batch_tokens}")
        if self.tail_percentile > self.head_percentile:
            yield "tail_percentile", (f"{self.tail_percentile} is above head_percentile "
                                      f"{self.head_percentile} (need tail <= head)")
        yield from _bad_language_keys("min_score", self.min_score)
        yield from _bad_language_keys("min_percentile", self.min_percentile)
        if self.enabled and not self.model:
            yield "model", "a model directory is required when the scorer is enabled"

    def min_score_for(self, lang: str) -> float | None:
        """The absolute keep threshold of ``lang`` (its own, else ``*``), or None."""
        return self.min_score.get(lang, self.min_score.get(ALL_LANGUAGES))

    def min_percentile_for(self, lang: str) -> float | None:
        """The percentile keep threshold of ``lang`` (its own, else ``*``), or None."""
        return self.min_percentile.get(lang, self.min_percentile.get(ALL_LANGUAGES))
