"""Unicode normalisation and the exact-duplicate text key: plain functions, no I/O."""

from __future__ import annotations

import hashlib
import re

from babelbeam.tokenize.normalization import normalize

# C0 and C1 control characters except tab, newline and carriage return, plus DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str, form: str = "NFC", strip_control: bool = True) -> str:
    """Normalise to ``form`` (the Qwen tokenizer's is NFC), drop control characters, unify line ends.

    The normalisation is the tokenizer's own (``babelbeam.tokenize.normalization``: the ``tokenizers``
    library's tables, not the interpreter's), so the text written and the tokens cut from it agree.
    """
    if strip_control:
        text = _CONTROL.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return normalize(text, form)


_KEY_PIECE_CHARS = 1 << 18
"""``exact_dedup_key`` folds a longer text a piece at a time, so a large document is not copied whole and
the list of a piece's words stays a few MB."""


def exact_dedup_key(text: str) -> str:
    """Hash of the text with case folded and whitespace collapsed: copies that differ only there collide.

    The key is ``sha256(" ".join(text.casefold().split()))`` (``str.split`` and ``re``'s ``\\s`` agree on
    what is whitespace, and case folding makes no whitespace: the key of ``re.sub(r"\\s+", " ", ...)``
    stripped, 2.4x faster), computed over pieces cut between two non-space characters: no run of spaces spans
    two pieces and case folding looks at one character at a time, so the pieces fold to the pieces of the
    whole."""
    digest = hashlib.sha256()
    for start, stop in _cuts_between_non_spaces(text, _KEY_PIECE_CHARS):
        digest.update(" ".join(text[start:stop].casefold().split()).encode("utf-8"))
    return digest.hexdigest()


def _cuts_between_non_spaces(text: str, size: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive pieces of ``text``, each at least ``size`` characters where it can be,
    cut only where the characters on both sides are not whitespace."""
    cuts, start = [], 0
    while len(text) - start > size:
        cut = start + size
        while cut < len(text) and (text[cut - 1].isspace() or text[cut].isspace()):
            cut += 1
        if cut >= len(text):
            break
        cuts.append((start, cut))
        start = cut
    cuts.append((start, len(text)))
    return cuts
