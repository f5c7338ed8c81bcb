"""Quality filters next to datatrove 0.10.1: keep/remove agreement on English documents, and throughput.

Run: ``.venv/bin/python benchmarks/bench_filters.py [--docs 300] [--json out.json]``.

Documents: English text that ships with every Python install here, so the run
needs nothing downloaded: the Python reference manual topics (``pydoc_data``),
the long descriptions (READMEs) of the installed packages, and stdlib module
docstrings: prose, Markdown lists, badges, tables and code, a fair stand-in for
web text's mix of good and bad pages. Each is one document, ``eng_Latn``.

For each filter (Gopher quality, Gopher repetition, FineWeb quality, C4
quality) both implementations decide keep/remove on the same documents; every
disagreement is classified by its cause and printed. Throughput is timed in one
process on one core: each filter alone (each segments the text itself, as a
standalone filter must), and the whole chain (babelbeam's ``QualityChain`` with
only these four filters, segmenting once, against datatrove's four filters run
in sequence, stopping at the first removal as a pipeline does).
datatrove needs ``pip install datatrove==0.10.1 spacy`` (spaCy is its English word
tokenizer, both in the ``bench`` extra); without them the benchmark stops with an error
(``--no-datatrove`` leaves the datatrove comparison out on purpose).

``--baseline REV`` (e.g. ``main``) also runs the quality filters of that git revision
(``benchmarks/baseline.py`` loads them next to the current ones) on documents of the
benchmark corpus (``--corpus-dir``, written by ``benchmarks/corpus.py`` or
``run_all.py``; ``--corpus-docs`` of them, every k-th) and on the test samples of
``tests/filters/quality_samples.py``: it checks that both give identical results
(every measurement, cleaned text and keep/remove decision of the run config's quality
chain, with and without ``keep_measurements``; every n-gram statistic for n = 1..10)
and times both, interleaved in this process: the chain, the Gopher repetition filter
and the n-gram tables alone. Any difference fails the run (exit status 1).
"""

from __future__ import annotations

import argparse
import ast
import copy
import email
import importlib.metadata
import importlib.util
import inspect
import json
import logging
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import forget_word_indexes, timed  # noqa: E402  (benchmarks/ is on sys.path when run or imported by run_all)

from babelbeam.filters.base import DocumentFilter  # noqa: E402
from babelbeam.filters.c4 import C4QualityFilter  # noqa: E402
from babelbeam.filters.fineweb import FineWebQualityFilter  # noqa: E402
from babelbeam.filters.gopher import GopherQualityFilter, GopherRepetitionFilter  # noqa: E402
from babelbeam.filters.quality import QualityChain  # noqa: E402
from babelbeam.filters.stopwords import GOPHER_STOP_WORDS  # noqa: E402
from babelbeam.filters.textstats import TextStats  # noqa: E402
from babelbeam.pipeline.stages.quality import QualityFilterFn  # noqa: E402
from babelbeam.schemas import Document  # noqa: E402
from babelbeam.schemas.quality_config import (  # noqa: E402
    C4Config,
    FineWebConfig,
    GopherQualityConfig,
    GopherRepetitionConfig,
    QualityConfig,
)

log = logging.getLogger("bench_filters")

FILTERS = ("gopher_quality", "gopher_repetition", "fineweb", "c4")
# Gopher quality again with the alphabetic-word rule off on both sides, to show agreement on its other rules
# (datatrove's alpha rule counts punctuation tokens as words and dominates its disagreements).
NO_ALPHA = "gopher_quality_no_alpha"
AGREEMENT = (FILTERS[0], NO_ALPHA, *FILTERS[1:])


# --- corpus -------------------------------------------------------------------------------------------


