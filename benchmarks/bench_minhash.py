"""MinHash benchmark: signatures against datasketch and rensa, text -> bands, planted pairs, the dedup phase.

1. Signatures: the same shingle sets (word 5-grams of generated documents,
   about 1,800 shingles each, as UTF-8 bytes) go through babelbeam's
   ``MinHasher`` (the ``xxh3`` default and the datasketch-identical ``sha1``),
   ``datasketch.MinHash.update_batch`` and ``rensa.RMinHash`` in one process,
   one at a time; babelbeam's sha1 signatures are checked equal to
   datasketch's, its xxh3 ones equal to datasketch's with
   ``hashfunc=shingle_hash32``.
2. Text -> LSH bands on real benchmark-corpus documents (``--corpus-dir``,
   default ``out/bench/corpus-small`` written by ``benchmarks/run_all.py`` or
   ``benchmarks/corpus.py``): the pipeline's per-document job (ICU words,
   shingle hashes, signature, band hashes) for both shingle hashes, next to the
   same job built on rensa (babelbeam's words, shingle strings, rensa's sketch,
   the same band hashes; per document and in rensa's batch matrix) and
   datatrove's signature step, interleaved, best of ``--repeats`` CPU times.
   ``--baseline-rev REV`` (e.g. ``main``) also times that revision's
   ``babelbeam/filters/minhash.py`` (``benchmarks/baseline.py``) on its sha1
   default and checks it gives the same bands as today's sha1 option; each
   step is timed on its own too.
3. Planted pairs (``--pairs``): near copies at Jaccard 0.3..0.95 and exact
   copies in six scripts; a pair is found when the two share a band hash, as
   LSH makes them candidates. Recall at J >= 0.8 and the false-positive rate at
   J <= 0.5 for both shingle hashes on the same pairs, with Wilson 95%
   intervals, next to the S-curve.
4. End to end: a generated corpus with known duplicate structure goes through
   the run's own dedup graph (``Signatures`` then ``DedupDecisions``) on the
   FnApiRunner (in-memory, one process). Reports docs/s, recall of pairs at
   Jaccard >= 0.8, the false-positive rate at Jaccard <= 0.5, and the measured
   detection curve next to the theoretical S-curve (``--plot`` writes it as a
   PNG).

A peer that does not import (datasketch, rensa, datatrove with spaCy: the
``bench`` extra) stops the run with an error naming it: no row is left out and
nothing stands in for it.

Run: ``.venv/bin/python benchmarks/bench_minhash.py [--docs 300] [--text-docs 3000] [--baseline-rev main]
[--pairs 3000] [--corpus 1200] [--json out.json] [--plot s.png]``
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from memory import forget_word_indexes  # benchmarks/ is on sys.path when run or imported by run_all
from peers import require

from babelbeam.filters import minhash as current
from babelbeam.filters.minhash import MinHasher, candidate_probability, jaccard, shingle_hash32, shingles
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
    words = {"".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(1, 4)))
             for _ in range(size)}
    return sorted(words)


def document_words(vocab: list[str], n: int, rng: random.Random) -> list[str]:
    # Zipf-like word frequencies, as in real text.
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    return rng.choices(vocab, weights=weights, k=n)


def near_copy(words: list[str], target: float, vocab: list[str], rng: random.Random,
              ngram: int = 5) -> list[str]:
    """Replace about ``m`` scattered words so the shingle Jaccard is near ``target``: each isolated
    replacement removes ``ngram`` of ``N`` shingles on both sides, ``J = (N - ngram*m) / (N + ngram*m)``."""
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
        true = jaccard(set(shingles(" ".join(words), segment=False)),
                       set(shingles(" ".join(copy), segment=False)))
        pairs.append((doc_id, f"{doc_id}-copy", true))
    rng.shuffle(docs)
    return docs, pairs


def datasketch_signatures(sets: list, num_perm: int, seed: int, scheme: str, hashfunc=None) -> list:
    """datasketch 2.0's MinHash of each shingle set (bytes items): the peer of ``MinHasher.signature``."""
    from datasketch import MinHash

    out = []
    for items in sets:
        m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=hashfunc)
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


# ------------------------------------------------------------------------------------------------------------
# 1. Signatures


