"""The sdist that ``--setup_file ./setup.py`` ships builds, holds the model files, installs cleanly and runs.

What is real and what is borrowed, so the test claims no more than it shows:

- The sdist is built the way Beam's stager builds it for ``--setup_file`` (``Stager._build_setup_package``:
  ``python -m build --sdist --no-isolation`` if ``build`` is installed, else ``python setup.py sdist``).
- The tarball must hold ``babelbeam/assets/qwen.tiktoken`` and ``lid.176.ftz`` with the SHA-256 sums pinned
  in ``scripts/fetch_assets.py``, and the language registry.
- A wheel is built **from the unpacked sdist** (not from the source tree) and installed with ``--no-deps``
  into a new virtualenv made without ``--system-site-packages``: babelbeam's code, package data and
  ``babelbeam`` console script come only from the sdist.
- Third-party dependencies are not downloaded (offline-safe and fast). The clean venv instead sees a
  directory of symlinks to exactly the distributions in the transitive closure of babelbeam's
  ``install_requires`` (no extras: what a Dataflow worker's ``pip install`` of the sdist gets), taken
  from the project venv. So a runtime import of a test-only or model-only package (torch, datasketch,
  polars, ...) fails here as it would on a worker. What this does not test is pip's resolution of
  those requirements from PyPI.
- The pipeline then runs from that install, from a directory outside the source tree, on a few sample
  documents, and the manifest is checked (and validated by the installed ``babelbeam inspect``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
SAMPLE = [("web_europe.jsonl", 6), ("web_world.jsonl", 6)]


def _pinned_assets() -> dict[str, str]:
    """``{file name: sha256}`` from scripts/fetch_assets.py (the one place the sums are pinned)."""
    import runpy

    assets = runpy.run_path(str(REPO / "scripts" / "fetch_assets.py"), run_name="fetch_assets")["ASSETS"]
    return {name: sha for _req, _member, name, sha in assets}


def _wheel_requirements(wheel: Path) -> list[str]:
    """``Requires-Dist`` of a wheel (what pip would install with it)."""
    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        text = z.read(meta).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]


def _runtime_closure(requirements: list[str]) -> dict[str, md.Distribution]:
    """Distributions (by normalised name) that installing ``requirements`` without extras needs, from this
    venv."""
    env = {"extra": ""}
    seen: dict[str, md.Distribution] = {}
    pending = [Requirement(r) for r in requirements]
    while pending:
        req = pending.pop()
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        key = req.name.lower().replace("_", "-")
        if key in seen:
            continue
        dist = md.distribution(req.name)
        assert req.specifier.contains(dist.version, prereleases=True), (
            f"{req} not satisfied by {dist.version}")
        seen[key] = dist
        for sub in dist.requires or []:
            r = Requirement(sub)
            if r.marker is None or r.marker.evaluate(env):
                pending.append(r)
    return seen


def _link_site(dists: dict[str, md.Distribution], site: Path) -> None:
    """Symlink every top-level entry (packages, modules, .libs, .dist-info) of ``dists`` into ``site``."""
    site.mkdir(parents=True)
    for dist in dists.values():
        base = Path(dist.locate_file(""))
        for entry in {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            target, link = base / entry, site / entry
            if target.exists() and not link.exists():
                link.symlink_to(target)


@pytest.mark.slow
def test_sdist_installs_into_a_clean_venv_and_runs(tmp_path: Path) -> None:
    from apache_beam.runners.portability.stager import Stager

    # 1. the sdist, exactly as --setup_file builds it
    dist_dir = tmp_path / "dist"
    dist_dir.mkdir()
    sdist = Path(Stager._build_setup_package(str(REPO / "setup.py"), str(dist_dir)))
    with tarfile.open(sdist) as tar:
        members = {Path(*Path(m.name).parts[1:]).as_posix(): m for m in tar.getmembers()}
        for name, sha in _pinned_assets().items():
            member = members.get(f"babelbeam/assets/{name}")
            assert member is not None, f"{sdist.name} lacks babelbeam/assets/{name} (run make assets)"
            assert hashlib.sha256(tar.extractfile(member).read()).hexdigest() == sha, name
        assert "babelbeam/schemas/languages.tsv" in members
        for name in ("groups.tsv", "relatives.tsv", "lid176_thresholds.yaml", "glotlid_v3_labels.txt"):
            assert f"babelbeam/filters/langid_data/{name}" in members, name  # language ID's tables
        tar.extractall(tmp_path / "src", filter="data")
    (src,) = (tmp_path / "src").iterdir()

    # 2. a wheel from the unpacked sdist, with this venv's setuptools (no network, no build isolation)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(src)], check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("babelbeam-*.whl")

    # 3. a clean venv (no system site-packages), babelbeam installed from that wheel only
    clean = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(clean)
    python = clean / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, cwd=tmp_path)
    site = Path(subprocess.run([str(python), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    deps = tmp_path / "runtime-deps"
    closure = _runtime_closure(_wheel_requirements(wheel))
    assert "apache-beam" in closure and "torch" not in closure
    _link_site(closure, deps)
    (site / "zz_runtime_deps.pth").write_text(f"{deps}\n", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{clean / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = subprocess.run([str(python), "-c", "import babelbeam, babelbeam.assets as a; "
                            "print(babelbeam.__file__); print(a.asset_path('lid.176.ftz'))"],
                           check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout.split()
    assert all(Path(p).is_relative_to(clean) for p in where), where  # not the source tree

    # 4. the pipeline from the install, outside the source tree
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    for name, n in SAMPLE:
        lines = (REPO / "examples" / "corpus" / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (work / "data" / name).write_text("".join(lines[:n]), encoding="utf-8")
    (work / "run.yaml").write_text("output: {shard_tokens: 1000, buckets: 2}\n", encoding="utf-8")
    babelbeam = str(clean / "bin" / "babelbeam")
    run = subprocess.run([babelbeam, "run", "--input", "data/*.jsonl", "--output", "out",
                          "--config", "run.yaml"],
                         capture_output=True, text=True, cwd=work, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    manifest = json.loads((work / "out" / "manifest.json").read_text(encoding="utf-8"))
    stats = json.loads((work / "out" / "stats.json").read_text(encoding="utf-8"))
    assert manifest["tokenizer"]["sha256"] == _pinned_assets()["qwen.tiktoken"]
    assert manifest["totals"]["documents"] == stats["kept"] > 0
    assert manifest["totals"]["shards"] >= 2 and len(manifest["totals"]["languages"]) >= 3
    assert stats["conservation"]["holds"] and stats["input"] == sum(n for _, n in SAMPLE)
    check = subprocess.run([babelbeam, "inspect", "out", "--validate"], capture_output=True, text=True,
                           cwd=work, env=env, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
