"""The configs of the model commands and the one learning-rate schedule.

``TrainConfig`` (``babelbeam train``): one sub-config per trainer component, loaded from YAML and ``--set``
overrides. ``TrainScorerConfig`` (``babelbeam train-scorer``): built from the command's flags. The model's
own shape is ``Qwen3Config`` in ``config.py``; the run config's sections, the scorer's included, are in
``babelbeam/schemas/`` because ``babelbeam run`` reads them without torch.

Every field's range rides on its annotation and the rules between fields are ``problems()`` methods;
``babelbeam.schemas.config_base`` checks both, once, when the config is built from its data
(``from_dict``), and raises ``ConfigError`` naming the key (``data.seq_len: must be at least 1, got 0``).

A config file mirrors these dataclasses::

    model: {preset: tiny}
    data: {manifests: [out/demo], seq_len: 256, batch_tokens: 8192, micro_batch_size: 8,
           weight_by: language, weights: {eng_Latn: 0.5}, temperature: 3.0}
    optimizer: {lr: 3.0e-4, weight_decay: 0.1}
    schedule: {kind: cosine, warmup_steps: 100}
    checkpoint: {interval: 500, keep_last: 3}
    parallel: {fsdp: true}
    logging: {log_interval: 10, eval_interval: 100}
    steps: 2000
    output_dir: out/train

The whole config is written as ``config.yaml`` beside every checkpoint, so a
checkpoint says how it was made and ``babelbeam export-hf`` knows its model.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml

from babelbeam.model.config import PRESETS, Qwen3Config, preset
from babelbeam.schemas.config_base import (
    ConfigError,
    Fraction,
    NonNegativeFloat,
    NonNegativeInt,
    OneOf,
    PositiveFloat,
    PositiveInt,
    from_dict,
    read_yaml_mapping,
)
from babelbeam.schemas.scorer_config import DEVICES


@dataclass
class ModelSection:
    preset: Annotated[str, OneOf(tuple(PRESETS))] = "tiny"
    """Model preset name from ``babelbeam.model.config.PRESETS`` (``tiny``, ``tiny-moe``, ``qwen3-0.6b``,
    ...)."""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Fields of the preset's ``Qwen3Config`` replaced by these values (e.g. ``{num_hidden_layers: 4}``)."""
    activation_checkpointing: bool = False
    """Recompute each decoder layer's activations in the backward pass (less memory, about 1/3 more
    compute)."""
    compile: bool = False
    """``torch.compile`` each decoder layer (as torchtitan does); worth it on GPU, slow to start on CPU."""
    load_balancing_coef: NonNegativeFloat = 1e-3
    """Weight of the global-batch load-balancing loss added to the LM loss for MoE presets (Qwen3 uses
    1e-3)."""

    def qwen3_config(self) -> Qwen3Config:
        """The preset named by ``preset`` with ``overrides`` applied (ConfigError names a wrong override)."""
        return preset(self.preset).replace(**self.overrides)

    def problems(self) -> Iterator[tuple[str, str]]:
        try:
            self.qwen3_config()
        except ConfigError as e:  # "num_key_value_heads: 3 does not divide ..." names a Qwen3Config field
            field_name, _, problem = str(e).partition(": ")
            yield f"overrides.{field_name}", problem


@dataclass
class DataSection:
    manifests: list[str] = field(default_factory=list)
    """Paths of babelbeam output directories or their ``manifest.json`` files; their shards are pooled."""
    seq_len: PositiveInt = 2048
    """Tokens per training sequence (inputs); each packed sample holds ``seq_len + 1`` tokens for the shifted
    labels."""
    batch_tokens: PositiveInt = 524_288
    """Global batch per optimizer step, in input tokens, over all ranks and accumulation steps.
    Must be a multiple of ``seq_len * micro_batch_size * world_size``; the quotient is the accumulation
    count."""
    micro_batch_size: PositiveInt = 1
    """Sequences per rank per forward/backward pass."""
    weight_by: Annotated[str, OneOf(("language", "source", "none"))] = "language"
    """Group documents into mixing streams by ``language``, ``source``, or ``none`` (one stream)."""
    weights: dict[str, NonNegativeFloat] = field(default_factory=dict)
    """Relative sampling weight per group (language code or source name); groups not listed weigh 1.0, 0 drops
    a group."""
    temperature: PositiveFloat = 1.0
    """Sampling temperature over the groups' token shares: a group is drawn with probability proportional to
    ``weight * share ** (1 / temperature)``; 1.0 samples in proportion to tokens, larger values flatten
    towards uniform (XLM-R and mT5 use about 3.3)."""
    validation_fraction: Fraction = 0.01
    """Share of documents held out for validation, chosen by a seeded hash of the document id."""
    validation_sequences: NonNegativeInt = 64
    """Validation sequences evaluated at each validation (over all ranks); fewer if the split is smaller."""
    seed: int = 1234
    """Seed of the document shuffle, the group draws and the validation split."""

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.validation_fraction == 1.0:
            yield "validation_fraction", "must be below 1 (no documents would be left to train on)"


