"""Tokenizer fixtures shared by the tokenizer and normalisation tests, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
import tokenizers

from babelbeam.tokenize import Tokenizer, load_tokenizer


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
