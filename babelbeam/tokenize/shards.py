"""Write and read token shards (Arrow IPC files) and the manifest that lists them.

A shard holds whole documents; its ``tokens`` column is ``list<uint32>``, so the
reader hands out every token of a shard as one memory-mapped numpy array plus
per-document offsets, without copying. Shards are written to a temporary name
and renamed into place, so a shard either exists whole or not at all. Paths may
be local or any scheme Beam's ``FileSystems`` handle (the pipeline passes open
file objects); the reader here memory-maps local files.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from babelbeam.errors import CorruptOutputError, read_json_object
from babelbeam.schemas.shard import (
    MANIFEST_NAME,
    PLAN_PATH,
    SHARD_SCHEMA,
    SHARD_SCHEMA_VERSION,
    SHARDS_DIR,
    STATS_NAME,
    major,
)


class ShardError(CorruptOutputError, ValueError):
    """A shard or manifest is missing, truncated or inconsistent; the message names the file."""


@dataclass
class ShardRow:
    """One tokenized document as it goes into a shard."""

    id: str
    lang: str
    tokens: np.ndarray
    source: str = ""
    lang_score: float | None = None
    dup_cluster_size: int | None = None
    quality_score: float | None = None
    quality_bucket: str | None = None
    lang_group_score: float | None = None


@dataclass
class ShardEntry:
    """A shard as listed in the manifest."""

    path: str
    """Path relative to the output directory in the file; absolute once read with ``read_manifest``."""
    documents: int
    tokens: int
    bytes: int
    sha256: str
    languages: dict[str, int] = field(default_factory=dict)
    """Documents per language."""
    language_tokens: dict[str, int] = field(default_factory=dict)
    """Tokens per language."""


@dataclass
class Manifest:
    schema_version: str
    tokenizer: dict[str, Any]
    shards: list[ShardEntry]
    totals: dict[str, Any]
    path: str = ""
    """Where the manifest was read from."""

    def to_json(self) -> str:
        data = {
            "schema_version": self.schema_version,
            "tokenizer": self.tokenizer,
            "totals": self.totals,
            "shards": [asdict(s) for s in self.shards],
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rows_to_table(rows: Sequence[ShardRow]) -> pa.Table:
    """Build the Arrow table of one shard; token arrays are concatenated once, offsets from their lengths."""
    lengths = np.fromiter((len(r.tokens) for r in rows), dtype=np.int64, count=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise ShardError(f"a shard may hold at most 2**31-1 tokens, got {int(offsets[-1])}; "
                         "lower shard_tokens")
    values = (np.concatenate([np.asarray(r.tokens, dtype=np.uint32) for r in rows]) if rows
              else np.zeros(0, np.uint32))
    tokens = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), pa.array(values, type=pa.uint32()))
    columns = {
        "id": pa.array([r.id for r in rows], pa.string()),
        "lang": pa.array([r.lang for r in rows], pa.string()),
        "source": pa.array([r.source for r in rows], pa.string()),
        "lang_score": pa.array([r.lang_score for r in rows], pa.float32()),
        "dup_cluster_size": pa.array([r.dup_cluster_size for r in rows], pa.int32()),
        "quality_score": pa.array([r.quality_score for r in rows], pa.float32()),
        "quality_bucket": pa.array([r.quality_bucket for r in rows], pa.string()),
        "lang_group_score": pa.array([r.lang_group_score for r in rows], pa.float32()),
        "tokens": tokens.cast(SHARD_SCHEMA.field("tokens").type),
    }
    return pa.Table.from_arrays(list(columns.values()), schema=SHARD_SCHEMA)


def serialize_shard(rows: Sequence[ShardRow]) -> bytes:
    """The bytes of one shard file. Deterministic: same rows, same bytes."""
    table = rows_to_table(rows)
    sink = pa.BufferOutputStream()
    # One record batch per shard keeps the tokens one contiguous buffer for the reader.
    with pa.ipc.new_file(sink, SHARD_SCHEMA) as writer:
        writer.write_table(table, max_chunksize=max(len(rows), 1))
    return sink.getvalue().to_pybytes()


def shard_entry(path: str, rows: Sequence[ShardRow], data: bytes) -> ShardEntry:
    languages: dict[str, int] = {}
    language_tokens: dict[str, int] = {}
    for r in rows:
        languages[r.lang] = languages.get(r.lang, 0) + 1
        language_tokens[r.lang] = language_tokens.get(r.lang, 0) + len(r.tokens)
    return ShardEntry(
        path=path,
        documents=len(rows),
        tokens=sum(language_tokens.values()),
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        languages=dict(sorted(languages.items())),
        language_tokens=dict(sorted(language_tokens.items())),
    )


def write_shard(path: str | Path, rows: Sequence[ShardRow], manifest_path: str | None = None) -> ShardEntry:
    """Write one shard to a local path atomically (temp file, then rename) and return its manifest entry.

    ``manifest_path`` is the path the manifest records, relative to the output directory
    (default ``shards/<file name>``).
    """
    path = Path(path)
    data = serialize_shard(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return shard_entry(manifest_path or f"shards/{path.name}", rows, data)


def make_manifest(tokenizer: dict[str, Any], entries: Iterable[ShardEntry]) -> Manifest:
    """Build the manifest: shards sorted by path, totals and per-language counts summed from them."""
    shards = sorted(entries, key=lambda e: e.path)
    languages: dict[str, int] = {}
    language_tokens: dict[str, int] = {}
    for s in shards:
        for lang, n in s.languages.items():
            languages[lang] = languages.get(lang, 0) + n
        for lang, n in s.language_tokens.items():
            language_tokens[lang] = language_tokens.get(lang, 0) + n
    totals = {
        "shards": len(shards),
        "documents": sum(s.documents for s in shards),
        "tokens": sum(s.tokens for s in shards),
        "bytes": sum(s.bytes for s in shards),
        "languages": dict(sorted(languages.items())),
        "language_tokens": dict(sorted(language_tokens.items())),
    }
    return Manifest(SHARD_SCHEMA_VERSION, tokenizer, shards, totals)


def missing_manifest_message(manifest_path: Path) -> str:
    """What to say when ``manifest_path`` is missing: an unfinished run (its plan is there) is told to resume.
    ``manifest_path`` is ``DIR/manifest.json``, or a directory path that does not exist (``DIR`` itself)."""
    run_dir = manifest_path.parent if manifest_path.name == MANIFEST_NAME else manifest_path
    if (run_dir / PLAN_PATH).is_file():
        return (f"{run_dir}: the run there is unfinished ({PLAN_PATH} is there, {MANIFEST_NAME} is not yet): "
                f"continue it with `babelbeam run --output {run_dir} --resume` "
                "and the same --input and --config")
    return (f"{run_dir}: no {MANIFEST_NAME} here, so not a babelbeam output directory; "
            f"`babelbeam run --input ... --output {run_dir}` makes one")


def read_manifest(path: str | Path) -> Manifest:
    """Read ``manifest.json`` (or the directory holding it); shard paths come back absolute."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShardError(missing_manifest_message(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ShardError(f"{path}: manifest is not valid JSON ({e})") from None
    try:
        version = str(data["schema_version"])
        if major(version) != major(SHARD_SCHEMA_VERSION):
            raise ShardError(f"{path}: shard schema version {version} is not readable by this babelbeam "
                             f"(reads {SHARD_SCHEMA_VERSION})")
        shards = [ShardEntry(**{**s, "path": str(path.parent / s["path"])}) for s in data["shards"]]
        return Manifest(version, data["tokenizer"], shards, data["totals"], path=str(path))
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, ShardError):
            raise
        raise ShardError(f"{path}: manifest is missing or has a malformed field ({e!r})") from None


