"""Shard files: round trip, zero-copy reads, determinism, and errors that name the file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from babelbeam.tokenize.shards import (
    ShardChecksumError,
    ShardError,
    ShardRow,
    make_manifest,
    open_shard,
    read_manifest,
    serialize_shard,
    validate,
    verify_shard,
    write_shard,
)


def _rows(n: int = 5) -> list[ShardRow]:
    rng = np.random.default_rng(0)
    return [ShardRow(id=f"d{i}", lang="eng_Latn" if i % 2 else "tha_Thai",
                     tokens=np.append(rng.integers(0, 151643, size=i + 1), 151643).astype(np.uint32),
                     lang_score=0.9) for i in range(n)]


def _run_dir(tmp_path):
    entry = write_shard(tmp_path / "shards" / "part-00000-00000.arrow", _rows())
    (tmp_path / "manifest.json").write_text(
        make_manifest({"name": "qwen3", "eos_id": 151643}, [entry]).to_json())
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


def _edit_manifest(tmp_path, edit) -> None:
    path = tmp_path / "manifest.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda m: m["totals"].update(documents=m["totals"]["documents"] + 1),
     "totals.documents is 6, the shards hold 5"),
    (lambda m: m["totals"].update(tokens=1), "totals.tokens is 1, the shards hold 20"),
    (lambda m: m["totals"]["languages"].update(eng_Latn=3),
     "totals.languages.eng_Latn is 3, the shards hold 2"),
    (lambda m: m["totals"]["language_tokens"].pop("tha_Thai"), "totals.language_tokens.tha_Thai is 0"),
    (lambda m: m["shards"][0]["languages"].update(eng_Latn=3, tha_Thai=2), "documents per language"),
    (lambda m: m["shards"][0].update(bytes=7), "7"),
], ids=["documents", "tokens", "languages", "language_tokens", "entry_languages", "entry_bytes"])
def test_validate_checks_the_manifest_against_its_shards(tmp_path, edit, expected):
    _run_dir(tmp_path)
    _edit_manifest(tmp_path, edit)
    problems = validate(tmp_path)
    assert any(expected in p for p in problems), problems


def test_validate_reports_unlisted_missing_and_twice_listed_shards(tmp_path):
    entry = _run_dir(tmp_path)
    listed = tmp_path / entry.path
    (tmp_path / "shards" / "part-00000-00001.arrow").write_bytes(listed.read_bytes())
    problems = validate(tmp_path)
    unlisted = tmp_path / "shards" / "part-00000-00001.arrow"
    assert problems == [f"{unlisted}: in shards/ but not listed in manifest.json"]
    _edit_manifest(tmp_path, lambda m: m["shards"].append(dict(m["shards"][0])))
    assert any("listed more than once" in p for p in validate(tmp_path))
    listed.unlink()
    assert any(p.endswith("part-00000-00000.arrow: shard file is missing") for p in validate(tmp_path))


def test_validate_checks_stats_against_the_manifest(tmp_path):
    _run_dir(tmp_path)
    stats = {"kept": 5, "tokens": 20, "by_language": {"eng_Latn": {"kept": 2, "tokens": 8},
                                                      "tha_Thai": {"kept": 3, "tokens": 12},
                                                      "deu_Latn": {"kept": 0, "tokens": 0}}}
    (tmp_path / "stats.json").write_text(json.dumps(stats))
    assert validate(tmp_path) == []
    stats["by_language"]["tha_Thai"]["kept"] = 4
    stats["kept"] = 6
    (tmp_path / "stats.json").write_text(json.dumps(stats))
    problems = validate(tmp_path)
    assert len(problems) == 2 and all("stats.json" in p for p in problems)
    assert any("tha_Thai kept 4 documents / 12 tokens, the manifest lists 3 / 12" in p for p in problems)
    (tmp_path / "stats.json").write_text("{")
    assert any("not a readable stats file" in p for p in validate(tmp_path))


def test_inspect_validate_prints_each_problem_and_exits_1(tmp_path, capsys):
    from babelbeam.cli import main

    _run_dir(tmp_path)
    assert main(["inspect", str(tmp_path), "--validate"]) == 0
    (tmp_path / "shards" / "extra.arrow").write_bytes(b"not a shard")
    _edit_manifest(tmp_path, lambda m: m["totals"].update(documents=4))
    capsys.readouterr()
    assert main(["inspect", str(tmp_path), "--validate"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("INVALID ") for line in err)
    assert "totals.documents is 4" in err[0] and "extra.arrow: in shards/ but not listed" in err[1]


def test_verify_shard_names_a_flipped_byte_and_hashes_once(tmp_path, monkeypatch):
    from babelbeam.tokenize import shards

    entry = _run_dir(tmp_path)
    (listed,) = read_manifest(tmp_path).shards
    calls = []
    real = shards.file_sha256
    monkeypatch.setattr(shards, "file_sha256", lambda p: calls.append(p) or real(p))
    verify_shard(listed)
    verify_shard(listed)
    assert len(calls) == 1  # once per file per process
    path = tmp_path / entry.path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ShardChecksumError, match=r"part-00000-00000.arrow: checksum mismatch"):
        verify_shard(listed)
    path.write_bytes(bytes(data[:-8]))
    with pytest.raises(ShardChecksumError, match=r"part-00000-00000.arrow: \d+ bytes, the manifest lists"):
        verify_shard(listed)
