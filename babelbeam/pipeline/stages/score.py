"""The scoring stage: model quality scores through Beam's ``RunInference``, then per-language buckets.

``ScoreDocuments(config)`` maps PCollection[Document] to ``{"kept", "removed", "percentiles"}``:

1. ``TokenizeForScoring``: each document is tokenized once with the scorer's tokenizer; the ids (EOS appended,
   uint32, exactly what the Tokenize stage would produce) are stored on ``Document.tokens`` so the final
   Tokenize stage reuses them instead of tokenizing again (``keep_tokens``).
2. ``Score``: ``RunInference`` with ``QualityModelHandler``. Beam batches documents weighed by their token
   count (up to ``batch_tokens * bucket_window`` tokens); the handler's ``Scorer`` sorts each such window by
   length and cuts it into forward batches of at most ``batch_tokens`` padded tokens. The model loads once per
   worker (RunInference keeps it in a ``Shared``), or once per machine with ``share_model_across_processes``;
   CUDA when available, else CPU (logged); bf16 on CUDA.
3. ``Quantiles``: per language, approximate quantiles of the scores (Beam's ``ApproximateQuantiles`` combiner,
   1,001 points, error at most 0.1% of a language's documents in rank), with count and mean.
4. ``Bucket``: with those quantiles as a side input each document gets ``quality_bucket`` (``tail`` below the
   ``tail_percentile`` of its language, ``head`` at or above the ``head_percentile``, else ``middle``) and is
   removed as ``scorer_below_threshold`` when it falls under its language's ``min_score`` or
   ``min_percentile``; a document without tokens is removed as ``scorer_no_tokens``.

``percentiles`` is a PCollection of ``(lang, summary)`` with ``summary`` from ``percentile_summary``. The
stage declares it as a ``StageSummary``: a run writes it per wave and finalize makes it the ``scorer`` section
of stats.json (``score_stats`` per wave; with one wave, the default, the run's own quantiles).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.ml.inference.base import ModelHandler, RunInference
from apache_beam.transforms.combiners import CountCombineFn, MeanCombineFn, SingleInputTupleCombineFn
from apache_beam.transforms.stats import ApproximateQuantilesCombineFn

from babelbeam.pipeline import progress
from babelbeam.pipeline.stages.base import KEPT, METRICS_NAMESPACE, REMOVED, Counters, StageSummary
from babelbeam.schemas import Document
from babelbeam.schemas.config_base import ConfigError
from babelbeam.schemas.scorer_config import ScorerConfig

NUM_QUANTILES = 1001
"""Quantile points per language: 0%, 0.1%, ..., 100%."""
REPORTED_PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)
BELOW_THRESHOLD = "scorer_below_threshold"
NO_TOKENS = "scorer_no_tokens"
HEAD, MIDDLE, TAIL = "head", "middle", "tail"
PERCENTILES = "percentiles"


# ------------------------------------------------------------------------------------------ pure logic


def percentile(quantiles: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) from ``len(quantiles)`` evenly spaced quantiles (min .. max), linearly
    interpolated between neighbouring points."""
    if not quantiles:
        raise ValueError("percentile of no quantiles")
    pos = min(max(p, 0.0), 100.0) / 100.0 * (len(quantiles) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(quantiles) - 1)
    frac = pos - lo
    return float(quantiles[lo]) * (1 - frac) + float(quantiles[hi]) * frac


@dataclasses.dataclass(frozen=True)
class LanguageCuts:
    """The score cut-offs of one language."""

    tail_below: float
    """Scores below this are ``tail``."""
    head_from: float
    """Scores at or above this are ``head``."""
    keep_from: float | None
    """Scores below this are removed (the larger of the absolute and the percentile threshold), or None."""


def language_cuts(quantiles: Sequence[float], lang: str, config: ScorerConfig) -> LanguageCuts:
    """Cut-offs of ``lang`` from its score quantiles and the config's percentiles and thresholds."""
    keep = [t for t in (config.min_score_for(lang),) if t is not None]
    min_p = config.min_percentile_for(lang)
    if min_p is not None:
        keep.append(percentile(quantiles, min_p))
    return LanguageCuts(tail_below=percentile(quantiles, config.tail_percentile),
                        head_from=percentile(quantiles, config.head_percentile),
                        keep_from=max(keep) if keep else None)


