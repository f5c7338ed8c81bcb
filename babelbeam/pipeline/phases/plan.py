"""Before any wave: the plan (inputs, waves, config) that ``--resume`` holds a run to, and the
``langid.thresholds: auto`` pre-pass that measures the thresholds every wave then uses."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

import yaml
from apache_beam.io.filesystems import FileSystems

from babelbeam.filters.langid import resolve_thresholds
from babelbeam.filters.langid_calibration import parse_thresholds
from babelbeam.pipeline.langid_calibration import CalibrateRunInputs
from babelbeam.pipeline.options import log_time, run_beam
from babelbeam.pipeline.sinks import write_atomically
from babelbeam.pipeline.sources import InputError, match_input_files
from babelbeam.pipeline.workdir import PLAN_NAME, WorkDir, delete_matching, exists, read_json
from babelbeam.schemas.config import RunConfig


def plan_run(inputs: list[str], output_dir: str, config: RunConfig, files_per_wave: int | None,
             resume: bool, overwrite: bool, processes: int = 1) -> dict[str, Any]:
    """Decide the waves and check the output directory; returns the plan saved under DIR/work/.

    The plan holds the absolute input paths (with each one's size and modification time), the waves and the
    config; ``resume`` checks that all of them are what the saved plan says.
    """
    workdir = WorkDir(output_dir)
    files = match_input_files(inputs)
    paths = [f.path for f in files]
    if files_per_wave is not None and files_per_wave < 1:
        raise InputError(f"--files-per-wave must be >= 1, got {files_per_wave}")
    per_wave = files_per_wave or max(-(-len(paths) // processes), 1)
    plan = {"inputs": paths, "input_files": {f.path: {"size": f.size, "mtime": f.mtime} for f in files},
            "waves": [paths[i:i + per_wave] for i in range(0, len(paths), per_wave)] or [[]],
            "config": config.to_dict()}
    if resume:
        if not exists(workdir.plan):
            raise InputError(f"{output_dir} holds no run to resume (no work/{PLAN_NAME})")
        differences = plan_differences(read_json(workdir.plan), json.loads(json.dumps(plan)))
        if differences:
            raise InputError(f"--resume: {'; '.join(differences)}. Resume with the same inputs and "
                             "arguments, or start again with --overwrite (or another --output)")
        return plan
    if exists(workdir.manifest) or exists(workdir.plan):
        if not overwrite:
            raise InputError(f"{output_dir} already holds a run; pass --resume to continue it, --overwrite "
                             "to replace it, or choose another --output")
        delete_matching(workdir.everything())
    try:
        write_atomically(workdir.plan, (json.dumps(plan, indent=2, sort_keys=True) + "\n").encode("utf-8"))
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
        return {k: v for key, item in value.items() for k, v in _flatten(item, f"{prefix}{key}.").items()}
    return {prefix.rstrip("."): value}


def _changed_inputs(old_files: dict[str, Any], new_files: dict[str, Any]) -> list[str]:
    changed = []
    for path, now in new_files.items():
        then = old_files.get(path)
        if then is None or then == now:
            continue
        what = []
        if then["size"] != now["size"]:
            what.append(f"size {then['size']:,} -> {now['size']:,} bytes")
        if then["mtime"] != now["mtime"]:
            what.append(f"modified {_when(then['mtime'])} -> {_when(now['mtime'])}")
        changed.append(f"input {path} changed since the run was planned ({', '.join(what)})")
    if len(changed) > 3:
        return changed[:3] + [f"and {len(changed) - 3} more input files changed"]
    return changed


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
        out += _changed_inputs(old_files, plan["input_files"])
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


def calibrate_langid(output_dir: str, config: RunConfig, beam_args: list[str], inputs: list[str],
                     id_root: str) -> None:
    """The ``langid.thresholds: auto`` pre-pass: the thresholds YAML is its own done marker."""
    path = WorkDir(output_dir).langid_thresholds
    with log_time("language-ID thresholds calibrated"):
        run_beam(beam_args,
                 lambda p: p | "CalibrateLangId" >> CalibrateRunInputs(inputs, config, path, id_root))


def with_calibrated_thresholds(output_dir: str, config: RunConfig) -> RunConfig:
    """``config`` with ``langid.thresholds: auto`` replaced by the measured mapping (the default threshold for
    languages the sample had too few documents of)."""
    path = WorkDir(output_dir).langid_thresholds
    with FileSystems.open(path) as f:
        measured = parse_thresholds(yaml.safe_load(f.read().decode("utf-8")), path)
    default = resolve_thresholds(dataclasses.replace(config.langid, thresholds="default"))
    langid = dataclasses.replace(config.langid, thresholds={**default, **measured})
    return dataclasses.replace(config, langid=langid)
