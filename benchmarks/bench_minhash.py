"""MinHash benchmark: signatures/s per core against datasketch and rensa, and the NearDedup stage end to end.

1. Signatures: the same shingle sets (word 5-grams of generated documents,
   about 1,800 shingles each, as UTF-8 bytes) go through babelbeam's
   ``MinHasher``, ``datasketch.MinHash.update_batch`` and ``rensa.RMinHash``
   in one process, one at a time; babelbeam's signatures are checked equal to
   datasketch's for the same scheme.
2. Text -> LSH bands on real benchmark-corpus documents (``--corpus-dir``,
   default ``out/bench/corpus-small`` written by ``benchmarks/run_all.py``):
   the per-document path of the pipeline (ICU words, shingles, SHA-1, signature,
   band hashes, the Jaccard-check hash set) step by step, next to datatrove,
   and signatures of the same shingle sets next to datasketch and rensa.
   ``--baseline FILE`` times an earlier ``babelbeam/filters/minhash.py`` (e.g.
   ``git show REV:babelbeam/filters/minhash.py > before.py``) on the same
   documents, interleaved with the current one, and checks both give the same
   bands: the before/after figures of a speed change.
3. End to end: a generated corpus with known duplicate structure (originals in
   six scripts, exact copies, near copies at Jaccard 0.3..0.95) goes through
   ``NearDedup`` on the FnApiRunner (in-memory, one process). Reports docs/s,
   recall of pairs at Jaccard >= 0.8, the false-positive rate at Jaccard <= 0.5,
   and the measured detection curve next to the theoretical S-curve (``--plot``
   writes it as a PNG).

Run: ``.venv/bin/python benchmarks/bench_minhash.py [--docs 300] [--text-docs 3000] [--baseline before.py]
[--corpus 1200] [--json out.json] [--plot s.png]``
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from babelbeam.filters import minhash as current
from babelbeam.filters.minhash import MinHasher, candidate_probability, jaccard, shingles
from babelbeam.schemas import Document
from babelbeam.schemas.minhash_config import MinHashConfig

log = logging.getLogger("bench_minhash")

# Syllables per script, so generated words look like words of that script and never collide across scripts.
SCRIPTS = {
    "Latn": ("bcdfghklmnprstvz", "aeiou"),
    "Cyrl": ("бвгдзклмнпрст", "аеиоуя"),
    "Grek": ("βγδζκλμνπρστ", "αεηιου"),
    "Arab": ("بتثجحدرزسشصط", "اوي"),
    "Deva": ("कखगचजटडतदनपबम", "ािुेो"),
    "Hang": ("가나다라마바사아자차카타파하", "고노도로모보소"),
}
LEVELS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
"""Target Jaccard similarities of the planted near copies (plus exact copies)."""


def vocabulary(script: str, size: int, rng: random.Random) -> list[str]:
    consonants, vowels = SCRIPTS[script]
    words = {"".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(1, 4))) for _ in range(size)}
    return sorted(words)


def document_words(vocab: list[str], n: int, rng: random.Random) -> list[str]:
    # Zipf-like word frequencies, as in real text.
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    return rng.choices(vocab, weights=weights, k=n)


def near_copy(words: list[str], target: float, vocab: list[str], rng: random.Random, ngram: int = 5) -> list[str]:
    """Replace about ``m`` scattered words so the shingle Jaccard is near ``target``: each isolated replacement
    removes ``ngram`` of ``N`` shingles on both sides, ``J = (N - ngram*m) / (N + ngram*m)``."""
    total = len(words) - ngram + 1
    m = max(1, round(total * (1 - target) / (ngram * (1 + target))))
    copy = list(words)
    for position in rng.sample(range(len(words)), min(m, len(words))):
        copy[position] = rng.choice(vocab) + rng.choice(SCRIPTS["Latn"][1])  # a word the original lacks
    return copy


def generate_corpus(originals: int, seed: int, words_per_doc: tuple[int, int] = (200, 600)):
    """Documents and ground-truth pairs ``(id_a, id_b, true Jaccard)``: each original has at most one copy."""
    rng = random.Random(seed)
    vocabs = {script: vocabulary(script, 5000, rng) for script in SCRIPTS}
    docs, pairs = [], []
    kinds = [*LEVELS, 1.0, None]  # None: an original without a copy
    for i in range(originals):
        script = list(SCRIPTS)[i % len(SCRIPTS)]
        words = document_words(vocabs[script], rng.randint(*words_per_doc), rng)
        doc_id = f"{script}-{i:06d}"
        docs.append(Document(id=doc_id, text=" ".join(words), lang=f"und_{script}"))
        kind = kinds[i % len(kinds)]
        if kind is None:
            continue
        copy = list(words) if kind == 1.0 else near_copy(words, kind, vocabs[script], rng)
        docs.append(Document(id=f"{doc_id}-copy", text=" ".join(copy), lang=f"und_{script}"))
        true = jaccard(set(shingles(" ".join(words), segment=False)), set(shingles(" ".join(copy), segment=False)))
        pairs.append((doc_id, f"{doc_id}-copy", true))
    rng.shuffle(docs)
    return docs, pairs


def datasketch_signatures(sets: list, num_perm: int, seed: int, scheme: str) -> list:
    """datasketch 2.0's MinHash of each shingle set (bytes items): the peer of ``MinHasher.signature``."""
    from datasketch import MinHash

    out = []
    for items in sets:
        m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
        m.update_batch(items)
        out.append(m.hashvalues)
    return out


