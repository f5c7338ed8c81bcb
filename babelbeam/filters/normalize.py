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


def exact_dedup_key(text: str) -> str:
    """Hash of the text with case folded and whitespace collapsed: copies that differ only there collide."""
    folded = _SPACES.sub(" ", text.casefold()).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()
