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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from babelbeam.schemas.config_base import (
    Bounds,
    ConfigError,
    FilePath,
    Fraction,
    LocalPath,
    Name,
    NonNegativeInt,
    NotEmpty,
    OneOf,
    PositiveInt,
    absolute_paths,
    check_config,
    from_dict,
    read_yaml_mapping,
)
from babelbeam.schemas.languages import LANGUAGES, UNDETERMINED
from babelbeam.schemas.minhash_config import MinHashConfig
from babelbeam.schemas.quality_config import QualityConfig
from babelbeam.schemas.scorer_config import ScorerConfig
from babelbeam.schemas.web_config import WebConfig

__all__ = ["ConfigError", "from_dict", "RunConfig", "MinHashConfig", "QualityConfig", "ScorerConfig"]

MIN_SAMPLE_PIECE_CHARS = 100
"""Shortest piece of a document that language ID scores (``langid.max_sample_chars`` may not be smaller)."""


@dataclass
class InputConfig:
    text_field: Name = "text"
    """Field holding the document text in JSONL and Parquet input."""
    id_field: Name = "id"
    """Field holding the document id; documents without one (null, missing, ``""``) get ``<file>:<position>``
    hashed. Ids keep their JSON type: a string is used as it is (one starting with ``#`` gets a second ``#``),
    an integer ``n`` becomes ``#n``, so ``1`` and ``"1"`` stay two ids; other types, lone surrogates and ids
    over 1,024 bytes are rejected as ``invalid_id`` (docs/output-format.md)."""
    url_field: Name = "url"
    """Field holding the document URL, if any (a non-string is dropped and the repair flagged)."""
    keep_fields: list[str] = field(default_factory=list)
    """Other input fields copied into the document's metadata as strings (other JSON values as compact JSON
    text)."""
    max_document_bytes: PositiveInt = 64 * 1024 * 1024
    """Records longer than this (UTF-8 bytes) are rejected as ``document_too_large``."""
    max_file_bytes: PositiveInt = 16 * 1024 * 1024 * 1024
    """Decompressed size at which a file is cut off and the rest rejected (guards against decompression
    bombs)."""
    max_rejected_fraction: Fraction = 0.5
    """Largest share of input records that may be rejected (unreadable, wrong field, bad JSON ...). Above it
    the run still writes everything, then fails with exit code 3 naming the share and the commonest rejection
    kinds (``rejected/`` holds every one). 1 never fails; 0 fails on any rejection."""
    html_field: Name | None = None
    """Field holding a page's HTML in JSONL and Parquet input (a string, or bytes whose charset is detected):
    its main text, extracted as for WARC input, becomes the document text instead of ``text_field``."""
    web: WebConfig = field(default_factory=WebConfig)
    """WARC/WET reading and HTML main-text extraction (docs/web-input.md)."""


@dataclass
class NormalizeConfig:
    form: Annotated[str, OneOf(("NFC", "NFKC", "NFD", "NFKD"))] = "NFC"
    """Unicode normalisation form (the Qwen tokenizer's is NFC)."""
    strip_control: bool = True
    """Remove C0/C1 control characters other than tab and newline."""


THRESHOLD_MODES = ("default", "global", "auto")
"""The named values of ``langid.thresholds`` (anything else is a thresholds YAML file or a mapping)."""