def load_baseline(rev: str | None):
    """``babelbeam/filters/minhash.py`` as it was at git revision ``rev`` (see ``benchmarks/baseline.py``), or
    None."""
    if not rev:
        return None
    import baseline

    return baseline.load_module(rev, "minhash")


def bench_signatures(n_docs: int, seed: int, baseline=None) -> dict:
    rng = random.Random(seed)
    vocab = vocabulary("Latn", 20000, rng)
    # 1,804 words give 1,800 word 5-grams: about the shingle count of one UDHR document (about 13 KB), the
    # size at which the MinHash peers were first measured.
    texts = [" ".join(document_words(vocab, 1804, rng)) for _ in range(n_docs)]
    sets = [[s.encode("utf-8") for s in shingles(t, segment=False)] for t in texts]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    mean_shingles = float(np.mean([len(s) for s in sets]))
    rows, results = [], {"docs": n_docs, "mean_shingles": mean_shingles}
    config = MinHashConfig()

    def timed(name: str, fn) -> list:
        fn(sets[:5])  # warm-up
        forget_word_indexes()
        start = time.perf_counter()
        out = fn(sets)
        seconds = time.perf_counter() - start
        rows.append((name, n_docs / seconds, mb / seconds))
        results[name] = {"docs_per_s": n_docs / seconds, "mb_per_s": mb / seconds}
        return out

    signatures = {}
    xxh3 = MinHasher(config.num_perm, config.seed, hash_function="xxh3")
    signatures["xxh3"] = timed("babelbeam xxh3 affine32 (default)", lambda s: [xxh3.signature(x) for x in s])
    for scheme in ("affine32", "legacy"):
        hasher = MinHasher(config.num_perm, config.seed, scheme=scheme, hash_function="sha1")
        signatures[scheme] = timed(f"babelbeam sha1 {scheme}",
                                   lambda s, h=hasher: [h.signature(x) for x in s])
    if baseline is not None:
        for scheme in ("affine32", "legacy"):
            old = baseline.MinHasher(config.num_perm, config.seed, scheme=scheme, hash_function="sha1")
            before = timed(f"babelbeam before (--baseline-rev) sha1 {scheme}",
                           lambda s, h=old: [h.signature(x) for x in s])
            results[f"baseline_equal_{scheme}"] = all(
                np.array_equal(a, b) for a, b in zip(before, signatures[scheme], strict=True))
    fast = MinHasher(config.num_perm, config.seed, hash_function="crc32")
    timed("babelbeam crc32 affine32 (not datasketch-compatible)", lambda s: [fast.signature(x) for x in s])

    for scheme in ("affine32", "legacy"):
        reference = timed(f"datasketch {scheme}", lambda s, scheme=scheme: datasketch_signatures(
            s, config.num_perm, config.seed, scheme))
        equal = all(np.array_equal(a, b) for a, b in zip(reference, signatures[scheme], strict=True))
        results[f"equal_to_datasketch_{scheme}"] = equal
        if not equal:
            log.error("babelbeam signatures differ from datasketch's (%s)", scheme)
    # datasketch with babelbeam's shingle hash as its hashfunc (a Python call per shingle: checked, not timed)
    few = sets[:20]
    reference = datasketch_signatures(few, config.num_perm, config.seed, "affine32", hashfunc=shingle_hash32)
    results["xxh3_equal_to_datasketch_hashfunc"] = all(
        np.array_equal(a, b) for a, b in zip(reference, signatures["xxh3"][:20], strict=True))
    timed("rensa RMinHash (own hashing)", lambda s: rensa_signatures(s, config.num_perm, config.seed))

    base = results.get("datasketch affine32", {}).get("docs_per_s")
    print(f"\n### MinHash signatures, {config.num_perm} permutations, {n_docs} docs x "
          f"{mean_shingles:.0f} shingles, one core of a shared 2-core machine\n")
    print("| implementation | docs/s | MB/s | vs datasketch affine32 | vs rensa |")
    print("|---|---:|---:|---:|---:|")
    rensa_rate = results.get("rensa RMinHash (own hashing)", {}).get("docs_per_s")
    for name, docs_s, mb_s in rows:
        ratio = f"{docs_s / base:.2f}x" if base else "n/a"
        vs_rensa = f"{docs_s / rensa_rate:.2f}x" if rensa_rate else "n/a"
        print(f"| {name} | {docs_s:,.0f} | {mb_s:.2f} | {ratio} | {vs_rensa} |")
    for scheme in ("affine32", "legacy"):
        print(f"\nsha1 signatures equal to datasketch ({scheme}): {results[f'equal_to_datasketch_{scheme}']}")
    print(f"\nxxh3 signatures equal to datasketch with hashfunc=shingle_hash32 (20 documents): "
          f"{results['xxh3_equal_to_datasketch_hashfunc']}")
    return results