def english_documents(limit: int) -> list[tuple[str, str]]:
    """(id, text) pairs, deterministic for a given Python and package set, at most ``limit``, spread over
    sources."""
    sources: list[list[tuple[str, str]]] = []
    from pydoc_data.topics import topics

    sources.append([(f"pydoc:{k}", v) for k, v in sorted(topics.items()) if len(v) > 200])
    readmes = []
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        raw = dist.read_text("METADATA") or ""
        body = email.message_from_string(raw).get_payload()
        if isinstance(body, str) and len(body) > 500:
            readmes.append((f"readme:{dist.metadata['Name']}", body))
    sources.append(readmes)
    docstrings = []
    # read stdlib module docstrings from source with ast: nothing is imported, so nothing runs
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.glob("*.py")):
        try:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        if doc and len(doc) > 300:
            docstrings.append((f"doc:{path.stem}", doc))
    sources.append(docstrings)
    out: list[tuple[str, str]] = []
    i = 0
    while len(out) < limit and any(i < len(s) for s in sources):
        for s in sources:
            if i < len(s) and len(out) < limit:
                out.append(s[i])
        i += 1
    return out


# --- implementations ----------------------------------------------------------------------------------


def _standalone(f: DocumentFilter) -> Callable[[Document], str | None]:
    """``f`` on one document, segmenting its text itself, as a standalone filter must."""
    return lambda doc: f.check(TextStats(doc.text, doc.lang), None)


def ours() -> dict[str, Callable[[Document], str | None]]:
    no_alpha = GopherQualityConfig(min_alpha_words_ratio=None)
    return {
        "gopher_quality": _standalone(GopherQualityFilter(GopherQualityConfig(), GOPHER_STOP_WORDS)),
        "gopher_repetition": _standalone(GopherRepetitionFilter(GopherRepetitionConfig())),
        "fineweb": _standalone(FineWebQualityFilter(FineWebConfig())),
        "c4": _standalone(C4QualityFilter(C4Config())),
        NO_ALPHA: _standalone(GopherQualityFilter(no_alpha, GOPHER_STOP_WORDS)),
    }


def theirs() -> dict[str, Callable[[str], str | None]]:
    """datatrove's four filters (and Gopher quality without its alpha rule) as text -> reason or None; raises
    ``SystemExit`` naming the missing package when datatrove or spaCy is not installed."""
    try:
        import spacy  # noqa: F401  (datatrove's English word tokenizer)
        from datatrove.data import Document as DTDocument
        from datatrove.pipeline.filters import (
            C4QualityFilter as DTC4,
        )
        from datatrove.pipeline.filters import (
            FineWebQualityFilter as DTFineWeb,
        )
        from datatrove.pipeline.filters import (
            GopherQualityFilter as DTGopherQuality,
        )
        from datatrove.pipeline.filters import (
            GopherRepetitionFilter as DTGopherRepetition,
        )
    except ImportError as e:
        raise SystemExit(f"bench_filters: the datatrove peer does not import ({e}); install the bench "
                         "extra (`make .venv/.installed-bench`) or pass --no-datatrove to leave the "
                         "comparison out") from e
    filters = {
        "gopher_quality": DTGopherQuality(),
        "gopher_repetition": DTGopherRepetition(),
        "fineweb": DTFineWeb(),
        "c4": DTC4(),
        NO_ALPHA: DTGopherQuality(max_non_alpha_words_ratio=None),
    }

    def wrap(f: object) -> Callable[[str], str | None]:
        def run(text: str) -> str | None:
            out = f.filter(DTDocument(text=text, id="x"))  # type: ignore[attr-defined]
            if out is True:
                return None
            return out[1] if isinstance(out, tuple) else "removed"

        return run

    return {name: wrap(f) for name, f in filters.items()}


# --- disagreement causes ------------------------------------------------------------------------------