@dataclass
class OptimizerSection:
    lr: PositiveFloat = 3e-4
    """Peak learning rate of AdamW."""
    min_lr_ratio: Fraction = 0.1
    """Final learning rate as a fraction of ``lr`` (end of cosine or of the WSD decay)."""
    betas: list[float] = field(default_factory=lambda: [0.9, 0.95])
    """AdamW (beta1, beta2)."""
    eps: NonNegativeFloat = 1e-8
    """AdamW epsilon."""
    weight_decay: NonNegativeFloat = 0.1
    """Decoupled weight decay on matrix weights (linear layers incl. an untied head); none on norms and
    embeddings."""
    grad_clip: NonNegativeFloat = 1.0
    """Clip the global gradient norm to this value; 0 turns clipping off."""

    def problems(self) -> Iterator[tuple[str, str]]:
        if len(self.betas) != 2:
            yield "betas", f"must have two values (beta1, beta2), got {self.betas}"


SCHEDULES = ("cosine", "wsd", "constant")


@dataclass
class ScheduleSection:
    kind: Annotated[str, OneOf(SCHEDULES)] = "cosine"
    """``cosine`` (warmup then cosine to ``min_lr_ratio``), ``wsd`` (warmup, stable, linear decay) or
    ``constant``."""
    warmup_steps: NonNegativeInt = 100
    """Steps of linear warmup from 0 to ``lr``."""
    decay_fraction: Fraction = 0.2
    """For ``wsd``: share of all steps spent in the final linear decay."""


@dataclass
class CheckpointSection:
    interval: NonNegativeInt = 1000
    """Save a checkpoint every this many optimizer steps (and at the end); 0 saves only at the end."""
    keep_last: PositiveInt = 3
    """Complete checkpoints kept; older ones are deleted after a new one is complete."""
    resume: bool = False
    """Continue from the newest complete checkpoint under ``output_dir/checkpoints`` if there is one."""


@dataclass
class ParallelSection:
    fsdp: bool = True
    """With more than one process, shard every decoder layer with FSDP2 ``fully_shard``; otherwise use DDP."""
    param_dtype: Annotated[str, OneOf(("bfloat16", "float16", "float32"))] = "bfloat16"
    """Compute dtype of parameters on GPU (FSDP mixed precision or autocast); CPU always computes in
    float32."""
    reduce_dtype: Annotated[str, OneOf(("bfloat16", "float32"))] = "float32"
    """Dtype of FSDP gradient reduction."""


@dataclass
class LoggingSection:
    log_interval: PositiveInt = 10
    """Print a progress line and append a metrics record every this many steps."""
    eval_interval: NonNegativeInt = 100
    """Compute validation loss every this many steps (and at steps 0 and the last); 0 turns it off."""
    plot: bool = True
    """Write ``loss.png`` (training and validation loss curves) at the end."""


