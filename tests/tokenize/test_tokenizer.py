"""Tests of the Qwen3 tokenizer: Qwen's own ids, tiktoken parity, round trips, tokenizer.json export."""

from __future__ import annotations

import base64
import json
import pickle
import random
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import tiktoken
import tokenizers  # a runtime dependency: a missing one must fail, not skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from babelbeam.assets import asset_path
from babelbeam.tokenize import Tokenizer, load_tokenizer
from babelbeam.tokenize import tokenizer as tokenizer_module
from babelbeam.tokenize._bpe_export import bytes_to_unicode, ranks_to_merges
from babelbeam.tokenize._samples import SAMPLE_TEXTS
from babelbeam.tokenize.tokenizer import (
    QWEN3_PATTERN,
    QWEN3_SPECIAL_TOKENS,
    TokenizerLoadError,
    read_tiktoken_ranks,
    token_safe_pieces,
)

_HF_NFC = tokenizers.normalizers.NFC()


def nfc(text: str) -> str:
    """NFC as Qwen's Hugging Face tokenizer computes it (the reference; babelbeam must agree)."""
    return _HF_NFC.normalize_str(text)


@pytest.fixture(scope="module")
def plain_tiktoken() -> tiktoken.Encoding:
    """A tiktoken Encoding built straight from the ranks file, without babelbeam's reader."""
    ranks = {}
    for line in asset_path("qwen.tiktoken").read_bytes().splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding(
        name="plain-qwen",
        pat_str=QWEN3_PATTERN,
        mergeable_ranks=ranks,
        special_tokens={t: 151_643 + i for i, t in enumerate(QWEN3_SPECIAL_TOKENS)},
    )


# qwen, exported and hf: tests/tokenize/conftest.py


def hf_ids(tok, text: str) -> list[int]:
    return tok.encode(text, add_special_tokens=False).ids


# -- Qwen's own ids -----------------------------------------------------------------------------------


def test_qwen_test_vectors(qwen: Tokenizer) -> None:
    assert qwen.encode("Hello world") == [9707, 1879]
    assert qwen.encode(" Hello world") == [21927, 1879]
    assert qwen.encode("") == []


def test_special_ids_and_vocab_size(qwen: Tokenizer) -> None:
    assert qwen.name == "qwen3"
    assert qwen.engine == "tiktoken"
    assert qwen.eos_id == 151_643
    assert qwen.vocab_size == 151_669
    assert len(QWEN3_SPECIAL_TOKENS) == 26
    expected = {
        151_643: "<|endoftext|>",
        151_644: "<|im_start|>",
        151_645: "<|im_end|>",
        151_654: "<|vision_pad|>",
        151_655: "<|image_pad|>",
        151_657: "<tool_call>",
        151_659: "<|fim_prefix|>",
        151_664: "<|file_sep|>",
        151_665: "<tool_response>",
        151_667: "<think>",
        151_668: "</think>",
    }
    for token_id, text in expected.items():
        assert qwen.decode([token_id]) == text
    for i, text in enumerate(QWEN3_SPECIAL_TOKENS):
        assert qwen.decode([151_643 + i]) == text


def test_identity(qwen: Tokenizer) -> None:
    identity = qwen.identity()
    assert identity == {
        "name": "qwen3",
        "vocab_size": 151_669,
        "eos_id": 151_643,
        "sha256": "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186",
        "engine": "tiktoken",
    }
    json.dumps(identity)  # must be JSON-ready for the manifest


def test_special_token_text_is_plain_text(qwen: Tokenizer) -> None:
    text = "before <|endoftext|><|im_start|>system <think>x</think> after"
    ids = qwen.encode(text)
    assert not set(ids) & set(range(151_643, 151_669))
    assert qwen.decode(ids) == text
    assert not set(qwen.encode_array(text).tolist()) & set(range(151_643, 151_669))


def test_nfc_is_applied_before_encoding(qwen: Tokenizer) -> None:
    decomposed = "cafe\u0301 A\u030a"
    assert qwen.encode(decomposed) == qwen.encode(nfc(decomposed))
    assert qwen.decode(qwen.encode(decomposed)) == "café Å"


def test_same_ids_as_plain_tiktoken(qwen: Tokenizer, plain_tiktoken: tiktoken.Encoding) -> None:
    assert len(SAMPLE_TEXTS) >= 20
    for text in SAMPLE_TEXTS:
        assert qwen.encode(text) == plain_tiktoken.encode_ordinary(nfc(text)), text


