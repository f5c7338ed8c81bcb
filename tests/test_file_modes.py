"""Files babelbeam writes get the permissions the user's umask gives any new file: no 0600 surprises.

Each writer runs under a fixed umask; every file it leaves must have mode 0666 & ~umask.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
import torch

from babelbeam.model.checkpoint import Checkpointer
from babelbeam.model.config import preset
from babelbeam.model.hf import save_hf_checkpoint
from babelbeam.model.qwen3 import Qwen3ForCausalLM
from babelbeam.model.scorer import QualityHeadModel
from babelbeam.tokenize import load_tokenizer


@pytest.fixture(params=[0o022, 0o077, 0o002], ids=["022", "077", "002"])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def modes(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): oct(stat.S_IMODE(p.stat().st_mode))
            for p in sorted(directory.rglob("*")) if p.is_file()}


def expect_all(directory: Path, umask: int) -> None:
    found = modes(directory)
    assert found and set(found.values()) == {oct(0o666 & ~umask)}, found


@pytest.fixture(scope="module")
def tiny_model() -> Qwen3ForCausalLM:
    torch.manual_seed(0)
    model = Qwen3ForCausalLM(preset("tiny"))
    model.init_weights()
    return model


def test_hugging_face_export_follows_the_umask(tmp_path, umask, tiny_model):
    save_hf_checkpoint(tiny_model, tmp_path / "one")
    save_hf_checkpoint(tiny_model, tmp_path / "sharded", max_shard_bytes=4 * 1024 * 1024)
    assert len(list((tmp_path / "sharded").glob("*.safetensors"))) > 1
    expect_all(tmp_path, umask)


def test_scorer_directory_follows_the_umask(tmp_path, umask, tiny_model):
    QualityHeadModel(tiny_model).save(tmp_path / "scorer", max_tokens=64)
    assert (tmp_path / "scorer" / "head.safetensors").is_file()
    expect_all(tmp_path, umask)


def test_tokenizer_json_follows_the_umask(tmp_path, umask):
    lines = [base64.b64encode(bytes([b])).decode() + f" {b}" for b in range(256)]
    ranks = tmp_path / "src" / "tiny.tiktoken"
    ranks.parent.mkdir()
    ranks.write_text("\n".join(lines) + "\n", encoding="ascii")
    load_tokenizer(ranks).save_tokenizer_json(tmp_path / "out" / "tokenizer.json")
    expect_all(tmp_path / "out", umask)


def test_training_checkpoint_follows_the_umask(tmp_path, umask):
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.AdamW(model.parameters())
    Checkpointer(tmp_path).save(1, model, optimizer, {"step": 1}, "steps: 1\n")
    expect_all(tmp_path, umask)


def test_pipeline_writers_follow_the_umask(tmp_path, umask):
    import numpy as np

    from babelbeam.pipeline.sinks import write_atomically
    from babelbeam.tokenize.shards import ShardRow, write_shard

    write_atomically(str(tmp_path / "stats.json"), b"{}\n")
    write_shard(tmp_path / "shards" / "part-00000.arrow",
                [ShardRow(id="a", lang="eng_Latn", source="web", tokens=np.array([1, 2], dtype=np.uint32))])
    expect_all(tmp_path, umask)
