"""The per-document stages of a run, in order, as data: adding one (a scorer, a new filter) means adding it
here; reading, dedup, tokenizing, counting and writing around it (``pipeline/phases/``) do not change."""

from __future__ import annotations

import apache_beam as beam

from babelbeam.pipeline.stages.langid import IdentifyLanguage
from babelbeam.pipeline.stages.normalize import Normalize
from babelbeam.pipeline.stages.quality import QualityFilter
from babelbeam.schemas.config import RunConfig


def document_stages(config: RunConfig) -> list[tuple[str, beam.PTransform]]:
    """The keep-or-remove per-document stages (no shuffle between them), in order, with their step labels."""
    stages: list[tuple[str, beam.PTransform]] = [("Normalize", Normalize(config.normalize)),
                                                 ("IdentifyLanguage", IdentifyLanguage(config.langid))]
    if config.quality.enabled:
        stages.append(("QualityFilter", QualityFilter(config.quality)))
    if config.scorer.enabled:
        from babelbeam.pipeline.stages.score import ScoreDocuments  # imports torch: only when scoring

        # The scorer's token ids are kept for the shards when it uses the run's tokenizer.
        same_tokenizer = config.scorer.tokenizer == config.tokenize.tokenizer
        stages.append(("ScoreDocuments", ScoreDocuments(config.scorer, keep_tokens=same_tokenizer)))
    return stages
