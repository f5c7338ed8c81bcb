"""The Qwen3 byte-level BPE tokenizer and the Arrow token-shard writer and reader."""

from __future__ import annotations

from typing import Any

__all__ = ["Tokenizer", "load_tokenizer"]


def __getattr__(name: str) -> Any:
    # Lazy, so that reading shards never loads the tokenizer's dependencies.
    if name in __all__:
        from babelbeam.tokenize import tokenizer

        return getattr(tokenizer, name)
    raise AttributeError(name)