def test_batch_and_array_agree_with_encode(qwen: Tokenizer) -> None:
    single = [qwen.encode(t) for t in SAMPLE_TEXTS]
    assert qwen.encode_batch(list(SAMPLE_TEXTS)) == single
    assert qwen.encode_batch(list(SAMPLE_TEXTS), num_threads=2) == single
    assert qwen.encode_batch([]) == []
    for text, ids in zip(SAMPLE_TEXTS, single, strict=True):
        array = qwen.encode_array(text)
        assert array.dtype == np.uint32 and array.ndim == 1
        assert array.tolist() == ids
        assert qwen.decode(array) == nfc(text)
    with pytest.raises(ValueError, match="num_threads"):
        qwen.encode_batch(["x"], num_threads=0)


def test_lone_surrogates_do_not_crash(qwen: Tokenizer) -> None:
    # Text decoded with surrogateescape can carry lone surrogates; they become U+FFFD.
    ids = qwen.encode("a\ud800b")
    assert qwen.decode(ids) == "a\ufffdb"
    assert qwen.encode_array("a\ud800b").tolist() == ids


def test_decode_rejects_unknown_ids(qwen: Tokenizer) -> None:
    with pytest.raises(ValueError, match="151669"):
        qwen.decode([1, 151_669])
    with pytest.raises(ValueError, match="outside"):
        qwen.decode([-1])


def test_loaded_once_per_process_until_the_file_changes(tmp_path: Path, qwen: Tokenizer) -> None:
    """A second load of the same tokenizer is the same object; a changed file is read again."""
    import os

    assert load_tokenizer("qwen3") is qwen
    path = qwen.save_tokenizer_json(tmp_path / "tok" / "tokenizer.json")
    first = load_tokenizer(path)
    assert load_tokenizer(path) is first and load_tokenizer(tmp_path / "tok") is not qwen
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # the file is written again
    assert load_tokenizer(path) is not first
    with pytest.raises(FileNotFoundError):
        load_tokenizer(tmp_path / "missing" / "tokenizer.json")  # nothing cached for a missing file


def test_not_picklable(qwen: Tokenizer) -> None:
    with pytest.raises(TypeError, match="setup"):
        pickle.dumps(qwen)


# Text that exercises the pre-tokenizer: any UTF-8-encodable character, plus a dense mix of
# newlines, digits, emoji, combining marks and contraction pieces.
_SPECIAL_CHARS = st.sampled_from(
    list("\n\r\t 0123456789'sStTdD.!?,")
    + ["\u0301", "\u0308", "\u0327", "\u200d", "\ufe0f", "😀", "👍", "🏽", "\u3000", "\u00a0", "\x85"]
)
_ANY_TEXT = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), _SPECIAL_CHARS), max_size=80)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_ANY_TEXT)
def test_round_trip_is_nfc(qwen: Tokenizer, text: str) -> None:
    assert qwen.decode(qwen.encode(text)) == nfc(text)


# -- tokenizer.json export ------------------------------------------------------------------------------


def test_ranks_to_merges_on_a_tiny_vocabulary() -> None:
    ranks = {bytes([b]): b for b in range(256)}
    for extra in (b"ab", b"abc", b"bc", b"abcd", b"cd"):
        ranks[extra] = len(ranks)
    # "abc" is built as ab+c (ab is the only lower-ranked pair); "abcd" as abc+d although "cd" exists,
    # because cd ranks above abcd and may not be used to build it.
    assert ranks_to_merges(ranks) == [(b"a", b"b"), (b"ab", b"c"), (b"b", b"c"), (b"abc", b"d"), (b"c", b"d")]
    broken = {bytes([b]): b for b in range(256)} | {b"xyz": 256}
    with pytest.raises(ValueError, match="xyz"):
        ranks_to_merges(broken)


def test_byte_alphabet_is_gpt2s() -> None:
    alphabet = bytes_to_unicode()
    assert len(set(alphabet.values())) == 256
    assert alphabet[ord(" ")] == "Ġ" and alphabet[ord("\n")] == "Ċ" and alphabet[ord("A")] == "A"


def test_exported_json_structure(exported: Path) -> None:
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["normalizer"] == {"type": "NFC"}
    assert doc["model"]["type"] == "BPE"
    assert len(doc["model"]["vocab"]) == 151_643
    assert len(doc["model"]["merges"]) == 151_643 - 256
    assert [t["id"] for t in doc["added_tokens"]] == list(range(151_643, 151_669))
    assert all(t["special"] for t in doc["added_tokens"])


