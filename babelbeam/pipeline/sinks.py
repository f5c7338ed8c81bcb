"""Output plumbing shared by the phases: stable buckets, atomic writes, sorted JSONL logs, stats.json.

Output is deterministic: records are spread over a fixed number of buckets by a hash of their id, and each
bucket is sorted by id, with file names from the bucket, so the same input and config give the same bytes
whatever the runner's ordering. Every file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from babelbeam.schemas import Document
from babelbeam.schemas.document import json_line
from babelbeam.tokenize.shards import ShardEntry

DUPLICATE_SUFFIX = "_duplicate"


def bucket_of(key: str, buckets: int) -> int:
    """Stable bucket of a key (not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") % buckets


def _rename_into_place(tmp: str, path: str) -> None:
    if FileSystems.exists(path):  # a retried bundle's earlier copy, or an earlier run's
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through FileSystems: a temporary file first, then a rename."""
    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    with FileSystems.create(tmp) as f:
        f.write(data)
    _rename_into_place(tmp, path)


def write_json(path: str, value: Any, **dumps: Any) -> None:
    """One JSON document and a newline, written atomically (``dumps``: ``json.dumps`` options)."""
    write_atomically(path, (json.dumps(value, **dumps) + "\n").encode("utf-8"))


class JsonlLog:
    """Records (``to_json_dict()`` each) as JSON lines under a temporary name, renamed into place on
    ``close`` when any was written (else no file is made)."""

    def __init__(self, path: str) -> None:
        self.path, self._tmp = path, f"{path}.tmp-{uuid.uuid4().hex}"
        self._file: Any = None

    def write(self, record: Any) -> None:
        if self._file is None:
            self._file = FileSystems.create(self._tmp)
        self._file.write(json_line(record.to_json_dict()))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            _rename_into_place(self._tmp, self.path)

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            FileSystems.delete([self._tmp])


class WriteSortedJsonl(beam.PTransform):
    """Records -> ``DIR/<subdir>/<name>-NNNNN.jsonl``, bucketed by key and sorted: reruns give equal bytes."""

    def __init__(self, output_dir: str, subdir: str, key: Callable[[Any], str],
                 to_dict: Callable[[Any], dict], buckets: int, name: str | None = None) -> None:
        super().__init__()
        self._output_dir, self._subdir, self._name = output_dir, subdir, name or subdir
        self._key, self._to_dict, self._buckets = key, to_dict, buckets

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        key, to_dict, buckets = self._key, self._to_dict, self._buckets
        output_dir, subdir, name = self._output_dir, self._subdir, self._name

        def write(element: tuple[int, Iterable[Any]]) -> str:
            bucket, items = element
            lines = sorted((key(item), json_line(to_dict(item))) for item in items)
            path = FileSystems.join(output_dir, subdir, f"{name}-{bucket:05d}.jsonl")
            write_atomically(path, b"".join(line for _, line in lines))
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


def build_stats(counts: Iterable[tuple[tuple[str, str, str], int]], entries: list[ShardEntry],
                damaged: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """Assemble stats.json from the per-(kind, reason, lang) counts, the shard entries and the damaged regions
    (``DamagedRegion.to_json_dict``, each also one ``rejected`` record); check conservation.

    Input is every record read: documents, rejections and skips (WARC records that are not documents by
    definition, counted by reason); it must equal kept + removed + duplicates + rejected + skipped.
    """
    stats: dict[str, Any] = {"input": 0, "documents_read": 0, "kept": 0, "tokens": 0,
                             "removed": {}, "duplicates": {}, "rejected": {}, "skipped": {}, "repaired": {},
                             "by_language": {},
                             "damaged": sorted(damaged, key=lambda r: (r["source"], r["position"]))}

    def lang_row(lang: str) -> dict[str, Any]:
        return stats["by_language"].setdefault(lang, {"input": 0, "kept": 0, "tokens": 0, "removed": {}})

    for (kind, reason, lang), n in counts:
        if kind == "read":
            stats["documents_read"] += n
            continue
        stats[kind][reason] = stats[kind].get(reason, 0) + n
        if kind not in ("rejected", "skipped", "repaired"):  # a repaired document was read: not a sixth place
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
    removed, duplicates, rejected, skipped = (sum(stats[k].values())
                                              for k in ("removed", "duplicates", "rejected", "skipped"))
    stats["input"] = stats["documents_read"] + rejected + skipped
    stats["conservation"] = {
        "input": stats["input"], "kept": stats["kept"], "removed": removed,
        "duplicates": duplicates, "rejected": rejected, "skipped": skipped,
        "holds": stats["input"] == stats["kept"] + removed + duplicates + rejected + skipped,
    }
    for key in ("removed", "duplicates", "rejected", "skipped", "repaired"):
        stats[key] = dict(sorted(stats[key].items()))
    for row in stats["by_language"].values():
        row["removed"] = dict(sorted(row["removed"].items()))
    stats["by_language"] = dict(sorted(stats["by_language"].items()))
    return stats