@dataclass
class TrainConfig:
    model: ModelSection = field(default_factory=ModelSection)
    data: DataSection = field(default_factory=DataSection)
    optimizer: OptimizerSection = field(default_factory=OptimizerSection)
    schedule: ScheduleSection = field(default_factory=ScheduleSection)
    checkpoint: CheckpointSection = field(default_factory=CheckpointSection)
    parallel: ParallelSection = field(default_factory=ParallelSection)
    logging: LoggingSection = field(default_factory=LoggingSection)
    steps: PositiveInt = 1000
    """Optimizer steps to train for (total, including steps done before a resume)."""
    seed: int = 0
    """Seed of weight initialisation and of torch's random state."""
    output_dir: str = "out/train"
    """Directory for checkpoints, ``metrics.jsonl``, ``loss.png`` and ``config.yaml``."""

    @classmethod
    def from_yaml(cls, path: str | Path | None, overrides: list[str] | None = None) -> TrainConfig:
        """Load ``path`` (or defaults when None), then apply ``key.sub=value`` overrides (values parsed as
        YAML)."""
        data: dict[str, Any] = read_yaml_mapping(path) if path is not None else {}
        for item in overrides or []:
            apply_override(data, item)
        return from_dict(cls, data, prefix="")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build and check a config from a parsed mapping (ConfigError naming the key)."""
        return from_dict(cls, data, prefix="")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    def accumulation_steps(self, world_size: int) -> int:
        """Micro-steps per optimizer step so that one step sees ``data.batch_tokens`` tokens over
        ``world_size`` ranks."""
        per_micro = self.data.seq_len * self.data.micro_batch_size * world_size
        if self.data.batch_tokens % per_micro:
            raise ConfigError(
                f"data.batch_tokens={self.data.batch_tokens} is not a multiple of data.seq_len x "
                f"data.micro_batch_size x world size = {per_micro}"
            )
        return self.data.batch_tokens // per_micro


@dataclass
class TrainScorerConfig:
    """What ``babelbeam train-scorer`` does: fit a regression head on (text, score) labels.

    Each field is a flag of the command (``batch_size`` is ``--batch-size``).
    """

    labels: str = ""
    """JSONL file of labelled documents, one ``{"text": ..., "score": ...}`` object a line."""
    output: str = ""
    """Directory to write the scorer into (backbone safetensors + ``head.safetensors`` + ``scorer.json``)."""
    init: str = "tiny"
    """The backbone: a model directory (as ``ScorerConfig.model``) or a preset name for a randomly
    initialised backbone (``tiny``: tests only)."""
    text_field: str = "text"
    """Field of the text in the labels file."""
    score_field: str = "score"
    """Field of the numeric label in the labels file."""
    tokenizer: str = "qwen3"
    """Tokenizer of the backbone."""
    max_tokens: PositiveInt = 512
    """Tokens read per document, as at scoring time."""
    train_backbone: bool = False
    """Fine-tune the backbone too; by default it is frozen and only the head trains (FineWeb-Edu froze the
    encoder), which lets its pooled features be computed once."""
    epochs: PositiveInt = 20
    """Passes over the training split."""
    batch_size: PositiveInt = 32
    """Documents per optimizer step."""
    lr: PositiveFloat = 3e-4
    """Peak AdamW learning rate (the trainer's cosine schedule: 5% warm-up, then decay to 10%)."""
    weight_decay: NonNegativeFloat = 0.0
    """AdamW weight decay of the head (and backbone matrices when trained)."""
    validation_fraction: Fraction = 0.1
    """Share of labelled documents held out (by a seeded shuffle) to report MSE and Spearman on."""
    batch_tokens: PositiveInt = 16384
    """Padded tokens per forward pass when computing features."""
    device: Annotated[str, OneOf(DEVICES)] = "auto"
    """``auto``, ``cpu`` or ``cuda``."""
    seed: int = 0
    """Seed of the split, the head's initialisation and the batch order."""

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.validation_fraction == 1.0:
            yield "validation_fraction", "must be below 1 (no documents would be left to train on)"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainScorerConfig:
        """Build and check a config from the flags' values (ConfigError naming the key)."""
        return from_dict(cls, data, prefix="")


def apply_override(data: dict[str, Any], item: str) -> None:
    """Set ``data[a][b] = value`` for an override ``a.b=value``; the value is parsed as YAML (``3e-4``,
    ``[a, b]``)."""
    if "=" not in item:
        raise ConfigError(f"override {item!r} must look like section.key=value")
    key, raw = item.split("=", 1)
    try:
        # YAML 1.1 reads "2e-4" as a string; a number the user typed is a number
        value: Any = float(raw) if any(c in raw for c in ".eE") else int(raw)
    except ValueError:
        value = yaml.safe_load(raw)
    parts = key.strip().split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"override {key}: {part} is not a section")
        node = child
    node[parts[-1]] = value


def lr_at(step: int, total_steps: int, optimizer: OptimizerSection, schedule: ScheduleSection) -> float:
    """Learning rate for optimizer step ``step`` (0-based) of ``total_steps``: a pure function, so it needs no
    state.

    Warmup rises linearly and reaches ``lr`` at step ``warmup_steps``; cosine then falls to
    ``lr * min_lr_ratio`` at the last step; WSD holds ``lr`` until the last ``decay_fraction`` of steps and
    falls linearly to the same floor.
    """
    peak = optimizer.lr
    floor = peak * optimizer.min_lr_ratio
    warmup = schedule.warmup_steps
    if step < warmup:
        return peak * (step + 1) / (warmup + 1)
    if schedule.kind == "constant":
        return peak
    last = max(total_steps - 1, warmup)
    if schedule.kind == "cosine":
        span = max(last - warmup, 1)
        progress = min((step - warmup) / span, 1.0)
        return floor + 0.5 * (peak - floor) * (1.0 + math.cos(math.pi * progress))
    # wsd: warmup, stable, then linear decay over the last decay_fraction of all steps
    decay_steps = max(int(round(total_steps * schedule.decay_fraction)), 1)
    decay_start = max(total_steps - decay_steps, warmup)
    if step < decay_start:
        return peak
    progress = min((step - decay_start + 1) / max(last - decay_start + 1, 1), 1.0)
    return peak + (floor - peak) * progress
