"""Run the babelbeam pipeline: raw documents in, Qwen3-tokenized Arrow shards out.

Usage: babelbeam run --input GLOB [GLOB ...] --output DIR [--config FILE] [--resume] [Beam options ...]

The run goes plan -> annotate each wave of files -> dedup over signatures -> write each bucket's shards ->
finalize (``pipeline/phases/``, one module each; docs/architecture.md draws it), each unit marked done under
DIR/work/ (``pipeline/workdir.py``) when it finishes, so --resume after a crash redoes only what is missing.
Any Beam option passes through (--runner DataflowRunner --project ...); without --runner the local in-process
FnApiRunner runs each phase. On one machine, --processes N runs N waves (and then N groups of output buckets)
at once, each in its own process with the in-process runner: the units share nothing but files, so no element
crosses a process boundary.

Local paths (inputs, output, models named in the config) are made absolute in the plan, so SDK workers started
in another directory open the same files; the plan records each input's size and modification time, and
--resume refuses a run whose inputs, waves or config differ, saying what differs. A run that rejects more than
input.max_rejected_fraction of its records writes everything, then exits 3 (exit codes: babelbeam/errors.py
and the README).
"""

from __future__ import annotations

import argparse
import copy
import logging
import time
from contextlib import nullcontext
from typing import Any

from babelbeam.console import Console, add_console_arguments, console_from_args, format_duration
from babelbeam.errors import EXIT_TOO_MANY_REJECTED, BabelbeamError
from babelbeam.pipeline import progress
from babelbeam.pipeline.local_processes import LocalProcesses
from babelbeam.pipeline.near_dedup import check_index
from babelbeam.pipeline.options import DEFAULT_RUNNER, log_time, pipeline_options
from babelbeam.pipeline.phases.annotate import annotate_wave
from babelbeam.pipeline.phases.dedup import dedup
from babelbeam.pipeline.phases.finalize import finalize
from babelbeam.pipeline.phases.plan import calibrate_langid, plan_run, with_calibrated_thresholds
from babelbeam.pipeline.phases.write import write_buckets
from babelbeam.pipeline.progress import RunMonitor
from babelbeam.pipeline.sources import InputError, absolute_path, input_root
from babelbeam.pipeline.workdir import WorkDir, delete_matching, exists, matches, read_json
from babelbeam.schemas.config import RunConfig

ACCEPTS_EXTRA_ARGS = True  # Beam options pass through
LOCAL_RUNNERS = (DEFAULT_RUNNER, "DirectRunner", "BundleBasedDirectRunner")
"""Runners that execute in this process, so --processes can give each unit its own."""
_LOG = logging.getLogger(__name__)


class TooManyRejectedError(BabelbeamError):
    """More than ``input.max_rejected_fraction`` of the input was rejected; everything was still written."""

    exit_code = EXIT_TOO_MANY_REJECTED


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True,
                        help="input files or globs (JSONL, Parquet, text, WARC/WET; .gz/.zst)")
    parser.add_argument("--output", required=True, help="output directory (local or a Beam filesystem path)")
    parser.add_argument("--config", default=None, help="YAML run config (see docs/configuration.md)")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run in DIR: only "
                        "unfinished waves, dedup and buckets run again")
    parser.add_argument("--overwrite", action="store_true",
                        help="delete what DIR holds from an earlier run first")
    parser.add_argument("--files-per-wave", type=int, default=None, metavar="N",
                        help="annotate input files N at a time (default: all in one wave, or --processes "
                             "waves); a failure costs one wave")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="local runs: run up to N waves, then N groups of output buckets, at once, each "
                             "in its own process (about N x one wave's memory); without --files-per-wave the "
                             "files are split into N waves")
    parser.add_argument("--dedup-index", default=None, metavar="DIR",
                        help="an earlier run's output directory: documents that near-duplicate its documents "
                             "are removed (reads DIR/minhash/)")
    parser.add_argument("--keep-removed", action=argparse.BooleanOptionalAction, default=None,
                        help="write removed documents with their reason under DIR/removed/ (default: config)")
    parser.add_argument("--scorer", default=None, metavar="PATH",
                        help="score every document with this model (a babelbeam train run, a train-scorer "
                             "output or a Hugging Face Qwen3 folder) and bucket it per language")
    parser.add_argument("--langid-model", default=None, metavar="PATH",
                        help="any fastText language-ID model file (GlotLID, OpenLID, your own); "
                             "default lid.176")
    add_console_arguments(parser)