def read_stats(run_dir: str | Path) -> dict[str, Any]:
    """A run directory's ``stats.json``; ShardError naming the file if it is missing, cut or not an object."""
    return read_json_object(Path(run_dir) / STATS_NAME, "stats file", ShardError,
                            missing="no stats here (is this a finished babelbeam run?)",
                            hint="; rerun the run to rewrite them")


class Shard:
    """A memory-mapped token shard: ``tokens`` (all tokens, uint32) and ``offsets`` (int64, n+1) without
    copying."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self._source = pa.memory_map(self.path, "r")
            reader = pa.ipc.open_file(self._source)
            self.schema = reader.schema
            batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        except FileNotFoundError:
            raise ShardError(f"{self.path}: shard file is missing") from None
        except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as e:
            raise ShardError(f"{self.path}: not a readable Arrow shard ({e})") from None
        version = (self.schema.metadata or {}).get(b"babelbeam.shard_schema_version", b"").decode()
        if not version or major(version) != major(SHARD_SCHEMA_VERSION):
            raise ShardError(f"{self.path}: shard schema version {version or 'missing'} is not readable "
                             f"(reads {SHARD_SCHEMA_VERSION})")
        self.table = pa.Table.from_batches(batches, schema=self.schema)
        token_chunks = self.table.column("tokens").chunks
        tokens_parts, offsets_parts, base = [], [np.zeros(1, np.int64)], 0
        for chunk in token_chunks:
            chunk_offsets = chunk.offsets.to_numpy().astype(np.int64)
            values = chunk.values.to_numpy(zero_copy_only=True)
            tokens_parts.append(values[chunk_offsets[0]:chunk_offsets[-1]] if len(chunk_offsets)
                                else values[:0])
            offsets_parts.append(chunk_offsets[1:] - chunk_offsets[0] + base)
            base += int(chunk_offsets[-1] - chunk_offsets[0]) if len(chunk_offsets) else 0
        # A single batch (what we write) stays zero-copy; several are joined once.
        self.tokens: np.ndarray = (tokens_parts[0] if len(tokens_parts) == 1
                                   else np.concatenate(tokens_parts or [np.zeros(0, np.uint32)]))
        self.offsets: np.ndarray = np.concatenate(offsets_parts)

    @property
    def num_documents(self) -> int:
        return self.table.num_rows

    @property
    def num_tokens(self) -> int:
        return int(self.offsets[-1])

    @property
    def ids(self) -> list[str]:
        return self.table.column("id").to_pylist()

    @property
    def langs(self) -> list[str]:
        return self.table.column("lang").to_pylist()

    def document_tokens(self, i: int) -> np.ndarray:
        """Tokens of document ``i`` (a view into the memory map), EOS included."""
        return self.tokens[self.offsets[i]:self.offsets[i + 1]]


def open_shard(path: str | Path) -> Shard:
    """Open a shard for zero-copy reading; raises ShardError naming the file if it is not a valid shard."""
    return Shard(path)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, streamed in 1 MiB blocks (memory stays flat whatever the file's size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ShardChecksumError(ShardError):
    """A shard file's size or SHA-256 is not what its manifest lists: corrupt, or changed after the run."""


