"""MinHash signatures, shingles, band hashes and the bands/rows picker (plain Python, no Beam)."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
import regex
import xxhash
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from babelbeam.filters import minhash
from babelbeam.filters.minhash import (
    MinHasher,
    band_hashes,
    candidate_probability,
    combine_word_hashes,
    hash_shingles,
    jaccard,
    normalize_words,
    optimal_param,
    shingle_bytes,
    shingle_hash32,
    shingle_hashes,
    shingles,
    shingles_from_words,
    unique_hashes,
    word_hashes,
)
from babelbeam.schemas.config import ConfigError
from babelbeam.schemas.minhash_config import MinHashConfig

XXH3_VECTOR = 127_382_650
"""``shingle_hash32("the quick brown fox jumps")``: a value a changed definition would change."""


def _random_shingles(rng: random.Random, n: int) -> list[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüßéèçñøåσπλжщюя中文ไทย"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(n)]


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("num_perm,seed", [(112, 1), (128, 42), (7, 0)])
def test_signatures_equal_datasketch(scheme: str, num_perm: int, seed: int) -> None:
    """``hash_function="sha1"`` is datasketch's own hashing: the same signatures with no ``hashfunc``."""
    rng = random.Random(num_perm * 1000 + seed)
    # A small chunk forces several vectorised blocks per document.
    hasher = MinHasher(num_perm, seed, scheme=scheme, hash_function="sha1", chunk=64)
    for size in [0, 1, 2, 63, 64, 65, 300, 1000]:
        items = _random_shingles(rng, size)
        reference = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
        reference.update_batch([s.encode("utf-8") for s in items])
        ours = hasher.signature(items)
        assert ours.dtype == reference.hashvalues.dtype
        np.testing.assert_array_equal(ours, reference.hashvalues)


def _word_shingles(rng: random.Random, n: int, words: int = 5) -> list[str]:
    vocab = _random_shingles(rng, 60)
    return [" ".join(rng.choice(vocab) for _ in range(words)) for _ in range(n)]


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("num_perm,seed", [(112, 1), (7, 0)])
def test_xxh3_signatures_equal_datasketch_with_its_hashfunc(scheme: str, num_perm: int, seed: int) -> None:
    """``hash_function="xxh3"`` is datasketch's MinHash with ``hashfunc=shingle_hash32``: from shingle
    strings, and from text through ``shingle_hashes`` (the pipeline's path, never building the strings)."""
    rng = random.Random(num_perm + seed)
    hasher = MinHasher(num_perm, seed, scheme=scheme, hash_function="xxh3", chunk=64)
    for size in [0, 1, 2, 65, 300]:
        items = _word_shingles(rng, size, rng.randint(1, 6))
        reference = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=shingle_hash32)
        reference.update_batch([s.encode("utf-8") for s in items])
        np.testing.assert_array_equal(hasher.signature(items), reference.hashvalues)
    texts = ["one", "one two three", "Ünïcödé wörds, ١٢٣ and 中文 text " * 3,
             " ".join(_random_shingles(rng, 400))]
    for text in texts:
        reference = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=shingle_hash32)
        reference.update_batch([s.encode("utf-8") for s in shingles(text, "und")])
        ours = hasher.signature_from_hashes(shingle_hashes(text, "und", hash_function="xxh3"))
        np.testing.assert_array_equal(ours, reference.hashvalues)


def test_default_config_is_the_xxh3_scheme() -> None:
    """The default config reproduces ``MinHash(num_perm, seed, hashfunc=shingle_hash32)``, datasketch's
    default permutation scheme with babelbeam's shingle hash."""
    config = MinHashConfig()
    assert config.hash_function == "xxh3" and config.scheme == "affine32"
    items = _word_shingles(random.Random(3), 200)
    reference = MinHash(config.num_perm, config.seed, hashfunc=shingle_hash32)
    reference.update_batch([s.encode() for s in items])
    np.testing.assert_array_equal(MinHasher.from_config(config).signature(items), reference.hashvalues)


