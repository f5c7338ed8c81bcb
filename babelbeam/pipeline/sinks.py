"""Write the run's outputs: token shards, the removed and rejected logs, manifest.json and stats.json.

Output is deterministic: rows are spread over a fixed number of buckets by a
hash of their id, each bucket is sorted by id on one worker and cut into shards
(or log files) with names derived from the bucket, so the same input and config
give the same bytes whatever the runner's ordering. One bucket must fit in a
worker's memory: about ``total tokens x 4 bytes / output.buckets`` for shards.
Every file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from babelbeam.pipeline.stage import METRICS_NAMESPACE
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.shard import MANIFEST_NAME, SHARDS_DIR, STATS_NAME
from babelbeam.tokenize.shards import ShardEntry, ShardRow, make_manifest, serialize_shard, shard_entry

REMOVED_DIR = "removed"
REJECTED_DIR = "rejected"
DUPLICATE_SUFFIX = "_duplicate"


class ConservationError(RuntimeError):
    """Input records do not add up to kept + removed + duplicates + rejected."""


def bucket_of(key: str, buckets: int) -> int:
    """Stable bucket of a key (not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") % buckets


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through FileSystems: a temporary file first, then a rename."""
    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    with FileSystems.create(tmp) as f:
        f.write(data)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


class _WriteShardBucket(beam.DoFn):
    def __init__(self, output_dir: str, shard_tokens: int) -> None:
        super().__init__()
        self.output_dir = output_dir
        self.shard_tokens = shard_tokens
        self.shards = Metrics.counter(METRICS_NAMESPACE, "write.shards")

    def process(self, element: tuple[int, Iterable[ShardRow]]) -> Iterator[ShardEntry]:
        bucket, rows = element
        ordered = sorted(rows, key=lambda r: r.id)
        part: list[ShardRow] = []
        part_tokens, index = 0, 0
        for row in ordered:
            part.append(row)
            part_tokens += len(row.tokens)
            if part_tokens >= self.shard_tokens:
                yield self._write(bucket, index, part)
                part, part_tokens, index = [], 0, index + 1
        if part:
            yield self._write(bucket, index, part)

    def _write(self, bucket: int, index: int, rows: list[ShardRow]) -> ShardEntry:
        relative = f"{SHARDS_DIR}/part-{bucket:05d}-{index:05d}.arrow"
        data = serialize_shard(rows)
        write_atomically(FileSystems.join(self.output_dir, relative), data)
        self.shards.inc()
        return shard_entry(relative, rows, data)


class WriteShards(beam.PTransform):
    """ShardRows -> shard files under ``DIR/shards/``; returns the PCollection of their manifest entries."""

    def __init__(self, output_dir: str, shard_tokens: int, buckets: int) -> None:
        super().__init__()
        self._output_dir, self._shard_tokens, self._buckets = output_dir, shard_tokens, buckets

    def expand(self, rows: beam.PCollection) -> beam.PCollection:
        buckets = self._buckets
        return (
            rows
            | "KeyByBucket" >> beam.Map(lambda row: (bucket_of(row.id, buckets), row))
            | "GroupBuckets" >> beam.GroupByKey()
            | "WriteBuckets" >> beam.ParDo(_WriteShardBucket(self._output_dir, self._shard_tokens))
        )


class WriteSortedJsonl(beam.PTransform):
    """Records -> ``DIR/<subdir>/<name>-NNNNN.jsonl`` files, bucketed by key and sorted, so reruns give equal bytes."""

    def __init__(self, output_dir: str, subdir: str, key: Callable[[Any], str],
                 to_dict: Callable[[Any], dict], buckets: int) -> None:
        super().__init__()
        self._output_dir, self._subdir = output_dir, subdir
        self._key, self._to_dict, self._buckets = key, to_dict, buckets

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        key, to_dict, buckets = self._key, self._to_dict, self._buckets
        output_dir, subdir = self._output_dir, self._subdir

        def write(element: tuple[int, Iterable[Any]]) -> str:
            bucket, items = element
            lines = sorted((key(item), json.dumps(to_dict(item), ensure_ascii=False, sort_keys=True)) for item in items)
            path = FileSystems.join(output_dir, subdir, f"{subdir}-{bucket:05d}.jsonl")
            write_atomically(path, "".join(line + "\n" for _, line in lines).encode("utf-8"))
            return path

        return (
            records
            | "KeyByBucket" >> beam.Map(lambda item: (bucket_of(key(item), buckets), item))
            | "GroupBuckets" >> beam.GroupByKey()
            | "WriteBuckets" >> beam.Map(write)
        )


def removed_key(doc: Document) -> tuple[str, str, str]:
    """Stats key of a removed document: duplicates are counted apart from quality removals."""
    reason = doc.removed_reason or "unknown"
    kind = "duplicates" if reason.endswith(DUPLICATE_SUFFIX) else "removed"
    return (kind, reason, doc.lang)


def build_stats(counts: Iterable[tuple[tuple[str, str, str], int]], entries: list[ShardEntry]) -> dict[str, Any]:
    """Assemble stats.json from the per-(kind, reason, lang) counts and the shard entries; check conservation."""
    stats: dict[str, Any] = {"input": 0, "documents_read": 0, "kept": 0, "tokens": 0,
                             "removed": {}, "duplicates": {}, "rejected": {}, "by_language": {}}

    def lang_row(lang: str) -> dict[str, Any]:
        return stats["by_language"].setdefault(lang, {"input": 0, "kept": 0, "tokens": 0, "removed": {}})

    for (kind, reason, lang), n in counts:
        if kind == "read":
            stats["documents_read"] += n
        elif kind == "rejected":
            stats["rejected"][reason] = stats["rejected"].get(reason, 0) + n
        else:
            stats[kind][reason] = stats[kind].get(reason, 0) + n
            row = lang_row(lang)
            row["input"] += n
            row["removed"][reason] = row["removed"].get(reason, 0) + n
    for entry in entries:
        stats["kept"] += entry.documents
        stats["tokens"] += entry.tokens
        for lang, n in entry.languages.items():
            row = lang_row(lang)
            row["kept"] += n
            row["input"] += n
            row["tokens"] += entry.language_tokens.get(lang, 0)
    stats["input"] = stats["documents_read"] + sum(stats["rejected"].values())
    removed, duplicates, rejected = (sum(stats[k].values()) for k in ("removed", "duplicates", "rejected"))
    stats["conservation"] = {
        "input": stats["input"], "kept": stats["kept"], "removed": removed,
        "duplicates": duplicates, "rejected": rejected,
        "holds": stats["input"] == stats["kept"] + removed + duplicates + rejected,
    }
    for key in ("removed", "duplicates", "rejected"):
        stats[key] = dict(sorted(stats[key].items()))
    for row in stats["by_language"].values():
        row["removed"] = dict(sorted(row["removed"].items()))
    stats["by_language"] = dict(sorted(stats["by_language"].items()))
    return stats


class _Finalize(beam.DoFn):
    def __init__(self, output_dir: str, tokenizer_name: str) -> None:
        super().__init__()
        self.output_dir = output_dir
        self.tokenizer_name = tokenizer_name

    def process(self, _: object, entries: list[ShardEntry], counts: list[tuple[tuple[str, str, str], int]]
                ) -> Iterator[dict[str, Any]]:
        from babelbeam.tokenize import load_tokenizer

        stats = build_stats(counts, entries)
        manifest = make_manifest(load_tokenizer(self.tokenizer_name).identity(), entries)
        write_atomically(FileSystems.join(self.output_dir, STATS_NAME),
                         (json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode())
        if not stats["conservation"]["holds"]:
            c = stats["conservation"]
            raise ConservationError(
                f"records do not add up: input {c['input']} != kept {c['kept']} + removed {c['removed']} + "
                f"duplicates {c['duplicates']} + rejected {c['rejected']} (see {STATS_NAME}); no manifest written")
        # The manifest goes last: its presence marks a complete run.
        write_atomically(FileSystems.join(self.output_dir, MANIFEST_NAME), manifest.to_json().encode("utf-8"))
        yield stats


class WriteRunOutputs(beam.PTransform):
    """Shards, removed and rejected logs, then stats.json and manifest.json from everything the run produced."""

    def __init__(self, output_dir: str, shard_tokens: int, buckets: int, tokenizer_name: str,
                 keep_removed: bool) -> None:
        super().__init__()
        self._output_dir, self._shard_tokens, self._buckets = output_dir, shard_tokens, buckets
        self._tokenizer_name, self._keep_removed = tokenizer_name, keep_removed

    def expand(self, outputs: dict[str, beam.PCollection]) -> beam.PCollection:
        rows, removed, rejected, read = outputs["rows"], outputs["removed"], outputs["rejected"], outputs["read"]
        entries = rows | "WriteShards" >> WriteShards(self._output_dir, self._shard_tokens, self._buckets)
        if self._keep_removed:
            _ = removed | "WriteRemoved" >> WriteSortedJsonl(
                self._output_dir, REMOVED_DIR, key=lambda d: d.id, to_dict=Document.to_json_dict,
                buckets=self._buckets)
        _ = rejected | "WriteRejected" >> WriteSortedJsonl(
            self._output_dir, REJECTED_DIR, key=lambda r: f"{r.source}\x00{r.position:012d}",
            to_dict=RejectedRecord.to_json_dict, buckets=1)
        keys = (
            (
                read | "ReadKeys" >> beam.Map(lambda _: ("read", "", "")),
                removed | "RemovedKeys" >> beam.Map(removed_key),
                rejected | "RejectedKeys" >> beam.Map(lambda r: ("rejected", r.error, "")),
            )
            | "AllKeys" >> beam.Flatten()
            | "CountKeys" >> beam.combiners.Count.PerElement()
        )
        return (
            outputs["rows"].pipeline
            | "Once" >> beam.Create([None])
            | "WriteManifestAndStats" >> beam.ParDo(
                _Finalize(self._output_dir, self._tokenizer_name),
                entries=beam.pvalue.AsList(entries),
                counts=beam.pvalue.AsList(keys),
            )
        )
