"""Shared test helpers: the local runner's options and small input writers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tokenizers

from babelbeam.tokenize import Tokenizer, load_tokenizer

FNAPI = ["--runner=FnApiRunner"]


def write_jsonl(path: Path, records: list[dict | str | bytes]) -> Path:
    """Write records (dicts as JSON, str/bytes verbatim) one per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        for r in records:
            line = r if isinstance(r, bytes) else (r if isinstance(r, str) else json.dumps(r)).encode()
            f.write(line.rstrip(b"\n") + b"\n")
    return path


def run_stage_fn(fn: object, docs: list, want: list) -> dict[str, int]:
    """Run a stage DoFn over ``docs`` on the FnApiRunner; assert that its kept and removed outputs are the
    documents of ``want`` (what ``fn`` makes of each, one at a time) and return its committed counters."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to

    from babelbeam.pipeline.stages.base import DocumentStage

    p = TestPipeline(options=PipelineOptions(FNAPI))
    out = p | beam.Create(docs) | DocumentStage(fn)
    assert_that(out["kept"], equal_to([d for d in want if d.removed_reason is None]), label="Kept")
    assert_that(out["removed"], equal_to([d for d in want if d.removed_reason is not None]), label="Removed")
    result = p.run()
    result.wait_until_finish()
    return {c.key.metric.name: c.committed for c in result.metrics().query()["counters"]}


@pytest.fixture(scope="session")
def fnapi_options() -> list[str]:
    return list(FNAPI)


# Tokenizer fixtures shared by the tokenizer and normalisation tests, built once per session.

@pytest.fixture(scope="session")
def qwen() -> Tokenizer:
    return load_tokenizer("qwen3")


@pytest.fixture(scope="session")
def exported(qwen: Tokenizer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Qwen3 ``tokenizer.json`` exported from the bundled ranks."""
    return qwen.save_tokenizer_json(tmp_path_factory.mktemp("qwen3") / "tokenizer.json")


@pytest.fixture(scope="session")
def hf(exported: Path) -> tokenizers.Tokenizer:
    """The real Hugging Face ``tokenizers`` tokenizer loaded from that file (its NFC, its BPE)."""
    tok = tokenizers.Tokenizer.from_file(str(exported))
    tok.encode_special_tokens = True
    return tok