# ------------------------------------------------------------------------------------------------------------
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


def babelbeam_bands(module, config: MinHashConfig):
    """The pipeline's per-document job with ``module``'s functions (the current ``minhash`` or a baseline's):
    shingle hashes straight from the text, signature, band hashes."""
    hasher = module.MinHasher(config.num_perm, config.seed, scheme=config.scheme,
                              hash_function=config.hash_function)

    def run(docs: list[tuple[str, str]]) -> list:
        out = []
        for text, lang in docs:
            hashes = module.shingle_hashes(text, lang, ngram=config.ngram, segment=config.segment_words,
                                           hash_function=config.hash_function)
            if len(hashes):
                signature = hasher.signature_from_hashes(hashes)
                out.append(module.band_hashes(signature, config.bands, config.rows))
        return out

    return run


def rensa_bands(config: MinHashConfig, batch: bool):
    """The same job built on rensa: babelbeam's normalised words and shingle strings, rensa's R-MinHash
    sketch (one ``RMinHash`` per document, or one ``digest_matrix_from_token_sets`` call for all), the same
    band hashes."""
    import rensa

    def shingle_sets(docs: list[tuple[str, str]]) -> list[list[str]]:
        return [s for s in (current.shingles(t, lang, ngram=config.ngram, segment=config.segment_words)
                            for t, lang in docs) if s]

    def per_document(docs: list[tuple[str, str]]) -> list:
        out = []
        for items in shingle_sets(docs):
            m = rensa.RMinHash(num_perm=config.num_perm, seed=config.seed)
            m.update(items)
            out.append(current.band_hashes(np.array(m.digest(), dtype=np.uint32), config.bands, config.rows))
        return out

    def matrix(docs: list[tuple[str, str]]) -> list:
        rows = rensa.RMinHash.digest_matrix_from_token_sets(shingle_sets(docs), config.num_perm, config.seed)
        return [current.band_hashes(np.array(r, dtype=np.uint32), config.bands, config.rows)
                for r in rows.to_rows()]

    return matrix if batch else per_document


def _steps(module, config: MinHashConfig, docs: list[tuple[str, str]]) -> dict:
    """Callables timing each step of text -> bands on its own, fed by the previous step's output."""
    from babelbeam.filters import segment

    hasher = module.MinHasher(config.num_perm, config.seed, hash_function=config.hash_function)
    if config.hash_function == "xxh3":
        text = [module._normalized_text(t, lang, config.segment_words).encode() for t, lang in docs]
        words = [list(filter(None, t.split(b" "))) for t in text]
        word_hashes = [module.word_hashes(w) for w in words]
        hashes = [h for h in (module.combine_word_hashes(w, config.ngram) for w in word_hashes) if len(h)]
        middle = {
            "word hashes (XXH3-64 per word)": lambda: [module.word_hashes(w) for w in words],
            "shingle hashes (words combined)": lambda: [module.combine_word_hashes(w, config.ngram)
                                                        for w in word_hashes],
        }
    else:
        words = [module.normalize_words(t, lang, segment=config.segment_words) for t, lang in docs]
        sets = [module.shingles_from_words(w, config.ngram) for w in words]
        hashes = [module.hash_shingles(s, config.hash_function) for s in sets if s]
        middle = {
            "shingles_from_words": lambda: [module.shingles_from_words(w, config.ngram) for w in words],
            f"hash_shingles ({config.hash_function}, str)": lambda: [
                module.hash_shingles(s, config.hash_function) for s in sets],
        }
    sigs = [hasher.signature_from_hashes(h) for h in hashes]
    # segment.words remembers its last few texts; _segment_words is the uncached work.
    return {
        "ICU segmentation (segment.py)": lambda: [segment._segment_words(t, lang) for t, lang in docs],
        "normalised words (incl. ICU)": lambda: [module.normalize_words(t, lang, segment=config.segment_words)
                                                 for t, lang in docs],
        **middle,
        "signature_from_hashes": lambda: [hasher.signature_from_hashes(h) for h in hashes],
        "band_hashes": lambda: [module.band_hashes(s, config.bands, config.rows) for s in sigs],
    }


