"""Rewrite the figures the docs quote from a real run of the sample corpus; ``--check`` fails if they are
stale.

The docs show what ``make demo`` (``babelbeam run --input 'examples/corpus/*' --config examples/demo.yaml``)
writes: ``docs/output-format.md`` quotes its manifest.json and stats.json (per-language maps cut to a few
languages), and ``examples/README.md`` says how many records it keeps, removes and dedups in how many shards.
This script runs that demo (or reads ``--run-dir``) and rewrites those passages, so the figures are
generated, never typed; ``tests/test_docs.py`` fails when the committed pages differ from what it writes.

Usage::

    .venv/bin/python scripts/gen_doc_figures.py          # run the demo, rewrite the pages
    .venv/bin/python scripts/gen_doc_figures.py --check  # exit 1 if a page differs from what would be written
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: import the babelbeam beside it
    sys.path.insert(0, str(ROOT))

OUTPUT_FORMAT = ROOT / "docs" / "output-format.md"
EXAMPLES_README = ROOT / "examples" / "README.md"
MANIFEST_LANGUAGES = ("arb_Arab", "ben_Beng", "eng_Latn")
"""The languages the manifest example keeps in its per-language maps."""
STATS_LANGUAGES = ("eng_Latn", "und")
"""The languages the stats example keeps in ``by_language``."""
EXAMPLE_SHARD = "shards/part-00001-00000.arrow"
LINE = 108
"""Longest line of a generated JSON block: shorter maps stay on one line."""


def demo_run(out_dir: Path) -> Path:
    """``make demo``'s run into ``out_dir``: from the repository root, with its relative input pattern, since
    the shards record each document's source path as given."""
    subprocess.run([sys.executable, "-m", "babelbeam.cli", "run", "--input", "examples/corpus/*", "--output",
                    str(out_dir), "--config", "examples/demo.yaml", "--quiet"], cwd=ROOT, check=True)
    return out_dir


def to_json(value: Any, indent: int = 0, key_width: int = 0) -> str:
    """JSON as the docs write it: a mapping or list on one line when it fits in ``LINE`` columns, else one
    entry a line."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict | list) or indent + key_width + len(flat) <= LINE or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, list):
        items = [pad + to_json(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    items = [f"{pad}{json.dumps(k)}: {to_json(v, indent + 2, len(json.dumps(k)) + 2)}"
             for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def _cut(mapping: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: mapping[k] for k in keys if k in mapping}


def manifest_example(manifest: dict[str, Any]) -> str:
    totals = dict(manifest["totals"])
    for key in ("languages", "language_tokens"):
        totals[key] = _cut(totals[key], MANIFEST_LANGUAGES)
    shard = dict(next(s for s in manifest["shards"] if s["path"] == EXAMPLE_SHARD))
    for key in ("languages", "language_tokens"):
        shard[key] = _cut(shard[key], MANIFEST_LANGUAGES)
    return to_json({"schema_version": manifest["schema_version"], "tokenizer": manifest["tokenizer"],
                    "totals": dict(sorted(totals.items())), "shards": [shard]})


def stats_example(stats: dict[str, Any]) -> str:
    example = dict(stats)
    example["by_language"] = _cut(stats["by_language"], STATS_LANGUAGES)
    return to_json(example)


def examples_sentence(stats: dict[str, Any], manifest: dict[str, Any], shard_tokens: int) -> str:
    c = stats["conservation"]
    return (f"All {c['input']} records are read ({c['rejected']} rejected); {c['kept']} are kept "
            f"(~{stats['tokens'] / 1000:.1f}k tokens, {manifest['totals']['shards']} shards at "
            f"`shard_tokens: {shard_tokens}`),\n"
            f"{c['removed']} removed by language ID and quality filters (the junk), "
            f"{c['duplicates']} removed as exact or near duplicates.")


def _replace_json_block(text: str, marker: str, body: str) -> str:
    """Replace the first ```json block whose text holds ``marker``."""
    for m in re.finditer(r"^```json\n(.*?)^```", text, re.S | re.M):
        if marker in m.group(1):
            return text[:m.start(1)] + body + "\n" + text[m.end(1):]
    raise LookupError(f"no ```json block holding {marker!r}")


def render(run_dir: Path) -> dict[Path, str]:
    """Every page this script writes, as it would write it from the run in ``run_dir``."""
    from babelbeam.schemas.config import RunConfig

    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    stats = json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
    page = OUTPUT_FORMAT.read_text(encoding="utf-8")
    page = _replace_json_block(page, '"schema_version"', manifest_example(manifest))
    page = _replace_json_block(page, '"conservation"', stats_example(stats))
    readme = EXAMPLES_README.read_text(encoding="utf-8")
    shard_tokens = RunConfig.from_yaml(ROOT / "examples" / "demo.yaml").output.shard_tokens
    pattern = re.compile(r"All \d+ records are read .*?removed as exact or near duplicates\.", re.S)
    if not pattern.search(readme):
        raise LookupError(f"{EXAMPLES_README}: the sentence with the demo's figures is gone")
    readme = pattern.sub(lambda _: examples_sentence(stats, manifest, shard_tokens), readme)
    return {OUTPUT_FORMAT: page, EXAMPLES_README: readme}


def main(argv: list[str] | None = None) -> int:
    # the summary is the first paragraph (two lines in the source; argparse joins them)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a page differs; write nothing")
    parser.add_argument("--run-dir", type=Path, help="a finished demo run to read instead of running one")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run_dir or demo_run(Path(tmp) / "demo")
        pages = render(run_dir)
    stale = [path for path, text in pages.items() if path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run .venv/bin/python scripts/gen_doc_figures.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(pages[path], encoding="utf-8")
        print(f"rewrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
