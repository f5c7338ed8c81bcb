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
