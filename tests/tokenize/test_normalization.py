"""NFC exactly as Qwen's Hugging Face tokenizer applies it, whatever the interpreter's Unicode tables.

The reference is the real ``tokenizers`` library: a ``tokenizer.json`` exported from the Qwen ranks and
loaded by it (its NFC normaliser, its BPE). The strings below are ones whose NFC differs between Unicode
versions: marks and compositions added in Unicode 10-16, which ``unicodedata`` knows or not depending on
the Python version, and which the ``tokenizers`` tables (Unicode 9.0) do not know.
"""

from __future__ import annotations

import unicodedata

import pytest
import tokenizers
from hypothesis import given, settings
from hypothesis import strategies as st

from babelbeam.filters.normalize import normalize_text
from babelbeam.tokenize import Tokenizer
from babelbeam.tokenize.normalization import FORMS, nfc, normalize

HF_NFC = tokenizers.normalizers.NFC()

VERSION_DEPENDENT = {
    # Unicode 13.0, Dives Akuru: U+11935 U+11930 has the canonical composite U+11938.
    "dives_akuru_composition": "\U00011935\U00011930",
    "dives_akuru_in_text": "xy \U00011910\U00011935\U00011930 z",
    # Unicode 14.0, Telugu nukta (ccc 7) before U+0334 (ccc 1): reordered where the tables know it.
    "telugu_nukta_reorder": "\u0c15\u0c3c\u0334",
    # Unicode 11.0, NKo dantayalan (ccc 220) before U+0334.
    "nko_dantayalan_reorder": "\u07d3\u07fd\u0334",
    # Unicode 10.0, Masaram Gondi nukta (ccc 7).
    "masaram_gondi_nukta_reorder": "\U00011d0c\U00011d42\u0334",
    # Unicode 16.0: Kirat Rai U+16D63 U+16D67 -> U+16D69, Tulu-Tigalari U+113C2 U+113C2 -> U+113C5,
    # Gurung Khema U+1611E U+1611E -> U+16121 (composed by unicodedata from Python 3.14 on).
    "kirat_rai_composition": "\U00016d63\U00016d67",
    "tulu_tigalari_composition": "\U000113c2\U000113c2",
    "gurung_khema_composition": "\U0001611e\U0001611e",
}


# qwen (babelbeam's Qwen3 tokenizer) and hf (the tokenizers library's, from the same ranks): conftest.py


@pytest.mark.parametrize("text", VERSION_DEPENDENT.values(), ids=VERSION_DEPENDENT.keys())
def test_ids_equal_hugging_faces_on_version_dependent_text(qwen: Tokenizer, hf: tokenizers.Tokenizer,
                                                           text: str) -> None:
    expected = hf.encode(text, add_special_tokens=False).ids
    assert qwen.encode(text) == expected
    assert qwen.encode_array(text).tolist() == expected
    assert qwen.encode_batch([text, text], num_threads=2) == [expected, expected]


@pytest.mark.parametrize("text", VERSION_DEPENDENT.values(), ids=VERSION_DEPENDENT.keys())
def test_normalize_stage_text_agrees_with_the_tokens(qwen: Tokenizer, hf: tokenizers.Tokenizer,
                                                     text: str) -> None:
    normalized = normalize_text(text)
    assert normalized == HF_NFC.normalize_str(text)
    # Tokenizing the stage's text gives Hugging Face's ids of the raw text: the two NFCs are one.
    assert qwen.encode(normalized) == hf.encode(text, add_special_tokens=False).ids


def test_the_tables_are_those_of_qwens_tokenizer() -> None:
    """Pinned outcomes: a ``tokenizers`` release with other tables (or a fall-back to ``unicodedata``)
    fails here, because shard bytes would change with it."""
    assert nfc("\U00011935\U00011930") == "\U00011935\U00011930"  # not U+11938
    assert nfc("\u0c15\u0c3c\u0334") == "\u0c15\u0c3c\u0334"  # not reordered
    assert nfc("e\u0301") == "\u00e9" and nfc("\u1100\u1161") == "\uac00"  # Unicode 1.1 and Hangul
    assert nfc("\u212b") == "\u00c5"  # a singleton decomposition (ANGSTROM SIGN)
    assert nfc("\U0001d15e") == "\U0001d157\U0001d165"  # composition-excluded: stays decomposed


def test_a_surrogate_pair_held_as_two_code_points_is_normalised(qwen: Tokenizer,
                                                                hf: tokenizers.Tokenizer) -> None:
    pair = "\ud834\udd5e"  # U+1D15E MUSICAL SYMBOL HALF NOTE as a UTF-16 pair: NFC decomposes it
    assert nfc(pair) == "\U0001d157\U0001d165"
    assert nfc("a\u0301" + pair + "e\u0301") == "\u00e1\U0001d157\U0001d165\u00e9"
    assert normalize_text("x" + pair) == "x\U0001d157\U0001d165"
    assert qwen.encode("x" + pair) == hf.encode("x\U0001d15e", add_special_tokens=False).ids
    assert qwen.encode_array("x" + pair).tolist() == qwen.encode("x\U0001d15e")
    assert normalize("\ud83d\ude00", "NFKC") == "\U0001f600"  # any pair becomes its code point


def test_lone_surrogates_stay_and_the_text_around_them_is_normalised(qwen: Tokenizer) -> None:
    assert nfc("e\u0301\udc00e\u0301") == "\u00e9\udc00\u00e9"
    assert nfc("\ud800") == "\ud800" and nfc("a\udfff\u0301") == "a\udfff\u0301"
    assert nfc("\ud834\udd5e\ud834") == "\U0001d157\U0001d165\ud834"  # a pair, then a lone high one
    assert normalize_text("e\u0301\udc00") == "\u00e9\udc00"
    # The tokenizer encodes a lone surrogate as U+FFFD, as before.
    assert qwen.decode(qwen.encode("e\u0301\udc00")) == "\u00e9\ufffd"


def test_fast_paths_give_the_normalisers_result() -> None:
    latin = "".join(chr(c) for c in range(0x300) if unicodedata.category(chr(c)) != "Cc")
    assert nfc(latin) == HF_NFC.normalize_str(latin) == latin
    for form in FORMS:
        assert normalize("plain ascii 123", form) == "plain ascii 123"
        normaliser = getattr(tokenizers.normalizers, form)()
        assert normalize("ﬁ Å e\u0301 \u00bd", form) == normaliser.normalize_str("ﬁ Å e\u0301 \u00bd")
    with pytest.raises(ValueError, match="NFX"):
        normalize("ascii", "NFX")
    with pytest.raises(ValueError, match="NFX"):
        normalize("é", "NFX")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_nfc_is_the_hugging_face_normaliser_on_any_text(text: str) -> None:
    assert nfc(text) == HF_NFC.normalize_str(text)