CAUSES = {
    ("gopher_quality", "dt:gopher_below_alpha_threshold"): (
        "datatrove counts spaCy's punctuation tokens as words, so punctuation-heavy text (code, tables) "
        "fails its "
        "alphabetic-word ratio; babelbeam's ICU words are words only, as in Gopher"
    ),
    ("gopher_quality", "dt:gopher_enough_stop_words"): (
        "datatrove's stop-word test is case-sensitive and sees spaCy tokens; babelbeam lower-cases ('The' "
        "counts)"
    ),
    ("gopher_quality", "bb:gopher_quality_too_few_alpha_words"): (
        "ICU keeps tokens like 'x86_64', '3.5', '0x1F' as one word without letters split off; datatrove's "
        "spaCy "
        "tokens differ, and its punctuation tokens change the denominator"
    ),
    ("gopher_quality", "word_count"): (
        "word counts differ near the 50-word minimum: datatrove counts spaCy tokens with a non-punctuation "
        "character (e.g. '$', '+', 'n't' are words to it), babelbeam counts ICU word segments"
    ),
    ("gopher_quality", "mean_word_length"): (
        "mean word length differs near the 3 or 10 limits: spaCy splits 'e.g.', URLs and paths differently "
        "from ICU"
    ),
    ("gopher_quality", "ratio_denominator"): (
        "hash or ellipsis per word: datatrove divides by all spaCy tokens (punctuation included), babelbeam "
        "by words"
    ),
    ("gopher_quality", "lines"): (
        "bullet/ellipsis line share: datatrove counts blank lines in the denominator, babelbeam only "
        "non-blank lines"
    ),
    ("gopher_repetition", "single_ngram"): (
        "datatrove scores the most frequent n-gram even when every n-gram occurs once, so a short document "
        "(a few hundred characters) fails its top n-gram rule; babelbeam treats a once-only n-gram as no "
        "repetition"
    ),
    ("gopher_repetition", "top_ngram"): (
        "top n-gram share: datatrove's words include spaCy punctuation tokens, so markup and code ('` ` `', "
        "'( ) :') make frequent n-grams of punctuation; babelbeam's n-grams are words only (and count word "
        "characters without the joining spaces)"
    ),
    ("gopher_repetition", "dup_ngram"): (
        "duplicated n-grams: datatrove's words include spaCy punctuation tokens, so repeated code and markup "
        "('>>> x = ...', '[ ] ( )') form repeated n-grams; babelbeam's n-grams are words only (it also "
        "counts "
        "every covered word once where datatrove skips ahead n words after a repeat)"
    ),
    ("gopher_repetition", "lines"): "line/paragraph rules are identical; a difference here is a bug",
    ("fineweb", "punct"): (
        "line punctuation: datatrove tests unstripped lines (a trailing space or tab hides the full stop); "
        "babelbeam strips lines first"
    ),
    ("fineweb", "short"): (
        "short lines: datatrove measures unstripped lines (indentation counts), babelbeam stripped"
    ),
    ("fineweb", "dup"): (
        "duplicate-line characters: datatrove compares unstripped lines (same text, different indentation "
        "differ)"
    ),
    ("fineweb", "newlines"): (
        "newlines per word: datatrove divides by spaCy tokens including punctuation, babelbeam by ICU words"
    ),
    ("c4", "sentences"): (
        "sentence count: datatrove's spaCy sentencizer splits at every '.', '!' or '?' token; ICU's sentence "
        "rules "
        "with abbreviation suppression split fewer ('e.g. this', 'Mr. X', 'v1.2. Next')"
    ),
    ("c4", "terminal"): (
        "terminal punctuation: babelbeam also accepts Unicode sentence terminals beyond '.?!\"\\'' (e.g. "
        "'。', '…' "
        "is still excluded), so a few more lines survive"
    ),
}


def cause(name: str, ours_reason: str | None, dt_reason: str | None, text: str = "") -> str:
    """The cause key of one disagreement, from the two reasons (and the text, to measure it again)."""
    r = ours_reason or ""
    d = dt_reason or ""
    if name in ("gopher_quality", NO_ALPHA):
        if d in ("gopher_below_alpha_threshold", "gopher_enough_stop_words"):
            return f"dt:{d}"
        if r == "gopher_quality_too_few_alpha_words":
            return "bb:gopher_quality_too_few_alpha_words"
        if "words" in r or d in ("gopher_short_doc", "gopher_long_doc"):
            return "word_count"
        if "mean_word" in r or "avg" in d:
            return "mean_word_length"
        if "hash" in r or "ellipses" in r or d in ("gopher_too_many_hashes", "gopher_too_many_ellipsis"):
            return "ratio_denominator"
        return "lines"
    if name == "gopher_repetition":
        if d.startswith("top_"):
            measured: dict[str, float] = {}
            GopherRepetitionFilter(GopherRepetitionConfig()).check(TextStats(text, "eng_Latn"), measured)
            n = d.split("_")[1]
            if measured.get(f"gopher_repetition_top_{n}gram_frac", 1.0) == 0.0:
                return "single_ngram"
            return "top_ngram"
        if "top" in r:
            return "top_ngram"
        if "dup_" in r and "gram" in r or "duplicated" in d:
            return "dup_ngram"
        return "lines"
    if name == "fineweb":
        if "punct" in r or "punct" in d:
            return "punct"
        if "short" in r or "short" in d:
            return "short"
        if "dup" in r or "dup" in d:
            return "dup"
        return "newlines"
    if "sentences" in r or "sentences" in d:
        return "sentences"
    return "terminal"


