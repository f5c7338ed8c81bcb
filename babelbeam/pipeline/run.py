"""Run the babelbeam pipeline: raw documents in, Qwen3-tokenized Arrow shards out.

Usage: babelbeam run --input GLOB [GLOB ...] --output DIR [--config FILE] [--resume] [Beam options ...]

The run goes in three phases (annotate each wave of files, dedup over
signatures, write each bucket's shards), each unit marked done under
DIR/work/ when it finishes, so --resume after a crash redoes only what is
missing. Any Beam option passes through (--runner DataflowRunner --project ...);
without --runner the local in-process FnApiRunner runs each phase. On one
machine, --processes N runs N waves (and then N groups of output buckets) at
once, each in its own process with the in-process runner: the units share
nothing but files, so no element crosses a process boundary.

Local paths (inputs, output, models named in the config) are made absolute in
the plan, so SDK workers started in another directory open the same files; the
plan records each input's size and modification time, and --resume refuses a
run whose inputs, waves or config differ, saying what differs. A run that
rejects more than input.max_rejected_fraction of its records writes everything,
then exits 3 (exit codes: babelbeam/errors.py and the README).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import datetime
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
import yaml
from apache_beam.io.filesystems import FileSystems

from babelbeam.console import Console, add_console_arguments, console_from_args, format_duration
from babelbeam.errors import EXIT_TOO_MANY_REJECTED, BabelbeamError, CorruptOutputError
from babelbeam.filters.langid import resolve_thresholds
from babelbeam.filters.langid_calibration import parse_thresholds
from babelbeam.pipeline import progress
from babelbeam.pipeline.graph import document_stages
from babelbeam.pipeline.langid_calibration import CalibrateRunInputs
from babelbeam.pipeline.local_processes import LocalProcesses
from babelbeam.pipeline.options import DEFAULT_RUNNER, pipeline_options
from babelbeam.pipeline.phases import AnnotateWave, DedupSignatures, WriteOutputBuckets, work_path
from babelbeam.pipeline.progress import ProgressTarget, RunMonitor, progress_path
from babelbeam.pipeline.sinks import REJECTED_DIR, REMOVED_DIR, build_stats, write_atomically
from babelbeam.pipeline.sources import (
    InputError,
    InputFile,
    absolute_path,
    input_root,
    input_sizes,
    match_input_files,
)
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.shard import MANIFEST_NAME, SHARDS_DIR, STATS_NAME
from babelbeam.tokenize.shards import ShardEntry, make_manifest

ACCEPTS_EXTRA_ARGS = True  # Beam options pass through
PLAN_NAME = "plan.json"
LOCAL_RUNNERS = (DEFAULT_RUNNER, "DirectRunner", "BundleBasedDirectRunner")
"""Runners that execute in this process, so --processes can give each unit its own."""
_LOG = logging.getLogger(__name__)


class ConservationError(CorruptOutputError, RuntimeError):
    """Input records do not add up to kept + removed + duplicates + rejected + skipped."""


class TooManyRejectedError(BabelbeamError):
    """More than ``input.max_rejected_fraction`` of the input was rejected; everything was still written."""

    exit_code = EXIT_TOO_MANY_REJECTED


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True,
                        help="input files or globs (JSONL, Parquet, text, WARC/WET; .gz/.zst)")
    parser.add_argument("--output", required=True, help="output directory (local or a Beam filesystem path)")
    parser.add_argument("--config", default=None, help="YAML run config (see docs/configuration.md)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in DIR: only unfinished waves, dedup and buckets run again")
    parser.add_argument("--overwrite", action="store_true", help="delete what DIR holds from an earlier run first")
    parser.add_argument("--files-per-wave", type=int, default=None, metavar="N",
                        help="annotate input files N at a time (default: all in one wave, or --processes waves); "
                             "a failure costs one wave")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="local runs: run up to N waves, then N groups of output buckets, at once, each in its "
                             "own process (about N x one wave's memory); without --files-per-wave the files are "
                             "split into N waves")
    parser.add_argument("--dedup-index", default=None, metavar="DIR",
                        help="an earlier run's output directory: documents that near-duplicate its documents are "
                             "removed (reads DIR/minhash/)")
    parser.add_argument("--keep-removed", action=argparse.BooleanOptionalAction, default=None,
                        help="write removed documents with their reason under DIR/removed/ (default: config)")
    parser.add_argument("--scorer", default=None, metavar="PATH",
                        help="score every document with this model (a babelbeam train run, a train-scorer output "
                             "or a Hugging Face Qwen3 folder) and bucket it per language")
    parser.add_argument("--langid-model", default=None, metavar="PATH",
                        help="any fastText language-ID model file (GlotLID, OpenLID, your own); default lid.176")
    add_console_arguments(parser)


def _exists(path: str) -> bool:
    return FileSystems.exists(path)


def _read_json(path: str) -> Any:
    with FileSystems.open(path) as f:
        return json.loads(f.read().decode("utf-8"))


def _delete_matching(patterns: list[str]) -> None:
    for pattern in patterns:
        paths = [m.path for m in FileSystems.match([pattern])[0].metadata_list]
        if paths:
            FileSystems.delete(paths)


def _output_patterns(output_dir: str) -> list[str]:
    """Everything a run writes, for --overwrite."""
    j = FileSystems.join
    return [j(output_dir, MANIFEST_NAME), j(output_dir, STATS_NAME), j(output_dir, SHARDS_DIR, "*"),
            j(output_dir, REMOVED_DIR, "*"), j(output_dir, REJECTED_DIR, "*"), j(output_dir, "minhash", "*"),
            work_path(output_dir, "*"), work_path(output_dir, "*", "*"), work_path(output_dir, "docs", "*", "*")]


@contextlib.contextmanager
def _log_time(what: str) -> Iterator[None]:
    """Log at INFO how long the block took (`babelbeam run -v`), to see which phase a run spends its time in."""
    started = time.perf_counter()
    yield
    _LOG.info("%s in %.1f s", what, time.perf_counter() - started)


def _run_beam(beam_args: list[str], build: Any) -> None:
    with beam.Pipeline(options=pipeline_options(beam_args)) as pipeline:
        build(pipeline)


def _check_processes(processes: int, beam_args: list[str]) -> None:
    if processes < 1:
        raise InputError(f"--processes must be >= 1, got {processes}")
    runner = pipeline_options(beam_args).get_all_options()["runner"]
    if processes > 1 and runner not in LOCAL_RUNNERS:
        raise InputError(f"--processes runs local in-process pipelines; with --runner {runner} the runner spreads "
                         "the work over its workers, so leave --processes out")


def _annotate_wave(output_dir: str, config: RunConfig, beam_args: list[str], wave: int, files: list[str],
                   id_root: str, progress_s: float | None = None) -> None:
    """Phase 1 for one wave, from a clean slate to its done marker; with ``progress_s`` its readers report
    progress every that many seconds (``pipeline/progress.py``)."""
    _delete_matching([work_path(output_dir, "docs", f"wave-{wave:05d}", "*"),
                      work_path(output_dir, "signatures", f"wave-{wave:05d}-*"),
                      FileSystems.join(output_dir, REMOVED_DIR, f"wave-{wave:05d}-*"),
                      FileSystems.join(output_dir, REJECTED_DIR, f"wave-{wave:05d}-*"),
                      progress_path(output_dir, f"wave-{wave:05d}-*")])
    if files:
        stages = document_stages(config)
        target = (ProgressTarget(progress_path(output_dir, f"wave-{wave:05d}"), progress_s)
                  if progress_s is not None else None)
        try:
            with _log_time(f"wave {wave}: {len(files)} files annotated"):
                _run_beam(beam_args, lambda p: p | f"AnnotateWave{wave}" >> AnnotateWave(
                    files, output_dir, wave, config, stages, id_root, target))
        finally:
            if target is not None:
                progress.release(target)
    else:
        write_atomically(work_path(output_dir, "counts", f"wave-{wave:05d}.json"), b"[]\n")
    write_atomically(work_path(output_dir, "waves", f"wave-{wave:05d}.done"), b"done\n")


LANGID_THRESHOLDS = ("langid", "thresholds.yaml")
"""Where ``langid.thresholds: auto`` writes the thresholds it measured, under ``DIR/work/``."""


def _calibrate_langid(output_dir: str, config: RunConfig, beam_args: list[str], inputs: list[str],
                      id_root: str) -> None:
    """The ``langid.thresholds: auto`` pre-pass: the thresholds YAML is its own done marker."""
    path = work_path(output_dir, *LANGID_THRESHOLDS)
    with _log_time("language-ID thresholds calibrated"):
        _run_beam(beam_args,
                  lambda p: p | "CalibrateLangId" >> CalibrateRunInputs(inputs, config, path, id_root))


def with_calibrated_thresholds(output_dir: str, config: RunConfig) -> RunConfig:
    """``config`` with ``langid.thresholds: auto`` replaced by the measured mapping (the default threshold for
    languages the sample had too few documents of)."""
    path = work_path(output_dir, *LANGID_THRESHOLDS)
    with FileSystems.open(path) as f:
        measured = parse_thresholds(yaml.safe_load(f.read().decode("utf-8")), path)
    default = resolve_thresholds(dataclasses.replace(config.langid, thresholds="default"))
    langid = dataclasses.replace(config.langid, thresholds={**default, **measured})
    return dataclasses.replace(config, langid=langid)


def _dedup(output_dir: str, config: RunConfig, beam_args: list[str]) -> None:
    """Phase 2, from a clean slate to its done marker."""
    _delete_matching([work_path(output_dir, "dedup", "*"), FileSystems.join(output_dir, "minhash", "*")])
    if FileSystems.match([work_path(output_dir, "signatures", "*.parquet")])[0].metadata_list:
        _run_beam(beam_args, lambda p: p | "Dedup" >> DedupSignatures(output_dir, config))
    write_atomically(work_path(output_dir, "dedup", "_DONE"), b"done\n")


def _write_buckets(output_dir: str, config: RunConfig, beam_args: list[str], buckets: list[int], waves: int,
                   progress_s: float | None = None) -> None:
    _run_beam(beam_args, lambda p: p | "Write" >> WriteOutputBuckets(buckets, output_dir, config, waves,
                                                                     progress_s))


def _input_files(files: list[InputFile]) -> dict[str, dict[str, float]]:
    return {f.path: {"size": f.size, "mtime": f.mtime} for f in files}


def plan_run(inputs: list[str], output_dir: str, config: RunConfig, files_per_wave: int | None,
             resume: bool, overwrite: bool, processes: int = 1) -> dict[str, Any]:
    """Decide the waves and check the output directory; returns the plan saved under DIR/work/.

    The plan holds the absolute input paths (with each one's size and modification time), the waves and the
    config; ``resume`` checks that all of them are what the saved plan says.
    """
    files = match_input_files(inputs)
    paths = [f.path for f in files]
    if files_per_wave is not None and files_per_wave < 1:
        raise InputError(f"--files-per-wave must be >= 1, got {files_per_wave}")
    per_wave = files_per_wave or max(-(-len(paths) // processes), 1)
    plan = {"inputs": paths, "input_files": _input_files(files),
            "waves": [paths[i:i + per_wave] for i in range(0, len(paths), per_wave)] or [[]],
            "config": config.to_dict()}
    plan_path = work_path(output_dir, PLAN_NAME)
    if resume:
        if not _exists(plan_path):
            raise InputError(f"{output_dir} holds no run to resume (no work/{PLAN_NAME})")
        saved = _read_json(plan_path)
        differences = plan_differences(saved, json.loads(json.dumps(plan)))
        if differences:
            raise InputError(f"--resume: {'; '.join(differences)}. Resume with the same inputs and "
                             "arguments, or start again with --overwrite (or another --output)")
        return plan
    if _exists(FileSystems.join(output_dir, MANIFEST_NAME)) or _exists(plan_path):
        if not overwrite:
            raise InputError(f"{output_dir} already holds a run; pass --resume to continue it, --overwrite to "
                             "replace it, or choose another --output")
        _delete_matching(_output_patterns(output_dir))
    try:
        write_atomically(plan_path, (json.dumps(plan, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    except OSError as e:  # fail before any work: unwritable directory, full disk, bad bucket
        raise InputError(f"cannot write to the output directory {output_dir}: {e.strerror or e}") from None
    return plan


def _when(mtime: float) -> str:
    return datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).isoformat(timespec="seconds")


def _few(names: list[str], most: int = 3) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): value}


def plan_differences(saved: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """What differs between a saved plan and a new one, one phrase each (empty when they agree)."""
    out: list[str] = []
    old_inputs, new_inputs = saved.get("inputs", []), plan["inputs"]
    old_set, new_set = set(old_inputs), set(new_inputs)
    added = [p for p in new_inputs if p not in old_set]
    removed = [p for p in old_inputs if p not in new_set]
    if added:
        out.append(f"{len(added)} input file(s) not in the run: {_few(added)}")
    if removed:
        out.append(f"{len(removed)} input file(s) of the run not given now: {_few(removed)}")
    old_files = saved.get("input_files")
    if old_files is None:
        out.append("the saved plan records no input sizes (made by an older babelbeam); start again with "
                   "--overwrite")
    else:
        changed_files = []
        for path, now in plan["input_files"].items():
            then = old_files.get(path)
            if then is None or then == now:
                continue
            what = []
            if then["size"] != now["size"]:
                what.append(f"size {then['size']:,} -> {now['size']:,} bytes")
            if then["mtime"] != now["mtime"]:
                what.append(f"modified {_when(then['mtime'])} -> {_when(now['mtime'])}")
            changed_files.append(f"input {path} changed since the run was planned ({', '.join(what)})")
        out += changed_files[:3]
        if len(changed_files) > 3:
            out.append(f"and {len(changed_files) - 3} more input files changed")
    if not added and not removed and saved.get("waves") != plan["waves"]:
        old_waves, new_waves = saved.get("waves") or [[]], plan["waves"]
        out.append(f"the waves differ: the run has {len(old_waves)} wave(s) of up to "
                   f"{max(map(len, old_waves))} file(s), these arguments make {len(new_waves)} of up to "
                   f"{max(map(len, new_waves))} (--files-per-wave, or --processes without it)")
    old_config, new_config = _flatten(saved.get("config", {})), _flatten(plan["config"])
    changed = [k for k in sorted(set(old_config) | set(new_config)) if old_config.get(k) != new_config.get(k)]
    if changed:
        out.append("config differs: " + ", ".join(
            f"{k} {json.dumps(old_config.get(k))} -> {json.dumps(new_config.get(k))}" for k in changed[:5])
            + (f" and {len(changed) - 5} more keys" if len(changed) > 5 else ""))
    if not out and saved != plan:
        keys = sorted(k for k in set(saved) | set(plan) if saved.get(k) != plan.get(k))
        out.append(f"the saved plan differs in {', '.join(keys)}")
    return out


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
        from babelbeam.pipeline.near_dedup import check_index

        check_index(config.minhash.index_dir, config.minhash)  # fail before any work, naming the index
    if config.scorer.enabled and config.scorer.model:
        from babelbeam.model.scorer import check_model

        check_model(config.scorer.model)  # a crafted or corrupt checkpoint fails here, not inside a worker
    plan = plan_run(inputs, output_dir, config, files_per_wave, resume, overwrite, processes)
    if resume and _exists(FileSystems.join(output_dir, MANIFEST_NAME)):
        return _read_json(FileSystems.join(output_dir, STATS_NAME))
    waves = plan["waves"]
    monitor = RunMonitor(output_dir, console, input_sizes(inputs), _read_json) if watched else None
    # Workers write progress at least this often; the monitor polls the records in between.
    progress_s = min(progress.WORKER_INTERVAL_S, console.interval_s) if watched else None
    with LocalProcesses(processes) as local:
        if config.langid.thresholds == "auto":
            if not _exists(work_path(output_dir, *LANGID_THRESHOLDS)):
                _LOG.info("calibrating language-ID thresholds on %.0f%% of the input",
                          100 * config.langid.calibration_sample)
                local.run([(_calibrate_langid, (output_dir, config, beam_args, plan["inputs"],
                                                input_root(plan["inputs"])))])
            config = with_calibrated_thresholds(output_dir, config)
        pending = [w for w in range(len(waves)) if not _exists(work_path(output_dir, "waves", f"wave-{w:05d}.done"))]
        if pending:
            _LOG.info("annotating %d of %d waves (%d files) in %d process(es)", len(pending), len(waves),
                      sum(len(waves[w]) for w in pending), min(processes, len(pending)))
            id_root = input_root(plan["inputs"])
            with _log_time("annotated"), _watch(monitor and monitor.annotate(waves, pending)):
                local.run([(_annotate_wave, (output_dir, config, beam_args, w, waves[w], id_root, progress_s))
                           for w in pending])
        if not _exists(work_path(output_dir, "dedup", "_DONE")):
            _LOG.info("dedup over signatures")
            with _log_time("dedup done"), _watch(monitor and monitor.dedup()):
                local.run([(_dedup, (output_dir, config, beam_args))])
        buckets = [b for b in range(config.output.buckets)
                   if not _exists(work_path(output_dir, "write", f"bucket-{b:05d}.json"))]
        if buckets:
            _delete_matching([FileSystems.join(output_dir, SHARDS_DIR, f"part-{b:05d}-*") for b in buckets]
                             + [progress_path(output_dir, f"write-{b:05d}.json") for b in buckets])
            groups = [buckets[i::processes] for i in range(min(processes, len(buckets)))]
            _LOG.info("writing %d buckets in %d process(es)", len(buckets), len(groups))
            # Documents to merge: every annotated document when no bucket was written before (else unknown).
            to_merge = (sum(t["documents"] - t["removed"] for t in map(monitor.wave_totals, range(len(waves))))
                        if monitor is not None and len(buckets) == config.output.buckets else None)
            with _log_time("buckets written"), _watch(monitor and monitor.write(buckets, to_merge)):
                local.run([(_write_buckets, (output_dir, config, beam_args, g, len(waves), progress_s))
                           for g in groups])
    return finalize(output_dir, config, len(waves))


def _watch(monitor_context: contextlib.AbstractContextManager | None) -> contextlib.AbstractContextManager:
    return monitor_context if monitor_context else contextlib.nullcontext()


def finalize(output_dir: str, config: RunConfig, waves: int) -> dict[str, Any]:
    """stats.json and manifest.json from the phases' markers; the manifest goes last and marks a finished run."""
    from babelbeam.tokenize import load_tokenizer

    _delete_matching([progress_path(output_dir, "*")])  # watching a run leaves no trace in its files
    if _exists(progress_path(output_dir)):
        FileSystems.delete([progress_path(output_dir)])
    counts: list[tuple[tuple[str, str, str], int]] = []
    entries: list[ShardEntry] = []
    damaged: list[dict[str, Any]] = []
    for wave in range(waves):
        counts += [(tuple(k), n) for k, n in _read_json(work_path(output_dir, "counts", f"wave-{wave:05d}.json"))]
        if _exists(damaged_path := work_path(output_dir, "counts", f"wave-{wave:05d}.damaged.json")):
            damaged += _read_json(damaged_path)
    for bucket in range(config.output.buckets):
        marker = _read_json(work_path(output_dir, "write", f"bucket-{bucket:05d}.json"))
        counts += [(tuple(k), n) for k, n in marker["counts"]]
        entries += [ShardEntry(**e) for e in marker["entries"]]
    stats = build_stats(counts, entries, damaged)
    if config.scorer.enabled:
        from babelbeam.pipeline.score_stage import score_stats

        # Quantiles are computed per wave: with one wave (the default) they are the run's own.
        waves_scored = []
        for wave in range(waves):
            path = work_path(output_dir, "counts", f"wave-{wave:05d}.scorer.json")
            items = [(lang, summary) for lang, summary in _read_json(path)] if _exists(path) else []
            waves_scored.append(score_stats(items, config.scorer))
        stats["scorer"] = waves_scored[0] if len(waves_scored) == 1 else {"per_wave": waves_scored}
    write_atomically(FileSystems.join(output_dir, STATS_NAME),
                     (json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    c = stats["conservation"]
    if not c["holds"]:
        raise ConservationError(
            f"records do not add up: input {c['input']} != kept {c['kept']} + removed {c['removed']} + "
            f"duplicates {c['duplicates']} + rejected {c['rejected']} + skipped {c.get('skipped', 0)} "
            f"(see {STATS_NAME}); no manifest written")
    manifest = make_manifest(load_tokenizer(config.tokenize.tokenizer).identity(), entries)
    write_atomically(FileSystems.join(output_dir, MANIFEST_NAME), manifest.to_json().encode("utf-8"))
    return stats


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
            f"{FileSystems.join(output_dir, REJECTED_DIR)}/ (everything else was written)")


def summary(stats: dict[str, Any], output_dir: str, elapsed_s: float, show_files: int = 5) -> list[str]:
    """The closing lines of ``babelbeam run``: where the output is, what became of the records, which files
    could not be read whole, and where to look."""
    c = stats["conservation"]
    shards = _read_json(FileSystems.join(output_dir, MANIFEST_NAME))["totals"]["shards"]
    share = c["rejected"] / c["input"] if c["input"] else 0.0
    skipped = f", skipped {c['skipped']:,}" if c.get("skipped") else ""
    lines = [f"babelbeam run: {c['input']:,} records -> {output_dir} in {format_duration(elapsed_s)}",
             f"  kept {c['kept']:,} ({stats['tokens']:,} tokens in {shards} shards), removed {c['removed']:,}, "
             f"duplicates {c['duplicates']:,}{skipped}, rejected {c['rejected']:,} ({share:.1%} of the records)"]
    damaged = list(dict.fromkeys(region["source"] for region in stats.get("damaged", [])))
    if damaged:
        more = f" and {len(damaged) - show_files} more" if len(damaged) > show_files else ""
        lines.append(f"  unreadable or damaged files ({len(damaged)}): {', '.join(damaged[:show_files])}{more} "
                     f"(stats.json's damaged lists where each stops)")
    j = FileSystems.join
    look = [f"{j(output_dir, STATS_NAME)} (every count by reason and language)"]
    if c["removed"] + c["duplicates"] and FileSystems.match([j(output_dir, REMOVED_DIR, "*")])[0].metadata_list:
        look.append(f"{j(output_dir, REMOVED_DIR)}/ (each removed document with its reason)")
    if c["rejected"]:
        look.append(f"{j(output_dir, REJECTED_DIR)}/ (each unreadable record with file, position and error)")
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
