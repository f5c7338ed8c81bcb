"""The token-shard format: Arrow IPC files of tokenized documents, and the manifest that lists them.

A shard is an Arrow IPC *file* (random access, memory-mappable). Each row is one
document: its token ids as ``list<uint32>`` (Arrow keeps one uint32 value buffer
and per-document int32 offsets, so a reader gets every token of a shard as one
zero-copy numpy array), plus id, language and score columns.

Versioning: ``SHARD_SCHEMA_VERSION`` is written into every shard's schema
metadata and into the manifest. Adding a nullable column is a minor change
(readers ignore columns they do not know); removing or retyping a column bumps
the major version, and readers refuse a major version they do not know.
"""

from __future__ import annotations

import pyarrow as pa

SHARD_SCHEMA_VERSION = "1.1"
"""1.1 added the nullable ``lang_group_score`` column (1.0 readers ignore it)."""
MANIFEST_NAME = "manifest.json"
STATS_NAME = "stats.json"
SHARDS_DIR = "shards"
PLAN_PATH = "work/plan.json"
"""A run's plan, relative to its output directory: written before any work, so a directory holding it and no
manifest holds an unfinished run (``babelbeam run ... --resume`` continues it)."""

SHARD_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("lang_score", pa.float32()),
        pa.field("dup_cluster_size", pa.int32()),
        pa.field("quality_score", pa.float32()),
        pa.field("quality_bucket", pa.string()),
        pa.field("lang_group_score", pa.float32()),
        pa.field("tokens", pa.list_(pa.field("item", pa.uint32(), nullable=False)), nullable=False),
    ],
    metadata={"babelbeam.shard_schema_version": SHARD_SCHEMA_VERSION},
)
"""Arrow schema of one token shard; ``tokens`` ends with the tokenizer's EOS id."""


def major(version: str) -> int:
    return int(version.split(".")[0])
