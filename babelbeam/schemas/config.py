"""Typed run configuration: one dataclass per component, loaded from YAML with errors that name the key.

A config file mirrors these dataclasses::

    input: {text_field: text, id_field: id}
    langid: {model: null, threshold: 0.5, thresholds: {jpn_Jpan: 0.8}}
    quality: {...}
    dedup: {exact: true, minhash: {...}}
    output: {shard_tokens: 50000000}

Components that later issues deepen own their sub-config here; each field has a
docstring, which ``docs/configuration.md`` is generated from.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


class ConfigError(ValueError):
    """A config value is wrong; the message names the key."""


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
    """Documents are spread over this many buckets by id hash; each bucket is sorted and cut into shards
    on one worker, so a bucket must fit in a worker's memory (corpus tokens x 4 bytes / buckets)."""
    keep_removed: bool = True
    """Write removed documents with their reason under ``DIR/removed/``."""


@dataclass
class RunConfig:
    input: InputConfig = field(default_factory=InputConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    langid: LangIdConfig = field(default_factory=LangIdConfig)
    exact_dedup: ExactDedupConfig = field(default_factory=ExactDedupConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    extra: dict[str, Any] = field(default_factory=dict)
    """Sections for components configured elsewhere (quality, minhash, scorer) until they have a type here."""

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


def from_dict(cls: type[T], data: dict[str, Any], prefix: str = "") -> T:
    """Build dataclass ``cls`` from ``data``, type-checking each value and naming the key on error."""
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix or 'config'}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown and "extra" in fields:
        extra = {key: data[key] for key in unknown}
        data = {key: value for key, value in data.items() if key not in unknown}
        data["extra"] = {**data.get("extra", {}), **extra}
    elif unknown:
        raise ConfigError(f"unknown config key {prefix}{unknown[0]} (known: {', '.join(fields)})")
    values = {}
    for name, value in data.items():
        values[name] = _coerce(hints[name], value, f"{prefix}{name}")
    return cls(**values)


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value, prefix=f"{key}.")
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(arg, value, key)
            except ConfigError:
                continue
        raise ConfigError(f"{key}: {value!r} is not a valid {hint}")
    if hint is Any:
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        (item,) = typing.get_args(hint) or (Any,)
        return [_coerce(item, v, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        _, item = typing.get_args(hint) or (Any, Any)
        return {str(k): _coerce(item, v, f"{key}.{k}") for k, v in value.items()}
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float, str, bool):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")
        return value
    return value
