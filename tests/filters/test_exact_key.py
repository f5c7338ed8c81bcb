"""The exact-duplicate key, folded a piece at a time, against its one-line definition."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from babelbeam.filters import normalize
from babelbeam.filters.normalize import exact_dedup_key


def _reference_key(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", " ", text.casefold()).strip().encode("utf-8")).hexdigest()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\n\u3000\u00a0\u2028aBßİΣςﬀ中😀", max_size=60), st.integers(1, 12))
def test_key_folded_in_pieces_equals_the_definition(text: str, size: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "_KEY_PIECE_CHARS", size)
        assert exact_dedup_key(text) == _reference_key(text)


def test_key_ignores_case_and_spacing_only() -> None:
    assert exact_dedup_key("Hello   World\n") == exact_dedup_key("hello world")
    assert exact_dedup_key("hello world") != exact_dedup_key("hello worlds")


def test_split_and_re_agree_on_whitespace_over_every_code_point() -> None:
    """The premise of ``" ".join(t.casefold().split())`` for the regex definition: ``str.split`` and ``\\s``
    take the same characters as whitespace, and case folding turns no other character into whitespace."""
    space = re.compile(r"\s")
    everything = list(map(chr, range(0x110000)))
    assert [c for c in everything if bool(space.fullmatch(c)) != c.isspace()] == []
    assert [c for c in everything if not c.isspace() and any(x.isspace() for x in c.casefold())] == []