def assign_bucket(score: float, cuts: LanguageCuts) -> str:
    """``head``, ``middle`` or ``tail`` for ``score`` under ``cuts``."""
    if score >= cuts.head_from:
        return HEAD
    return TAIL if score < cuts.tail_below else MIDDLE


def percentile_summary(quantiles: Sequence[float], count: int, mean: float, lang: str,
                       config: ScorerConfig) -> dict[str, Any]:
    """The stats.json entry of one language: document count, mean, min/max, reported percentiles, cut-offs."""
    cuts = language_cuts(quantiles, lang, config)

    def r(x: float) -> float:
        return round(float(x), 6)

    return {"documents": int(count), "mean": r(mean), "min": r(quantiles[0]), "max": r(quantiles[-1]),
            "percentiles": {str(p): r(percentile(quantiles, p)) for p in REPORTED_PERCENTILES},
            "tail_below": r(cuts.tail_below), "head_from": r(cuts.head_from),
            "keep_from": None if cuts.keep_from is None else r(cuts.keep_from)}


def score_stats(items: Iterable[tuple[str, dict[str, Any]]], config: ScorerConfig) -> dict[str, Any]:
    """The ``scorer`` section of stats.json: kind, model, cut-off percentiles and one summary per language."""
    return {"model": config.model, "kind": config.kind, "max_tokens": config.max_tokens,
            "tail_percentile": config.tail_percentile, "head_percentile": config.head_percentile,
            "by_language": dict(sorted(items))}


def scored_length(doc: Document, max_tokens: int) -> int:
    """Tokens the model reads of ``doc`` (ids without EOS, at most ``max_tokens``): its batch weight."""
    n = 0 if doc.tokens is None else max(len(doc.tokens) - 1, 0)
    return max(1, min(n, max_tokens))


# ------------------------------------------------------------------------------------------ beam parts


class _TokenizeForScoringFn(beam.DoFn):
    """Document -> the same document with ``tokens``: its ids and EOS (uint32), as Tokenize makes them."""

    def __init__(self, tokenizer: str) -> None:
        super().__init__()
        self.tokenizer_name = tokenizer
        self.tokens = Metrics.counter(METRICS_NAMESPACE, "scorer.tokens_encoded")

    def setup(self) -> None:
        from babelbeam.tokenize import load_tokenizer

        self.tokenizer = load_tokenizer(self.tokenizer_name)

    def process(self, doc: Document) -> Iterator[Document]:
        tokens = self.tokenizer.encode_document(doc.text)
        self.tokens.inc(len(tokens))
        yield dataclasses.replace(doc, tokens=tokens)


class QualityModelHandler(ModelHandler[Document, Document, Any]):
    """RunInference handler: loads a ``babelbeam.model.scorer.Scorer`` and sets ``quality_score``.

    Beam weighs each Document by ``scored_length`` (module docstring, step 2). ``run_inference`` calls only
    ``Scorer.score`` (plain lists in, floats out), so it also works through the proxy of a shared model.
    """

    def __init__(self, config: ScorerConfig) -> None:
        window = config.batch_tokens * config.bucket_window
        super().__init__(min_batch_size=min(config.batch_tokens, window), max_batch_size=window,
                         element_size_fn=functools.partial(scored_length, max_tokens=config.max_tokens),
                         large_model=config.share_model_across_processes)
        self.config = config

    def load_model(self) -> Any:
        # Imported here so that torch loads on the worker, not at graph construction.
        from babelbeam.model.scorer import Scorer

        c = self.config
        return Scorer.load(c.model, kind=c.kind, device=c.device, dtype=c.dtype, max_tokens=c.max_tokens,
                           batch_tokens=c.batch_tokens, num_threads=c.num_threads)

    def run_inference(self, batch: Sequence[Document], model: Any,
                      inference_args: dict[str, Any] | None = None) -> Iterable[Document]:
        n = self.config.max_tokens
        rows = [[] if d.tokens is None else d.tokens[: min(max(len(d.tokens) - 1, 0), n)].tolist()
                for d in batch]
        scores = model.score(rows)
        return [dataclasses.replace(d, quality_score=float(s)) for d, s in zip(batch, scores, strict=True)]

    def get_num_bytes(self, batch: Sequence[Document]) -> int:
        return sum(4 * scored_length(d, self.config.max_tokens) for d in batch)

    def get_metrics_namespace(self) -> str:
        return "BabelbeamScorer"

    def share_model_across_processes(self) -> bool:
        return self.config.share_model_across_processes


