"""Turn tiktoken-style BPE ranks into a Hugging Face ``tokenizer.json`` (byte-level BPE with vocab + merges).

tiktoken stores only ``token bytes -> rank``; a ``tokenizers`` BPE model also needs the merge list. The
merge that makes a token is recovered by running BPE on the token's own bytes with only the ranks below
its rank: the two parts left at the end are the pair that the full BPE merges last to reach it. Merges are
listed in rank order, so a merge's position in the list is its priority, exactly as tiktoken ranks pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def bytes_to_unicode() -> dict[int, str]:
    """The GPT-2 byte-level alphabet: every byte value 0..255 -> one printable unicode character.

    Printable Latin-1 bytes map to themselves; the other 68 bytes map to code points from U+0100 on, in
    byte order. ``tokenizers``' ``ByteLevel`` pre-tokenizer and decoder use this same table.
    """
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    table: dict[int, str] = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def ranks_to_merges(ranks: Mapping[bytes, int]) -> list[tuple[bytes, bytes]]:
    """Return the BPE merge for every multi-byte token, ordered by the merged token's rank.

    Raises ValueError when a token cannot be built from lower-ranked tokens (not a valid BPE vocabulary).
    About 2 s for Qwen's 151,643 ranks on one core.
    """
    found: list[tuple[int, bytes, bytes]] = []
    for token, rank in ranks.items():
        if len(token) < 2:
            continue
        parts = [token[i : i + 1] for i in range(len(token))]
        # Plain quadratic BPE: tokens are short (a few bytes on average), so this is cheaper than a heap.
        while len(parts) > 2:
            best_rank = -1
            best_at = -1
            for i in range(len(parts) - 1):
                pair_rank = ranks.get(parts[i] + parts[i + 1])
                if pair_rank is not None and pair_rank < rank and (best_at < 0 or pair_rank < best_rank):
                    best_rank = pair_rank
                    best_at = i
            if best_at < 0:
                raise ValueError(
                    f"BPE token {token!r} (rank {rank}) cannot be built from lower-ranked tokens"
                )
            parts[best_at : best_at + 2] = [parts[best_at] + parts[best_at + 1]]
        if parts[0] not in ranks or parts[1] not in ranks:
            raise ValueError(f"BPE token {token!r} (rank {rank}) has no merge of two vocabulary tokens")
        found.append((rank, parts[0], parts[1]))
    found.sort()
    return [(left, right) for _, left, right in found]


def build_tokenizer_json(
    ranks: Mapping[bytes, int],
    pattern: str,
    special_tokens: Mapping[str, int],
    *,
    nfc: bool = True,
) -> dict[str, Any]:
    """Build the ``tokenizer.json`` document (a JSON-ready dict) for byte-level BPE ranks.

    ``pattern`` is the pre-tokenizer regex (split with behaviour Isolated, then bytes mapped by ByteLevel
    without its own regex); ``special_tokens`` are added as special tokens, never normalised.
    ``ignore_merges`` is on because tiktoken emits a pre-token that is itself in the vocabulary as one id
    without running BPE on it; the flag makes ``tokenizers`` do the same.
    """
    alphabet = bytes_to_unicode()

    def to_symbol(token: bytes) -> str:
        return "".join(alphabet[b] for b in token)

    vocab = {to_symbol(token): rank for token, rank in sorted(ranks.items(), key=lambda item: item[1])}
    if len(vocab) != len(ranks):
        raise ValueError("two BPE tokens map to the same byte-level symbol string")
    # "left right" strings: byte-level symbols never contain a plain space (it maps to 'Ġ'), and every
    # tokenizers release reads this form (the list-of-pairs form needs tokenizers >= 0.20).
    merges = [f"{to_symbol(left)} {to_symbol(right)}" for left, right in ranks_to_merges(ranks)]
    added: Sequence[dict[str, Any]] = [
        {
            "id": token_id,
            "content": content,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for content, token_id in sorted(special_tokens.items(), key=lambda item: item[1])
    ]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": list(added),
        "normalizer": {"type": "NFC"} if nfc else None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": False},
                byte_level,
            ],
        },
        "post_processor": dict(byte_level),
        "decoder": dict(byte_level),
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": True,
            "vocab": vocab,
            "merges": merges,
        },
    }