def test_exported_json_gives_same_ids_on_samples(qwen: Tokenizer, hf) -> None:
    assert hf.get_vocab_size(with_added_tokens=True) == 151_669
    for text in SAMPLE_TEXTS:
        assert hf_ids(hf, text) == qwen.encode(text), text
    assert hf_ids(hf, "Hello world") == [9707, 1879]
    assert hf.decode(qwen.encode(SAMPLE_TEXTS[0]), skip_special_tokens=False) == SAMPLE_TEXTS[0]


def _generated_strings(count: int, seed: int) -> list[str]:
    """Random strings over assigned code points of many blocks, biased towards the regex's edge cases."""
    rng = random.Random(seed)
    blocks = [
        (0x20, 0x7E),
        (0xA0, 0x24F),
        (0x300, 0x36F),
        (0x370, 0x52F),
        (0x590, 0x6FF),
        (0x900, 0xDFF),
        (0xE00, 0xEFF),
        (0x10A0, 0x10FF),
        (0x1100, 0x11FF),
        (0x1E00, 0x1FFF),
        (0x2000, 0x206F),
        (0x3000, 0x30FF),
        (0x4E00, 0x9FFF),
        (0xAC00, 0xD7A3),
        (0xFF00, 0xFFEF),
        (0x1F300, 0x1FAFF),
    ]
    edge = list("\n\r\t  0123456789'") + ["'s", "'ll", "'RE", "\r\n", "\u200d", "\u0301"]
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(0, 40)):
            if rng.random() < 0.3:
                pieces.append(rng.choice(edge))
            else:
                lo, hi = rng.choice(blocks)
                char = chr(rng.randint(lo, hi))
                if unicodedata.category(char) not in ("Cn", "Cs"):
                    pieces.append(char)
        out.append("".join(pieces))
    return out


def test_exported_json_gives_same_ids_on_generated_text(qwen: Tokenizer, hf) -> None:
    texts = _generated_strings(3000, seed=20250101)
    # On raw (un-normalised) text: babelbeam normalises with the tables of Qwen's tokenizer, not Python's
    # (which know ~100 more combining marks, added in Unicode 10-16, and differ between Python versions).
    # tests/tokenize/test_normalization.py holds the strings whose NFC depends on the tables.
    assert [t for t in texts if hf_ids(hf, t) != qwen.encode(t)] == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_ANY_TEXT)
def test_exported_json_matches_on_arbitrary_text(qwen: Tokenizer, hf, text: str) -> None:
    assert hf_ids(hf, nfc(text)) == qwen.encode(text)


def test_transformers_loads_exported_json(qwen: Tokenizer, exported: Path) -> None:
    transformers = pytest.importorskip("transformers")
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(exported), eos_token="<|endoftext|>")
    assert fast.eos_token_id == 151_643
    for text in SAMPLE_TEXTS:
        expected = qwen.encode(text)
        if "<|" in text or "<think>" in text:
            continue  # transformers matches added tokens in text; babelbeam's encode never does
        assert fast(text, add_special_tokens=False)["input_ids"] == expected, text
    assert fast.decode([9707, 1879]) == "Hello world"


def test_export_of_a_small_ranks_file_round_trips(tmp_path: Path) -> None:
    lines = [base64.b64encode(bytes([b])).decode() + f" {b}" for b in range(256)]
    for extra in (b"he", b"ll", b"hell", b"hello", b"or", b" w", b" wor", b"ld", b" world"):
        lines.append(base64.b64encode(extra).decode() + f" {len(lines)}")
    ranks_path = tmp_path / "tiny.tiktoken"
    ranks_path.write_text("\n".join(lines) + "\n", encoding="ascii")
    tiny = load_tokenizer(ranks_path)
    assert tiny.name == "tiny" and tiny.vocab_size == 265 + 26 and tiny.eos_id == 265
    assert tiny.decode(tiny.encode("hello world")) == "hello world"
    assert tiny.encode("hello world") == [259, 264]
    out = tiny.save_tokenizer_json(tmp_path / "tiny" / "tokenizer.json")
    again = load_tokenizer(tmp_path / "tiny")
    assert again.engine == "tokenizers"
    for text in ("hello world", "hell or high water", "worldly hellos\n\n 12"):
        assert again.encode(text) == tiny.encode(text)
    assert out.read_bytes() == tiny.save_tokenizer_json(tmp_path / "copy.json").read_bytes()


# -- loading tokenizer.json by path -----------------------------------------------------------------------


