"""MinHash signatures, LSH band hashes and the bands x rows picker: plain functions, no I/O.

Shingles are word n-grams over normalised words (lowercase, punctuation and symbols removed, every decimal
digit folded to ``0``). Words come from ``babelbeam.filters.segment.words(text, lang)`` (ICU segmentation, so
Thai, Chinese and Japanese get real words), or from whitespace with ``segment=False``.

Each shingle becomes one 32-bit hash (``hash_function``), and a signature is the minimum of each of
``num_perm`` permutations of those hashes, computed exactly as ``datasketch.MinHash(num_perm, seed,
scheme=..., hashfunc=...)`` does. Shingle hashes:

- ``xxh3`` (the default): every word is hashed once with xxHash's XXH3-64 (of its UTF-8 bytes, seed 0), and
  the word hashes ``w_0 .. w_{k-1}`` of a shingle are combined in numpy, ``acc = (...(w_0 * P + w_1) * P +
  ...) * P + w_{k-1} mod 2^64`` with ``P = 0x9E3779B97F4A7C15``, then MurmurHash3's 64-bit finalizer; the
  shingle hash is its upper 32 bits. No shingle string is ever built, and a word in five shingles is hashed
  once, not five times. The same value for one shingle's bytes is ``shingle_hash32``, so datasketch
  reproduces these signatures with ``MinHash(..., hashfunc=shingle_hash32)``.
- ``sha1``: datasketch's own default, ``sha1_hash32`` (first 4 bytes of the SHA-1 of the shingle's UTF-8
  bytes, little endian): signatures bit-for-bit those of ``datasketch.MinHash(num_perm, seed, scheme=...)``
  with no ``hashfunc``.
- ``crc32``: ``zlib.crc32`` of the shingle's bytes (cheap, no peer uses it).

Permutation parameters are drawn exactly as datasketch draws them from ``numpy.random.RandomState(seed)``.
Two schemes, named as in datasketch:

- ``affine32`` (datasketch's default since 2.0): ``h' = fmix32(h)``, then ``a*h' + b mod 2^32`` with ``a``
  odd.
- ``legacy`` (datasketch before 2.0, text-dedup): ``(a*h + b) mod (2^61-1)`` computed in wrapping uint64
  arithmetic as numpy does it, then ``& (2^32-1)``.

The permutation step is one vectorised [num_perm x shingles] computation per block of ``chunk`` shingles
(bounded memory), then a row minimum.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import compress, repeat
from operator import contains
from typing import Any

import numpy as np
import regex
import xxhash

from babelbeam.filters.segment import WordIndex, remembered_word_index, word_index
from babelbeam.filters.segment import words as segment_words
from babelbeam.schemas.minhash_config import HASH_FUNCTIONS, SCHEMES, MinHashConfig

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
"""Modulus of the legacy scheme."""
MAX_HASH = np.uint64((1 << 32) - 1)
"""Largest signature value (also the value of an empty signature)."""

# Punctuation and symbols become word breaks; every decimal digit (any script) folds to 0 so that
# "page 12" and "page 13" shingle alike. ``_NOT_WORD`` defines the words; the helpers below only compute
# the same split faster (see ``_normalized_text``).
_NOT_WORD = regex.compile(r"[\p{P}\p{S}\p{Z}\s]+", regex.V1)
_DIGIT = regex.compile(r"\p{Nd}")
# Runs of characters that are neither letters, marks, numbers, the ASCII space nor NUL. Every character of
# _NOT_WORD except " " is one (P, S, Z and White_Space lie outside L, M, N; NUL is Cc, which _NOT_WORD
# leaves alone), so text where this finds nothing splits on " " alone. One general-category test per
# character scans several times faster than _NOT_WORD's union of properties. NUL is left out because it
# joins the vocabulary that ``_indexed_word_hashes`` normalises: as a suspect, every word would cost a call.
_SUSPECT = regex.compile(r"[^\p{L}\p{M}\p{N} \x00]+")
# ASCII text (a quarter of a multilingual corpus) folds digits and blanks separators in one str.translate; the
# table is built from the two patterns above, so it cannot disagree with them.
_ASCII_FOLD = {
    c: ("0" if _DIGIT.fullmatch(chr(c)) else " ")
    for c in range(128)
    if _DIGIT.fullmatch(chr(c)) or _NOT_WORD.fullmatch(chr(c))
}


# ------------------------------------------------------------------------------------------------------------
# Words and shingles


def _blank_separators(match: regex.Match) -> str:
    return _NOT_WORD.sub(" ", match.group())


def _normalized_text(text: str, lang: str, segment: bool) -> str:
    """The normalised words of ``text`` separated by one or more ASCII spaces (possibly with leading or
    trailing spaces): ``[w for w in result.split(" ") if w]`` is exactly the split of the lowercased,
    digit-folded text on ``_NOT_WORD``.

    Why it is the same split: every separator character (a character ``_NOT_WORD`` matches) becomes at
    least one space, no other character changes, and the text holds no space that was not a separator. So
    the maximal runs of non-separators, the words, are the same.
    """
    if segment:
        # A word that is all punctuation vanishes; one with inner punctuation ("don't") splits like the
        # whitespace path does, so both paths fold alike.
        text = " ".join(segment_words(text, lang))
    text = text.lower()
    if text.isascii():
        return text.translate(_ASCII_FOLD)
    # Only the (few) runs that hold something other than letters, marks, numbers and spaces need _NOT_WORD;
    # after ICU segmentation those are mostly inner apostrophes and zero-width joiners.
    return _SUSPECT.sub(_blank_separators, _DIGIT.sub("0", text))


def normalize_words(text: str, lang: str = "und", *, segment: bool = True) -> list[str]:
    """The document's words for shingling: segmented (``lang``, a registry code, picks the segmenter's locale;
    ``segment=False``: whitespace words), lowercased, punctuation and symbols dropped, digits -> 0."""
    return list(filter(None, _normalized_text(text, lang, segment).split(" ")))


def _ngrams(words: Sequence, ngram: int, sep: str | bytes) -> list:
    """Distinct ``sep``-joined ``ngram``-grams of ``words`` (str or bytes) in first-occurrence order; fewer
    than ``ngram`` words (but at least one) give one gram of all of them."""
    if not words:
        return []
    if len(words) < ngram:
        return [sep.join(words)]
    # zip over ngram shifted copies yields each n-gram as a tuple; joining them in map() avoids a slice a gram
    count = len(words) - ngram + 1
    return list(dict.fromkeys(map(sep.join, zip(*[words[i : i + count] for i in range(ngram)], strict=True))))


def shingles_from_words(words: Sequence[str], ngram: int = 5) -> list[str]:
    """Distinct word n-grams joined by one space, in first-occurrence order.

    A document with fewer than ``ngram`` words (but at least one) gives one shingle of all its words, so short
    documents still get a signature; no words give no shingles.
    """
    return _ngrams(words, ngram, " ")


def shingles(text: str, lang: str = "und", *, ngram: int = 5, segment: bool = True) -> list[str]:
    """Distinct word ``ngram``-grams of ``text`` over normalised words (see ``normalize_words``)."""
    return shingles_from_words(normalize_words(text, lang, segment=segment), ngram)


def shingle_bytes(text: str, lang: str = "und", *, ngram: int = 5, segment: bool = True) -> list[bytes]:
    """``shingles(...)`` as UTF-8 bytes, same order, built without encoding each shingle.

    The normalised text is encoded once and split on the space byte (UTF-8 never puts byte 0x20 inside another
    character), and the n-grams are joined as bytes: one encode per document instead of one per shingle.
    """
    words = list(filter(None, _normalized_text(text, lang, segment).encode("utf-8").split(b" ")))
    return _ngrams(words, ngram, b" ")


def shingle_hashes(
    text: str, lang: str = "und", *, ngram: int = 5, segment: bool = True, hash_function: str = "xxh3"
) -> np.ndarray:
    """The uint32 hashes of the document's shingles, the cheapest way from text to the input of
    ``MinHasher.signature_from_hashes`` and ``unique_hashes``: the same set of values as
    ``hash_shingles(shingles(text, lang, ...), hash_function)``.

    ``sha1`` and ``crc32`` give one value per distinct shingle in first-occurrence order; ``xxh3`` one value
    per shingle position (a repeated shingle repeats its value, which changes neither a signature nor
    ``unique_hashes``), computed from the words without building shingle strings.

    With ``xxh3`` the words come from the word index the quality rules just built for the text when this
    thread remembers one (``segment.word_index``), or when the text is longer than ``WORD_LIST_CHARS`` (an
    index holds a few bytes a word, a word list about 100); otherwise from the normalised word list, which
    is cheaper than building an index that nothing else will read.
    """
    if hash_function == "xxh3":
        if segment:
            long_text = len(text) > WORD_LIST_CHARS
            index = word_index(text, lang) if long_text else remembered_word_index(text, lang)
            if index is not None:
                return combine_word_hashes(_indexed_word_hashes(index, lang), ngram)
        words = list(filter(None, _normalized_text(text, lang, segment).encode("utf-8").split(b" ")))
        return combine_word_hashes(word_hashes(words), ngram)
    return hash_shingles(shingle_bytes(text, lang, ngram=ngram, segment=segment), hash_function)


WORD_LIST_CHARS = 1 << 16
"""Longest text whose xxh3 shingle hashes ``shingle_hashes`` may compute from a list of its words (about 1
MB of word strings at most) rather than from its word index."""

_SEPARATOR = "\x00"
"""Joins the distinct words for one normalisation pass: no word holds it, and normalising changes neither it
nor the case of a letter beside it (it is neither a separator, a digit, cased, nor case-ignorable)."""


def _indexed_word_hashes(index: WordIndex, lang: str) -> np.ndarray:
    """The xxh3 hash of every normalised word of a text in order (what ``word_hashes`` gives for
    ``normalize_words(text, lang)``), from its word index: each distinct word is normalised and
    hashed once, and no string per word is built, so a long document costs a few bytes a word."""
    vocabulary = index.vocabulary
    joined = _SEPARATOR.join(vocabulary)
    ids = index.vocabulary_ids()
    separator_free = joined.count(_SEPARATOR) == len(vocabulary) - 1
    if separator_free:
        folded = _normalized_text(joined, lang, segment=False)
        if " " not in folded:  # no word split or emptied (most texts): one hash a word, one encode in all
            return np.take(word_hashes(folded.encode("utf-8").split(_SEPARATOR.encode())), ids)
        normalized = folded.split(_SEPARATOR)
    else:  # a word holds the separator: normalise the words one by one
        normalized = [_normalized_text(w, lang, segment=False) for w in vocabulary]
    # Normalising can split a word ("3.5" -> "0 0") or empty it; only those few words are split into their
    # pieces, the others are one piece each.
    split = list(compress(range(len(normalized)), map(contains, normalized, repeat(" "))))
    counts = np.ones(len(normalized), dtype=np.int64)
    flat: list[str] = []
    done = 0
    for i in split:
        pieces = list(filter(None, normalized[i].split(" ")))
        counts[i] = len(pieces)
        flat += normalized[done:i]
        flat += pieces
        done = i + 1
    flat += normalized[done:]
    if separator_free and flat:  # one encode in all
        hashes = word_hashes(_SEPARATOR.join(flat).encode("utf-8").split(_SEPARATOR.encode()))
    else:
        hashes = word_hashes([p.encode("utf-8") for p in flat])
    if (counts == 1).all():
        return np.take(hashes, ids)
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    blocks = []
    for lo in range(0, len(ids), _COMBINE_BLOCK):  # a block of positions at a time: bounded temporaries
        block = ids[lo : lo + _COMBINE_BLOCK]
        per_position = counts[block]
        # position i's pieces are hashes[starts[ids[i]] : starts[ids[i]] + per_position[i]], in order
        offsets = np.repeat(starts[block] - (np.cumsum(per_position) - per_position), per_position)
        blocks.append(hashes[offsets + np.arange(len(offsets))])
    return np.concatenate(blocks)


# ------------------------------------------------------------------------------------------------------------
# The xxh3 shingle hash: words hashed once, combined per shingle


_XXH3 = xxhash.xxh3_64_intdigest
_MASK64 = (1 << 64) - 1
SHINGLE_MULTIPLIER = 0x9E3779B97F4A7C15
"""``P`` of the xxh3 shingle hash: odd (multiplying by it is a bijection mod 2^64), 2^64 / golden ratio."""
_FMIX64 = (33, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)
"""MurmurHash3 fmix64 shift and multipliers."""
_FMIX64_NP = (np.uint64(33), np.uint64(_FMIX64[1]), np.uint64(_FMIX64[2]))


def word_hashes(words: Sequence[bytes]) -> np.ndarray:
    """XXH3-64 (seed 0) of each word's bytes, as uint64."""
    return np.fromiter(map(_XXH3, words), dtype=np.uint64, count=len(words))