def _check_processes(processes: int, beam_args: list[str]) -> None:
    if processes < 1:
        raise InputError(f"--processes must be >= 1, got {processes}")
    runner = pipeline_options(beam_args).get_all_options()["runner"]
    if processes > 1 and runner not in LOCAL_RUNNERS:
        raise InputError(f"--processes runs local in-process pipelines; with --runner {runner} the runner "
                         "spreads the work over its workers, so leave --processes out")


def run_pipeline(inputs: list[str], output_dir: str, config: RunConfig, beam_args: list[str] | None = None,
                 overwrite: bool = False, resume: bool = False, files_per_wave: int | None = None,
                 processes: int = 1, console: Console | None = None) -> dict:
    """Run (or resume) the three phases and return stats.json's content.

    ``processes`` > 1 runs that many waves, then that many groups of output buckets, at once in separate local
    processes; the bytes written are those of a one-process run with the same waves.
    ``console``: show each phase's progress there (``pipeline/progress.py``); the output does not change.
    Raises InputError / ConfigError on bad arguments (before anything is written) and ConservationError if the
    records do not add up. ``config`` is not changed: the run uses a copy with local paths made absolute.
    """
    beam_args = beam_args or []
    config = copy.deepcopy(config).validate()
    config.absolute_paths()
    output_dir = absolute_path(output_dir)
    watched = console is not None and not console.quiet
    _check_processes(processes, beam_args)
    if config.minhash.enabled and config.minhash.index_dir:
        check_index(config.minhash.index_dir, config.minhash)  # fail before any work, naming the index
    if config.scorer.enabled and config.scorer.model:
        from babelbeam.model.scorer import check_model

        check_model(config.scorer.model)  # a crafted or corrupt checkpoint fails here, not inside a worker
    workdir = WorkDir(output_dir)
    plan = plan_run(inputs, output_dir, config, files_per_wave, resume, overwrite, processes)
    if resume and exists(workdir.manifest):
        return read_json(workdir.stats)
    waves = plan["waves"]
    sizes = {path: f["size"] for path, f in plan["input_files"].items()}
    monitor = RunMonitor(output_dir, console, sizes) if watched else None
    # Workers write progress at least this often; the monitor polls the records in between.
    progress_s = min(progress.WORKER_INTERVAL_S, console.interval_s) if watched else None
    with LocalProcesses(processes) as local:
        if config.langid.thresholds == "auto":
            if not exists(workdir.langid_thresholds):
                _LOG.info("calibrating language-ID thresholds on %.0f%% of the input",
                          100 * config.langid.calibration_sample)
                local.run([(calibrate_langid, (output_dir, config, beam_args, plan["inputs"],
                                               input_root(plan["inputs"])))])
            config = with_calibrated_thresholds(output_dir, config)
        pending = [w for w in range(len(waves)) if not exists(workdir.wave_done(w))]
        if pending:
            _LOG.info("annotating %d of %d waves (%d files) in %d process(es)", len(pending), len(waves),
                      sum(len(waves[w]) for w in pending), min(processes, len(pending)))
            id_root = input_root(plan["inputs"])
            with log_time("annotated"), monitor.annotate(waves, pending) if monitor else nullcontext():
                local.run([(annotate_wave, (output_dir, config, beam_args, w, waves[w], id_root, progress_s))
                           for w in pending])
        if not exists(workdir.dedup_done):
            _LOG.info("dedup over signatures")
            with log_time("dedup done"), monitor.dedup() if monitor else nullcontext():
                local.run([(dedup, (output_dir, config, beam_args))])
        buckets = [b for b in range(config.output.buckets) if not exists(workdir.bucket_done(b))]
        if buckets:
            # what a killed attempt left of these buckets, temporary files included
            delete_matching([p for b in buckets for p in (workdir.shards_of(b), workdir.write_progress(b),
                                                          workdir.dedup_removed_log(b) + "*")])
            groups = [buckets[i::processes] for i in range(min(processes, len(buckets)))]
            _LOG.info("writing %d buckets in %d process(es)", len(buckets), len(groups))
            # Documents to merge: every annotated document when no bucket was written before (else unknown).
            everything = monitor is not None and len(buckets) == config.output.buckets
            totals = map(monitor.wave_totals, range(len(waves))) if everything else None
            to_merge = sum(t["documents"] - t["removed"] for t in totals) if totals is not None else None
            with log_time("buckets written"), monitor.write(buckets, to_merge) if monitor else nullcontext():
                local.run([(write_buckets, (output_dir, config, beam_args, g, len(waves), progress_s))
                           for g in groups])
    return finalize(output_dir, config, len(waves))


