"""Score documents with a quality model (perplexity or a trained head) without the rest of the pipeline.

    babelbeam score --input docs.jsonl --model out/hf --output out/scored
    babelbeam score --input docs.jsonl --model out/scorer --output out/scored --min-percentile 10

Reads the input like ``babelbeam run``, normalises it, identifies each document's language (unless
``--no-langid``: then every document is ``und``), scores it and writes, deterministically:
``DIR/scored/scored-NNNNN.jsonl`` (kept documents with ``quality_score`` and ``quality_bucket``, sorted by
id; ``--with-text`` keeps the text), ``DIR/removed/`` (documents below a threshold or without tokens) and
``DIR/scores.json`` (per-language percentiles and cut-offs). Beam options pass through.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

ACCEPTS_EXTRA_ARGS = True  # Beam options pass through
SCORES_NAME = "scores.json"
SCORED_DIR = "scored"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True, help="input files or globs (JSONL, Parquet, text)")
    parser.add_argument("--model", required=True, help="HF Qwen3 dir, babelbeam train run/checkpoint, or "
                        "train-scorer output")
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--config", default=None, help="YAML run config; its input, normalize, langid and "
                        "scorer sections are used")
    parser.add_argument("--kind", choices=["auto", "perplexity", "head"], default=None,
                        help="perplexity under a language model, or a train-scorer regression head; auto "
                             "(default): head when the model directory holds scorer.json")
    parser.add_argument("--max-tokens", type=int, default=None, help="score the first N tokens (default 512)")
    parser.add_argument("--batch-tokens", type=int, default=None, help="padded tokens per forward pass")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default=None,
                        help="where the model runs (default auto: cuda when available)")
    parser.add_argument("--min-percentile", type=float, default=None,
                        help="remove documents below this percentile of their language")
    parser.add_argument("--langid", action=argparse.BooleanOptionalAction, default=True,
                        help="identify languages first (default on: buckets are per language)")
    parser.add_argument("--with-text", action="store_true", help="keep the text in the scored JSONL")
    parser.add_argument("--buckets", type=int, default=16, help="output files per kind (default 16)")


def scorer_config_from_args(args: argparse.Namespace, base: Any) -> Any:
    """The run config's scorer section with the command line's choices applied (enabled, model set)."""
    import dataclasses

    from babelbeam.schemas.scorer_config import ScorerConfig

    changes: dict[str, Any] = {"enabled": True, "model": args.model}
    for name in ("kind", "max_tokens", "batch_tokens", "device"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.min_percentile is not None:
        changes["min_percentile"] = {"*": args.min_percentile}
    values = {**dataclasses.asdict(base), **changes}
    if values["batch_tokens"] < values["max_tokens"]:
        values["batch_tokens"] = values["max_tokens"]
    return ScorerConfig(**values)


def main(args: argparse.Namespace) -> int:
    import apache_beam as beam
    from apache_beam.io.filesystems import FileSystems

    from babelbeam.model.checkpoint_errors import CheckpointError
    from babelbeam.pipeline.langid_stage import IdentifyLanguage
    from babelbeam.pipeline.options import pipeline_options
    from babelbeam.pipeline.score_stage import PERCENTILES, ScoreDocuments, score_stats
    from babelbeam.pipeline.sinks import REMOVED_DIR, WriteSortedJsonl, write_atomically
    from babelbeam.pipeline.sources import InputError, ReadDocuments, match_inputs
    from babelbeam.pipeline.stage import KEPT, REMOVED
    from babelbeam.pipeline.stages import Normalize
    from babelbeam.schemas.config import ConfigError, RunConfig

    try:
        config = RunConfig.from_yaml(args.config)
        base = getattr(config, "scorer", None)
        if base is None:
            from babelbeam.schemas.scorer_config import ScorerConfig

            base = ScorerConfig()
        scorer = scorer_config_from_args(args, base)
        paths = match_inputs(args.input)
        from babelbeam.model.scorer import check_model

        check_model(scorer.model)  # a crafted or corrupt checkpoint fails here, not inside a worker
    except (ConfigError, InputError, CheckpointError, OSError) as e:
        print(f"babelbeam score: {e}", file=sys.stderr)
        return 2
    output, with_text, buckets = args.output, args.with_text, args.buckets

    def write_scores(items: list[tuple[str, dict]]) -> None:
        data = json.dumps(score_stats(items, scorer), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_atomically(FileSystems.join(output, SCORES_NAME), data.encode("utf-8"))

    with beam.Pipeline(options=pipeline_options(list(getattr(args, "extra_args", []) or []))) as p:
        docs = (p | "Read" >> ReadDocuments(paths, config.input))["documents"]
        stages = [("Normalize", Normalize(config.normalize))]
        if args.langid:
            stages.append(("IdentifyLanguage", IdentifyLanguage(config.langid)))
        removed = []
        for label, stage in stages:
            result = docs | label >> stage
            docs = result[KEPT]
            removed.append(result[REMOVED])
        scored = docs | "Score" >> ScoreDocuments(scorer, keep_tokens=False)
        removed.append(scored[REMOVED])
        _ = scored[KEPT] | "WriteScored" >> WriteSortedJsonl(
            output, SCORED_DIR, key=lambda d: d.id, to_dict=lambda d: d.to_json_dict(with_text=with_text),
            buckets=buckets)
        _ = removed | "AllRemoved" >> beam.Flatten() | "WriteRemoved" >> WriteSortedJsonl(
            output, REMOVED_DIR, key=lambda d: d.id, to_dict=lambda d: d.to_json_dict(with_text=with_text),
            buckets=buckets)
        _ = (scored[PERCENTILES] | "OneList" >> beam.combiners.ToList()
             | "WriteScores" >> beam.Map(write_scores))
    print(FileSystems.join(output, SCORES_NAME))
    return 0