def test_shingle_hash32_is_its_definition() -> None:
    """XXH3-64 of each word, Horner's rule with P mod 2^64, MurmurHash3 fmix64, upper 32 bits: written out."""
    def fmix64(h: int) -> int:
        h ^= h >> 33
        h = h * 0xFF51AFD7ED558CCD % 2**64
        h ^= h >> 33
        h = h * 0xC4CEB9FE1A85EC53 % 2**64
        return h ^ (h >> 33)

    for shingle in ["a b c d e", "ü ö", "中文", "x"]:
        acc = 0
        for word in shingle.encode().split(b" "):
            acc = (acc * 0x9E3779B97F4A7C15 + xxhash.xxh3_64_intdigest(word)) % 2**64
        assert shingle_hash32(shingle) == fmix64(acc) >> 32
    # word order matters, and the documented test vector pins the definition across releases
    assert shingle_hash32("a b") != shingle_hash32("b a")
    assert shingle_hash32("the quick brown fox jumps") == XXH3_VECTOR


@pytest.mark.parametrize("ngram", [1, 2, 5])
def test_combined_word_hashes_equal_the_per_shingle_hash(ngram: int) -> None:
    rng = random.Random(ngram)
    for n_words in [0, 1, ngram - 1, ngram, 50]:
        words = [w.encode() for w in _random_shingles(rng, max(n_words, 0))]
        ours = combine_word_hashes(word_hashes(words), ngram)
        expected = [shingle_hash32(s) for s in shingles_from_words([w.decode() for w in words], ngram)]
        if n_words > ngram:
            expected = [shingle_hash32(b" ".join(words[i : i + ngram])) for i in range(n_words - ngram + 1)]
        assert ours.dtype == np.uint32 and ours.tolist() == expected


def test_duplicate_shingles_do_not_change_signature() -> None:
    items = _random_shingles(random.Random(5), 100)
    hasher = MinHasher(64, 1)
    np.testing.assert_array_equal(hasher.signature(items), hasher.signature(items + items[:50]))


@pytest.mark.parametrize("hash_function", ["xxh3", "sha1", "crc32"])
def test_signature_agreement_estimates_jaccard(hash_function: str) -> None:
    rng = random.Random(11)
    base = _random_shingles(rng, 2000)
    hasher = MinHasher(256, 7, hash_function=hash_function)
    for keep in (400, 1000, 1600):
        other = base[:keep] + _random_shingles(rng, 2000 - keep)
        truth = jaccard(set(base), set(other))
        estimate = float(np.mean(hasher.signature(base) == hasher.signature(other)))
        # 256 permutations: standard error <= 0.032; 4 sigma.
        assert abs(estimate - truth) < 0.13, (hash_function, keep, truth, estimate)


def test_crc32_is_not_sha1() -> None:
    items = ["a b c d e", "f g h i j"]
    assert not np.array_equal(hash_shingles(items, "sha1"), hash_shingles(items, "crc32"))
    with pytest.raises(ValueError):
        hash_shingles(items, "md5")


def test_normalize_words_folds_case_punctuation_digits() -> None:
    words = normalize_words("Hello, WORLD! Page 12 -- «ok» ١٢٣", segment=False)
    assert words == ["hello", "world", "page", "00", "ok", "000"]


def test_shingles_are_word_ngrams() -> None:
    text = "one two three four five six"
    assert shingles(text, ngram=5, segment=False) == ["one two three four five", "two three four five six"]
    assert shingles("Only three words", ngram=5, segment=False) == ["only three words"]
    assert shingles(" ... !!! ", segment=False) == []
    # Distinct and in first-occurrence order.
    assert shingles_from_words(["a", "b", "a", "b", "a"], 2) == ["a b", "b a"]


def test_punctuation_and_digit_variants_shingle_alike() -> None:
    a = shingles("The price was 12 dollars, said the man on 3 May.", segment=False)
    b = shingles("the price was 99 dollars said the man on 7 may", segment=False)
    assert a == b


def test_band_hashes_change_only_with_their_band() -> None:
    signature = MinHasher(112, 1).signature(_random_shingles(random.Random(2), 50))
    bands = band_hashes(signature, 14, 8)
    assert len(bands) == 14 and len(set(bands)) == 14
    assert all(-(2**63) <= h < 2**63 for h in bands)
    changed = signature.copy()
    changed[8 * 3 + 5] ^= 1
    other = band_hashes(changed, 14, 8)
    assert [i for i in range(14) if bands[i] != other[i]] == [3]
    # Same values in a different band give a different key.
    same_rows = np.tile(signature[:8], 14)
    assert len(set(band_hashes(same_rows, 14, 8))) == 14