def rensa_signatures(sets: list, num_perm: int, seed: int) -> list:
    """rensa's RMinHash of each shingle set (its own hashing, not datasketch-compatible)."""
    import rensa

    out = []
    for items in sets:
        m = rensa.RMinHash(num_perm=num_perm, seed=seed)
        m.update(items)
        out.append(m.digest())
    return out


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


# ---------------------------------------------------------------------------------------------------------------
# 1. Signatures


def load_baseline(path: str | None):
    """An earlier copy of ``babelbeam/filters/minhash.py`` loaded as its own module, or None."""
    if not path:
        return None
    spec = importlib.util.spec_from_file_location("minhash_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_signatures(n_docs: int, seed: int, baseline=None) -> dict:
    rng = random.Random(seed)
    vocab = vocabulary("Latn", 20000, rng)
    # 1,804 words give 1,800 word 5-grams, the size FACTS.md's peer numbers were taken at.
    texts = [" ".join(document_words(vocab, 1804, rng)) for _ in range(n_docs)]
    sets = [[s.encode("utf-8") for s in shingles(t, segment=False)] for t in texts]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    mean_shingles = float(np.mean([len(s) for s in sets]))
    rows, results = [], {"docs": n_docs, "mean_shingles": mean_shingles}
    config = MinHashConfig()

    def timed(name: str, fn) -> list:
        fn(sets[:5])  # warm-up
        start = time.perf_counter()
        out = fn(sets)
        seconds = time.perf_counter() - start
        rows.append((name, n_docs / seconds, mb / seconds))
        results[name] = {"docs_per_s": n_docs / seconds, "mb_per_s": mb / seconds}
        return out

    signatures = {}
    for scheme in ("affine32", "legacy"):
        hasher = MinHasher(config.num_perm, config.seed, scheme=scheme)
        signatures[scheme] = timed(f"babelbeam sha1 {scheme}", lambda s, h=hasher: [h.signature(x) for x in s])
    if baseline is not None:
        for scheme in ("affine32", "legacy"):
            old = baseline.MinHasher(config.num_perm, config.seed, scheme=scheme)
            before = timed(f"babelbeam before (--baseline) sha1 {scheme}", lambda s, h=old: [h.signature(x) for x in s])
            results[f"baseline_equal_{scheme}"] = all(
                np.array_equal(a, b) for a, b in zip(before, signatures[scheme], strict=True))
    fast = MinHasher(config.num_perm, config.seed, hash_function="crc32")
    timed("babelbeam crc32 affine32 (not datasketch-compatible)", lambda s: [fast.signature(x) for x in s])

    if not installed("datasketch"):
        log.warning("datasketch is not installed: pip install datasketch")
    else:
        for scheme in ("affine32", "legacy"):
            reference = timed(f"datasketch {scheme}", lambda s, scheme=scheme: datasketch_signatures(
                s, config.num_perm, config.seed, scheme))
            equal = all(np.array_equal(a, b) for a, b in zip(reference, signatures[scheme], strict=True))
            results[f"equal_to_datasketch_{scheme}"] = equal
            if not equal:
                log.error("babelbeam signatures differ from datasketch's (%s)", scheme)
    if not installed("rensa"):
        log.warning("rensa is not installed (pip install rensa): its column is missing")
    else:
        timed("rensa RMinHash (own hashing)", lambda s: rensa_signatures(s, config.num_perm, config.seed))

    base = results.get("datasketch affine32", {}).get("docs_per_s")
    print(f"\n### MinHash signatures, {config.num_perm} permutations, {n_docs} docs x {mean_shingles:.0f} shingles, "
          "one core of a shared 2-core machine\n")
    print("| implementation | docs/s | MB/s | vs datasketch affine32 | vs rensa |")
    print("|---|---:|---:|---:|---:|")
    rensa_rate = results.get("rensa RMinHash (own hashing)", {}).get("docs_per_s")
    for name, docs_s, mb_s in rows:
        ratio = f"{docs_s / base:.2f}x" if base else "n/a"
        vs_rensa = f"{docs_s / rensa_rate:.2f}x" if rensa_rate else "n/a"
        print(f"| {name} | {docs_s:,.0f} | {mb_s:.2f} | {ratio} | {vs_rensa} |")
    for scheme in ("affine32", "legacy"):
        if f"equal_to_datasketch_{scheme}" in results:
            print(f"\nsignatures equal to datasketch ({scheme}): {results[f'equal_to_datasketch_{scheme}']}")
    return results


# ---------------------------------------------------------------------------------------------------------------
# 2. Text -> LSH bands on benchmark-corpus documents


def read_corpus(directory: Path, n_docs: int) -> list[tuple[str, str]]:
    """About ``n_docs`` ``(text, lang)`` pairs spread evenly over the corpus (junk documents left out, as the
    quality filters would remove them before MinHash), in corpus order; ``lang`` is the generator's label."""
    from corpus import labelled_records  # benchmarks/ is this script's directory

    manifest = json.loads((directory / "manifest.json").read_text())
    every = max(1, manifest["documents"] // max(n_docs, 1))
    out = []
    for i, (record, meta) in enumerate(labelled_records(directory)):
        if i % every == 0 and meta["kind"] != "junk":
            out.append((record["text"], meta["lang"]))
        if len(out) >= n_docs:
            break
    return out


def _text_to_bands(module, config: MinHashConfig):
    """The per-document path of the pipeline's _DedupKeysFn with ``module``'s functions: bands and shingle set."""
    hasher = module.MinHasher.from_config(config)

    def run(docs: list[tuple[str, str]]) -> list:
        out = []
        for text, lang in docs:
            items = module.shingles(text, lang, ngram=config.ngram, segment=config.segment_words)
            if items:
                hashes = module.hash_shingles(items, config.hash_function)
                out.append((module.band_hashes(hasher.signature_from_hashes(hashes), config.bands, config.rows),
                            module.unique_hashes(hashes).tobytes()))
        return out

    return run


def _text_to_bands_fused(config: MinHashConfig):
    """The same with ``shingle_hashes`` (bytes all the way, one encode per document)."""
    hasher = MinHasher.from_config(config)

    def run(docs: list[tuple[str, str]]) -> list:
        out = []
        for text, lang in docs:
            hashes = current.shingle_hashes(text, lang, ngram=config.ngram, segment=config.segment_words,
                                            hash_function=config.hash_function)
            if len(hashes):
                out.append((current.band_hashes(hasher.signature_from_hashes(hashes), config.bands, config.rows),
                            current.unique_hashes(hashes).tobytes()))
        return out

    return run


def _steps(module, config: MinHashConfig, docs: list[tuple[str, str]]) -> dict:
    """Callables timing each step of text -> bands on its own, fed by the previous step's output."""
    from babelbeam.filters import segment

    hasher = module.MinHasher.from_config(config)
    words = [module.normalize_words(t, lang, segment=config.segment_words) for t, lang in docs]
    sets = [module.shingles_from_words(w, config.ngram) for w in words]
    hashes = [module.hash_shingles(s, config.hash_function) for s in sets if s]
    sigs = [hasher.signature_from_hashes(h) for h in hashes]
    # segment.words remembers its last few texts; _segment_words is the uncached work.
    return {
        "ICU segmentation (segment.py)": lambda: [segment._segment_words(t, lang) for t, lang in docs],
        "normalize_words (incl. ICU)": lambda: [module.normalize_words(t, lang, segment=config.segment_words)
                                                for t, lang in docs],
        "shingles_from_words": lambda: [module.shingles_from_words(w, config.ngram) for w in words],
        "hash_shingles (sha1, str)": lambda: [module.hash_shingles(s, config.hash_function) for s in sets],
        "signature_from_hashes": lambda: [hasher.signature_from_hashes(h) for h in hashes],
        "band_hashes": lambda: [module.band_hashes(s, config.bands, config.rows) for s in sigs],
        "unique_hashes": lambda: [module.unique_hashes(h) for h in hashes],
    }


def bench_text_to_bands(directory: Path, n_docs: int, repeats: int, baseline=None) -> dict:
    if not (directory / "manifest.json").is_file():
        print(f"\n(no benchmark corpus at {directory}: run benchmarks/run_all.py once, or pass --corpus-dir; "
              "the text -> bands section is skipped)")
        return {"skipped": f"no corpus at {directory}"}
    docs = read_corpus(directory, n_docs)
    mb = sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6
    config = MinHashConfig()
    results: dict = {"docs": len(docs), "mb": mb, "corpus": str(directory), "repeats": repeats}
    best: dict[str, float] = {}

    def measure(name: str, fn) -> list:
        start = time.process_time()
        out = fn()
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)
        return out

    # Whole path: implementations interleaved, best of ``repeats`` CPU times (the machine is shared).
    paths = {"babelbeam (pipeline path: shingles + hash_shingles)": _text_to_bands(current, config),
             "babelbeam (shingle_hashes, bytes path)": _text_to_bands_fused(config)}
    if baseline is not None:
        paths["babelbeam before (--baseline)"] = _text_to_bands(baseline, config)
    datatrove_run = None
    try:
        from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
        from datatrove.utils.hashing import HashConfig

        dt_sig = MinhashDedupSignature(tempfile.gettempdir(), config=MinhashConfig(
            n_grams=config.ngram, num_buckets=config.bands, hashes_per_bucket=config.rows, seed=config.seed,
            hash_config=HashConfig(hash_fc="sha1")))

        def datatrove_run(docs: list[tuple[str, str]]) -> list:
            out = []
            for text, _ in docs:
                sh = dt_sig.get_shingles(text)
                if len(sh):
                    out.append(dt_sig.get_signature(sh))
            return out
        paths["datatrove 0.10.1 (spaCy words, sha1 64-bit)"] = datatrove_run
    except ImportError:
        log.warning("datatrove is not installed (pip install datatrove==0.10.1 spacy): its row is missing")
    for fn in paths.values():
        fn(docs[:20])  # warm-up: ICU iterators, spaCy, lazy tables
    outputs = {}
    for _ in range(repeats):
        for name, fn in paths.items():
            outputs[name] = measure(name, lambda fn=fn: fn(docs))
    names = list(paths)
    results["fused_equal"] = outputs[names[1]] == outputs[names[0]]
    if baseline is not None:
        results["baseline_equal"] = outputs["babelbeam before (--baseline)"] == outputs[names[0]]
    for name in names:
        results[name] = {"cpu_s": best[name], "docs_per_s": len(docs) / best[name], "mb_per_s": mb / best[name]}

    # Signatures of the same shingle sets, as bytes: the permutation step against datasketch and rensa.
    sets = [[s.encode("utf-8") for s in shingles(t, lang, ngram=config.ngram)] for t, lang in docs]
    sets = [s for s in sets if s]
    mean_shingles = float(np.mean([len(s) for s in sets]))
    hasher = MinHasher.from_config(config)
    sig_paths = {"babelbeam MinHasher.signature": lambda: [hasher.signature(s) for s in sets]}
    if baseline is not None:
        old = baseline.MinHasher.from_config(config)
        sig_paths["babelbeam before (--baseline)"] = lambda: [old.signature(s) for s in sets]
    if installed("datasketch"):
        sig_paths["datasketch 2.0 MinHash.update_batch"] = lambda: datasketch_signatures(
            sets, config.num_perm, config.seed, config.scheme)
    else:
        log.warning("datasketch is not installed: pip install datasketch")
    if installed("rensa"):
        sig_paths["rensa RMinHash (own hashing)"] = lambda: rensa_signatures(sets, config.num_perm, config.seed)
    else:
        log.warning("rensa is not installed (pip install rensa): its row is missing")
    sig_out = {}
    for _ in range(repeats):
        for name, fn in sig_paths.items():
            sig_out[name] = measure("sig:" + name, fn)
    if "datasketch 2.0 MinHash.update_batch" in sig_out:
        results["signatures_equal_datasketch"] = all(np.array_equal(a, b) for a, b in zip(
            sig_out["babelbeam MinHasher.signature"], sig_out["datasketch 2.0 MinHash.update_batch"], strict=True))

    # Each step on its own (current, and baseline when given), interleaved.
    modules = {"now": current, **({"before": baseline} if baseline is not None else {})}
    steps = {tag: _steps(m, config, docs) for tag, m in modules.items()}
    for _ in range(repeats):
        for step in steps["now"]:
            for tag in modules:
                measure(f"step:{tag}:{step}", steps[tag][step])

    n = len(docs)
    print(f"\n### MinHash text -> LSH bands, {n} documents of {directory.name} ({mb:.1f} MB, "
          f"{len(set(lang for _, lang in docs))} languages), {config.bands}x{config.rows}, {config.scheme}, "
          f"best of {repeats} CPU times, one core of a shared 2-core machine\n")
    ref = best.get("babelbeam before (--baseline)")
    print("| implementation | docs/s | MB/s | ms/doc | vs before |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        sec = best[name]
        print(f"| {name} | {n / sec:,.0f} | {mb / sec:.2f} | {sec * 1e3 / n:.3f} | "
              f"{f'{ref / sec:.2f}x' if ref else 'n/a'} |")
    print(f"\nsame bands and shingle sets: shingle_hashes path {results['fused_equal']}"
          + (f", before vs now {results['baseline_equal']}" if baseline is not None else ""))
    print("\n#### Steps (microseconds per document; each step fed by the previous step's output)\n")
    print("| step | now | " + ("before | speed-up |" if baseline is not None else ""))
    print("|---|---:|" + ("---:|---:|" if baseline is not None else ""))
    results["steps_us_per_doc"] = {}
    for step in steps["now"]:
        now = best[f"step:now:{step}"] * 1e6 / n
        line = f"| {step} | {now:,.1f} |"
        entry = {"now": now}
        if baseline is not None:
            before = best[f"step:before:{step}"] * 1e6 / n
            line += f" {before:,.1f} | {before / now:.2f}x |"
            entry["before"] = before
        results["steps_us_per_doc"][step] = entry
        print(line)
    print(f"\n#### Signatures of the same shingle sets ({len(sets)} documents, mean {mean_shingles:.0f} shingles)\n")
    base = best.get("sig:datasketch 2.0 MinHash.update_batch")
    rensa_s = best.get("sig:rensa RMinHash (own hashing)")
    print("| implementation | docs/s | vs datasketch | vs rensa |")
    print("|---|---:|---:|---:|")
    results["signatures"] = {"docs": len(sets), "mean_shingles": mean_shingles}
    for name in sig_paths:
        sec = best["sig:" + name]
        results["signatures"][name] = {"docs_per_s": len(sets) / sec}
        print(f"| {name} | {len(sets) / sec:,.0f} | {f'{base / sec:.2f}x' if base else 'n/a'} | "
              f"{f'{rensa_s / sec:.2f}x' if rensa_s else 'n/a'} |")
    if "signatures_equal_datasketch" in results:
        print(f"\nsignatures equal to datasketch ({config.scheme}): {results['signatures_equal_datasketch']}")
    return results


# ---------------------------------------------------------------------------------------------------------------
# 3. End to end


def bench_end_to_end(originals: int, seed: int, plot: str | None) -> dict:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from babelbeam.pipeline.near_dedup import NearDedup

    docs, pairs = generate_corpus(originals, seed)
    config = MinHashConfig(segment_words=False)
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clusters"
        p = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
        result = p | beam.Create(docs) | NearDedup(config)
        _ = (
            (result["kept"], result["removed"])
            | beam.Flatten()
            | beam.Map(lambda d: json.dumps([d.id, d.dup_cluster]))
            | beam.io.WriteToText(str(out), num_shards=1, shard_name_template="")
        )
        start = time.perf_counter()
        p.run().wait_until_finish()
        seconds = time.perf_counter() - start
        clusters = dict(json.loads(line) for line in out.read_text().splitlines())
        # The same documents through Create and an identity map: what the runner costs without NearDedup
        # (beam.Create of a large list is slow on the FnApiRunner), subtracted to give the stage's own rate.
        baseline = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
        _ = baseline | beam.Create(docs) | beam.Map(lambda d: d.id)
        start = time.perf_counter()
        baseline.run().wait_until_finish()
        base_seconds = time.perf_counter() - start
    stage_seconds = max(seconds - base_seconds, 1e-9)
    assert len(clusters) == len(docs), "every document must come out exactly once"
    found = [(j, clusters[a] == clusters[b]) for a, b, j in pairs]
    high = [hit for j, hit in found if j >= 0.8]
    low = [hit for j, hit in found if j <= 0.5]
    recall = sum(high) / len(high)
    fp_rate = sum(low) / len(low)
    # Detection curve: share of pairs found per true-Jaccard bin, against 1 - (1 - s^r)^b.
    edges = np.linspace(0.0, 1.0, 21)
    curve = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        in_bin = [hit for j, hit in found if lo <= j < hi or (hi == 1.0 and j == 1.0)]
        if in_bin:
            mid = (lo + hi) / 2
            curve.append((float(mid), len(in_bin), sum(in_bin) / len(in_bin),
                          float(candidate_probability(mid, config.bands, config.rows))))
    print(f"\n### NearDedup end to end (FnApiRunner, in-memory, one process), {len(docs)} docs in 6 scripts, "
          f"{config.bands}x{config.rows}\n")
    print("| docs | MB | pipeline s | Create-only s | docs/s (pipeline) | docs/s (stage) | MB/s (stage) "
          "| recall J>=0.8 | false positives J<=0.5 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(docs)} | {mb:.1f} | {seconds:.1f} | {base_seconds:.1f} | {len(docs) / seconds:,.0f} | "
          f"{len(docs) / stage_seconds:,.0f} | {mb / stage_seconds:.2f} | "
          f"{recall:.3f} ({len(high)} pairs) | {fp_rate:.3f} ({len(low)} pairs) |")
    print("\n| true Jaccard bin | pairs | found | S-curve |")
    print("|---:|---:|---:|---:|")
    for mid, n, share, theory in curve:
        print(f"| {mid:.3f} | {n} | {share:.2f} | {theory:.2f} |")
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        s = np.linspace(0, 1, 201)
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(s, candidate_probability(s, config.bands, config.rows), label=f"S-curve {config.bands}x{config.rows}")
        ax.scatter([c[0] for c in curve], [c[2] for c in curve], color="C1", label="measured (share of pairs found)")
        ax.set_xlabel("true Jaccard similarity of word 5-gram shingles")
        ax.set_ylabel("probability of ending in one cluster")
        ax.legend()
        fig.tight_layout()
        fig.savefig(plot, dpi=120)
        print(f"\nwrote {plot}")
    return {"docs": len(docs), "seconds": seconds, "create_only_seconds": base_seconds,
            "docs_per_s": len(docs) / seconds, "stage_docs_per_s": len(docs) / stage_seconds,
            "stage_mb_per_s": mb / stage_seconds,
            "recall_at_0.8": recall, "false_positive_rate_at_0.5": fp_rate, "curve": curve}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300, help="documents for the signature benchmark")
    parser.add_argument("--corpus", type=int, default=1200, help="originals in the end-to-end corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--plot", help="write the detection curve next to the S-curve as a PNG here")
    parser.add_argument("--text-docs", type=int, default=3000, help="corpus documents for text -> bands (0: skip)")
    parser.add_argument("--corpus-dir", default="out/bench/corpus-small",
                        help="benchmark corpus written by benchmarks/run_all.py")
    parser.add_argument("--repeats", type=int, default=3, help="timings per implementation (best counts)")
    parser.add_argument("--baseline", help="an earlier babelbeam/filters/minhash.py to time as 'before'")
    parser.add_argument("--skip-signatures", action="store_true", help="skip the generated-shingle signatures")
    parser.add_argument("--skip-e2e", action="store_true", help="skip the NearDedup end-to-end run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print("Figures taken on a shared 2-core machine: other engineers' jobs may slow any row; compare ratios.")
    baseline = load_baseline(args.baseline)
    results: dict = {}
    if not args.skip_signatures:
        results["signatures"] = bench_signatures(args.docs, args.seed, baseline)
    if args.text_docs > 0:
        results["text_to_bands"] = bench_text_to_bands(Path(args.corpus_dir), args.text_docs, args.repeats, baseline)
    if not args.skip_e2e:
        results["end_to_end"] = bench_end_to_end(args.corpus, args.seed, args.plot)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
