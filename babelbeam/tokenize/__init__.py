"""The Qwen3 byte-level BPE tokenizer and the Arrow token-shard writer and reader."""

from babelbeam.tokenize.tokenizer import Tokenizer, load_tokenizer

__all__ = ["Tokenizer", "load_tokenizer"]