@pytest.mark.parametrize("threshold,num_perm", [(0.72, 112), (0.5, 128), (0.9, 64), (0.3, 32)])
def test_optimal_param_matches_datasketch(threshold: float, num_perm: int) -> None:
    assert optimal_param(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_optimal_param_weights_move_the_threshold() -> None:
    bands, rows = optimal_param(0.8, 128, fp_weight=0.9, fn_weight=0.1)
    loose_bands, loose_rows = optimal_param(0.8, 128, fp_weight=0.1, fn_weight=0.9)
    # Weighting false positives more must not raise the candidate chance at 0.6.
    assert candidate_probability(0.6, bands, rows) <= candidate_probability(0.6, loose_bands, loose_rows)
    with pytest.raises(ValueError):
        optimal_param(1.0, 64)


def test_default_bands_rows_s_curve() -> None:
    config = MinHashConfig()
    assert config.num_perm == 112
    assert candidate_probability(0.9, config.bands, config.rows) > 0.99
    assert candidate_probability(0.5, config.bands, config.rows) < 0.06


def test_jaccard() -> None:
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    assert jaccard(np.array([1, 2, 3], np.uint32), np.array([2, 3, 4], np.uint32)) == 0.5
    assert jaccard(set(), set()) == 0.0


def test_config_validation_names_the_key() -> None:
    with pytest.raises(ConfigError, match="minhash.scheme"):
        MinHashConfig(scheme="affine64").validate()
    with pytest.raises(ConfigError, match="minhash.rows"):
        MinHashConfig(rows=0).validate()
    with pytest.raises(ConfigError, match="minhash.jaccard_threshold"):
        MinHashConfig(jaccard_threshold=1.5).validate()


def test_scripts_without_spaces_get_real_words() -> None:
    """With the ICU segmenter (always installed), Thai and Chinese shingle over words, not one run of
    characters."""
    assert normalize_words("ภาษาไทยง่ายนิดเดียว", "tha_Thai") == ["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"]
    chinese = normalize_words("我们今天去北京天安门广场。", "zho_Hans")
    assert len(chinese) >= 4 and "北京" in chinese
    # Segmented and whitespace paths fold Latin text alike.
    text = "Hello, World! It's 3.5 o'clock"
    assert normalize_words(text, "eng_Latn") == normalize_words(text, "eng_Latn", segment=False)


# ------------------------------------------------------------------------------------------------------------
# The fast paths compute exactly what the plain definitions compute.

# Characters that stress the word split: separators outside ASCII, controls that Python's str.split() would
# treat as spaces but _NOT_WORD does not, format characters (ZWNJ, soft hyphen), marks, digits of other
# scripts, case mappings that change length or leave ASCII (İ, Kelvin sign), astral letters and symbols,
# private use.
TRICKY = (
    "aZ09 ,.'-_!?\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x7f\x85\xa0\xad\u1680\u2000\u200b\u200c\u200d"
    "\u2028\u2029\u202f\u205f\u3000\u2019\u2014«»İKßſǅ٣३๓कि्ไทย中文한😀𝒜\U00010400\ue000\u0301\u0660"
)
_REFERENCE_NOT_WORD = regex.compile(r"[\p{P}\p{S}\p{Z}\s]+", regex.V1)
_REFERENCE_DIGIT = regex.compile(r"\p{Nd}")


def _reference_words(text: str, lang: str, segment: bool) -> list[str]:
    """The definition of the normalised words (split on _NOT_WORD), as babelbeam computed it before the fast
    path."""
    if segment:
        from babelbeam.filters.segment import words

        text = " ".join(words(text, lang))
    return [w for w in _REFERENCE_NOT_WORD.split(_REFERENCE_DIGIT.sub("0", text.lower())) if w]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TRICKY, max_size=60) | st.text(max_size=40), st.booleans())
def test_normalize_words_equals_the_plain_split(text: str, segment: bool) -> None:
    assert normalize_words(text, "und", segment=segment) == _reference_words(text, "und", segment)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_fold_equals_the_plain_split(text: str) -> None:
    assert normalize_words(text, segment=False) == _reference_words(text, "und", False)