# --- timing -------------------------------------------------------------------------------------------


# --- before / after: an earlier revision's filters on the benchmark corpus ------------------------------


def corpus_documents(directory: Path, limit: int) -> list[Document]:
    """About ``limit`` documents spread evenly over a written benchmark corpus, NFC-normalised as
    ``babelbeam run`` does, each with the generator's language label (junk included: it exercises the
    removal rules)."""
    from corpus import labelled_records  # benchmarks/ is on sys.path

    from babelbeam.filters.normalize import normalize_text

    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise SystemExit(f"--baseline: no benchmark corpus at {directory}; write one with `python "
                         f"benchmarks/corpus.py --size small --output {directory}` or pass --corpus-dir")
    every = max(1, json.loads(manifest_path.read_text())["documents"] // max(limit, 1))
    out = []
    for i, (record, label) in enumerate(labelled_records(directory)):
        if i % every == 0 and len(out) < limit:
            text = normalize_text(record["text"])
            out.append(Document(id=record["id"], text=text, lang=label["lang"] or "und"))
    return out


def sample_documents() -> list[Document]:
    """The quality tests' documents (``tests/filters/quality_samples.py``): each language's good text and
    the bad kinds made from it."""
    path = Path(__file__).resolve().parents[1] / "tests" / "filters" / "quality_samples.py"
    spec = importlib.util.spec_from_file_location("quality_samples", path)
    samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(samples)
    docs = []
    for lang in samples.LANGS:
        texts = {"good": samples.GOOD[lang], "first_sentence": samples.first_sentence(lang),
                 "repeated_paragraphs": samples.repeated_paragraphs(lang), "bulleted": samples.bulleted(lang),
                 "ellipsis_lines": samples.ellipsis_lines(lang)}
        docs += [Document(id=f"sample:{lang}:{kind}", text=t, lang=lang) for kind, t in texts.items()]
    return docs


def _outcome(doc: Document) -> tuple:
    return doc.text, doc.removed_reason, sorted(doc.measurements.items()), sorted(doc.metadata.items())


def _table(table_cls: type, words: list[str]) -> object:
    """The n-gram table of a word list: older revisions take the words, newer a ``WordIndex``."""
    if "index" in inspect.signature(table_cls).parameters:
        segment = importlib.import_module(table_cls.__module__.rsplit(".", 1)[0] + ".segment")
        return table_cls(segment.WordIndex.from_words([words]))
    return table_cls(words)


def _table_stats(table_cls: type, words: list[str]) -> list[int]:
    table = _table(table_cls, words)
    return [f(n) for n in range(1, 11) for f in (table.top_ngram_chars, table.duplicated_ngram_chars)]


def _filter_path(table_cls: type, words: list[str], dup_limit: float) -> None:
    """The n-gram work of the Gopher repetition filter's default rules: top 2..4, duplicated 5.. until
    coverage is under every later limit."""
    table = _table(table_cls, words)
    for n in (2, 3, 4):
        table.top_ngram_chars(n)
    for n in range(5, 11):
        if table.duplicated_ngram_chars(n) <= dup_limit:
            break


def _stats_given_words(stats_class: type, doc: Document, words: list[str], indexed: dict) -> object:
    """A revision's ``TextStats`` of ``doc`` with its words already segmented: older revisions take the
    word list as an argument, newer ones build from the text alone, so their word index is set."""
    if "words" in inspect.signature(stats_class).parameters:
        return stats_class(doc.text, doc.lang, words)
    stats = stats_class(doc.text, doc.lang)
    stats.word_index = indexed[(doc.text, doc.lang)]  # a cached_property: setting it skips segmenting
    return stats


def _repetition_filter(gopher_module: object) -> object:
    """A revision's Gopher repetition filter with the default config (older revisions take no argument)."""
    try:
        return gopher_module.GopherRepetitionFilter(GopherRepetitionConfig())
    except TypeError:
        return gopher_module.GopherRepetitionFilter()


def compare_with_baseline(rev: str, docs: list[Document], repeats: int) -> dict:
    """Identical results and interleaved CPU times of revision ``rev``'s quality filters and today's."""
    import baseline

    from babelbeam.filters import segment
    from babelbeam.filters import textstats as new_stats
    from babelbeam.schemas.config import RunConfig

    old_quality = baseline.load_module(rev, "quality")
    old_stats = baseline.load_module(rev, "textstats")
    old_gopher = baseline.load_module(rev, "gopher")
    differences: list[str] = []
    checked = 0
    for measure in (True, False):
        config = RunConfig().quality
        config.keep_measurements = measure
        chains = {"old": old_quality.QualityChain.from_config(config),
                  "new": QualityChain.from_config(config)}
        for d in docs:
            got = {k: _outcome(c.apply(Document(id=d.id, text=d.text, lang=d.lang)))
                   for k, c in chains.items()}
            checked += 1
            if got["old"] != got["new"]:
                differences.append(f"chain (keep_measurements={measure}) {d.id}")
    words = [segment.words(d.text, d.lang) for d in docs]
    for d, w in zip(docs, words, strict=True):
        checked += 1
        if _table_stats(old_stats.NgramTable, w) != _table_stats(new_stats.NgramTable, w):
            differences.append(f"n-gram statistics {d.id}")
    # the n-gram tables' dict and sort paths must agree too: the sort path is used above a size limit
    import babelbeam.filters.ngrams as ngrams_module

    limit, ngrams_module._DICT_MAX = ngrams_module._DICT_MAX, 0
    try:
        for d, w in list(zip(docs, words, strict=True))[:500]:
            checked += 1
            if _table_stats(old_stats.NgramTable, w) != _table_stats(new_stats.NgramTable, w):
                differences.append(f"n-gram statistics (sort path) {d.id}")
    finally:
        ngrams_module._DICT_MAX = limit

    config = RunConfig().quality
    chains = {"old": old_quality.QualityChain.from_config(config), "new": QualityChain.from_config(config)}
    repetition = {"old": _repetition_filter(old_gopher),
                  "new": GopherRepetitionFilter(GopherRepetitionConfig())}
    stats_of = {"old": old_stats.TextStats, "new": new_stats.TextStats}
    tables = {"old": old_stats.NgramTable, "new": new_stats.NgramTable}
    dup_limit = 0.10  # the smallest default duplicated n-gram limit, as a share of characters
    pairs = list(zip(docs, words, strict=True))
    segmented = {(d.text, d.lang): w for d, w in pairs}
    indexed = {(d.text, d.lang): segment.WordIndex.from_words([w]) for d, w in pairs}

    def looked_up(stats_module: object, chain: object) -> Callable[[], object]:
        """The chain with each text's ICU words looked up (segmented beforehand): the chain's own work."""
        # Older revisions segment through ``segment_words`` (a word list), newer through ``word_index``.
        name = "segment_words" if hasattr(stats_module, "segment_words") else "word_index"
        segment_fn = getattr(stats_module, name)
        known = segmented if name == "segment_words" else indexed

        def run() -> object:
            setattr(stats_module, name, lambda text, lang: known.get((text, lang)) or segment_fn(text, lang))
            try:
                return [chain.apply(d) for d in docs]
            finally:
                setattr(stats_module, name, segment_fn)
        return run

    def stage_path(chain: object) -> Callable[[], object]:
        """What the quality stage runs: ``apply_batch`` over its batches, where the revision has it."""
        if not hasattr(chain, "apply_batch"):
            return lambda: [chain.apply(d) for d in docs]
        size = QualityFilterFn.BATCH_DOCS
        return lambda: [out for i in range(0, len(docs), size)
                        for out in chain.apply_batch(docs[i : i + size])]

    jobs = {
        "quality chain (run config), as the stage runs it": {k: stage_path(c) for k, c in chains.items()},
        "quality chain (run config), one document at a time": {
            k: (lambda c=c: [c.apply(d) for d in docs]) for k, c in chains.items()},
        "quality chain (run config), words segmented beforehand": {
            "old": looked_up(old_stats, chains["old"]), "new": looked_up(new_stats, chains["new"])},
        "Gopher repetition filter (words given)": {
            k: (lambda f=f, s=stats_of[k]: [f.check(_stats_given_words(s, d, w, indexed), None)
                                            for d, w in pairs])
            for k, f in repetition.items()},
        "n-gram tables, the filter's rules": {
            k: (lambda t=t: [_filter_path(t, w, dup_limit * len(d.text)) for d, w in pairs])
            for k, t in tables.items()},
        "n-gram tables, every statistic n = 1..10": {
            k: (lambda t=t: [_table_stats(t, w) for w in words]) for k, t in tables.items()},
    }
    for c in chains.values():
        for d in docs[:200]:
            c.apply(d)  # per-language chains and ICU iterators built outside the timings
    best: dict[tuple[str, str], float] = {}
    for rep in range(repeats):
        for job, impls in jobs.items():
            for k in (("old", "new") if rep % 2 == 0 else ("new", "old")):
                forget_word_indexes()  # each timing segments its texts itself
                start = time.process_time()
                impls[k]()
                seconds = time.process_time() - start
                best[(job, k)] = min(best.get((job, k), float("inf")), seconds)
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    print(f"## Before ({rev}) and after, {len(docs)} documents ({mb:.1f} MB)\n")
    print(f"Identical results: {checked} comparisons, {len(differences)} differences"
          + (": " + "; ".join(differences[:10]) if differences else "") + ".\n")
    print(f"Best of {repeats} CPU times, old and new interleaved in this process (a shared machine: compare "
          "the ratios).\n")
    print(f"| work | {rev} docs/s | now docs/s | speed-up |")
    print("|---|---:|---:|---:|")
    timings = {}
    for job in jobs:
        old_s, new_s = best[(job, "old")], best[(job, "new")]
        timings[job] = {"old_s": old_s, "new_s": new_s, "speedup": old_s / new_s}
        print(f"| {job} | {len(docs) / old_s:,.0f} | {len(docs) / new_s:,.0f} | **{old_s / new_s:.2f}x** |")
    print()
    return {"rev": rev, "documents": len(docs), "mb": mb, "comparisons": checked, "differences": differences,
            "timings": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300, help="number of English documents")
    parser.add_argument("--repeat", type=int, default=1, help="timing repeats (best is reported)")
    parser.add_argument("--json", default=None, help="write results here")
    parser.add_argument("--examples", type=int, default=2, help="document ids printed per disagreement kind")
    parser.add_argument("--no-datatrove", action="store_true", help="leave the datatrove comparison out")
    parser.add_argument("--baseline", metavar="REV",
                        help="also compare with the filters of this git revision")
    parser.add_argument("--corpus-dir", type=Path, default=Path("out/bench/corpus-small"),
                        help="benchmark corpus for --baseline (benchmarks/corpus.py)")
    parser.add_argument("--corpus-docs", type=int, default=5000, help="corpus documents for --baseline")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("datatrove").setLevel(logging.ERROR)
    try:
        from loguru import logger as _loguru

        _loguru.remove()  # datatrove logs every filter init through loguru
    except ImportError:
        pass

    results: dict[str, object] = {}
    if args.baseline:
        docs = corpus_documents(args.corpus_dir, args.corpus_docs) + sample_documents()
        results["baseline"] = compare_with_baseline(args.baseline, docs, max(args.repeat, 3))
    if args.no_datatrove:
        print("(datatrove comparison left out: --no-datatrove)")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
        return 1 if results.get("baseline", {}).get("differences") else 0
    dt = theirs()
    corpus = english_documents(args.docs)
    docs = [Document(id=i, text=t, lang="eng_Latn") for i, t in corpus]
    mb = sum(len(t.encode("utf-8")) for _, t in corpus) / 1e6
    print(f"# Quality filters vs datatrove 0.10.1\n\n{len(docs)} English documents, {mb:.2f} MB "
          f"(pydoc topics, package READMEs, stdlib docstrings). One core of a shared 2-core machine: "
          f"figures are indicative.\n")
    mine = ours()
    results.update({"documents": len(docs), "megabytes": mb, "filters": {}})

    # agreement
    print("## Agreement (keep/remove) on the same documents\n")
    print("| filter | agree | both keep | both remove | only babelbeam removes | only datatrove removes |")
    print("|---|---|---|---|---|---|")
    explained: dict[str, Counter] = {}
    examples: dict[tuple[str, str], list[str]] = {}
    for name in AGREEMENT:
        counts = Counter()
        kinds: Counter = Counter()
        for d in docs:
            r = mine[name](copy.copy(d))
            x = dt[name](d.text)
            counts[(r is None, x is None)] += 1
            if (r is None) != (x is None):
                key = cause(name, r, x, d.text)
                kinds[key] += 1
                examples.setdefault((name, key), []).append(
                    f"{d.id} (babelbeam {r or 'keep'}, datatrove {x or 'keep'})")
        agree = counts[(True, True)] + counts[(False, False)]
        print(f"| {name} | {agree / len(docs):.1%} | {counts[(True, True)]} | {counts[(False, False)]} | "
              f"{counts[(False, True)]} | {counts[(True, False)]} |")
        explained[name] = kinds
        results["filters"][name] = {  # type: ignore[index]
            "agreement": agree / len(docs),
            "both_keep": counts[(True, True)], "both_remove": counts[(False, False)],
            "only_babelbeam_removes": counts[(False, True)], "only_datatrove_removes": counts[(True, False)],
            "disagreements": dict(kinds),
        }
    print("\n### Disagreements by cause\n")
    for name in AGREEMENT:
        for key, n in explained[name].most_common():
            base = FILTERS[0] if name == NO_ALPHA else name
            print(f"- **{name}**, {n} document(s): {CAUSES[(base, key)]}.")
            for ex in examples[(name, key)][: args.examples]:
                print(f"  - e.g. {ex}")
    print()

    # throughput
    print("## Throughput, one core\n")
    print("| filter | babelbeam docs/s | babelbeam MB/s | datatrove docs/s | datatrove MB/s | speed-up |")
    print("|---|---|---|---|---|---|")
    texts = [d.text for d in docs]

    def run_ours(name: str) -> Callable[[], None]:
        f = mine[name]
        return lambda: [f(Document(id=d.id, text=d.text, lang=d.lang)) for d in docs] and None

    def run_dt(name: str) -> Callable[[], None]:
        f = dt[name]
        return lambda: [f(t) for t in texts] and None

    chain_config = QualityConfig()
    chain_config.lines.enabled = False  # compare the same four filters
    chain = QualityChain.from_config(chain_config)

    def run_chain() -> None:
        for d in docs:
            chain.apply(d)

    def run_dt_chain() -> None:
        order = ("gopher_repetition", "gopher_quality", "c4", "fineweb")  # FineWeb's pipeline order
        for t in texts:
            for name in order:
                if dt[name](t) is not None:
                    break

    rows = [(name, run_ours(name), run_dt(name)) for name in FILTERS]
    rows.append(("whole chain", run_chain, run_dt_chain))
    # warm up caches (ICU iterators, spaCy model, terminal punctuation table) outside the timings
    for name in FILTERS:
        mine[name](docs[0])
        dt[name](docs[0].text)
    throughput = {}
    for name, a, b in rows:
        ta = timed(a, args.repeat)
        tb = timed(b, args.repeat)
        print(f"| {name} | {len(docs) / ta:.0f} | {mb / ta:.2f} | {len(docs) / tb:.0f} | {mb / tb:.2f} | "
              f"{tb / ta:.1f}x |")
        throughput[name] = {
            "babelbeam_docs_s": len(docs) / ta, "babelbeam_mb_s": mb / ta,
            "datatrove_docs_s": len(docs) / tb, "datatrove_mb_s": mb / tb, "speedup": tb / ta,
        }
    results["throughput"] = throughput
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if results.get("baseline", {}).get("differences") else 0


if __name__ == "__main__":
    sys.exit(main())
