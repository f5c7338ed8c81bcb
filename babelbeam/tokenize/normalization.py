"""Unicode normalisation exactly as Qwen's Hugging Face tokenizer applies it, whatever the Python version.

Qwen's ``tokenizer.json`` normalises with the ``tokenizers`` library's NFC, whose Unicode tables are
its own (checked with tokenizers 0.23: they know no combining mark or composition added after Unicode
9.0). Python's ``unicodedata`` follows the interpreter instead (Unicode 13.0 on Python 3.10, 14.0 on
3.11, 15.0 on 3.12, 15.1 on 3.13, 16.0 on 3.14), so normalising with it gives text, and therefore
token ids, that differ from Qwen's own tokenizer, and from one Python version to the next, for text
with marks added since: Dives Akuru U+11935 U+11930 composes to U+11938 under ``unicodedata`` on
Python 3.10 and later but stays two code points for Qwen; a Telugu nukta U+0C3C is reordered before
U+0334 by ``unicodedata`` but not by Qwen. Every normalisation in babelbeam (the normalise stage and
the tokenizer) goes through :func:`normalize` here, so a document's text and its tokens agree, and
agree with Hugging Face.

Speed: ASCII text is returned at once (it is invariant under every form), and so is text made only of
code points below U+0300 for NFC (Latin-1, Latin Extended-A/B and IPA: none of them decomposes under
NFC, combines or reorders, in any Unicode version); other text crosses into the Rust normaliser.

Surrogates: a Python string can hold a surrogate pair as two code points (``"\\ud834\\udd5e"``, from
JSON escapes or UTF-16 data). The pair is joined into its real code point (U+1D15E) first, so it is
normalised like the character it stands for. A lone surrogate cannot be normalised (it is no
character); the text around it is normalised and the surrogate is left where it was. The readers reject
text holding lone surrogates (``invalid_utf8``), and the tokenizer encodes one as U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

FORMS = ("NFC", "NFD", "NFKC", "NFKD")
"""The normalisation forms :func:`normalize` knows (the ``tokenizers`` normalisers of the same names)."""

_BELOW_COMBINING = re.compile("[^\x00-\u02ff]")
"""A code point at or above U+0300: below it every character is its own NFC in every Unicode version."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_normalizers: dict[str, Any] = {}


def _normalizer(form: str) -> Any:
    normalizer = _normalizers.get(form)
    if normalizer is None:
        if form not in FORMS:
            raise ValueError(f"unknown Unicode normalisation form {form!r}: use one of {', '.join(FORMS)}")
        from tokenizers import normalizers

        normalizer = _normalizers[form] = getattr(normalizers, form)()
    return normalizer


def _without_surrogates(text: str, form: str) -> str:
    """``text`` normalised around its surrogates: pairs joined first, lone ones left in place."""
    # UTF-16 with surrogatepass turns every well-formed pair into its code point and keeps lone ones.
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if not _SURROGATE.search(joined):
        return normalize(joined, form)
    # A lone surrogate is a starter that combines with nothing, so the pieces between them normalise
    # independently and the result equals normalising the whole.
    pieces = re.split("([\ud800-\udfff])", joined)
    return "".join(p if _SURROGATE.fullmatch(p) else normalize(p, form) for p in pieces if p)


def normalize(text: str, form: str = "NFC") -> str:
    """``text`` in Unicode normalisation ``form`` (``NFC``, ``NFD``, ``NFKC`` or ``NFKD``), computed with the
    ``tokenizers`` library's tables, as Qwen's Hugging Face tokenizer does. Never raises on surrogates."""
    if text.isascii():  # O(1) in CPython: ASCII is its own normal form under all four forms
        if form not in FORMS:
            _normalizer(form)  # raises, naming the form
        return text
    if form == "NFC" and not _BELOW_COMBINING.search(text):
        return text
    if _SURROGATE.search(text):
        return _without_surrogates(text, form)
    return _normalizer(form).normalize_str(text)


def nfc(text: str) -> str:
    """``text`` in NFC exactly as Qwen's tokenizer normalises it (see :func:`normalize`)."""
    return normalize(text, "NFC")