def bench_text_to_bands(directory: Path, n_docs: int, repeats: int, baseline=None) -> dict:
    if not (directory / "manifest.json").is_file():
        raise SystemExit(f"no benchmark corpus at {directory}: write it with `python benchmarks/corpus.py "
                         f"--size small --output {directory}` (or run benchmarks/run_all.py once), pass "
                         "--corpus-dir, or --text-docs 0 to leave this section out")
    require("rensa", "spacy", "datatrove")
    docs = read_corpus(directory, n_docs)
    mb = sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6
    xxh3 = MinHashConfig()
    sha1 = MinHashConfig(hash_function="sha1")
    results: dict = {"docs": len(docs), "mb": mb, "corpus": str(directory), "repeats": repeats}
    best: dict[str, float] = {}

    def measure(name: str, fn) -> list:
        forget_word_indexes()  # every round segments its texts again (word_index remembers recent ones)
        start = time.process_time()
        out = fn()
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)
        return out

    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.utils.hashing import HashConfig

    dt_sig = MinhashDedupSignature(tempfile.gettempdir(), config=MinhashConfig(
        n_grams=xxh3.ngram, num_buckets=xxh3.bands, hashes_per_bucket=xxh3.rows, seed=xxh3.seed,
        hash_config=HashConfig(hash_fc="sha1")))  # datatrove 0.10.1's xxhash path fails with xxhash 4

    def datatrove_run(docs: list[tuple[str, str]]) -> list:
        out = []
        for text, _ in docs:
            sh = dt_sig.get_shingles(text)
            if len(sh):
                out.append(dt_sig.get_signature(sh))
        return out

    ours = "babelbeam xxh3 (default)"
    paths = {ours: babelbeam_bands(current, xxh3),
             "babelbeam sha1 (datasketch-identical option)": babelbeam_bands(current, sha1)}
    if baseline is not None:
        paths["babelbeam before (--baseline-rev), sha1 default"] = babelbeam_bands(baseline, sha1)
    paths["rensa 0.5 R-MinHash, one sketch per document"] = rensa_bands(xxh3, batch=False)
    paths["rensa 0.5 R-MinHash, digest_matrix_from_token_sets"] = rensa_bands(xxh3, batch=True)
    paths["datatrove 0.10.1 (spaCy words, sha1 64-bit)"] = datatrove_run
    for fn in paths.values():
        fn(docs[:20])  # warm-up: ICU iterators, spaCy, lazy tables
    outputs = {}
    for rep in range(repeats):
        for name in (list(paths) if rep % 2 == 0 else list(reversed(paths))):
            outputs[name] = measure(name, lambda fn=paths[name]: fn(docs))
    if baseline is not None:
        results["baseline_equal_sha1"] = (outputs["babelbeam before (--baseline-rev), sha1 default"]
                                          == outputs["babelbeam sha1 (datasketch-identical option)"])
    for name in paths:
        results[name] = {"cpu_s": best[name], "docs_per_s": len(docs) / best[name],
                         "mb_per_s": mb / best[name]}
    rensa_best = min(best[n] for n in paths if n.startswith("rensa"))
    results["xxh3_vs_best_rensa"] = rensa_best / best[ours]

    # Signatures of the same shingle sets, as bytes: the permutation step against datasketch and rensa.
    sets = [[s.encode("utf-8") for s in shingles(t, lang, ngram=xxh3.ngram)] for t, lang in docs]
    sets = [s for s in sets if s]
    mean_shingles = float(np.mean([len(s) for s in sets]))
    hashers = {"xxh3": MinHasher.from_config(xxh3), "sha1": MinHasher.from_config(sha1)}
    sig_paths = {"babelbeam MinHasher.signature, xxh3": lambda: [hashers["xxh3"].signature(s) for s in sets],
                 "babelbeam MinHasher.signature, sha1": lambda: [hashers["sha1"].signature(s) for s in sets]}
    if baseline is not None:
        old = baseline.MinHasher(sha1.num_perm, sha1.seed, hash_function="sha1")
        sig_paths["babelbeam before (--baseline-rev), sha1"] = lambda: [old.signature(s) for s in sets]
    sig_paths["datasketch 2.0 MinHash.update_batch (sha1)"] = lambda: datasketch_signatures(
        sets, sha1.num_perm, sha1.seed, sha1.scheme)
    sig_paths["rensa RMinHash (own hashing)"] = lambda: rensa_signatures(sets, xxh3.num_perm, xxh3.seed)
    sig_out = {}
    for _ in range(repeats):
        for name, fn in sig_paths.items():
            sig_out[name] = measure("sig:" + name, fn)
    results["signatures_equal_datasketch"] = all(np.array_equal(a, b) for a, b in zip(
        sig_out["babelbeam MinHasher.signature, sha1"], sig_out["datasketch 2.0 MinHash.update_batch (sha1)"],
        strict=True))

    # Each step on its own (xxh3 and sha1 now, and the baseline's sha1 when given), interleaved.
    variants = {"xxh3": (current, xxh3), "sha1": (current, sha1)}
    if baseline is not None:
        variants["before sha1"] = (baseline, sha1)
    steps = {tag: _steps(m, c, docs) for tag, (m, c) in variants.items()}
    for _ in range(repeats):
        for tag, table in steps.items():
            for step, fn in table.items():
                measure(f"step:{tag}:{step}", fn)

    n = len(docs)
    print(f"\n### MinHash text -> LSH bands, {n} documents of {directory.name} ({mb:.1f} MB, "
          f"{len(set(lang for _, lang in docs))} languages), {xxh3.bands}x{xxh3.rows}, {xxh3.scheme}, "
          f"best of {repeats} CPU times, one core of a shared 2-core machine\n")
    ref = best.get("babelbeam before (--baseline-rev), sha1 default")
    print("| implementation | docs/s | MB/s | ms/doc | xxh3 default vs this |"
          + (" vs before |" if ref else ""))
    print("|---|---:|---:|---:|---:|" + ("---:|" if ref else ""))
    for name in paths:
        sec = best[name]
        print(f"| {name} | {n / sec:,.0f} | {mb / sec:.2f} | {sec * 1e3 / n:.3f} | {sec / best[ours]:.2f}x |"
              + (f" {ref / sec:.2f}x |" if ref else ""))
    print(f"\nxxh3 text -> bands vs the faster rensa path: **{results['xxh3_vs_best_rensa']:.2f}x**"
          + (f"; sha1 bands equal to the baseline's: {results['baseline_equal_sha1']}" if ref else ""))
    print("\n#### Steps (microseconds per document; each step fed by the previous step's output)\n")
    print("| step | " + " | ".join(steps) + " |")
    print("|---|" + "---:|" * len(steps))
    results["steps_us_per_doc"] = {}
    all_steps = list(dict.fromkeys(step for table in steps.values() for step in table))
    for step in all_steps:
        cells = []
        for tag, table in steps.items():
            if step in table:
                us = best[f"step:{tag}:{step}"] * 1e6 / n
                results["steps_us_per_doc"].setdefault(step, {})[tag] = us
                cells.append(f"{us:,.1f}")
            else:
                cells.append("")
        print(f"| {step} | " + " | ".join(cells) + " |")
    print(f"\n#### Signatures of the same shingle sets ({len(sets)} documents, "
          f"mean {mean_shingles:.0f} shingles)\n")
    base = best["sig:datasketch 2.0 MinHash.update_batch (sha1)"]
    rensa_s = best["sig:rensa RMinHash (own hashing)"]
    print("| implementation | docs/s | vs datasketch | vs rensa |")
    print("|---|---:|---:|---:|")
    results["signatures"] = {"docs": len(sets), "mean_shingles": mean_shingles}
    for name in sig_paths:
        sec = best["sig:" + name]
        results["signatures"][name] = {"docs_per_s": len(sets) / sec}
        print(f"| {name} | {len(sets) / sec:,.0f} | {base / sec:.2f}x | {rensa_s / sec:.2f}x |")
    print(f"\nsha1 signatures equal to datasketch ({sha1.scheme}): {results['signatures_equal_datasketch']}")
    return results


