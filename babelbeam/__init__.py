"""babelbeam: raw multilingual text to Qwen3 pretraining shards with Apache Beam, and a Qwen3 trainer."""

__version__ = "0.1.0"