@dataclass
class LangIdConfig:
    model: FilePath | None = None
    """Path to a fastText LID model; default is the bundled ``lid.176.ftz``."""
    threshold: Fraction = 0.5
    """Minimum decision score, in [0, 1], of a language that has no per-language threshold; below it the
    document is removed as ``langid_low_score``."""
    thresholds: dict[str, Fraction] | str = "default"
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
    calibration_floor: Fraction = 0.3
    """Lowest threshold the calibration rule (``max(floor, min(ceiling, median - std))`` of a language's
    ``lang_score``, FineWeb-2's) gives, in [0, 1]; 0.3 is FineWeb-2's (the shipped lid.176 table used 0.2)."""
    calibration_ceiling: Fraction = 0.9
    """Highest threshold the calibration rule gives, in [``calibration_floor``, 1]; 0.9 is FineWeb-2's (the
    shipped lid.176 table used 0.5, so that it never removes what one threshold of 0.5 kept)."""
    calibration_min_documents: PositiveInt = 20
    """Languages with fewer calibration documents than this (at least 1) keep their ``default`` threshold."""
    calibration_sample: Annotated[float, Bounds(0.0, 1.0, low_exclusive=True)] = 0.1
    """Share of the input, in (0, 1], that ``thresholds: auto`` calibrates on: documents chosen by a hash of
    their id, so every run of the same input picks the same ones."""
    keep_languages: list[str] = field(default_factory=list)
    """If set, only these registry codes are kept; others are removed as ``langid_not_selected``."""
    keep_undetermined: bool = False
    """Keep documents whose language maps to ``und``."""
    top_k: PositiveInt = 3
    """Number of labels kept in ``lang_top``."""
    min_chars: NonNegativeInt = 20
    """Texts lighter than this are marked ``und`` with reason ``langid_too_short`` and not guessed: non-space
    characters, each Han, kana or Hangul character counting 3 (one carries about a word)."""
    max_sample_lines: PositiveInt = 64
    """Long documents are identified on at most this many lines (evenly spaced) so cost stays linear."""
    max_sample_chars: Annotated[int, Bounds(MIN_SAMPLE_PIECE_CHARS)] | None = 1000
    """Longest sample (characters) scored per document: the evenly spaced lines are cut to share it (at least
    100 characters a piece, so 1,000 reads 10 or more places spread over the document). Measured in
    docs/langid.md: 1,000 agrees with no cap on the benchmark corpus and UDHR checks; ``null`` scores up to
    ``max_sample_lines`` whole lines (up to 64,000 characters) at about half the speed."""

    def problems(self) -> Iterator[tuple[str, str]]:
        """Language codes must be registry codes; a thresholds string is a mode or a YAML file."""
        if isinstance(self.thresholds, dict):
            for code in self.thresholds:
                if code not in LANGUAGES:
                    yield f"thresholds.{code}", "not one of the 119 registry codes"
        elif self.thresholds not in THRESHOLD_MODES and not Path(self.thresholds).expanduser().is_file():
            yield "thresholds", (f"{self.thresholds!r} is neither one of {', '.join(THRESHOLD_MODES)} "
                                 "nor a thresholds YAML file")
        if self.calibration_floor > self.calibration_ceiling:
            yield "calibration_floor", f"must be at most calibration_ceiling {self.calibration_ceiling}"
        for code in self.keep_languages:
            if code not in LANGUAGES and code != UNDETERMINED:
                yield "keep_languages", f"{code!r} is not one of the 119 registry codes"


@dataclass
class ExactDedupConfig:
    enabled: bool = True
    """Remove documents whose normalised text hash was already seen (keeps the smallest id)."""


@dataclass
class TokenizeConfig:
    tokenizer: Annotated[str, NotEmpty(), LocalPath(names=("qwen3",))] = "qwen3"
    """``qwen3`` (bundled ranks) or a path to a Hugging Face ``tokenizer.json``."""


@dataclass
class OutputConfig:
    shard_tokens: PositiveInt = 50_000_000
    """Target tokens per shard; a shard closes once it reaches this many."""
    buckets: PositiveInt = 8
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

    @classmethod
    def from_yaml(cls, path: str | Path | None) -> RunConfig:
        """The config in ``path`` (defaults when None); ConfigError naming the file and key if it is wrong."""
        if path is None:
            return cls()
        data = read_yaml_mapping(path)
        try:
            return from_dict(cls, data, prefix="")
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from None

    def validate(self) -> RunConfig:
        """Check every field's type and range and the rules between fields (ConfigError naming the key)."""
        check_config(self)
        return self

    def absolute_paths(self) -> list[str]:
        """Make relative local paths (models, lists, index directories) absolute, in place, as a run's plan
        needs them: workers resolve paths from their own working directory. Returns the changed keys."""
        return absolute_paths(self)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


