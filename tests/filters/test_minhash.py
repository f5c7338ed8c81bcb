"""MinHash signatures, shingles, band hashes and the bands/rows picker (plain Python, no Beam)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from babelbeam.filters.minhash import (
    MinHasher,
    band_hashes,
    candidate_probability,
    hash_shingles,
    jaccard,
    normalize_words,
    optimal_param,
    shingles,
    shingles_from_words,
)
from babelbeam.schemas.config import ConfigError
from babelbeam.schemas.minhash_config import MinHashConfig


def _random_shingles(rng: random.Random, n: int) -> list[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüßéèçñøåσπλжщюя中文ไทย"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(n)]


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("num_perm,seed", [(112, 1), (128, 42), (7, 0)])
def test_signatures_equal_datasketch(scheme: str, num_perm: int, seed: int) -> None:
    rng = random.Random(num_perm * 1000 + seed)
    # A small chunk forces several vectorised blocks per document.
    hasher = MinHasher(num_perm, seed, scheme=scheme, chunk=64)
    for size in [0, 1, 2, 63, 64, 65, 300, 1000]:
        items = _random_shingles(rng, size)
        reference = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
        reference.update_batch([s.encode("utf-8") for s in items])
        ours = hasher.signature(items)
        assert ours.dtype == reference.hashvalues.dtype
        np.testing.assert_array_equal(ours, reference.hashvalues)


def test_default_scheme_is_datasketch_default() -> None:
    """``MinHash(num_perm, seed)`` with no scheme is what the default config reproduces."""
    config = MinHashConfig()
    items = _random_shingles(random.Random(3), 200)
    reference = MinHash(config.num_perm, config.seed)
    reference.update_batch([s.encode() for s in items])
    np.testing.assert_array_equal(MinHasher.from_config(config).signature(items), reference.hashvalues)


def test_duplicate_shingles_do_not_change_signature() -> None:
    items = _random_shingles(random.Random(5), 100)
    hasher = MinHasher(64, 1)
    np.testing.assert_array_equal(hasher.signature(items), hasher.signature(items + items[:50]))


@pytest.mark.parametrize("hash_function", ["sha1", "crc32"])
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
    """With the ICU segmenter installed, Thai and Chinese shingle over words, not over one run of characters."""
    pytest.importorskip("babelbeam.filters.segment")
    assert normalize_words("ภาษาไทยง่ายนิดเดียว", "tha_Thai") == ["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"]
    chinese = normalize_words("我们今天去北京天安门广场。", "zho_Hans")
    assert len(chinese) >= 4 and "北京" in chinese
    # Segmented and whitespace paths fold Latin text alike.
    text = "Hello, World! It's 3.5 o'clock"
    assert normalize_words(text, "eng_Latn") == normalize_words(text, "eng_Latn", segment=False)
