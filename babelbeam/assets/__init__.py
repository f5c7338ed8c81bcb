"""Locate babelbeam's bundled model files (fetched at install time by scripts/fetch_assets.py)."""

from __future__ import annotations

import os
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent

# Environment variable naming a directory that holds the asset files, for workers
# that read them from a shared path instead of package data.
ASSETS_ENV = "BABELBEAM_ASSETS"


def asset_path(name: str) -> Path:
    """Return the path of a bundled asset, or raise FileNotFoundError saying how to get it."""
    candidates = []
    if os.environ.get(ASSETS_ENV):
        candidates.append(Path(os.environ[ASSETS_ENV]) / name)
    candidates.append(ASSETS_DIR / name)
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"babelbeam asset {name!r} not found (looked in {', '.join(map(str, candidates))}); "
        "run `python scripts/fetch_assets.py` (make does this) or set "
        f"{ASSETS_ENV} to a directory holding it"
    )
