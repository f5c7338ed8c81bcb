"""Shard files: round trip, zero-copy reads, determinism, and errors that name the file."""

from __future__ import annotations

import numpy as np
import pytest

from babelbeam.tokenize.shards import (
    ShardError,
    ShardRow,
    make_manifest,
    open_shard,
    read_manifest,
    serialize_shard,
    validate,
    write_shard,
)


def _rows(n: int = 5) -> list[ShardRow]:
    rng = np.random.default_rng(0)
    return [ShardRow(id=f"d{i}", lang="eng_Latn" if i % 2 else "tha_Thai",
                     tokens=np.append(rng.integers(0, 151643, size=i + 1), 151643).astype(np.uint32),
                     lang_score=0.9) for i in range(n)]


def _run_dir(tmp_path):
    entry = write_shard(tmp_path / "shards" / "part-00000-00000.arrow", _rows())
    (tmp_path / "manifest.json").write_text(make_manifest({"name": "qwen3", "eos_id": 151643}, [entry]).to_json())
    return entry


def test_round_trip_is_zero_copy_and_counts_languages(tmp_path):
    entry = _run_dir(tmp_path)
    shard = open_shard(tmp_path / entry.path)
    assert shard.tokens.dtype == np.uint32 and not shard.tokens.flags.owndata
    assert shard.num_documents == 5 and shard.num_tokens == entry.tokens == sum(i + 2 for i in range(5))
    for i, row in enumerate(_rows()):
        assert np.array_equal(shard.document_tokens(i), row.tokens)
    assert entry.languages == {"eng_Latn": 2, "tha_Thai": 3}
    assert read_manifest(tmp_path).totals["language_tokens"]["eng_Latn"] == 3 + 5
    assert serialize_shard(_rows()) == serialize_shard(_rows())


def test_validate_names_the_broken_shard(tmp_path):
    entry = _run_dir(tmp_path)
    assert validate(tmp_path) == []
    path = tmp_path / entry.path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    (problem,) = validate(tmp_path)
    assert "part-00000-00000.arrow" in problem and "checksum" in problem


def test_truncated_shard_and_bad_manifest_raise_shard_error(tmp_path):
    entry = _run_dir(tmp_path)
    path = tmp_path / entry.path
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(ShardError, match="part-00000-00000.arrow"):
        open_shard(path)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ShardError, match="manifest.json"):
        read_manifest(tmp_path)