def combine_word_hashes(hashes: np.ndarray, ngram: int = 5) -> np.ndarray:
    """The xxh3 shingle hash of every ``ngram``-word window of word hashes (uint64, text order), as uint32;
    fewer than ``ngram`` words (but at least one) give one shingle of all of them, no words none."""
    k = min(ngram, len(hashes))
    if k == 0:
        return np.empty(0, dtype=np.uint32)
    # window j of the k shifted views: row i of the stack is the shingle starting at word i; a block of
    # windows at a time, so a long document's temporaries stay a few MB
    count = len(hashes) - k + 1
    out = np.empty(count, dtype=np.uint32)
    for lo in range(0, count, _COMBINE_BLOCK):
        hi = min(lo + _COMBINE_BLOCK, count)
        out[lo:hi] = _combine_columns([hashes[lo + j : hi + j] for j in range(k)])
    return out


_COMBINE_BLOCK = 1 << 18
"""Shingles hashed at a time by ``combine_word_hashes``."""


def _combine_columns(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Horner's rule over word-hash columns (``acc = acc * P + column``, wrapping mod 2^64 as uint64
    arithmetic does), MurmurHash3's fmix64, then the upper 32 bits."""
    multiplier = np.uint64(SHINGLE_MULTIPLIER)
    acc = columns[0].copy()
    for column in columns[1:]:
        acc *= multiplier
        acc += column
    shift, m1, m2 = _FMIX64_NP
    acc ^= acc >> shift
    acc *= m1
    acc ^= acc >> shift
    acc *= m2
    acc ^= acc >> shift
    return (acc >> np.uint64(32)).astype(np.uint32)


