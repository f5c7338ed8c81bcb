"""Measure language ID speed and accuracy against the sample's character cap (``langid.max_sample_chars``).

For each cap (``none`` = no cap) it reports, with everything else at the default config:

- **docs/s**, **scored chars/doc** (characters fastText reads per document, load-independent):
  ``LanguageIdentifier.annotate`` documents per CPU second (``time.process_time``, one core) on
  every k-th document of the benchmark corpus (``benchmarks/corpus.py``, NFC-normalised as ``babelbeam run``
  does), best of ``--repeats`` passes;
- **corpus agreement** with the generator's true language (documents whose label has one) and with the
  uncapped prediction;
- **UDHR macro accuracy** over the covered languages of the development set (short paragraphs: mostly a
  check that nothing breaks) and paragraph accuracy;
- **long-document checks** built from the development set, one document per declaration, gold its language:
  ``joined`` (all its paragraphs, one per line), ``nav header`` (16 lines of English site navigation first
  and 6 of footer last), ``English lead`` (the first quarter of the lines are English UDHR paragraphs;
  English declarations left out), ``windows`` (6 consecutive paragraphs, every window of every
  declaration: the cap binds on about half of them), ``English lead, windows`` (9 consecutive paragraphs
  after 3 English ones, every window of every non-English declaration). Evenly spaced sampling must still
  find the body's language.

Usage::

    .venv/bin/python scripts/langid_sample_cap.py [--docs 4000] [--caps none,4000,2000,1000,500] [--json F]

Figures are CPU time on a shared machine: compare the rows of one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from corpus import labelled_records  # noqa: E402  (benchmarks/ on sys.path)

from babelbeam.filters.langid import LanguageIdentifier, sample_lines  # noqa: E402  (repo root on sys.path)
from babelbeam.filters.langid_cli import evaluate  # noqa: E402
from babelbeam.filters.normalize import normalize_text  # noqa: E402
from babelbeam.schemas import Document  # noqa: E402
from babelbeam.schemas.config import LangIdConfig, RunConfig  # noqa: E402

log = logging.getLogger("langid_sample_cap")

NAV_HEADER = [
    "Skip to main content", "Home", "About us", "News", "Contact", "Search this site", "Sign in", "Register",
    "Privacy policy", "Terms of use", "Cookie settings", "Accept all cookies", "Subscribe to our newsletter",
    "Follow us on Twitter", "Share on Facebook", "You are here: Home > Documents > Human rights",
]
"""English navigation lines put before the body in the ``nav header`` check."""
NAV_FOOTER = [
    "Back to top", "Copyright 2024 All rights reserved", "Privacy policy", "Contact us", "Sitemap",
    "Powered by WordPress",
]
"""English footer lines put after the body in the ``nav header`` check."""


def read_corpus(directory: Path, docs: int) -> list[tuple[Document, str | None]]:
    """Every k-th document of the corpus (about ``docs`` of them), NFC-normalised, with its true language."""
    manifest = json.loads((directory / "manifest.json").read_text())
    every = max(1, manifest["documents"] // docs)
    norm = RunConfig().normalize
    out = []
    for i, (r, lab) in enumerate(labelled_records(directory)):
        if i % every == 0:
            text = normalize_text(r["text"], norm.form, norm.strip_control)
            out.append((Document(id=r["id"], text=text), lab.get("lang")))
    return out


def long_documents(records: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """The long-document checks: name -> [(text, gold code)], one document per declaration."""
    by_decl: dict[str, list[str]] = defaultdict(list)
    gold: dict[str, str] = {}
    for r in records:
        by_decl[r["udhr_code"]].append(r["text"])
        gold[r["udhr_code"]] = r["lang"]
    english = next(texts for code, texts in sorted(by_decl.items()) if gold[code] == "eng_Latn")
    joined, nav, lead = [], [], []
    for code in sorted(by_decl):
        body = by_decl[code]
        joined.append(("\n".join(body), gold[code]))
        nav.append(("\n".join(NAV_HEADER + body + NAV_FOOTER), gold[code]))
        if gold[code] != "eng_Latn":
            # A quarter of the lines in English before the body: more than any header, less than the body.
            n_eng = max(1, len(body) // 3)
            lead.append(("\n".join(english[:n_eng] + body), gold[code]))
    # Mid-length documents of one language (6 consecutive paragraphs, about 1,000 characters): the cap binds
    # on about half and lid.176's weaker languages (Sundanese, Venetian, Javanese) need the words.
    plain = []
    for code in sorted(by_decl):
        body = by_decl[code]
        plain.extend(("\n".join(body[s : s + 6]), gold[code]) for s in range(0, len(body) - 5, 6))
    # Many mid-length documents: windows of 9 consecutive paragraphs of one declaration after 3 English ones
    # (a different English triple each time), so the cap binds and the lead is a quarter of the lines.
    windows = []
    for code in sorted(by_decl):
        if gold[code] == "eng_Latn":
            continue
        body = by_decl[code]
        for w, start in enumerate(range(0, len(body) - 8, 9)):
            eng = [english[(3 * w + j) % len(english)] for j in range(3)]
            windows.append(("\n".join(eng + body[start : start + 9]), gold[code]))
    return {"joined": joined, "nav header": nav, "English lead": lead, "windows": plain,
            "English lead, windows": windows}


def cpu_rate(identifier: LanguageIdentifier, docs: list[Document], repeats: int) -> tuple[float, list[str]]:
    """Best documents per CPU second over ``repeats`` passes, and the codes of the last pass."""
    identifier.annotate(docs[0])
    best = float("inf")
    codes: list[str] = []
    for _ in range(repeats):
        start = time.process_time()
        out = [identifier.annotate(d) for d in docs]
        best = min(best, time.process_time() - start)
        codes = [d.lang or "" for d in out]
    return len(docs) / max(best, 1e-9), codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("out/bench/corpus-small"))
    parser.add_argument("--udhr", type=Path, default=Path("out/langid/udhr_dev.jsonl"))
    parser.add_argument("--docs", type=int, default=4000, help="corpus documents to time (every k-th)")
    parser.add_argument("--caps", default="none,4000,2000,1000,500",
                        help="comma-separated caps; none = no cap")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for path in (args.corpus / "manifest.json", args.udhr):
        if not path.is_file():
            print(f"{path} not found: build it with benchmarks/corpus.py / scripts/build_udhr_devset.py")
            return 2

    corpus = read_corpus(args.corpus, args.docs)
    docs = [d for d, _ in corpus]
    udhr = [json.loads(line) for line in args.udhr.open(encoding="utf-8") if line.strip()]
    checks = long_documents(udhr)
    caps = [None if c.strip() == "none" else int(c) for c in args.caps.split(",")]
    base = LanguageIdentifier.from_config(LangIdConfig())

    rows: list[dict[str, Any]] = []
    reference: list[str] | None = None
    for cap in caps:
        identifier = LanguageIdentifier(base.model, dataclasses.replace(LangIdConfig(), max_sample_chars=cap))
        rate, codes = cpu_rate(identifier, docs, args.repeats)
        # Characters fastText scores per document: what the cap saves, independent of the machine's load.
        scored = sum(len(sample_lines(d.text, identifier.config.max_sample_lines, cap)[0]) for d in docs)
        if cap is None:
            reference = codes
        labelled = [(c, g) for c, (_, g) in zip(codes, corpus, strict=True) if g is not None]
        row: dict[str, Any] = {
            "cap": cap,
            "docs": len(docs),
            "docs_per_cpu_s": round(rate, 1),
            "scored_chars_per_doc": round(scored / len(docs), 1),
            "corpus_true": round(sum(c == g for c, g in labelled) / len(labelled), 4),
            "corpus_labelled": len(labelled),
        }
        if reference is not None:
            row["corpus_vs_uncapped"] = round(
                sum(a == b for a, b in zip(codes, reference, strict=True)) / len(codes), 4)
        report = evaluate(identifier, udhr)
        row["udhr_macro_covered"] = round(report.macro(report.gold_covered), 4)
        row["udhr_micro"] = round(sum(report.correct.values()) / sum(report.n.values()), 4)
        for name, items in checks.items():
            right = sum(identifier.identify(text).code == g for text, g in items)
            row[f"long_{name}"] = f"{right}/{len(items)}"
        rows.append(row)
        log.info("%s", row)

    names = list(checks)
    print("Language ID vs the sample's character cap (CPU time, one core, shared 2-core machine).\n")
    print("| max_sample_chars | docs/s (corpus) | scored chars/doc | corpus: true lang | corpus: = uncapped "
          "| UDHR macro (covered) | UDHR paragraphs | " + " | ".join(f"long: {n}" for n in names) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(names))
    for r in rows:
        agree = f"{100 * r['corpus_vs_uncapped']:.2f}%" if "corpus_vs_uncapped" in r else "-"
        print(f"| {r['cap'] or 'none'} | {r['docs_per_cpu_s']:,.0f} | {r['scored_chars_per_doc']:,.0f} "
              f"| {100 * r['corpus_true']:.2f}% | {agree} "
              f"| {100 * r['udhr_macro_covered']:.1f}% | {100 * r['udhr_micro']:.1f}% | "
              + " | ".join(r[f"long_{n}"] for n in names) + " |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": "shared 2-core", "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