# ------------------------------------------------------------------------------------------------------------
# 3. Planted pairs: recall and false positives of both shingle hashes on the same pairs


def planted_pairs(count: int, seed: int, words_per_doc: tuple[int, int] = (200, 600)
                  ) -> list[tuple[str, str, float]]:
    """``(text, near copy, true Jaccard of their word 5-gram sets)`` for ``count`` pairs in six scripts, the
    copies spread over ``LEVELS`` and exact copies."""
    rng = random.Random(seed)
    vocabs = {script: vocabulary(script, 5000, rng) for script in SCRIPTS}
    kinds = [*LEVELS, 1.0]
    out = []
    for i in range(count):
        script = list(SCRIPTS)[i % len(SCRIPTS)]
        words = document_words(vocabs[script], rng.randint(*words_per_doc), rng)
        kind = kinds[i % len(kinds)]
        copy = list(words) if kind == 1.0 else near_copy(words, kind, vocabs[script], rng)
        a, b = " ".join(words), " ".join(copy)
        out.append((a, b, jaccard(set(shingles(a, segment=False)), set(shingles(b, segment=False)))))
    return out


def _wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 0.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def bench_planted_pairs(count: int, seed: int) -> dict:
    """Share of planted pairs that share a band (become LSH candidates) per shingle hash, same pairs."""
    pairs = planted_pairs(count, seed)
    results: dict = {"pairs": len(pairs), "schemes": {}}
    edges = np.linspace(0.0, 1.0, 21)
    for hash_function in ("xxh3", "sha1"):
        config = MinHashConfig(segment_words=False, hash_function=hash_function)
        hasher = MinHasher.from_config(config)

        def bands(text: str, config: MinHashConfig = config, hasher: MinHasher = hasher) -> list[int]:
            hashes = current.shingle_hashes(text, ngram=config.ngram, segment=False,
                                            hash_function=config.hash_function)
            return current.band_hashes(hasher.signature_from_hashes(hashes), config.bands, config.rows)

        found = [(j, any(x == y for x, y in zip(bands(a), bands(b), strict=True))) for a, b, j in pairs]
        high = [hit for j, hit in found if j >= 0.8]
        low = [hit for j, hit in found if j <= 0.5]
        curve = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            in_bin = [hit for j, hit in found if lo <= j < hi or (hi == 1.0 and j == 1.0)]
            if in_bin:
                curve.append((float((lo + hi) / 2), len(in_bin), sum(in_bin)))
        results["schemes"][hash_function] = {
            "recall_at_0.8": sum(high) / len(high), "recall_pairs": len(high), "recall_hits": sum(high),
            "recall_ci95": _wilson(sum(high), len(high)),
            "fp_rate_at_0.5": sum(low) / len(low), "fp_pairs": len(low), "fp_hits": sum(low),
            "fp_ci95": _wilson(sum(low), len(low)), "curve": curve,
        }
    config = MinHashConfig()
    x, s = results["schemes"]["xxh3"], results["schemes"]["sha1"]
    print(f"\n### Planted pairs, both shingle hashes on the same {len(pairs):,} pairs (six scripts, "
          f"whitespace words, {config.bands}x{config.rows}); found = the two share a band hash\n")
    print("| shingle hash | recall, J >= 0.8 | 95% interval | false positives, J <= 0.5 | 95% interval |")
    print("|---|---:|---:|---:|---:|")
    for name, r in (("xxh3 (default)", x), ("sha1 (datasketch, the default before)", s)):
        print(f"| {name} | {r['recall_at_0.8']:.4f} ({r['recall_hits']}/{r['recall_pairs']}) | "
              f"{r['recall_ci95'][0]:.4f}-{r['recall_ci95'][1]:.4f} | {r['fp_rate_at_0.5']:.4f} "
              f"({r['fp_hits']}/{r['fp_pairs']}) | {r['fp_ci95'][0]:.4f}-{r['fp_ci95'][1]:.4f} |")
    print("\n| true Jaccard bin | pairs | xxh3 found | sha1 found | S-curve |")
    print("|---:|---:|---:|---:|---:|")
    for (mid, n, hx), (_, _, hs) in zip(x["curve"], s["curve"], strict=True):
        print(f"| {mid:.3f} | {n} | {hx / n:.3f} | {hs / n:.3f} | "
              f"{float(candidate_probability(mid, config.bands, config.rows)):.3f} |")
    return results


