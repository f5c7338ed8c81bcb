"""MinHash signatures, LSH band hashes and the bands x rows picker: plain functions, no I/O.

Shingles are word n-grams over normalised words (lowercase, punctuation and
symbols removed, every decimal digit folded to ``0``). Words come from
``babelbeam.filters.segment.words(text, lang)`` (ICU segmentation, so Thai,
Chinese and Japanese get real words) when that module is installed, else from
whitespace.

Signatures are bit-for-bit those of ``datasketch.MinHash(num_perm, seed,
scheme=...)`` updated with the same shingles as UTF-8 bytes: each shingle is
hashed with datasketch's ``sha1_hash32`` (first 4 bytes of SHA-1, little
endian) and permuted with parameters drawn exactly as datasketch draws them
from ``numpy.random.RandomState(seed)``. Two schemes, named as in datasketch:

- ``affine32`` (datasketch's default since 2.0): ``h' = fmix32(h)``, then
  ``a*h' + b mod 2^32`` with ``a`` odd.
- ``legacy`` (datasketch before 2.0, text-dedup): ``(a*h + b) mod (2^61-1)``
  computed in wrapping uint64 arithmetic as numpy does it, then ``& (2^32-1)``.

The permutation step is one vectorised [shingles x num_perm] computation per
block of ``chunk`` shingles (bounded memory), then a column minimum.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import regex

from babelbeam.schemas.minhash_config import HASH_FUNCTIONS, SCHEMES, MinHashConfig

log = logging.getLogger(__name__)

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
"""Modulus of the legacy scheme."""
MAX_HASH = np.uint64((1 << 32) - 1)
"""Largest signature value (also the value of an empty signature)."""

# Punctuation and symbols become word breaks; every decimal digit (any script) folds to 0 so that
# "page 12" and "page 13" shingle alike.
_NOT_WORD = regex.compile(r"[\p{P}\p{S}\p{Z}\s]+", regex.V1)
_DIGIT = regex.compile(r"\p{Nd}")


# ---------------------------------------------------------------------------------------------------------------
# Words and shingles


@lru_cache(maxsize=1)
def _segmenter() -> object | None:
    """``babelbeam.filters.segment.words`` if that module exists, else None (logged once)."""
    try:
        module = importlib.import_module("babelbeam.filters.segment")
        return module.words
    except (ImportError, AttributeError):
        log.warning(
            "babelbeam.filters.segment.words is not available: MinHash shingles use whitespace words, "
            "so scripts written without spaces (Thai, Chinese, Japanese) shingle poorly"
        )
        return None


def normalize_words(text: str, lang: str = "und", *, segment: bool = True) -> list[str]:
    """The document's words for shingling: segmented, lowercased, punctuation and symbols dropped, digits -> 0.

    ``lang`` is a registry code (``tha_Thai``) passed to the segmenter; ``segment=False`` forces whitespace words.
    """
    segmenter = _segmenter() if segment else None
    if segmenter is not None:
        # A word that is all punctuation vanishes; one with inner punctuation ("don't") splits like the
        # whitespace path does, so both paths fold alike.
        text = " ".join(segmenter(text, lang))
    text = _DIGIT.sub("0", text.lower())
    return [w for w in _NOT_WORD.split(text) if w]


def shingles_from_words(words: Sequence[str], ngram: int = 5) -> list[str]:
    """Distinct word n-grams joined by one space, in first-occurrence order.

    A document with fewer than ``ngram`` words (but at least one) gives one shingle of all its words, so short
    documents still get a signature; no words give no shingles.
    """
    if not words:
        return []
    if len(words) < ngram:
        return [" ".join(words)]
    return list(dict.fromkeys(" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)))


def shingles(text: str, lang: str = "und", *, ngram: int = 5, segment: bool = True) -> list[str]:
    """Distinct word ``ngram``-grams of ``text`` over normalised words (see ``normalize_words``)."""
    return shingles_from_words(normalize_words(text, lang, segment=segment), ngram)


# ---------------------------------------------------------------------------------------------------------------
# Hashing and signatures


def hash_shingles(items: Iterable[str | bytes], hash_function: str = "sha1") -> np.ndarray:
    """32-bit hash of each shingle's UTF-8 bytes as a uint32 array.

    ``sha1``: datasketch's ``sha1_hash32`` (first 4 digest bytes, little endian). ``crc32``: ``zlib.crc32``,
    about 4x cheaper but not datasketch-compatible.
    """
    encoded = [s.encode("utf-8") if isinstance(s, str) else s for s in items]
    if hash_function == "sha1":
        sha1 = hashlib.sha1
        # One join and one frombuffer instead of an int per shingle: the Python-level cost is one sha1 call each.
        return np.frombuffer(b"".join([sha1(s).digest()[:4] for s in encoded]), dtype="<u4").astype(np.uint32)
    if hash_function == "crc32":
        return np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(encoded))
    raise ValueError(f"hash_function must be one of {HASH_FUNCTIONS}, got {hash_function!r}")


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix for ``affine32``); wraps modulo 2^32."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def permutations(num_perm: int, seed: int, scheme: str = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters ``(a, b)`` exactly as ``datasketch.MinHash`` draws them."""
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        pairs = [
            (gen.randint(1, MERSENNE_PRIME, dtype=np.uint64), gen.randint(0, MERSENNE_PRIME, dtype=np.uint64))
            for _ in range(num_perm)
        ]
        a, b = np.array(pairs, dtype=np.uint64).T
        return np.ascontiguousarray(a), np.ascontiguousarray(b)
    if scheme == "affine32":
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        return a, b
    raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")