class _BucketFn(beam.DoFn):
    """Sets ``quality_bucket`` by the language's quantiles; removes below-threshold and tokenless docs."""

    def __init__(self, config: ScorerConfig, keep_tokens: bool) -> None:
        super().__init__()
        self.config, self.keep_tokens = config, keep_tokens
        self._counters = Counters("scorer")
        self._cuts: dict[str, LanguageCuts] = {}

    def process(self, doc: Document, quantiles: dict[str, tuple]) -> list[object]:
        score = doc.quality_score
        if score is None or math.isnan(score):
            return self._removed(dataclasses.replace(doc, quality_score=None), NO_TOKENS)
        cuts = self._cuts.get(doc.lang)
        if cuts is None:
            cuts = self._cuts[doc.lang] = language_cuts(quantiles[doc.lang][0], doc.lang, self.config)
        doc = dataclasses.replace(doc, quality_bucket=assign_bucket(score, cuts))
        if cuts.keep_from is not None and score < cuts.keep_from:
            return self._removed(doc, BELOW_THRESHOLD)
        self._counters.inc(f"kept_{doc.quality_bucket}")
        return [doc if self.keep_tokens else dataclasses.replace(doc, tokens=None)]

    def _removed(self, doc: Document, reason: str) -> list[object]:
        self._counters.inc(f"removed_{reason}")
        progress.note_removed(doc.source)
        doc = dataclasses.replace(doc, tokens=None, removed_reason=reason)
        return [beam.pvalue.TaggedOutput(REMOVED, doc)]

    def finish_bundle(self) -> None:
        # removals come after the file's reader finished (the quantiles wait for every score)
        progress.flush()


def _language_score(doc: Document) -> Iterator[tuple[str, float]]:
    if doc.quality_score is not None and not math.isnan(doc.quality_score):
        yield doc.lang, doc.quality_score


class ScoreDocuments(beam.PTransform):
    """Model quality scores, per-language buckets and thresholds: ``{"kept", "removed", "percentiles"}``.

    ``keep_tokens``: leave the scorer's token ids on kept documents for the Tokenize stage to reuse. Only
    correct when the run's tokenizer is the scorer's (``config.tokenizer``); pass False otherwise.
    """

    def __init__(self, config: ScorerConfig, keep_tokens: bool = True) -> None:
        super().__init__()
        if not config.model:
            raise ConfigError("scorer.model: a model directory is required for the scoring stage")
        self._config, self._keep_tokens = config, keep_tokens
        self.summaries = (StageSummary(PERCENTILES, "scorer", self._merge_waves),)

    def _merge_waves(self, per_wave: list[list[Any]]) -> dict[str, Any]:
        """The stats.json ``scorer`` section: quantiles are per wave, so one wave's are the run's own."""
        sections = [score_stats(items, self._config) for items in per_wave]
        return sections[0] if len(sections) == 1 else {"per_wave": sections}

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        config = self._config
        scored = (
            docs
            | "TokenizeForScoring" >> beam.ParDo(_TokenizeForScoringFn(config.tokenizer))
            | "Score" >> RunInference(QualityModelHandler(config))
        )
        combine = SingleInputTupleCombineFn(ApproximateQuantilesCombineFn.create(num_quantiles=NUM_QUANTILES),
                                            CountCombineFn(), MeanCombineFn())
        by_language = (
            scored
            | "ScoreByLanguage" >> beam.FlatMap(_language_score)
            | "Quantiles" >> beam.CombinePerKey(combine)
        )
        results = scored | "Bucket" >> beam.ParDo(
            _BucketFn(config, self._keep_tokens), quantiles=beam.pvalue.AsDict(by_language)
        ).with_outputs(REMOVED, main=KEPT)
        percentiles = by_language | "Summarise" >> beam.MapTuple(
            lambda lang, quantiles_n_mean: (lang, percentile_summary(*quantiles_n_mean, lang, config)))
        return {KEPT: results[KEPT], REMOVED: results[REMOVED], PERCENTILES: percentiles}