# ------------------------------------------------------------------------------------------------------------
# 4. End to end


def bench_end_to_end(originals: int, seed: int, plot: str | None) -> dict:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from babelbeam.pipeline.phases.annotate import Signatures
    from babelbeam.pipeline.phases.dedup import DedupDecisions
    from babelbeam.schemas.config import ExactDedupConfig, RunConfig

    docs, pairs = generate_corpus(originals, seed)
    config = MinHashConfig(segment_words=False)
    # The run's own graph: annotate's signatures, then the dedup phase's decisions (exact dedup off: MinHash
    # alone is measured; exact copies are among the planted pairs).
    run = RunConfig(minhash=config, exact_dedup=ExactDedupConfig(enabled=False))
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clusters"
        p = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
        decided = p | beam.Create(docs) | Signatures(run) | DedupDecisions(run)
        _ = (
            decided["decisions"]
            | beam.Map(lambda kv: json.dumps([kv[0], kv[1].cluster]))
            | beam.io.WriteToText(str(out), num_shards=1, shard_name_template="")
        )
        start = time.perf_counter()
        p.run().wait_until_finish()
        seconds = time.perf_counter() - start
        # A document without a decision is a cluster of its own.
        in_clusters = dict(json.loads(line) for line in out.read_text().splitlines())
        clusters = {d.id: d.id for d in docs} | in_clusters
        # The same documents through Create and an identity map: what the runner costs without dedup
        # (beam.Create of a large list is slow on the FnApiRunner), subtracted to give the stage's own rate.
        baseline = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
        _ = baseline | beam.Create(docs) | beam.Map(lambda d: d.id)
        start = time.perf_counter()
        baseline.run().wait_until_finish()
        base_seconds = time.perf_counter() - start
    stage_seconds = max(seconds - base_seconds, 1e-9)
    assert len(clusters) == len(docs), "a decision for an id that is not a document"
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
    print(f"\n### MinHash dedup end to end (FnApiRunner, in-memory, one process), {len(docs)} docs in "
          f"6 scripts, {config.bands}x{config.rows}\n")
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
        ax.plot(s, candidate_probability(s, config.bands, config.rows),
                label=f"S-curve {config.bands}x{config.rows}")
        ax.scatter([c[0] for c in curve], [c[2] for c in curve], color="C1",
                   label="measured (share of pairs found)")
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
    parser.add_argument("--text-docs", type=int, default=3000,
                        help="corpus documents for text -> bands (0: skip)")
    parser.add_argument("--corpus-dir", default="out/bench/corpus-small",
                        help="benchmark corpus written by benchmarks/run_all.py")
    parser.add_argument("--repeats", type=int, default=3, help="timings per implementation (best counts)")
    parser.add_argument("--baseline-rev", metavar="REV",
                        help="also time this git revision's babelbeam/filters/minhash.py as 'before'")
    parser.add_argument("--pairs", type=int, default=3000, help="planted pairs per shingle hash (0: skip)")
    parser.add_argument("--skip-signatures", action="store_true",
                        help="skip the generated-shingle signatures")
    parser.add_argument("--skip-e2e", action="store_true", help="skip the MinHash dedup end-to-end run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    require("datasketch", "rensa")
    print("Figures taken on a shared 2-core machine: other engineers' jobs may slow any row; compare ratios.")
    baseline = load_baseline(args.baseline_rev)
    results: dict = {}
    if not args.skip_signatures:
        results["signatures"] = bench_signatures(args.docs, args.seed, baseline)
    if args.text_docs > 0:
        results["text_to_bands"] = bench_text_to_bands(Path(args.corpus_dir), args.text_docs, args.repeats,
                                                       baseline)
    if args.pairs > 0:
        results["planted_pairs"] = bench_planted_pairs(args.pairs, args.seed)
    if not args.skip_e2e:
        results["end_to_end"] = bench_end_to_end(args.corpus, args.seed, args.plot)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