_VERIFIED: set[tuple[str, int, int, str]] = set()
"""Shards verified in this process: (resolved path, size, mtime in ns, expected sha256)."""


def verify_shard(entry: ShardEntry) -> None:
    """Check a shard file against its manifest entry before reading it: its size, then its SHA-256.

    Each file is hashed once per process (again only if its size or modification time changed since), in
    1 MiB blocks. Raises ShardError if the file is missing, ShardChecksumError if it does not match; both
    name the file in one line.
    """
    path = Path(entry.path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ShardError(f"{path}: shard file is missing") from None
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, entry.sha256)
    if key in _VERIFIED:
        return
    hint = "the shard is corrupt or changed after the run (babelbeam inspect --validate lists every problem)"
    if st.st_size != entry.bytes:
        raise ShardChecksumError(f"{path}: {st.st_size} bytes, the manifest lists {entry.bytes}: {hint}")
    digest = file_sha256(path)
    if digest != entry.sha256:
        raise ShardChecksumError(f"{path}: checksum mismatch (manifest sha256 {entry.sha256[:12]}..., file "
                                 f"{digest[:12]}...): {hint}")
    _VERIFIED.add(key)


def _shard_languages(shard: Shard) -> tuple[dict[str, int], dict[str, int]]:
    """Documents and tokens per language of an open shard."""
    documents: dict[str, int] = {}
    tokens: dict[str, int] = {}
    for lang, n in zip(shard.langs, np.diff(shard.offsets).tolist(), strict=True):
        documents[lang] = documents.get(lang, 0) + 1
        tokens[lang] = tokens.get(lang, 0) + int(n)
    return dict(sorted(documents.items())), dict(sorted(tokens.items()))


def _check_entry(entry: ShardEntry, eos: int | None) -> tuple[list[str], ShardEntry]:
    """Problems of one listed shard (presence, size, checksum, structure, counts, languages, offsets, EOS),
    and what the file really holds (the entry itself when the file cannot be read)."""
    path = Path(entry.path)
    if not path.is_file():
        return [f"{entry.path}: shard file is missing"], entry
    size = path.stat().st_size
    digest = file_sha256(path)
    if digest != entry.sha256:
        mismatch = f"{entry.path}: checksum mismatch (manifest {entry.sha256[:12]}..., file {digest[:12]}...)"
        return [mismatch], entry
    problems = []
    if size != entry.bytes:
        problems.append(f"{entry.path}: {size} bytes, manifest says {entry.bytes}")
    try:
        shard = open_shard(entry.path)
    except ShardError as e:
        return problems + [str(e)], entry
    offsets = shard.offsets
    if shard.num_documents != entry.documents or shard.num_tokens != entry.tokens:
        problems.append(f"{entry.path}: holds {shard.num_documents} documents / {shard.num_tokens} tokens, "
                        f"manifest says {entry.documents} / {entry.tokens}")
    elif np.any(np.diff(offsets) <= 0):
        problems.append(f"{entry.path}: offsets are not strictly increasing (an empty or corrupt document)")
    elif eos is not None and shard.num_documents and np.any(shard.tokens[offsets[1:] - 1] != eos):
        problems.append(f"{entry.path}: a document does not end with EOS {eos}")
    languages, language_tokens = _shard_languages(shard)
    if languages != entry.languages:
        problems.append(f"{entry.path}: documents per language are {languages}, manifest says "
                        f"{entry.languages}")
    if language_tokens != entry.language_tokens:
        problems.append(f"{entry.path}: tokens per language are {language_tokens}, manifest says "
                        f"{entry.language_tokens}")
    actual = ShardEntry(entry.path, shard.num_documents, shard.num_tokens, size, digest, languages,
                        language_tokens)
    return problems, actual


