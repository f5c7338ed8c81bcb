"""Score documents with a quality model (perplexity or a trained head) without the rest of the pipeline.

    babelbeam score --input docs.jsonl --model out/hf --output out/scored
    babelbeam score --input docs.jsonl --model out/scorer --output out/scored --min-percentile 10

Reads the input like ``babelbeam run`` (the same reader: JSONL, Parquet, text, ``.gz``/``.zst``), normalises
it, identifies each document's language (unless ``--no-langid``: then every document is ``und``), scores it
and writes, deterministically: ``DIR/scored/scored-NNNNN.jsonl`` (kept documents with ``quality_score`` and
``quality_bucket``, sorted by id; ``--with-text`` keeps the text), ``DIR/removed/`` (documents removed by
normalisation, language ID or a score threshold, with their reason), ``DIR/rejected/`` (records that could not
be read, with their kind and position, as ``run`` writes them) and ``DIR/scores.json`` (per-language
percentiles and cut-offs, and the record counts: input = scored + removed + rejected, checked).

Nothing is written into DIR until the pipeline has finished: it writes under ``DIR/_incomplete-<id>/``, then
the results replace those of an earlier run (``scores.json`` last); a failed run leaves DIR as it was. Beam
options pass through.
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
    parser.add_argument("--input", nargs="+", required=True,
                        help="input files or globs (JSONL, Parquet, text; .gz/.zst), read as `run` reads")
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
    values["batch_tokens"] = max(values["batch_tokens"], values["max_tokens"])
    return ScorerConfig(**values)


STAGING_PREFIX = "_incomplete-"
OUTPUT_PATTERNS = (f"{SCORED_DIR}/{SCORED_DIR}-*.jsonl", "removed/removed-*.jsonl",
                   "rejected/rejected-*.jsonl")
"""The files of a finished score run, relative to DIR (``scores.json`` besides)."""


def records_section(counts: list[tuple[tuple[str, str, str], int]]) -> dict[str, Any]:
    """The ``records`` section of scores.json from the (kind, reason, lang) counts: input, scored, removed,
    rejected and skipped by reason, and whether ``input == scored + removed + rejected + skipped``."""
    section: dict[str, Any] = {"input": 0, "read": 0, "scored": 0, "removed": {}, "rejected": {},
                               "skipped": {}}
    for (kind, reason, _lang), n in counts:
        if kind in ("read", "scored"):
            section[kind] += n
        else:
            section[kind][reason] = section[kind].get(reason, 0) + n
    removed, rejected, skipped = (sum(section[k].values()) for k in ("removed", "rejected", "skipped"))
    section["input"] = section["read"] + rejected + skipped
    for key in ("removed", "rejected", "skipped"):
        section[key] = dict(sorted(section[key].items()))
    section["holds"] = section["read"] == section["scored"] + removed and (
        section["input"] == section["scored"] + removed + rejected + skipped)
    return section


def _publish(staging: str, output: str) -> None:
    """Move a finished run's files from ``staging`` into ``output``, replacing an earlier run's (scores.json
    last, so its presence marks a complete result), then delete ``staging``."""
    from apache_beam.io.filesystems import FileSystems

    from babelbeam.pipeline.sinks import write_atomically
    from babelbeam.pipeline.workdir import delete_matching, matches

    delete_matching([FileSystems.join(output, pattern) for pattern in OUTPUT_PATTERNS])
    new = [path for pattern in OUTPUT_PATTERNS for path in matches(FileSystems.join(staging, pattern))]
    destinations = [FileSystems.join(output, path[len(staging):].lstrip("/")) for path in new]
    for directory in sorted({d.rsplit("/", 1)[0] for d in destinations}):
        if not FileSystems.exists(directory):  # local directories; object stores have none to make
            FileSystems.mkdirs(directory)
    if new:
        FileSystems.rename(new, destinations)
    with FileSystems.open(FileSystems.join(staging, SCORES_NAME)) as f:
        write_atomically(FileSystems.join(output, SCORES_NAME), f.read())
    FileSystems.delete([staging])


def main(args: argparse.Namespace) -> int:
    import uuid

    import apache_beam as beam
    from apache_beam.io.filesystems import FileSystems

    from babelbeam.errors import ConservationError
    from babelbeam.model.checkpoint_errors import CheckpointError
    from babelbeam.pipeline.options import pipeline_options
    from babelbeam.pipeline.sinks import WriteSortedJsonl, write_json
    from babelbeam.pipeline.sources import REJECTED, InputError, ReadDocuments, match_inputs
    from babelbeam.pipeline.stages.base import KEPT, REMOVED
    from babelbeam.pipeline.stages.langid import IdentifyLanguage
    from babelbeam.pipeline.stages.normalize import Normalize
    from babelbeam.pipeline.stages.score import PERCENTILES, ScoreDocuments, score_stats
    from babelbeam.pipeline.workdir import REJECTED_DIR, REMOVED_DIR, delete_matching
    from babelbeam.schemas import RejectedRecord
    from babelbeam.schemas.config import ConfigError, RunConfig

    try:
        config = RunConfig.from_yaml(args.config)
        scorer = scorer_config_from_args(args, config.scorer)
        paths = match_inputs(args.input)
        from babelbeam.model.scorer import check_model

        check_model(scorer.model)  # a crafted or corrupt checkpoint fails here, not inside a worker
    except (ConfigError, InputError, CheckpointError, OSError) as e:
        print(f"babelbeam score: {e}", file=sys.stderr)
        return 2
    output, with_text, buckets = args.output, args.with_text, args.buckets
    delete_matching([FileSystems.join(output, STAGING_PREFIX + "*")])  # what a killed run left
    staging = FileSystems.join(output, f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}")

    def write_scores(items: list[tuple[str, dict]], counts: list[tuple[tuple[str, str, str], int]]) -> None:
        stats = {**score_stats(items, scorer), "records": records_section(counts)}
        write_json(FileSystems.join(staging, SCORES_NAME), stats, indent=2, sort_keys=True,
                   ensure_ascii=False)

    try:
        with beam.Pipeline(options=pipeline_options(list(getattr(args, "extra_args", []) or []))) as p:
            read = p | "Read" >> ReadDocuments(paths, config.input)
            docs, removed = read["documents"], []
            stages = [("Normalize", Normalize(config.normalize))]
            if args.langid:
                stages.append(("IdentifyLanguage", IdentifyLanguage(config.langid)))
            for label, stage in stages:
                result = docs | label >> stage
                docs = result[KEPT]
                removed.append(result[REMOVED])
            scored = docs | "Score" >> ScoreDocuments(scorer, keep_tokens=False)
            removed.append(scored[REMOVED])
            all_removed = removed | "AllRemoved" >> beam.Flatten()
            for label, documents, subdir in (("WriteScored", scored[KEPT], SCORED_DIR),
                                             ("WriteRemoved", all_removed, REMOVED_DIR)):
                _ = documents | label >> WriteSortedJsonl(
                    staging, subdir, key=lambda d: d.id, buckets=buckets,
                    to_dict=lambda d: d.to_json_dict(with_text=with_text))
            _ = read[REJECTED] | "WriteRejected" >> WriteSortedJsonl(
                staging, REJECTED_DIR, key=lambda r: f"{r.source}\x00{r.position:012d}",
                to_dict=RejectedRecord.to_json_dict, buckets=buckets)
            # (kind, reason, lang) keys: each record read or rejected, each document scored or removed.
            counts = (
                (read["documents"] | "ReadKeys" >> beam.Map(lambda _: (("read", "", ""), 1)),
                 scored[KEPT] | "ScoredKeys" >> beam.Map(lambda d: (("scored", "", d.lang), 1)),
                 all_removed | "RemovedKeys" >> beam.Map(
                     lambda d: (("removed", d.removed_reason, d.lang), 1)),
                 read[REJECTED] | "RejectedKeys" >> beam.Map(lambda r: (("rejected", r.error, ""), 1)))
                | "AllKeys" >> beam.Flatten()
                | "CountKeys" >> beam.CombinePerKey(sum)
                | "CountList" >> beam.combiners.ToList()
            )
            _ = (scored[PERCENTILES] | "OneList" >> beam.combiners.ToList()
                 | "WriteScores" >> beam.Map(write_scores, counts=beam.pvalue.AsSingleton(counts)))
        with FileSystems.open(FileSystems.join(staging, SCORES_NAME)) as f:
            records = json.loads(f.read().decode("utf-8"))["records"]
        removed_n, rejected_n, skipped_n = (sum(records[k].values())
                                            for k in ("removed", "rejected", "skipped"))
        if not records["holds"]:
            raise ConservationError(
                f"records do not add up: input {records['input']} != scored {records['scored']} + removed "
                f"{removed_n} + rejected {rejected_n} + skipped {skipped_n}; nothing written to {output}")
        _publish(staging, output)
    except BaseException:
        if FileSystems.exists(staging):
            FileSystems.delete([staging])
        raise
    kinds = ", ".join(f"{kind} {n}" for kind, n in records["rejected"].items())
    print(f"{records['input']} records: {records['scored']} scored, {removed_n} removed, {rejected_n} "
          f"rejected{f' ({kinds})' if kinds else ''}{f', {skipped_n} skipped' if skipped_n else ''} -> "
          f"{output} (scored/, removed/, rejected/, {SCORES_NAME})")
    return 0