def test_every_separator_but_space_is_suspect() -> None:
    """The premise of the fast split, checked over every code point of the installed regex module's tables:
    text in which _SUSPECT finds nothing holds no _NOT_WORD character except the ASCII space."""
    everything = "".join(map(chr, range(0x110000)))
    separators = "".join(_REFERENCE_NOT_WORD.findall(everything))
    assert " " in separators and "\u3000" in separators and "\u2028" in separators
    left = minhash._SUSPECT.sub("", separators)
    assert left == " " * left.count(" ") and left
    # ... and _SUSPECT never takes a letter, mark or number (those must stay inside words untouched).
    assert not minhash._SUSPECT.search("aZ09ß中ไทย\u0301\u0660" + "कि")
    # NUL, which joins the words _indexed_word_hashes normalises, is no separator, so it may be left out.
    assert not _REFERENCE_NOT_WORD.search("\x00") and not minhash._SUSPECT.search("\x00")


@pytest.mark.parametrize("lang",
                         ["eng_Latn", "fra_Latn", "tha_Thai", "zho_Hans", "pes_Arab", "hin_Deva", "und"])
def test_segmented_words_equal_the_plain_split(lang: str) -> None:
    rng = random.Random(lang)
    for _ in range(20):
        text = "".join(rng.choice([rng.choice(TRICKY), " ", "word", "l'homme", "3.5", "e-mail"])
                       for _ in range(60))
        assert normalize_words(text, lang) == _reference_words(text, lang, True)


@pytest.mark.parametrize("segment", [True, False])
@pytest.mark.parametrize("ngram", [1, 3, 5])
def test_shingle_bytes_and_hashes_equal_the_str_path(segment: bool, ngram: int) -> None:
    rng = random.Random(ngram)
    texts = ["", " ... ", "one", "one two", "Ünïcödé wörds, ١٢٣ and 中文 text"] + [
        " ".join(rng.choice(TRICKY.split() + ["a", "b", "ç", "ж", "ไทย"]) for _ in range(rng.randint(1, 40)))
        for _ in range(30)
    ]
    for text in texts:
        plain = shingles(text, "und", ngram=ngram, segment=segment)
        assert shingle_bytes(text, "und", ngram=ngram, segment=segment) == [s.encode("utf-8") for s in plain]
        for hash_function in ("sha1", "crc32"):
            ours = shingle_hashes(text, "und", ngram=ngram, segment=segment, hash_function=hash_function)
            assert ours.dtype == np.uint32
            np.testing.assert_array_equal(ours, hash_shingles(plain, hash_function))
        # xxh3 gives a value per shingle position: the same set as the distinct shingles' hashes
        ours = shingle_hashes(text, "und", ngram=ngram, segment=segment, hash_function="xxh3")
        assert ours.dtype == np.uint32
        np.testing.assert_array_equal(unique_hashes(ours), unique_hashes(hash_shingles(plain, "xxh3")))


def test_hash_shingles_for_any_input_kind() -> None:
    items = ["a b c", "ü ö", "中文"]
    expected = [int.from_bytes(hashlib.sha1(s.encode()).digest()[:4], "little") for s in items]
    as_bytes = [s.encode() for s in items]
    for hash_function, want in (("sha1", expected), ("xxh3", [shingle_hash32(s) for s in items])):
        for given_items in (items, tuple(items), iter(items), as_bytes, [items[0], as_bytes[1], items[2]]):
            out = hash_shingles(given_items, hash_function)
            assert out.dtype == np.uint32 and out.flags.c_contiguous and out.flags.writeable
            assert out.tolist() == want
    assert hash_shingles([]).shape == (0,) and hash_shingles([], "sha1").shape == (0,)