def rejected_share_problem(stats: dict[str, Any], config: RunConfig, output_dir: str) -> str | None:
    """The complaint if over ``input.max_rejected_fraction`` of the input was rejected, else None."""
    c = stats["conservation"]
    limit = config.input.max_rejected_fraction
    if not c["input"] or c["rejected"] / c["input"] <= limit:
        return None
    kinds = sorted(stats["rejected"].items(), key=lambda kv: (-kv[1], kv[0]))
    top = ", ".join(f"{kind} {n:,}" for kind, n in kinds[:3])
    hint = ""
    if kinds and kinds[0][0] == "missing_text":
        hint = f" (the text is read from input.text_field {config.input.text_field!r})"
    share = c["rejected"] / c["input"]
    return (f"{c['rejected']:,} of {c['input']:,} input records ({share:.1%}) were rejected, "
            f"more than input.max_rejected_fraction {limit:g}: {top}{hint}; each one is in "
            f"{WorkDir(output_dir).rejected()}/ (everything else was written)")


def summary(stats: dict[str, Any], output_dir: str, elapsed_s: float, show_files: int = 5) -> list[str]:
    """The closing lines of ``babelbeam run``: where the output is, what became of the records, which files
    could not be read whole, and where to look."""
    c, workdir = stats["conservation"], WorkDir(output_dir)
    shards = read_json(workdir.manifest)["totals"]["shards"]
    share = c["rejected"] / c["input"] if c["input"] else 0.0
    skipped = f", skipped {c['skipped']:,}" if c.get("skipped") else ""
    lines = [f"babelbeam run: {c['input']:,} records -> {output_dir} in {format_duration(elapsed_s)}",
             f"  kept {c['kept']:,} ({stats['tokens']:,} tokens in {shards} shards), "
             f"removed {c['removed']:,}, duplicates {c['duplicates']:,}{skipped}, "
             f"rejected {c['rejected']:,} ({share:.1%} of the records)"]
    damaged = list(dict.fromkeys(region["source"] for region in stats.get("damaged", [])))
    if damaged:
        more = f" and {len(damaged) - show_files} more" if len(damaged) > show_files else ""
        lines.append(f"  unreadable or damaged files ({len(damaged)}): "
                     f"{', '.join(damaged[:show_files])}{more} (stats.json's damaged lists where each stops)")
    look = [f"{workdir.stats} (every count by reason and language)"]
    if c["removed"] + c["duplicates"] and matches(workdir.removed("*")):
        look.append(f"{workdir.removed()}/ (each removed document with its reason)")
    if c["rejected"]:
        look.append(f"{workdir.rejected()}/ (each unreadable record with file, position and error)")
    lines.append("  look at: " + ", ".join(look))
    lines.append(f"  then: babelbeam inspect {output_dir}   babelbeam report {output_dir}")
    return lines


def main(args: argparse.Namespace) -> int:
    started = time.monotonic()
    console = console_from_args(args)
    config = RunConfig.from_yaml(args.config)
    if args.dedup_index:
        config.minhash.index_dir = args.dedup_index
    if args.keep_removed is not None:
        config.output.keep_removed = args.keep_removed
    if args.langid_model:
        config.langid.model = args.langid_model
    if args.scorer:
        config.scorer.enabled, config.scorer.model = True, args.scorer
    with console.logging():
        stats = run_pipeline(args.input, args.output, config, args.extra_args, overwrite=args.overwrite,
                             resume=args.resume, files_per_wave=args.files_per_wave,
                             processes=args.processes, console=console)
    if not console.quiet:
        print("\n".join(summary(stats, args.output, time.monotonic() - started)))
    problem = rejected_share_problem(stats, config, args.output)
    if problem:
        raise TooManyRejectedError(problem)
    return 0
