"""An earlier revision's ``babelbeam/filters`` package, importable beside the current one (before/after runs).

``load_filters("main")`` copies every file under ``babelbeam/filters/`` of that git
revision (modules and their data) into a temporary directory as the package ``babelbeam_baseline.filters``
(its ``babelbeam.filters`` imports pointed at the copy; everything else, such
as ``babelbeam.schemas``, stays the current code) and returns it, so a
benchmark can run the old and the new kernels in one process, interleaved, on
the same documents. Nothing is written into the repository.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "babelbeam_baseline"


def load_filters(rev: str) -> types.ModuleType:
    """``babelbeam.filters`` as it was at git revision ``rev``, as the package ``babelbeam_baseline.filters``.
    """
    if f"{PACKAGE}.filters" in sys.modules:
        loaded = sys.modules[f"{PACKAGE}.filters"]
        if getattr(loaded, "__baseline_rev__", None) != rev:
            raise RuntimeError(f"a baseline of revision {loaded.__baseline_rev__!r} is already loaded")
        return loaded
    # -r: the data files beside the modules too (langid_data/ holds the tables langid_labels reads at import).
    listing = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "babelbeam/filters/"], cwd=REPO,
                             capture_output=True, text=True)
    if listing.returncode != 0:
        raise SystemExit(f"--baseline {rev}: git cannot list babelbeam/filters/ there "
                         f"({listing.stderr.strip()})")
    root = Path(tempfile.mkdtemp(prefix="babelbeam-baseline-"))
    package = root / PACKAGE / "filters"
    package.mkdir(parents=True)
    (root / PACKAGE / "__init__.py").write_text("", encoding="utf-8")
    for path in listing.stdout.splitlines():
        target = package / Path(path).relative_to("babelbeam/filters")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=REPO, capture_output=True, check=True
        ).stdout
        if path.endswith(".py"):
            source = data.decode("utf-8").replace("babelbeam.filters", f"{PACKAGE}.filters")
            target.write_text(source, encoding="utf-8")
        else:
            target.write_bytes(data)
    sys.path.insert(0, str(root))
    module = importlib.import_module(f"{PACKAGE}.filters")
    module.__baseline_rev__ = rev
    return module


def load_module(rev: str, name: str) -> types.ModuleType:
    """``babelbeam.filters.<name>`` at ``rev`` (see ``load_filters``)."""
    load_filters(rev)
    return importlib.import_module(f"{PACKAGE}.filters.{name}")