class MinHasher:
    """Computes MinHash signatures of shingle sets; holds only the permutation parameters (2 x num_perm)."""

    def __init__(
        self,
        num_perm: int = 112,
        seed: int = 1,
        *,
        scheme: str = "affine32",
        hash_function: str = "sha1",
        chunk: int = 4096,
    ) -> None:
        self.num_perm = num_perm
        self.seed = seed
        self.scheme = scheme
        self.hash_function = hash_function
        self.chunk = chunk
        self.a, self.b = permutations(num_perm, seed, scheme)
        self._dtype = np.uint64 if scheme == "legacy" else np.uint32
        # Work buffer reused across blocks and documents: chunk x num_perm values, allocated once.
        self._buf = np.empty((chunk, num_perm), dtype=self._dtype)

    @classmethod
    def from_config(cls, config: MinHashConfig) -> MinHasher:
        return cls(
            config.num_perm,
            config.seed,
            scheme=config.scheme,
            hash_function=config.hash_function,
            chunk=config.chunk_shingles,
        )

    def empty(self) -> np.ndarray:
        """The signature of the empty set (every value the maximum hash), as datasketch initialises it."""
        return np.full(self.num_perm, MAX_HASH, dtype=self._dtype)

    def signature_from_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """Signature (``num_perm`` values, uint32 for affine32, uint64 for legacy) of already hashed shingles."""
        out = self.empty()
        if self.scheme == "legacy":
            hv = hashes.astype(np.uint64)
        else:
            hv = _fmix32(hashes.astype(np.uint32))
        for start in range(0, len(hv), self.chunk):
            block = hv[start : start + self.chunk, None]
            buf = self._buf[: len(block)]
            # a*h + b wraps modulo 2^64 (legacy) or 2^32 (affine32), exactly as datasketch's numpy code does.
            np.multiply(block, self.a, out=buf)
            np.add(buf, self.b, out=buf)
            if self.scheme == "legacy":
                _mod_mersenne61(buf)
                np.bitwise_and(buf, MAX_HASH, out=buf)
            np.minimum(out, buf.min(axis=0), out=out)
        return out

    def signature(self, items: Iterable[str | bytes]) -> np.ndarray:
        """Signature of a set of shingles (str are UTF-8 encoded; duplicates do not change the result)."""
        return self.signature_from_hashes(hash_shingles(items, self.hash_function))


