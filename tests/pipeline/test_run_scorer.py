"""`babelbeam run --scorer`: scores and buckets land in the shards and stats, and the scorer's tokens are
reused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import torch

from babelbeam.cli import main as cli_main
from babelbeam.model.config import preset
from babelbeam.model.hf import save_hf_checkpoint
from babelbeam.model.qwen3 import Qwen3ForCausalLM
from babelbeam.tokenize.shards import open_shard, read_manifest

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [str(ROOT / "examples" / "corpus" / "web_europe.jsonl"),
          str(ROOT / "examples" / "corpus" / "travel_eng.txt")]


def _tokens_by_id(run: Path) -> dict[str, np.ndarray]:
    out = {}
    for entry in read_manifest(run).shards:
        shard = open_shard(entry.path)
        for i, doc_id in enumerate(shard.ids):
            out[doc_id] = np.array(shard.document_tokens(i))
    return out


def test_run_with_a_scorer(tmp_path):
    torch.manual_seed(0)
    model = Qwen3ForCausalLM(preset("tiny"))
    model.init_weights()
    save_hf_checkpoint(model, tmp_path / "lm")
    base = ["run", "--input", *INPUTS, "--config", str(ROOT / "examples" / "demo.yaml")]
    assert cli_main(base + ["--output", str(tmp_path / "plain")]) == 0
    assert cli_main(base + ["--output", str(tmp_path / "scored"), "--scorer", str(tmp_path / "lm")]) == 0

    scored = read_manifest(tmp_path / "scored")
    table = pa.concat_tables([open_shard(s.path).table for s in scored.shards])
    scores, buckets = table.column("quality_score").to_pylist(), table.column("quality_bucket").to_pylist()
    assert all(s is not None and np.isfinite(s) for s in scores)
    assert set(buckets) <= {"head", "middle", "tail"} and len(set(buckets)) == 3
    # Token ids written from the scorer's tokenization equal a run that tokenized in the write phase.
    plain, reused = _tokens_by_id(tmp_path / "plain"), _tokens_by_id(tmp_path / "scored")
    assert plain.keys() == reused.keys()
    assert all(np.array_equal(plain[k], reused[k]) for k in plain)
    stats = json.loads((tmp_path / "scored" / "stats.json").read_text())
    assert stats["scorer"]["by_language"] and stats["conservation"]["holds"]
