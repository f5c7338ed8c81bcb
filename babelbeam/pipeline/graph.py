"""The whole babelbeam graph: read, then a list of keep-or-remove stages, then tokenize and write.

Stages are data: ``document_stages(config)`` returns them in order, each a
PTransform that maps a PCollection of documents to ``{"kept", "removed"}``.
Adding a stage (quality filters, MinHash, a scorer) means adding it to that
list; the reading, logging, counting and writing around it do not change.
"""

from __future__ import annotations

import dataclasses

import apache_beam as beam

from babelbeam.pipeline.langid_stage import IdentifyLanguage
from babelbeam.pipeline.near_dedup import NearDedup
from babelbeam.pipeline.quality_stage import QualityFilter
from babelbeam.pipeline.sinks import WriteRunOutputs
from babelbeam.pipeline.sources import REJECTED, ReadDocuments
from babelbeam.pipeline.stage import KEPT, REMOVED
from babelbeam.pipeline.stages import ExactDedup, Normalize, Tokenize
from babelbeam.schemas.config import RunConfig


def document_stages(config: RunConfig) -> list[tuple[str, beam.PTransform]]:
    """The keep-or-remove stages of a run, in order, with their step labels."""
    stages: list[tuple[str, beam.PTransform]] = [
        ("Normalize", Normalize(config.normalize)),
        ("IdentifyLanguage", IdentifyLanguage(config.langid)),
        ("ExactDedup", ExactDedup(config.exact_dedup)),
    ]
    if config.quality.enabled:
        stages.append(("QualityFilter", QualityFilter(config.quality)))
    if config.minhash.enabled:
        stages.append(("NearDedup", NearDedup(config.minhash)))
    return stages


def build_pipeline(pipeline: beam.Pipeline, input_paths: list[str], output_dir: str, config: RunConfig
                   ) -> beam.PCollection:
    """Add the babelbeam graph to ``pipeline``; returns the PCollection holding the final stats dict.

    MinHash signatures are persisted under ``output_dir/minhash/`` (unless ``minhash.write_dir`` says
    elsewhere) so a later run can dedup against this one with ``minhash.index_dir``.
    """
    if config.minhash.enabled and config.minhash.write_dir is None:
        config = dataclasses.replace(config, minhash=dataclasses.replace(config.minhash, write_dir=output_dir))
    read = pipeline | "Read" >> ReadDocuments(input_paths, config.input)
    docs = read["documents"]
    removed = []
    for label, stage in document_stages(config):
        result = docs | label >> stage
        docs = result[KEPT]
        removed.append(result[REMOVED])
    all_removed = removed | "AllRemoved" >> beam.Flatten()
    rows = docs | "Tokenize" >> Tokenize(config.tokenize)
    return {
        "rows": rows, "removed": all_removed, "rejected": read[REJECTED], "read": read["documents"],
    } | "Write" >> WriteRunOutputs(
        output_dir,
        shard_tokens=config.output.shard_tokens,
        buckets=config.output.buckets,
        tokenizer_name=config.tokenize.tokenizer,
        keep_removed=config.output.keep_removed,
    )
