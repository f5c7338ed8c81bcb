"""Typed run configuration: one dataclass per component, loaded from YAML with errors that name the key.

A config file mirrors these dataclasses::

    input: {text_field: text, id_field: id}
    langid: {model: null, threshold: 0.5, thresholds: default, group_decision: true}
    quality: {...}
    exact_dedup: {enabled: true}
    minhash: {bands: 14, rows: 8}
    output: {shard_tokens: 50000000}

Components that later issues deepen own their sub-config here; each field has a
docstring, which ``docs/configuration.md`` is generated from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from babelbeam.schemas.config_base import ConfigError, from_dict
from babelbeam.schemas.minhash_config import MinHashConfig
from babelbeam.schemas.quality_config import QualityConfig
from babelbeam.schemas.scorer_config import ScorerConfig

__all__ = ["ConfigError", "from_dict", "RunConfig", "MinHashConfig", "QualityConfig", "ScorerConfig"]


@dataclass
class InputConfig:
    text_field: str = "text"
    """Field holding the document text in JSONL and Parquet input."""
    id_field: str = "id"
    """Field holding the document id; documents without one get ``<file>:<position>`` hashed."""
    url_field: str = "url"
    """Field holding the document URL, if any."""
    keep_fields: list[str] = field(default_factory=list)
    """Other input fields copied into the document's metadata (as strings)."""
    max_document_bytes: int = 64 * 1024 * 1024
    """Records longer than this (UTF-8 bytes) are rejected as ``document_too_large``."""
    max_file_bytes: int = 16 * 1024 * 1024 * 1024
    """Decompressed size at which a file is cut off and the rest rejected (guards against decompression bombs)."""


@dataclass
class NormalizeConfig:
    form: str = "NFC"
    """Unicode normalisation form (the Qwen tokenizer's is NFC)."""
    strip_control: bool = True
    """Remove C0/C1 control characters other than tab and newline."""


@dataclass
class LangIdConfig:
    model: str | None = None
    """Path to a fastText LID model; default is the bundled ``lid.176.ftz``."""
    threshold: float = 0.5
    """Minimum decision score, in [0, 1], of a language that has no per-language threshold; below it the
    document is removed as ``langid_low_score``."""
    thresholds: dict[str, float] | str = "default"
    """Per-language minimum decision scores: ``default`` (the table shipped for the bundled lid.176,
    ``babelbeam/filters/langid_data/lid176_thresholds.yaml``, computed as docs/langid.md says; it only lowers
    ``threshold`` for the languages it lists, never raises it; with any other model ``threshold`` for every
    language), ``global`` (``threshold`` for every language), ``auto``
    (``babelbeam run`` computes them from a sample of its own input with the calibration rule and writes
    ``DIR/work/langid/thresholds.yaml``; ``default`` anywhere else), the path of a YAML file written by
    ``babelbeam langid --calibrate``, or a mapping of registry code -> value in [0, 1] (``threshold`` for
    the rest)."""
    group_decision: bool = True
    """Keep a document whose language is in a confusable group (Indonesian/Malay, Croatian/Bosnian/Serbian,
    Persian/Dari, the Arabic varieties...: ``babelbeam/filters/langid_data/groups.tsv``) on the group's
    summed probability (``lang_group_score``) instead of its label's (``lang_score``) when the label holds at
    least half of that sum; the label is still the model's choice inside the group, corrected by the group's
    marker words."""
    calibration_floor: float = 0.3
    """Lowest threshold the calibration rule (``max(floor, min(ceiling, median - std))`` of a language's
    ``lang_score``, FineWeb-2's) gives, in [0, 1]; 0.3 is FineWeb-2's (the shipped lid.176 table used 0.2)."""
    calibration_ceiling: float = 0.9
    """Highest threshold the calibration rule gives, in [``calibration_floor``, 1]; 0.9 is FineWeb-2's (the
    shipped lid.176 table used 0.5, so that it never removes what one threshold of 0.5 kept)."""
    calibration_min_documents: int = 20
    """Languages with fewer calibration documents than this (at least 1) keep their ``default`` threshold."""
    calibration_sample: float = 0.1
    """Share of the input, in (0, 1], that ``thresholds: auto`` calibrates on: documents chosen by a hash of
    their id, so every run of the same input picks the same ones."""
    keep_languages: list[str] = field(default_factory=list)
    """If set, only these registry codes are kept; others are removed as ``langid_not_selected``."""
    keep_undetermined: bool = False
    """Keep documents whose language maps to ``und``."""
    top_k: int = 3
    """Number of labels kept in ``lang_top``."""
    min_chars: int = 20
    """Texts lighter than this are marked ``und`` with reason ``langid_too_short`` and not guessed: non-space
    characters, each Han, kana or Hangul character counting 3 (one carries about a word)."""
    max_sample_lines: int = 64
    """Long documents are identified on at most this many lines (evenly spaced) so cost stays linear."""
    max_sample_chars: int | None = 1000
    """Longest sample (characters) scored per document: the evenly spaced lines are cut to share it (at least
    100 characters a piece, so 1,000 reads 10 or more places spread over the document). Measured in
    docs/langid.md: 1,000 agrees with no cap on the benchmark corpus and UDHR checks; ``null`` scores up to
    ``max_sample_lines`` whole lines (up to 64,000 characters) at about half the speed."""


@dataclass
class ExactDedupConfig:
    enabled: bool = True
    """Remove documents whose normalised text hash was already seen (keeps the smallest id)."""


@dataclass
class TokenizeConfig:
    tokenizer: str = "qwen3"
    """``qwen3`` (bundled ranks) or a path to a Hugging Face ``tokenizer.json``."""


@dataclass
class OutputConfig:
    shard_tokens: int = 50_000_000
    """Target tokens per shard; a shard closes once it reaches this many."""
    buckets: int = 8
    """Documents are spread over this many buckets by a hash of their id; output shards are written per bucket
    (names ``part-BBBBB-NNNNN``). One (wave, bucket) group is sorted on one worker while a wave is annotated,
    so its memory is about wave text bytes / buckets: raise this (thousands) for large waves on a cluster."""
    keep_removed: bool = True
    """Write removed documents with their reason under ``DIR/removed/``."""


@dataclass
class RunConfig:
    input: InputConfig = field(default_factory=InputConfig)
    """Where the text, id and URL are in each input record; size limits."""
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    """Unicode normalisation before anything else."""
    langid: LangIdConfig = field(default_factory=LangIdConfig)
    """Language identification over the 119 Qwen3 languages."""
    exact_dedup: ExactDedupConfig = field(default_factory=ExactDedupConfig)
    """Exact duplicate removal on the normalised text."""
    quality: QualityConfig = field(default_factory=QualityConfig)
    """Heuristic quality filters (Gopher, FineWeb, C4, boilerplate lines)."""
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    """MinHash-LSH near-duplicate removal."""
    scorer: ScorerConfig = field(default_factory=ScorerConfig)
    """Model-based quality scores and per-language quality buckets (off unless a scorer model is given)."""
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    """The tokenizer that turns kept documents into token ids."""
    output: OutputConfig = field(default_factory=OutputConfig)
    """How shards are cut and what else is written."""

    def __post_init__(self) -> None:
        self.minhash.validate()

    @classmethod
    def from_yaml(cls, path: str | Path | None) -> RunConfig:
        if path is None:
            return cls()
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: the config must be a mapping of sections")
        return from_dict(cls, data, prefix="")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


