"""Shared test helpers: the local runner's options and small input writers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