def shingle_hash32(shingle: bytes | str) -> int:
    """The xxh3 hash of one shingle (its normalised words joined by single spaces), as a Python int.

    The same value ``combine_word_hashes`` computes in numpy, one shingle at a time: the ``hashfunc`` that
    makes ``datasketch.MinHash(num_perm, seed, scheme=..., hashfunc=shingle_hash32)`` give babelbeam's xxh3
    signatures.
    """
    if isinstance(shingle, str):
        shingle = shingle.encode("utf-8")
    acc = 0
    for word in shingle.split(b" "):
        acc = (acc * SHINGLE_MULTIPLIER + _XXH3(word)) & _MASK64
    shift, m1, m2 = _FMIX64
    acc ^= acc >> shift
    acc = (acc * m1) & _MASK64
    acc ^= acc >> shift
    acc = (acc * m2) & _MASK64
    acc ^= acc >> shift
    return acc >> 32


def _xxh3_shingles(items: Sequence[bytes]) -> np.ndarray:
    """``shingle_hash32`` of each shingle, vectorised when every shingle has the same number of words."""
    if not items:
        return np.empty(0, dtype=np.uint32)
    spaces = np.fromiter(map(bytes.count, items, repeat(b" ")), dtype=np.int64, count=len(items))
    k = int(spaces[0]) + 1
    if not (spaces == k - 1).all():
        return np.fromiter(map(shingle_hash32, items), dtype=np.uint32, count=len(items))
    table = word_hashes(b" ".join(items).split(b" ")).reshape(len(items), k)  # row i: shingle i's words
    return _combine_columns([table[:, j] for j in range(k)])