def test_load_tokenizer_json_by_path(qwen: Tokenizer, exported: Path) -> None:
    for path in (exported, exported.parent, str(exported)):
        loaded = load_tokenizer(path)
        assert loaded.engine == "tokenizers"
        assert loaded.vocab_size == 151_669
        assert loaded.eos_id == 151_643
        identity = loaded.identity()
        assert identity["engine"] == "tokenizers" and len(identity["sha256"]) == 64
    assert loaded.encode_batch(list(SAMPLE_TEXTS)) == qwen.encode_batch(list(SAMPLE_TEXTS))
    assert loaded.encode_batch(list(SAMPLE_TEXTS), num_threads=2) == qwen.encode_batch(list(SAMPLE_TEXTS))
    injected = "x<|endoftext|>y"
    assert loaded.encode(injected) == qwen.encode(injected)
    assert loaded.encode_array(SAMPLE_TEXTS[3]).dtype == np.uint32
    assert loaded.decode(qwen.encode(SAMPLE_TEXTS[5])) == SAMPLE_TEXTS[5]


def test_eos_from_tokenizer_config(exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "tokenizer.json"
    target.write_bytes(exported.read_bytes())
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"eos_token": "<|im_end|>"}), encoding="utf-8")
    assert load_tokenizer(target).eos_id == 151_645


# -- errors ---------------------------------------------------------------------------------------------


def test_missing_ranks_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.tiktoken"
    with pytest.raises(FileNotFoundError, match="nowhere.tiktoken"):
        load_tokenizer(missing)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not-base64!! 0\n", "line 1"),
        ("IQ== zero\n", "line 1"),
        ("IQ==\n", "line 1"),
        ("", "no ranks"),
        ("IQ== 0\nIQ== 1\n", "twice"),
        ("IQ== 0\nIg== 5\n", "not exactly"),
        ("IQ== 0\nIg== 1\n", "single bytes"),
    ],
)
def test_corrupt_ranks_file_names_it(tmp_path: Path, content: str, reason: str) -> None:
    corrupt = tmp_path / "corrupt.tiktoken"
    corrupt.write_text(content, encoding="ascii")
    with pytest.raises(TokenizerLoadError, match=reason) as info:
        read_tiktoken_ranks(corrupt)
    assert str(corrupt) in str(info.value)
    with pytest.raises(TokenizerLoadError, match="corrupt.tiktoken"):
        load_tokenizer(corrupt)


def test_wrong_qwen_ranks_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A valid ranks file that is not Qwen's must not pass as "qwen3".
    lines = [base64.b64encode(bytes([b])).decode() + f" {b}" for b in range(256)]
    (tmp_path / "qwen.tiktoken").write_text("\n".join(lines) + "\n", encoding="ascii")
    monkeypatch.setenv("BABELBEAM_ASSETS", str(tmp_path))
    with pytest.raises(TokenizerLoadError, match="SHA-256") as info:
        load_tokenizer("qwen3")
    assert str(tmp_path / "qwen.tiktoken") in str(info.value)


def test_bad_tokenizer_json_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="absent.json"):
        load_tokenizer(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(TokenizerLoadError, match="bad.json"):
        load_tokenizer(bad)
    with pytest.raises(ValueError, match="unknown tokenizer"):
        load_tokenizer("llama9")


def test_missing_tokenizers_package_is_a_clear_error(exported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # makes `import tokenizers` raise ImportError
    monkeypatch.setattr(tokenizer_module, "_LOADED", {})  # loaded earlier in this process: load it afresh
    with pytest.raises(ImportError, match="pip install tokenizers"):
        load_tokenizer(exported)


def test_encode_document_is_the_ids_then_eos() -> None:
    tokenizer = load_tokenizer()
    for text in ["", "Hello world", "日本語のテキスト", "a\udc00b"]:
        got = tokenizer.encode_document(text)
        assert got.dtype == np.uint32
        assert got.tolist() == tokenizer.encode_array(text).tolist() + [tokenizer.eos_id] == [
            *tokenizer.encode(text), 151643]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ab Zé\u0301\u00e9\u1e9b\u0323\r\n\t 9.'s-中ไ😀\U00011935\U00011930", max_size=80),
       st.integers(1, 12))
def test_a_long_document_encoded_in_pieces_has_the_whole_texts_ids(qwen: Tokenizer, text: str,
                                                                   size: int) -> None:
    """``encode_document`` cuts a long text between a newline and a letter: the ids are the whole text's."""
    pieces = list(token_safe_pieces(text, size))
    assert "".join(pieces) == text
    assert all(p.endswith("\n") and q[0].isalpha() for p, q in zip(pieces, pieces[1:], strict=False))
    expected = [*qwen.encode(text), qwen.eos_id]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokenizer_module, "ENCODE_PIECE_CHARS", size)
        assert qwen.encode_document(text).tolist() == expected