def _reference_band_hashes(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    values = np.ascontiguousarray(signature[: bands * rows], dtype="<u4").reshape(bands, rows)
    return [
        int.from_bytes(
            hashlib.blake2b(i.to_bytes(2, "little") + values[i].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for i in range(bands)
    ]


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_band_hashes_equal_their_definition(scheme: str) -> None:
    rng = random.Random(9)
    hasher = MinHasher(112, 3, scheme=scheme)
    for bands, rows in [(14, 8), (9, 12), (1, 112), (20, 5)]:
        signature = hasher.signature(_random_shingles(rng, 80))
        ours = band_hashes(signature, bands, rows)
        assert ours == _reference_band_hashes(signature, bands, rows)
        assert all(type(h) is int for h in ours)


def test_unique_hashes_equal_numpy_unique() -> None:
    rng = np.random.default_rng(4)
    for values in [np.array([], np.uint32), np.array([7], np.uint32), np.array([5, 5, 5], np.uint32),
                   rng.integers(0, 50, 300).astype(np.uint32), rng.integers(0, 2**32, 500, dtype=np.uint64)]:
        ours = unique_hashes(values)
        assert ours.dtype == np.uint32
        np.testing.assert_array_equal(ours, np.unique(values.astype(np.uint32)))


def test_mod_mersenne61_equals_python_modulo() -> None:
    p = (1 << 61) - 1
    rng = random.Random(6)
    values = [0, 1, p - 1, p, p + 1, 2 * p - 1, 2 * p, (1 << 61) + 7, (1 << 62) - 1, (1 << 64) - 1,
              (1 << 64) - 2]
    values += [rng.getrandbits(64) for _ in range(2000)]
    x = np.array(values, dtype=np.uint64)
    minhash._mod_mersenne61(x)
    assert x.tolist() == [v % p for v in values]


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_signature_leaves_its_hashes_alone(scheme: str) -> None:
    """The pipeline reuses the same hash array for the Jaccard-check set after the signature: it must not
    change."""
    hashes = hash_shingles(_random_shingles(random.Random(8), 200))
    kept = hashes.copy()
    MinHasher(112, 1, scheme=scheme, chunk=64).signature_from_hashes(hashes)
    np.testing.assert_array_equal(hashes, kept)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TRICKY + "\n\x00", max_size=80) | st.text(max_size=60),
       st.sampled_from(["und", "eng_Latn", "ell_Grek", "tha_Thai", "jpn_Jpan"]), st.integers(1, 40))
def test_xxh3_word_hashes_from_the_word_index_equal_the_word_list(
        text: str, lang: str, piece_chars: int) -> None:
    """``shingle_hashes`` normalises and hashes each distinct word once, from ``segment.word_index`` built a
    piece at a time, and combines them a block at a time: the same hashes as hashing every normalised word of
    the whole text."""
    from babelbeam.filters import segment

    reference = word_hashes([w.encode("utf-8") for w in _reference_words(text, lang, True)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment, "CHUNK_CHARS", piece_chars)
        patch.setattr(minhash, "_COMBINE_BLOCK", 1 + piece_chars % 4)  # blocks of 1 to 4 positions
        # no index built with another piece size
        patch.setattr(segment._local, "recent", None, raising=False)  # noqa: SLF001
        index = segment.word_index(text, lang)
        assert np.array_equal(minhash._indexed_word_hashes(index, lang), reference)  # noqa: SLF001
        assert np.array_equal(shingle_hashes(text, lang), combine_word_hashes(reference, 5))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=TRICKY + "\n\x00", max_size=80) | st.text(max_size=60),
       st.sampled_from(["und", "eng_Latn", "tha_Thai", "jpn_Jpan"]))
def test_xxh3_shingle_hashes_are_the_same_from_a_word_list_and_from_a_word_index(text: str,
                                                                                 lang: str) -> None:
    """``shingle_hashes`` reads the words from the text's word index when this thread remembers one (the
    quality rules built it) or the text is long, else from a word list: the same hashes either way."""
    from babelbeam.filters import segment

    reference = word_hashes([w.encode("utf-8") for w in _reference_words(text, lang, True)])
    expected = combine_word_hashes(reference, 5)
    with pytest.MonkeyPatch.context() as patch:
        # nothing remembered: the word list
        patch.setattr(segment._local, "recent", None, raising=False)  # noqa: SLF001
        assert segment.remembered_word_index(text, lang) is None
        from_list = shingle_hashes(text, lang)
        assert segment.remembered_word_index(text, lang) is None  # the word list leaves no index behind
        segment.word_index(text, lang)
        assert segment.remembered_word_index(text, lang) is not None
        from_index = shingle_hashes(text, lang)
        patch.setattr(segment._local, "recent", None)  # noqa: SLF001
        patch.setattr(minhash, "WORD_LIST_CHARS", 0)  # every text "long": its index, built now
        long_path = shingle_hashes(text, lang)
        assert segment.remembered_word_index(text, lang) is not None or not text
    for got in (from_list, from_index, long_path):
        assert np.array_equal(got, expected)
