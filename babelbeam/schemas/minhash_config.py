"""Configuration of MinHash-LSH near-duplicate removal: one object handed to every stage of the algorithm.

Shingling, signatures, banding, the candidate graph, connected components and
the dedup index all read the same ``MinHashConfig``, so they cannot disagree
(a signature index written with one ``bands x rows`` is refused by a run with
another). Defaults follow datatrove / FineWeb: word 5-grams, 14 bands x 8 rows
(112 permutations, S-curve threshold about 0.72), seed 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from babelbeam.schemas.config_base import (
    Bounds,
    FilePath,
    Fraction,
    NonNegativeInt,
    OneOf,
    PositiveInt,
    check_config,
)

SCHEMES = ("affine32", "legacy")
HASH_FUNCTIONS = ("xxh3", "sha1", "crc32")
SIGNATURE_VERSIONS = {"xxh3": "xxh3-words-1", "sha1": "sha1-1", "crc32": "crc32-1"}
"""The version of each shingle hash's definition, written into a signature index (``index_params``): a change
to how shingles are hashed gets a new version, so an index and a run with different ones are told apart even
when every other parameter matches. Indexes written before the versions existed hold sha1 or crc32 hashes of
version 1."""


@dataclass
class MinHashConfig:
    enabled: bool = True
    """Run MinHash near-duplicate removal."""
    ngram: PositiveInt = 5
    """Shingle size in normalised words (word n-grams); documents shorter than this give one shingle of all
    words."""
    bands: PositiveInt = 14
    """LSH bands: two documents become candidates when all ``rows`` values of any one band agree."""
    rows: PositiveInt = 8
    """Signature values per band; ``num_perm = bands * rows``."""
    seed: Annotated[int, Bounds(0, 2**32 - 1)] = 1
    """Seed of the permutation parameters (``numpy.random.RandomState(seed)``, as datasketch draws them)."""
    scheme: Annotated[str, OneOf(SCHEMES)] = "affine32"
    """Permutation scheme, named as in datasketch 2.x: ``affine32`` (datasketch's default since 2.0: 32-bit
    MurmurHash3 pre-mix then ``a*h+b mod 2^32``) or ``legacy`` (``(a*h+b) mod (2^61-1)`` truncated to 32 bits,
    datasketch before 2.0 and text-dedup). Either gives the same values as
    ``datasketch.MinHash(num_perm, seed, scheme=...)`` (with ``hashfunc=shingle_hash32`` for the xxh3 shingle
    hash)."""
    hash_function: Annotated[str, OneOf(HASH_FUNCTIONS)] = "xxh3"
    """Hash of each shingle: ``xxh3`` (each word hashed once with XXH3-64 and a shingle's word hashes
    combined in numpy; several times faster than hashing shingle strings, and reproduced by datasketch with
    ``hashfunc=babelbeam.filters.minhash.shingle_hash32``), ``sha1`` (first 4 bytes of the SHA-1 of the
    shingle's UTF-8 bytes, little endian: datasketch's default ``sha1_hash32``, so signatures equal
    ``datasketch.MinHash``'s with no ``hashfunc``; the default before xxh3) or ``crc32`` (``zlib.crc32``).
    Each is a MinHash of the same shingle sets with other random hash values, so recall and false positives
    are the same in expectation, but the signatures and band hashes differ: a pair on the S-curve's slope
    (Jaccard about 0.4 to 0.9) may be a candidate with one and not the other; exact copies and pairs far from
    the threshold are decided alike. A signature index records its hash and is refused by a run with
    another."""
    segment_words: bool = True
    """Split words with ``babelbeam.filters.segment.words`` (ICU; real words for Thai, Chinese, Japanese)
    when that module is installed; otherwise, or when False, words are whitespace-separated."""
    max_bucket_size: PositiveInt = 50_000
    """Hot-bucket cap: a (band, band hash) bucket with more documents than this links only its this-many
    smallest ids; the rest of the bucket is dropped from that band (counted as
    ``minhash.hot_bucket_docs_dropped``). Bounds what one key holds on one worker."""
    jaccard_check: bool = False
    """Check every candidate edge by the Jaccard similarity of the two documents' shingle-hash sets and drop
    edges below ``jaccard_threshold`` (removes LSH false positives; costs a join of shingle sets by id)."""
    jaccard_threshold: Fraction = 0.7
    """Minimum Jaccard similarity (0..1) of a checked candidate edge."""
    cc_rounds: NonNegativeInt = 6
    """Large-star / small-star rounds of the connected-components graph, unrolled at construction. Whatever
    has not converged into stars after them goes to one bounded final pass."""
    max_residual_edges: PositiveInt = 2_000_000
    """Most edges the final connected-components pass may gather into one process; more fails the run with a
    message to raise ``cc_rounds`` (never a silent union-find over everything)."""
    chunk_shingles: PositiveInt = 4096
    """Shingles per vectorised block while computing a signature: bounds the [chunk x num_perm] uint64 work
    array to ``chunk_shingles * num_perm * 8`` bytes (3.7 MB at the defaults)."""
    index_dir: FilePath | None = None
    """Dedup against an existing dataset: read signatures written by an earlier run from
    ``INDEX_DIR/minhash/``. New documents that duplicate old ones are removed; old ones are not re-emitted."""

    @property
    def num_perm(self) -> int:
        """Number of permutations (signature length): ``bands * rows``."""
        return self.bands * self.rows

    def validate(self) -> MinHashConfig:
        """Raise ``ConfigError`` naming the offending ``minhash.*`` key; returns self."""
        check_config(self, "minhash.")
        return self

    def index_params(self) -> dict[str, str]:
        """The parameters a signature index must share with a run that reads it (stored in the Parquet
        schema)."""
        return {
            "ngram": str(self.ngram),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "seed": str(self.seed),
            "scheme": self.scheme,
            "hash_function": self.hash_function,
            "signature_version": SIGNATURE_VERSIONS[self.hash_function],
            "segment_words": str(self.segment_words),
        }