def _mod_mersenne61(x: np.ndarray) -> None:
    """In place ``x %= 2^61 - 1`` for uint64 ``x``, by folding (2^61 = 1 mod p) instead of a slow division."""
    high = x >> np.uint64(61)
    np.bitwise_and(x, MERSENNE_PRIME, out=x)
    np.add(x, high, out=x)  # < 2^61 + 8: at most one subtraction left
    np.subtract(x, MERSENNE_PRIME, out=x, where=x >= MERSENNE_PRIME)


# ---------------------------------------------------------------------------------------------------------------
# LSH bands


def band_hashes(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit hash per band: BLAKE2b-64 of (band index, the band's ``rows`` values as little-endian
    uint32 bytes). Equal band values in the same band give equal hashes; the band index keeps bands apart.
    """
    values = np.ascontiguousarray(signature[: bands * rows], dtype="<u4").reshape(bands, rows)
    out = []
    for i in range(bands):
        digest = hashlib.blake2b(i.to_bytes(2, "little") + values[i].tobytes(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def candidate_probability(similarity: float | np.ndarray, bands: int, rows: int) -> float | np.ndarray:
    """The LSH S-curve: chance that two sets of Jaccard ``similarity`` agree on at least one band."""
    s = np.asarray(similarity, dtype=np.float64)
    return 1.0 - (1.0 - s**rows) ** bands


def s_curve_threshold(bands: int, rows: int) -> float:
    """The usual approximation of the similarity where the S-curve is steepest: ``(1/bands)^(1/rows)``."""
    return (1.0 / bands) ** (1.0 / rows)


def _integral(f_values: np.ndarray, xs: np.ndarray) -> float:
    return float(np.sum((f_values[1:] + f_values[:-1]) * np.diff(xs)) / 2.0)


def false_positive_probability(threshold: float, bands: int, rows: int, steps: int = 2001) -> float:
    """Area under the S-curve below ``threshold`` (datasketch's definition, trapezoid rule)."""
    xs = np.linspace(0.0, threshold, steps)
    return _integral(candidate_probability(xs, bands, rows), xs)


def false_negative_probability(threshold: float, bands: int, rows: int, steps: int = 2001) -> float:
    """Area above the S-curve from ``threshold`` to 1 (datasketch's definition, trapezoid rule)."""
    xs = np.linspace(threshold, 1.0, steps)
    return _integral(1.0 - candidate_probability(xs, bands, rows), xs)


def optimal_param(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` minimising ``fp_weight * FP + fn_weight * FN``,
    FP and FN being the integrated S-curve areas below and above ``threshold`` (as datasketch and text-dedup)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = fp_weight * false_positive_probability(
                threshold, bands, rows, steps=401
            ) + fn_weight * false_negative_probability(threshold, bands, rows, steps=401)
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


# ---------------------------------------------------------------------------------------------------------------
# Jaccard


def jaccard(a: np.ndarray | set | frozenset, b: np.ndarray | set | frozenset) -> float:
    """Jaccard similarity of two sets, or of two arrays of distinct values (e.g. shingle hashes). Two empty sets
    score 0 (nothing shared, so never a duplicate)."""
    if isinstance(a, (set, frozenset)) and isinstance(b, (set, frozenset)):
        union = len(a | b)
        return len(a & b) / union if union else 0.0
    a = np.asarray(a)
    b = np.asarray(b)
    union = len(a) + len(b)
    if union == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (union - inter)


def unique_hashes(hashes: np.ndarray) -> np.ndarray:
    """Sorted distinct uint32 shingle hashes: the compact shingle set used by the Jaccard check (4 B a shingle)."""
    return np.unique(hashes.astype(np.uint32))
