"""Measure commonlid's FunLangID as a second stage for the languages lid.176 cannot emit (docs/langid.md).

FunLangID (vendored in the PyPI package ``commonlid``, Apache-2.0) is a pure-Python character 4-gram lexicon
with 1,647 labels, 14 of them registry languages lid.176 has no label for (szl hne awa fao lij fur prs mag
ban bjn pag pap kea tpi; none of the six Arabic varieties). The stage measured: after lid.176 and babelbeam's
rules, a document whose FunLangID top label is one of those 14 takes that label. Measured:

- recall of the uncovered languages on the UDHR development set (all of preamble and articles 1-15, never
  16-30; paragraphs and whole declarations). The package does not say what the lexicon was built from; UDHR
  is a usual source for lexicons of 1,600 languages, so these figures may be optimistic;
- the cost to the covered languages: their UDHR texts and every good document of the benchmark corpus
  (the project's own sentences, certainly not in the lexicon) that the stage moves into one of the 14.

Usage (FunLangID is loaded from the installed package without importing commonlid's heavy dependencies)::

    .venv/bin/pip install --no-deps commonlid==0.2.5
    .venv/bin/python scripts/langid_second_stage.py [--json out/langid/second_stage.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from langid_report import corpus_texts, udhr_halves  # noqa: E402

from babelbeam.filters.langid import LanguageIdentifier  # noqa: E402
from babelbeam.schemas.config import LangIdConfig  # noqa: E402

FUN_TO_REGISTRY = {
    "szl": "szl_Latn",
    "hne": "hne_Deva",
    "awa": "awa_Deva",
    "fo": "fao_Latn",
    "lij": "lij_Latn",
    "fur": "fur_Latn",
    "prs": "prs_Arab",
    "mag": "mag_Deva",
    "ban": "ban_Latn",
    "bjn": "bjn_Latn",
    "pag": "pag_Latn",
    "pap": "pap_Latn",
    "kea": "kea_Latn",
    "tpi": "tpi_Latn",
}
"""FunLangID labels of the registry languages lid.176 cannot emit."""


def load_funlangid() -> Any:
    """The vendored FunLangID class, loaded from commonlid's files without running ``commonlid/__init__``."""
    spec = importlib.util.find_spec("commonlid")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("commonlid is not installed: .venv/bin/pip install --no-deps commonlid==0.2.5")
    path = Path(list(spec.submodule_search_locations)[0]) / "vendor" / "fun_langid.py"
    module_spec = importlib.util.spec_from_file_location("fun_langid", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.FunLangID()


def second_stage(fun: Any, text: str, first: str) -> str:
    """The code after the stage: FunLangID's top label when it is one of the 14, else lid.176's."""
    top = fun.predict_top(text).split("-")[0]
    return FUN_TO_REGISTRY.get(top, first)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--udhr", type=Path, default=Path("out/langid/udhr_dev.jsonl"))
    parser.add_argument("--corpus", type=Path, default=Path("out/bench/corpus-small"))
    parser.add_argument("--corpus-docs", type=int, default=5000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    fun = load_funlangid()
    lid = LanguageIdentifier.from_config(LangIdConfig())
    # The 99 lid.176 has a label for (Dari only reaches it through the Persian/Dari marker rule).
    covered = set(lid.coverage()[0]) - set(FUN_TO_REGISTRY.values())
    records = [json.loads(line) for line in args.udhr.open(encoding="utf-8") if line.strip()]
    halves = udhr_halves(records)
    texts = [t for half in halves.values() for t in half if t.kind in ("paragraph", "whole")]
    n: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    moved: Counter[tuple[str, str]] = Counter()
    for t in texts:
        first = lid.identify(t.text).code
        final = second_stage(fun, t.text, first)
        n[(t.gold, t.kind)] += 1
        right[(t.gold, t.kind)] += final == t.gold
        if t.gold in covered and final != first and final in FUN_TO_REGISTRY.values():
            moved[(t.gold, final)] += 1
    out: dict[str, Any] = {
        "uncovered": {},
        "covered_moved_udhr": {f"{g}->{c}": k for (g, c), k in moved.items()},
    }
    print("| language | UDHR paragraphs right | whole declarations right |\n|---|---:|---:|")
    for code in sorted({g for g, _ in n if g in FUN_TO_REGISTRY.values()}):
        p, w = (code, "paragraph"), (code, "whole")
        print(f"| {code} | {right[p]}/{n[p]} | {right[w]}/{n[w]} |")
        out["uncovered"][code] = {"paragraphs": [right[p], n[p]], "whole": [right[w], n[w]]}
    covered_texts = sum(k for (g, _), k in n.items() if g in covered)
    print(
        f"\ntexts of the {len(covered)} covered languages (UDHR) moved into one of the 14: "
        f"{sum(moved.values())} of {covered_texts}: "
        + ", ".join(f"{g}->{c} {k}" for (g, c), k in moved.most_common())
    )
    out["covered_udhr_texts"] = covered_texts
    if (args.corpus / "manifest.json").is_file():
        docs = corpus_texts(args.corpus)
        docs = docs[:: max(1, len(docs) // args.corpus_docs)]
        wrong: Counter[str] = Counter()
        for t in docs:
            first = lid.identify(t.text).code
            final = second_stage(fun, t.text, first)
            if final != first:
                wrong[f"{t.gold}->{final}"] += 1
        print(
            "benchmark-corpus documents (all covered languages) moved into one of the 14: "
            f"{sum(wrong.values())} "
            f"of {len(docs)}: " + ", ".join(f"{k} {v}" for k, v in wrong.most_common(10))
        )
        out["corpus"] = {"documents": len(docs), "moved": dict(wrong)}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