# ------------------------------------------------------------------------------------------------------------
# Hashing and signatures


_DIGEST = type(hashlib.sha1()).digest
"""The unbound ``digest`` method of hashlib's SHA-1 objects, so ``map`` can call it without a Python frame."""
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))
"""MurmurHash3 fmix32 shift and multiplier constants, made once rather than per call."""


def _utf8(items: Iterable[str | bytes]) -> Sequence[bytes]:
    """Each item as UTF-8 bytes; a list of bytes comes back as it is."""
    items = items if isinstance(items, (list, tuple)) else list(items)
    kinds = set(map(type, items))
    if kinds <= {bytes}:
        return items
    if kinds == {str}:
        return list(map(str.encode, items))  # UTF-8 without a Python-level call per item
    return [s.encode("utf-8") if isinstance(s, str) else s for s in items]


def hash_shingles(items: Iterable[str | bytes], hash_function: str = "xxh3") -> np.ndarray:
    """32-bit hash of each shingle (its UTF-8 bytes) as a uint32 array.

    ``xxh3``: ``shingle_hash32`` (each word hashed once and combined; see the module docstring). ``sha1``:
    datasketch's ``sha1_hash32`` (first 4 digest bytes, little endian). ``crc32``: ``zlib.crc32``.
    """
    encoded = _utf8(items)
    if hash_function == "xxh3":
        return _xxh3_shingles(encoded)
    if hash_function == "sha1":
        # sha1 and digest chained through map() and whole 20-byte digests joined: the only per-shingle cost is
        # OpenSSL's; the first 4 bytes of each digest are then a strided uint32 view.
        digests = b"".join(map(_DIGEST, map(hashlib.sha1, encoded)))
        return np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32)
    if hash_function == "crc32":
        return np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(encoded))
    raise ValueError(f"hash_function must be one of {HASH_FUNCTIONS}, got {hash_function!r}")


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix for ``affine32``) of uint32 ``h``; wraps modulo
    2^32. Returns a new array (``h`` is not changed)."""
    s16, m1, s13, m2 = _FMIX
    h = h ^ (h >> s16)  # the one new array; the rest works in place on it
    t = np.empty_like(h)  # scratch for the shifted values
    np.multiply(h, m1, out=h)
    np.right_shift(h, s13, out=t)
    np.bitwise_xor(h, t, out=h)
    np.multiply(h, m2, out=h)
    np.right_shift(h, s16, out=t)
    np.bitwise_xor(h, t, out=h)
    return h


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

    def __init__(self, num_perm: int = 112, seed: int = 1, *, scheme: str = "affine32",
                 hash_function: str = "xxh3", chunk: int = 4096) -> None:
        self.num_perm = num_perm
        self.seed = seed
        self.scheme = scheme
        self.hash_function = hash_function
        self.chunk = chunk
        self.a, self.b = permutations(num_perm, seed, scheme)
        self._dtype = np.uint64 if scheme == "legacy" else np.uint32

    @classmethod
    def from_config(cls, config: MinHashConfig) -> MinHasher:
        return cls(config.num_perm, config.seed, scheme=config.scheme, hash_function=config.hash_function,
                   chunk=config.chunk_shingles)

    def signature_from_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """Signature (``num_perm`` values: uint32 for affine32, uint64 for legacy) of hashed shingles."""
        if len(hashes) == 0:  # the empty set's: every value the maximum hash, as datasketch initialises it
            return np.full(self.num_perm, MAX_HASH, dtype=self._dtype)
        legacy = self.scheme == "legacy"
        hv = hashes.astype(np.uint64) if legacy else _fmix32(hashes.astype(np.uint32, copy=False))
        out = None
        for start in range(0, len(hv), self.chunk):
            # a*h + b wraps modulo 2^64 (legacy) or 2^32 (affine32), exactly as datasketch's numpy code does.
            # num_perm x block values, one permutation a row, so each minimum runs along a contiguous row
            # (about 15% faster than a shingle a row); a fresh array beats a strided view of a reused buffer.
            values = np.multiply(self.a[:, None], hv[start : start + self.chunk])
            np.add(values, self.b[:, None], out=values)
            if legacy:
                _mod_mersenne61(values)
                np.bitwise_and(values, MAX_HASH, out=values)
            # Every value is <= MAX_HASH, so starting from the first block's minimum equals datasketch's start
            # from a signature full of MAX_HASH.
            low = values.min(axis=1)
            out = low if out is None else np.minimum(out, low, out=out)
        return out

    def signature(self, items: Iterable[str | bytes]) -> np.ndarray:
        """Signature of a set of shingles (str are UTF-8 encoded; duplicates do not change the result)."""
        return self.signature_from_hashes(hash_shingles(items, self.hash_function))


def _mod_mersenne61(x: np.ndarray) -> None:
    """In place ``x %= 2^61 - 1`` for uint64 ``x``, by folding (2^61 = 1 mod p) instead of a slow division."""
    t = x >> np.uint64(61)
    np.bitwise_and(x, MERSENNE_PRIME, out=x)
    np.add(x, t, out=x)  # < 2^61 + 8 < 2p: at most one subtraction left
    # x - p wraps above x when x < p, so the smaller of the two is x mod p: no boolean mask, no where=.
    np.subtract(x, MERSENNE_PRIME, out=t)
    np.minimum(x, t, out=x)


# ------------------------------------------------------------------------------------------------------------
# LSH bands


@lru_cache(maxsize=8)
def _band_hashers(bands: int) -> tuple[Any, ...]:
    """BLAKE2b-64 states that have read each band's 2-byte index: copying one is cheaper than a new hash."""
    return tuple(hashlib.blake2b(i.to_bytes(2, "little"), digest_size=8) for i in range(bands))


