"""Deterministic benchmark corpus: many languages and scripts, log-normal lengths, planted duplicates
and junk.

``python benchmarks/corpus.py --size small|large --output DIR`` writes
``DIR/part-NNNNN.jsonl.gz`` (records ``id``, ``text``, ``url``), ``DIR/labels.jsonl.gz``
(one line per document: what it is) and ``DIR/manifest.json`` (the spec, counts
per kind and language, files). ``small`` is 20,000 documents, ``large`` 1,000,000;
``--docs N`` sets any other size (for scaling runs).

How documents are made. The per-language sentence pools come from the texts of
``scripts/make_sample_corpus.py`` (42 languages, 18 scripts). Document ``i`` is
built from its own RNG (seeded from ``(seed, i)``): a language (English about a
quarter, the rest on a Zipf-like tail), a target length drawn log-normal (median
1,000 characters, clipped to 200..50,000), then sentences drawn from the pool until
the length is reached, grouped into paragraphs (one per line). The pools are
small, so each drawn sentence has about 15% of its words (characters, for
scripts written without spaces) replaced by other words of the same language:
otherwise two long documents of one language would share most of their word
5-grams and MinHash would see near-duplicates that were never planted.

Planted at fixed rates (each document's kind comes from a hash of ``(seed, i)``):
exact duplicates of an earlier good document (4%, a quarter with whitespace
changed), near duplicates (4%: boilerplate header/footer or one sentence
replaced; the label gives the word or character 5-gram Jaccard) and junk (5%:
keyword spam, repeated lines, lorem ipsum, navigation menus, too-short texts,
bullet lists, symbol runs, shuffled words). A duplicate regenerates its original
from the original's seed, so nothing is held in memory: generation streams.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import hashlib
import importlib.util
import json
import logging
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

LOG = logging.getLogger("benchmarks.corpus")
ROOT = Path(__file__).resolve().parent.parent
SIZES = {"small": 20_000, "large": 1_000_000}
"""Documents per named size."""
GENERATOR_VERSION = 1
"""Bump when the output for a given spec changes."""

_NO_SPACE = {"Hans", "Hant", "Jpan", "Thai", "Khmr", "Mymr", "Laoo"}
_SENTENCE_END = re.compile(r"(?<=[.!?؟।॥۔։။។])\s+|(?<=[。！？])")
_JUNK_KINDS = ["keyword_spam", "repeated_lines", "lorem_ipsum", "navigation_menu", "too_short", "bullet_list",
               "symbols", "shuffled_words"]
_LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
          "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco "
          "laboris nisi ut aliquip.")
_MENU = ["Home", "About us", "Products", "Services", "Blog", "News", "Careers", "Contact", "Privacy policy",
         "Terms of use", "Sitemap", "Login", "Register", "Cart (0)", "Search", "FAQ", "Help", "Shop"]
_HEADER = "Home > News > Latest"
_FOOTER = "Share this article. Copyright 2024 Example Media. All rights reserved."


@dataclass(frozen=True)
class CorpusSpec:
    """Everything that decides the corpus: same spec, same bytes."""

    docs: int
    """Number of documents."""
    seed: int = 0
    """Seed of every random choice."""
    exact_dup_rate: float = 0.04
    """Share of documents that are exact copies of an earlier good document."""
    near_dup_rate: float = 0.04
    """Share of documents that are near copies (boilerplate added or one sentence replaced)."""
    junk_rate: float = 0.05
    """Share of documents that are junk of the kinds the quality filters target."""
    median_chars: int = 1000
    """Median target length of a good document, in characters (log-normal)."""
    sigma: float = 1.0
    """Log-normal sigma of the target length."""
    min_chars: int = 200
    """Shortest target length."""
    max_chars: int = 50_000
    """Longest target length."""
    substitution_rate: float = 0.15
    """Share of words (characters, in scripts without spaces) replaced in each drawn sentence."""
    english_share: float = 0.25
    """Share of good documents in English; the rest follow a Zipf-like tail over the other languages."""
    docs_per_file: int = 50_000
    """Documents per output file."""


@dataclass(frozen=True)
class _Pool:
    lang: str
    sentences: tuple[tuple[str, ...], ...]
    """Each sentence as tokens: words for space-delimited scripts, characters otherwise."""
    alpha: tuple[tuple[int, ...], ...]
    """Per sentence, the positions of its alphabetic tokens (the ones a substitution may replace)."""
    vocab: tuple[str, ...]
    """Alphabetic tokens a substitution may insert."""
    joiner: str
    """`` `` between words and sentences, ``""`` for scripts without spaces."""


def labelled_records(directory: Path) -> Iterator[tuple[dict, dict]]:
    """Every ``(record, label)`` of a written corpus, in corpus order, streamed."""
    manifest = json.loads((directory / "manifest.json").read_text())

    def lines(name: str) -> Iterator[str]:
        with gzip.open(directory / name, "rt", encoding="utf-8") as f:
            yield from f

    records = (line for name in manifest["files"] for line in lines(name))
    for record, label in zip(records, lines(manifest["labels"]), strict=True):
        yield json.loads(record), json.loads(label)


def _load_sample_texts() -> list:
    name = "make_sample_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_sample_corpus.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name].TEXTS


@cache
def pools() -> tuple[_Pool, ...]:
    """One sentence pool per language of the sample corpus, in its order."""
    sentences: dict[str, list[str]] = {}
    for sample in _load_sample_texts():
        for line in sample.text.splitlines():
            parts = [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
            if sample.lang == "tha_Thai":  # Thai separates sentences with spaces, not punctuation
                parts = [s for p in parts for s in p.split()]
            sentences.setdefault(sample.lang, []).extend(parts)
    out = []
    for lang, items in sentences.items():
        no_space = lang.split("_")[1] in _NO_SPACE
        tokens = [tuple(s) if no_space else tuple(s.split()) for s in items]
        vocab = sorted({t for sent in tokens for t in sent if t.isalpha()})
        alpha = tuple(tuple(k for k, t in enumerate(sent) if t.isalpha()) for sent in tokens)
        out.append(_Pool(lang, tuple(tokens), alpha, tuple(vocab), "" if no_space else " "))
    return tuple(out)


@cache
def _language_weights(english_share: float) -> tuple[list[float], tuple[_Pool, ...]]:
    """Cumulative language weights: English ``english_share``, the others 1/rank^0.8 in pool order."""
    ordered = sorted(pools(), key=lambda p: p.lang != "eng_Latn")  # English first, the rest in pool order
    tail = [1 / (rank + 1) ** 0.8 for rank in range(len(ordered) - 1)]
    weights = [english_share] + [(1 - english_share) * w / sum(tail) for w in tail]
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return cumulative, tuple(ordered)


def _unit(seed: int, i: int, salt: str) -> float:
    """A uniform number in [0, 1) from ``(seed, i, salt)``: cheap, stable across Python versions."""
    digest = hashlib.blake2b(f"{seed}:{i}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2**64


def kind_of(spec: CorpusSpec, i: int) -> str:
    """The planted kind of document ``i``: ``good``, ``exact_dup``, ``near_dup`` or ``junk``."""
    u = _unit(spec.seed, i, "kind")
    if i == 0 or u >= spec.exact_dup_rate + spec.near_dup_rate + spec.junk_rate:
        return "good"
    if u < spec.exact_dup_rate:
        return "exact_dup"
    if u < spec.exact_dup_rate + spec.near_dup_rate:
        return "near_dup"
    return "junk"


def _rng(spec: CorpusSpec, i: int, salt: int) -> random.Random:
    return random.Random(spec.seed * 1_000_003 * 8 + i * 8 + salt)


def _sentence(pool: _Pool, rng: random.Random, rate: float) -> str:
    # Hot path (tens of millions of calls for ``large``): floats from one bound method, no rng.sample.
    rand = rng.random
    k = int(rand() * len(pool.sentences))
    tokens, alpha = pool.sentences[k], pool.alpha[k]
    subs = int(len(alpha) * rate + rand()) if alpha else 0  # expected len(alpha) * rate substitutions
    if subs:
        tokens = list(tokens)
        vocab, n_vocab, n_alpha = pool.vocab, len(pool.vocab), len(alpha)
        for _ in range(subs):
            tokens[alpha[int(rand() * n_alpha)]] = vocab[int(rand() * n_vocab)]
    return pool.joiner.join(tokens)


def good_document(spec: CorpusSpec, i: int) -> tuple[str, str]:
    """The text document ``i`` has when it is good: ``(lang, text)``; depends only on ``(spec, i)``."""
    rng = _rng(spec, i, 0)
    cumulative, ordered = _language_weights(spec.english_share)
    pool = ordered[min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(ordered) - 1)]
    target = rng.lognormvariate(math.log(spec.median_chars), spec.sigma)
    target = min(max(target, spec.min_chars), spec.max_chars)
    paragraphs, size = [], 0
    while size < target:
        sentences = [_sentence(pool, rng, spec.substitution_rate) for _ in range(rng.randint(2, 6))]
        paragraph = pool.joiner.join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return pool.lang, "\n".join(paragraphs)


def _earlier_good(spec: CorpusSpec, i: int, rng: random.Random) -> int:
    """A good document before ``i``, chosen uniformly (document 0 is always good)."""
    for _ in range(64):
        j = rng.randrange(i)
        if kind_of(spec, j) == "good":
            return j
    return 0


def _shingles(text: str, lang: str) -> set:
    if lang.split("_")[1] in _NO_SPACE:
        chars = re.sub(r"\s+", "", text)
        return {chars[k : k + 5] for k in range(max(1, len(chars) - 4))}
    words = text.lower().split()
    return {tuple(words[k : k + 5]) for k in range(max(1, len(words) - 4))}


def _junk(spec: CorpusSpec, i: int, rng: random.Random) -> tuple[str, str | None, str]:
    junk = _JUNK_KINDS[rng.randrange(len(_JUNK_KINDS))]
    lang, text = good_document(spec, i)
    words = text.split()
    if junk == "keyword_spam":
        keys = [" ".join(rng.sample(words, min(3, len(words)))) for _ in range(3)]
        return junk, lang, " ".join(rng.choice(keys) for _ in range(rng.randint(20, 80)))
    if junk == "repeated_lines":
        line = text.splitlines()[0][:120]
        return junk, lang, "\n".join([line] * rng.randint(10, 60))
    if junk == "lorem_ipsum":
        return junk, None, "\n".join([_LOREM] * rng.randint(1, 8))
    if junk == "navigation_menu":
        return junk, None, "\n".join(rng.sample(_MENU, rng.randint(8, len(_MENU))))
    if junk == "too_short":
        return junk, lang, " ".join(words[: rng.randint(1, 6)])
    if junk == "bullet_list":
        return junk, lang, "\n".join(f"- {' '.join(words[k:k + 3])}"
                                     for k in range(0, min(len(words), 90), 3))
    if junk == "symbols":
        symbols = "#$%&*@!?<>=+~^|{}[]"
        return junk, None, " ".join("".join(rng.choices(symbols, k=rng.randint(2, 6)))
                                    for _ in range(rng.randint(30, 200)))
    rng.shuffle(words)
    return junk, lang, "\n".join(" ".join(words[k : k + 12]) for k in range(0, len(words), 12))


def make_document(spec: CorpusSpec, i: int) -> tuple[dict, dict]:
    """Document ``i`` as ``(record, label)``; record has ``id``, ``text``, ``url``."""
    doc_id = f"bench-{i:08d}"
    kind = kind_of(spec, i)
    label: dict = {"id": doc_id, "kind": kind}
    if kind == "good":
        lang, text = good_document(spec, i)
    elif kind == "exact_dup":
        rng = _rng(spec, i, 1)
        j = _earlier_good(spec, i, rng)
        lang, text = good_document(spec, j)
        variant = "whitespace" if rng.random() < 0.25 else "identical"
        if variant == "whitespace":
            text = "  " + text.replace("\n", " \n\n") + "\n"
        label.update(of=f"bench-{j:08d}", variant=variant)
    elif kind == "near_dup":
        rng = _rng(spec, i, 2)
        j = _earlier_good(spec, i, rng)
        lang, original = good_document(spec, j)
        if rng.random() < 0.5:
            variant, text = "header_footer", f"{_HEADER}\n{original}\n{_FOOTER}"
        else:
            pool = next(p for p in pools() if p.lang == lang)
            lines = original.splitlines()
            k = rng.randrange(len(lines))
            sentences = [s for s in _SENTENCE_END.split(lines[k]) if s]
            sentences[rng.randrange(len(sentences))] = _sentence(pool, rng, spec.substitution_rate)
            lines[k] = pool.joiner.join(sentences)
            variant, text = "sentence_changed", "\n".join(lines)
        a, b = _shingles(original, lang), _shingles(text, lang)
        label.update(of=f"bench-{j:08d}", variant=variant, jaccard=round(len(a & b) / len(a | b), 4))
    else:
        junk, lang, text = _junk(spec, i, _rng(spec, i, 3))
        label["junk"] = junk
    label.update(lang=lang, chars=len(text))
    host = int(_unit(spec.seed, i, "host") * 5000)
    record = {"id": doc_id, "text": text, "url": f"https://site{host}.example.com/{lang or 'und'}/{i}"}
    return record, label


def iter_labelled_documents(size: str | int, seed: int = 0) -> Iterator[tuple[dict, dict]]:
    """Stream ``(record, label)`` for a named size (``small``, ``large``) or a document count."""
    spec = CorpusSpec(docs=SIZES[size] if isinstance(size, str) else int(size), seed=seed)
    for i in range(spec.docs):
        yield make_document(spec, i)


def iter_documents(size: str | int, seed: int = 0) -> Iterator[dict]:
    """Stream the benchmark documents (dicts with ``id``, ``text``, ``url``) in-process, nothing written."""
    for record, _ in iter_labelled_documents(size, seed):
        yield record


def write_corpus(spec: CorpusSpec, output: Path, *, compress: bool = True) -> dict:
    """Write the corpus of ``spec`` under ``output``; returns the manifest (also written as
    ``manifest.json``).

    Streams: memory use does not grow with ``spec.docs``.
    """
    output.mkdir(parents=True, exist_ok=True)
    suffix = ".jsonl.gz" if compress else ".jsonl"

    def opener(path: Path):
        # mtime=0 keeps gzip bytes reproducible; level 1 because generation speed matters more than size.
        return gzip.GzipFile(path, "wb", compresslevel=1, mtime=0) if compress else path.open("wb")

    kinds: Counter = Counter()
    langs: Counter = Counter()
    junk: Counter = Counter()
    files, chars, text_bytes = [], 0, 0
    started = time.perf_counter()
    labels = opener(output / f"labels{suffix}")
    part = None
    try:
        for i in range(spec.docs):
            if i % spec.docs_per_file == 0:
                if part is not None:
                    part.close()
                name = f"part-{i // spec.docs_per_file:05d}{suffix}"
                files.append(name)
                part = opener(output / name)
            record, label = make_document(spec, i)
            part.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            labels.write((json.dumps(label, ensure_ascii=False) + "\n").encode("utf-8"))
            kinds[label["kind"]] += 1
            langs[label["lang"] or "none"] += 1
            if "junk" in label:
                junk[label["junk"]] += 1
            chars += label["chars"]
            text_bytes += len(record["text"].encode("utf-8"))
            if (i + 1) % 100_000 == 0:
                LOG.info("%d documents, %.0f s", i + 1, time.perf_counter() - started)
    finally:
        if part is not None:
            part.close()
        labels.close()
    manifest = {
        "generator": "benchmarks/corpus.py", "generator_version": GENERATOR_VERSION, "spec": asdict(spec),
        "documents": spec.docs, "characters": chars, "text_bytes": text_bytes, "files": files,
        "labels": f"labels{suffix}", "kinds": dict(sorted(kinds.items())), "junk": dict(sorted(junk.items())),
        "languages": dict(sorted(langs.items())),
        "scripts": len({lang.split("_")[1] for lang in langs if "_" in lang}),
    }
    (output / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    LOG.info("wrote %d documents (%.1f MB of text) in %.1f s to %s", spec.docs, text_bytes / 1e6,
             time.perf_counter() - started, output)
    return manifest


def main(argv: list[str] | None = None) -> int:
    # the summary is the first paragraph (two lines in the source; argparse joins them)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small",
                        help="named size (small 20k, large 1M)")
    parser.add_argument("--docs", type=int, default=None, help="document count, overriding --size")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument("--output", type=Path, required=True, help="directory to write into")
    parser.add_argument("--no-compress", action="store_true", help="write .jsonl instead of .jsonl.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    spec = CorpusSpec(docs=args.docs if args.docs is not None else SIZES[args.size], seed=args.seed)
    write_corpus(spec, args.output, compress=not args.no_compress)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
