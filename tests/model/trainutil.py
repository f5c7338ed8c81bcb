"""Helpers shared by the trainer's tests: real token shards written with the shard writer."""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from babelbeam.schemas.shard import MANIFEST_NAME
from babelbeam.tokenize.shards import ShardRow, make_manifest, write_shard

EOS = 151643


def write_manifest(out: Path, rows: Sequence[ShardRow], docs_per_shard: int = 50) -> Path:
    """Write ``rows`` as shards of ``docs_per_shard`` documents under ``out`` and return the manifest path."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(0, len(rows), docs_per_shard):
        shard = out / "shards" / f"part-{i // docs_per_shard:05d}.arrow"
        entries.append(write_shard(shard, rows[i:i + docs_per_shard]))
    manifest = make_manifest({"name": "qwen3", "eos_id": EOS}, entries)
    path = out / MANIFEST_NAME
    path.write_text(manifest.to_json(), encoding="utf-8")
    return path


def synthetic_rows(n: int, langs: Sequence[str] = ("eng_Latn", "deu_Latn"), seed: int = 0,
                   min_len: int = 3, max_len: int = 40, sources: Sequence[str] = ("web",)) -> list[ShardRow]:
    """Documents of random token ids (< 1000) each ending with EOS; document i gets langs[i % len(langs)]."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        body = rng.integers(0, 1000, size=int(rng.integers(min_len, max_len)) - 1, dtype=np.uint32)
        rows.append(ShardRow(id=f"doc-{i:06d}", lang=langs[i % len(langs)], source=sources[i % len(sources)],
                             tokens=np.append(body, np.uint32(EOS))))
    return rows


_MODULES = ("argparse", "asyncio", "bisect", "collections", "configparser", "contextlib", "csv",
            "dataclasses", "datetime", "decimal", "difflib", "email.message", "enum", "fractions",
            "functools", "glob", "heapq", "http.client", "inspect", "io", "itertools", "json", "logging",
            "os", "pathlib", "pickle", "pprint", "random", "re", "shutil", "socket", "statistics", "string",
            "struct", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "typing", "unittest",
            "urllib.parse", "zipfile")


def stdlib_texts() -> list[str]:
    """English prose that ships with Python: docstrings of a fixed list of standard-library modules and
    members."""
    import importlib

    texts = []
    for name in _MODULES:
        module = importlib.import_module(name)
        for _, obj in sorted(vars(module).items()):
            members = [obj]
            if inspect.isclass(obj):
                members += [m for _, m in sorted(vars(obj).items()) if inspect.isfunction(m)]
            for member in members:
                if not (inspect.isclass(member) or inspect.isfunction(member)):
                    continue
                doc = inspect.getdoc(member)
                if doc and len(doc) > 150:
                    texts.append(doc)
    return sorted(set(texts))


def text_rows(texts: Sequence[str]) -> list[ShardRow]:
    """Tokenize texts with the real Qwen3 tokenizer into shard rows (EOS appended)."""
    from babelbeam.tokenize import load_tokenizer

    tok = load_tokenizer("qwen3")
    rows = []
    for i, text in enumerate(texts):
        ids = np.array(tok.encode(text) + [tok.eos_id], dtype=np.uint32)
        rows.append(ShardRow(id=f"text-{i:05d}", lang="eng_Latn", source="stdlib", tokens=ids))
    return rows


def real_manifest(out: Path) -> Path:
    """Shards of real English text (Python's docstrings, about 80k Qwen3 tokens) written with the shard
    writer."""
    return write_manifest(out, text_rows(stdlib_texts()), docs_per_shard=100)


REPO = Path(__file__).resolve().parent.parent.parent


def pipeline_manifest(out: Path) -> Path:
    """Shards made by ``babelbeam run`` from the sample corpus (``make demo``'s input and config)."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "babelbeam.cli", "run", "--input", str(REPO / "examples/corpus/*"),
               "--output", str(out), "--config", str(REPO / "examples/demo.yaml")]
    proc = subprocess.run(command, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / MANIFEST_NAME


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
