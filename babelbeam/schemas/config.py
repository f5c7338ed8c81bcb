"""Typed run configuration: one dataclass per component, loaded from YAML with errors that name the key.

A config file mirrors these dataclasses::

    input: {text_field: text, id_field: id}
    langid: {model: null, threshold: 0.5, thresholds: {jpn_Jpan: 0.8}}
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
from babelbeam.schemas.web_config import WebConfig

__all__ = ["ConfigError", "from_dict", "RunConfig", "MinHashConfig", "QualityConfig", "ScorerConfig"]


@dataclass
class InputConfig:
    text_field: str = "text"
    """Field holding the document text in JSONL and Parquet input."""
    id_field: str = "id"
    """Field holding the document id; documents without one (null, missing, ``""``) get ``<file>:<position>``
    hashed. Ids keep their JSON type: a string is used as it is (one starting with ``#`` gets a second ``#``),
    an integer ``n`` becomes ``#n``, so ``1`` and ``"1"`` stay two ids; other types, lone surrogates and ids
    over 1,024 bytes are rejected as ``invalid_id`` (docs/output-format.md)."""
    url_field: str = "url"
    """Field holding the document URL, if any (a non-string is dropped and the repair flagged)."""
    keep_fields: list[str] = field(default_factory=list)
    """Other input fields copied into the document's metadata as strings (other JSON values as compact JSON
    text)."""
    max_document_bytes: int = 64 * 1024 * 1024
    """Records longer than this (UTF-8 bytes) are rejected as ``document_too_large``."""
    max_file_bytes: int = 16 * 1024 * 1024 * 1024
    """Decompressed size at which a file is cut off and the rest rejected (guards against decompression bombs)."""
    html_field: str | None = None
    """Field holding a page's HTML in JSONL and Parquet input (a string, or bytes whose charset is detected):
    its main text, extracted as for WARC input, becomes the document text instead of ``text_field``."""
    web: WebConfig = field(default_factory=WebConfig)
    """WARC/WET reading and HTML main-text extraction (docs/web-input.md)."""


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
    """Minimum probability of the top language; below it the document is removed as ``langid_low_score``."""
    thresholds: dict[str, float] = field(default_factory=dict)
    """Per-language thresholds overriding ``threshold``, by registry code."""
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
        self.input.web.validate()

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