def _check_totals(manifest: Manifest, shards: list[ShardEntry]) -> list[str]:
    """The manifest's totals against what its shard files hold (the entry for a file that cannot be read)."""
    expected = make_manifest(manifest.tokenizer, shards).totals
    problems = []
    for key, value in expected.items():
        listed = manifest.totals.get(key)
        if isinstance(value, dict) and isinstance(listed, dict):  # per language: name each one that differs
            for lang in sorted(set(value) | set(listed)):
                if listed.get(lang, 0) != value.get(lang, 0):
                    problems.append(f"{manifest.path}: totals.{key}.{lang} is {listed.get(lang, 0)}, the "
                                    f"shards hold {value.get(lang, 0)}")
        elif listed != value:
            problems.append(f"{manifest.path}: totals.{key} is {listed}, the shards hold {value}")
    return problems


def _check_listing(manifest: Manifest) -> list[str]:
    """Shard files present in the run's ``shards/`` but not listed, and shards listed twice."""
    problems = []
    listed = [str(Path(e.path).resolve()) for e in manifest.shards]
    for path in sorted({p for p in listed if listed.count(p) > 1}):
        problems.append(f"{path}: listed more than once in {MANIFEST_NAME}")
    shards_dir = Path(manifest.path).parent / SHARDS_DIR
    if shards_dir.is_dir():
        for path in sorted(p for p in shards_dir.rglob("*") if p.is_file()):
            if str(path.resolve()) not in listed:
                problems.append(f"{path}: in {SHARDS_DIR}/ but not listed in {MANIFEST_NAME}")
    return problems


def _check_stats(manifest: Manifest) -> list[str]:
    """The run's stats.json (when present) against the manifest: kept documents, tokens, per language."""
    path = Path(manifest.path).parent / STATS_NAME
    if not path.is_file():
        return []
    try:
        stats = json.loads(path.read_text(encoding="utf-8"))
        kept, tokens = stats["kept"], stats["tokens"]
        by_language = {lang: (row.get("kept", 0), row.get("tokens", 0))
                       for lang, row in stats.get("by_language", {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        return [f"{path}: not a readable stats file ({type(e).__name__}: {e})"]
    totals = manifest.totals
    problems = []
    if (kept, tokens) != (totals.get("documents"), totals.get("tokens")):
        problems.append(f"{path}: kept {kept} documents / {tokens} tokens, the manifest lists "
                        f"{totals.get('documents')} / {totals.get('tokens')}")
    languages, language_tokens = totals.get("languages") or {}, totals.get("language_tokens") or {}
    for lang in sorted(set(languages) | {k for k, (n, _) in by_language.items() if n}):
        if by_language.get(lang, (0, 0)) != (languages.get(lang, 0), language_tokens.get(lang, 0)):
            stats_kept, stats_tokens = by_language.get(lang, (0, 0))
            problems.append(f"{path}: {lang} kept {stats_kept} documents / {stats_tokens} tokens, the "
                            f"manifest lists {languages.get(lang, 0)} / {language_tokens.get(lang, 0)}")
    return problems


def validate(manifest_path: str | Path, eos_id: int | None = None) -> list[str]:
    """Check a run's shards against its manifest, and the manifest against itself and the run.

    Every listed shard: file present, size, checksum, Arrow structure, document and token counts, documents
    and tokens per language, offsets, EOS ends. The manifest's totals (shards, documents, tokens, bytes, per
    language) against its shards; files in ``shards/`` it does not list, and shards it lists twice; and,
    when the run has a ``stats.json``, its kept documents and tokens (in all and per language).

    Returns a list of problems, each naming its file; empty when all is well.
    """
    try:
        manifest = read_manifest(manifest_path)
    except ShardError as e:
        return [str(e)]
    eos = eos_id if eos_id is not None else manifest.tokenizer.get("eos_id")
    problems: list[str] = []
    actual: list[ShardEntry] = []
    for entry in manifest.shards:
        entry_problems, held = _check_entry(entry, eos)
        problems += entry_problems
        actual.append(held)
    return problems + _check_totals(manifest, actual) + _check_listing(manifest) + _check_stats(manifest)