def band_hashes(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit hash per band: BLAKE2b-64 of (band index, the band's ``rows`` values as little-endian
    uint32 bytes). Equal band values in the same band give equal hashes; the band index keeps bands apart.
    """
    raw = np.ascontiguousarray(signature[: bands * rows], dtype="<u4").tobytes()
    width = rows * 4  # bytes per band
    digests = []
    for i, band_hasher in enumerate(_band_hashers(bands)):
        h = band_hasher.copy()
        h.update(raw[i * width : (i + 1) * width])
        digests.append(h.digest())
    # Each 8-byte digest read as a little-endian signed int64: int.from_bytes(digest, "little", signed=True).
    return np.frombuffer(b"".join(digests), dtype="<i8").tolist()


def candidate_probability(similarity: float | np.ndarray, bands: int, rows: int) -> float | np.ndarray:
    """The LSH S-curve: chance that two sets of Jaccard ``similarity`` agree on at least one band."""
    s = np.asarray(similarity, dtype=np.float64)
    return 1.0 - (1.0 - s**rows) ** bands


def _integral(f_values: np.ndarray, xs: np.ndarray) -> float:
    return float(np.sum((f_values[1:] + f_values[:-1]) * np.diff(xs)) / 2.0)


def optimal_param(threshold: float, num_perm: int, fp_weight: float = 0.5,
                  fn_weight: float = 0.5) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` minimising ``fp_weight * FP + fn_weight * FN``, FP
    being the area under the S-curve below ``threshold`` and FN the area above it from ``threshold`` to 1
    (datasketch's and text-dedup's definitions; trapezoid rule over 401 points)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
    below, above = np.linspace(0.0, threshold, 401), np.linspace(threshold, 1.0, 401)
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = (fp_weight * _integral(candidate_probability(below, bands, rows), below)
                     + fn_weight * _integral(1.0 - candidate_probability(above, bands, rows), above))
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


# ------------------------------------------------------------------------------------------------------------
# Jaccard


def jaccard(a: np.ndarray | set | frozenset, b: np.ndarray | set | frozenset) -> float:
    """Jaccard similarity of two sets, or of two arrays of distinct values (e.g. shingle hashes). Two empty
    sets score 0 (nothing shared, so never a duplicate)."""
    if isinstance(a, (set, frozenset)) and isinstance(b, (set, frozenset)):
        union = len(a | b)
        return len(a & b) / union if union else 0.0
    a, b = np.asarray(a), np.asarray(b)
    union = len(a) + len(b)
    if union == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (union - inter)


def unique_hashes(hashes: np.ndarray) -> np.ndarray:
    """Sorted distinct uint32 shingle hashes: the compact shingle set of the Jaccard check (4 B a shingle)."""
    out = np.sort(hashes.astype(np.uint32))
    if len(out) > 1:
        # np.unique's result without its overhead (tens of microseconds on a few hundred values)
        distinct = np.empty(len(out), dtype=bool)
        distinct[0] = True
        np.not_equal(out[1:], out[:-1], out=distinct[1:])
        if not distinct.all():
            out = out[distinct]
    return out
