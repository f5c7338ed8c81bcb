"""The last step, in the orchestrator: stats.json and manifest.json from the phases' markers.

No Beam pipeline: it reads every wave's counts and every bucket's marker (small JSON files), checks that the
records add up, and writes the manifest last, so a manifest always means a finished, consistent run.
"""

from __future__ import annotations

from typing import Any

from apache_beam.io.filesystems import FileSystems

from babelbeam.errors import ConservationError
from babelbeam.pipeline.sinks import build_stats, write_atomically, write_json
from babelbeam.pipeline.stages.base import stage_summaries
from babelbeam.pipeline.stages.chain import document_stages
from babelbeam.pipeline.workdir import WorkDir, delete_matching, exists, read_json
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.shard import STATS_NAME
from babelbeam.tokenize.shards import ShardEntry, make_manifest


def finalize(output_dir: str, config: RunConfig, waves: int) -> dict[str, Any]:
    """stats.json and manifest.json from the phases' markers; the manifest goes last: a finished run."""
    from babelbeam.tokenize import load_tokenizer

    workdir = WorkDir(output_dir)
    delete_matching([workdir.progress("*")])  # watching a run leaves no trace in its files
    if exists(workdir.progress()):
        FileSystems.delete([workdir.progress()])
    counts: list[tuple[tuple[str, str, str], int]] = []
    entries: list[ShardEntry] = []
    damaged: list[dict[str, Any]] = []
    for wave in range(waves):
        counts += [(tuple(k), n) for k, n in read_json(workdir.wave_counts(wave))]
        if exists(workdir.wave_damaged(wave)):
            damaged += read_json(workdir.wave_damaged(wave))
    for bucket in range(config.output.buckets):
        marker = read_json(workdir.bucket_done(bucket))
        counts += [(tuple(k), n) for k, n in marker["counts"]]
        entries += [ShardEntry(**e) for e in marker["entries"]]
    stats = build_stats(counts, entries, damaged)
    for summary in stage_summaries(document_stages(config)):  # the sections the stages declare, per wave
        paths = [workdir.wave_summary(wave, summary.name) for wave in range(waves)]
        stats[summary.name] = summary.merge([read_json(p) if exists(p) else [] for p in paths])
    write_json(workdir.stats, stats, indent=2, sort_keys=True, ensure_ascii=False)
    c = stats["conservation"]
    if not c["holds"]:
        raise ConservationError(
            f"records do not add up: input {c['input']} != kept {c['kept']} + removed {c['removed']} + "
            f"duplicates {c['duplicates']} + rejected {c['rejected']} + skipped {c.get('skipped', 0)} "
            f"(see {STATS_NAME}); no manifest written")
    manifest = make_manifest(load_tokenizer(config.tokenize.tokenizer).identity(), entries)
    write_atomically(workdir.manifest, manifest.to_json().encode("utf-8"))
    return stats
