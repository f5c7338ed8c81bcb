"""The Qwen3 tokenizer (byte-level BPE on tiktoken) and a loader for any Hugging Face ``tokenizer.json``.

``load_tokenizer("qwen3")`` builds the real Qwen3 tokenizer from the bundled ``qwen.tiktoken`` ranks: NFC
(the ``tokenizers`` library's, so ids do not depend on the Python version: ``normalization.py``),
the Qwen pre-tokenizer regex, 151,643 BPE ranks, then 26 added special tokens (151,669 ids in all), no BOS.
tiktoken is the engine because it gives the same ids as Qwen's ``tokenizers`` file at several times the
speed. Text inside documents is always encoded as plain text: a document that contains
``<|endoftext|>`` gets the ids of those characters, never the EOS id, so data cannot inject control tokens.

A ``Tokenizer`` holds a compiled engine and is never pickled: Beam DoFns build it in ``setup()``.
``load_tokenizer`` loads each tokenizer once per process and hands out that one object after.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from babelbeam.assets import asset_path
from babelbeam.errors import EXIT_USAGE, BabelbeamError
from babelbeam.tokenize.normalization import nfc

logger = logging.getLogger(__name__)

QWEN3_NAME = "qwen3"
QWEN3_RANKS_FILE = "qwen.tiktoken"
QWEN3_RANKS_SHA256 = "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"
"""SHA-256 of ``qwen.tiktoken`` as shipped in the ``dashscope==2.0.2`` wheel (same pin as fetch_assets)."""
QWEN3_NUM_RANKS = 151_643

QWEN3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
"""Qwen's pre-tokenizer regex: digits split one at a time, letters with at most one leading mark."""

ENCODE_PIECE_CHARS = 1 << 20
"""``Tokenizer.encode_document`` encodes a longer text a piece of about this many characters at a time."""


def token_safe_pieces(text: str, size: int) -> Iterator[str]:
    """``text`` in consecutive pieces of at least ``size`` characters where it can be, each cut between a
    newline and a letter.

    Such a cut is a boundary of the pre-tokenizer (``QWEN3_PATTERN``): no alternative matches a newline
    followed by a letter (the letter alternative's optional lead excludes ``\r`` and ``\n``; the others
    stop at a letter), and the whitespace run ending at the newline is matched whole by ``\\s*[\r\n]+``
    before ``\\s+(?!\\S)`` is tried, with or without the text after it. NFC changes nothing across it either
    (a newline is a starter that composes with nothing). So the pieces' ids, joined, are the whole text's.
    """
    start = 0
    while len(text) - start > size:
        cut = text.find("\n", start + size - 1)
        while 0 <= cut < len(text) - 1 and not text[cut + 1].isalpha():
            cut = text.find("\n", cut + 1)
        if cut < 0 or cut >= len(text) - 1:
            break
        yield text[start : cut + 1]
        start = cut + 1
    yield text if start == 0 else text[start:]


QWEN3_SPECIAL_TOKENS: tuple[str, ...] = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
    "<tool_call>",
    "</tool_call>",
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|fim_suffix|>",
    "<|fim_pad|>",
    "<|repo_name|>",
    "<|file_sep|>",
    "<tool_response>",
    "</tool_response>",
    "<think>",
    "</think>",
)
"""The 26 added tokens in id order; the first has id 151,643 (right after the BPE ranks)."""

# EOS candidates for a tokenizer.json that has no tokenizer_config.json beside it, most common first.
_EOS_CANDIDATES = ("<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>", "<|eos|>", "<|im_end|>")


class TokenizerLoadError(BabelbeamError, ValueError):
    """A tokenizer file is missing, unreadable or malformed; the message names the file."""

    exit_code = EXIT_USAGE


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_tiktoken_ranks(path: str | os.PathLike[str]) -> dict[bytes, int]:
    """Read a tiktoken ranks file (one ``base64(token) rank`` per line) into ``token bytes -> rank``.

    Ranks must be exactly 0..n-1, each token once. Raises FileNotFoundError or TokenizerLoadError naming
    the file (and the line) when it is missing or malformed.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"tokenizer ranks file {str(path)!r} does not exist") from None
    except OSError as exc:
        raise TokenizerLoadError(f"cannot read tokenizer ranks file {str(path)!r}: {exc}") from exc
    ranks: dict[bytes, int] = {}
    for line_no, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        try:
            if len(fields) != 2:
                raise ValueError(f"expected 2 fields, got {len(fields)}")
            token = base64.b64decode(fields[0], validate=True)
            rank = int(fields[1])
        except (ValueError, binascii.Error) as exc:
            raise TokenizerLoadError(
                f"tokenizer ranks file {str(path)!r}, line {line_no}: not 'base64(token) rank' ({exc})"
            ) from None
        if not token:
            raise TokenizerLoadError(f"tokenizer ranks file {str(path)!r}, line {line_no}: empty token")
        if token in ranks:
            raise TokenizerLoadError(
                f"tokenizer ranks file {str(path)!r}, line {line_no}: token {token!r} appears twice"
            )
        ranks[token] = rank
    if not ranks:
        raise TokenizerLoadError(f"tokenizer ranks file {str(path)!r} holds no ranks")
    if sorted(ranks.values()) != list(range(len(ranks))):
        raise TokenizerLoadError(
            f"tokenizer ranks file {str(path)!r}: ranks are not exactly 0..{len(ranks) - 1}"
        )
    missing_bytes = [b for b in range(256) if bytes([b]) not in ranks]
    if missing_bytes:
        raise TokenizerLoadError(
            f"tokenizer ranks file {str(path)!r}: {len(missing_bytes)} single bytes have no rank "
            "(byte-level BPE needs all 256)"
        )
    return ranks


class Tokenizer:
    """A loaded tokenizer: text -> token ids and back, plus its identity for shard manifests.

    Build one with :func:`load_tokenizer`. The engine is tiktoken for BPE ranks files (the Qwen3 default)
    and Hugging Face ``tokenizers`` for a ``tokenizer.json``. Not picklable on purpose: create it in
    ``DoFn.setup()`` on each worker instead of shipping a 150k-entry vocabulary inside the pipeline graph.
    """

    def __init__(
        self,
        *,
        name: str,
        engine: str,
        backend: Any,
        vocab_size: int,
        eos_id: int | None,
        sha256: str,
        source: Path,
        nfc: bool,
        ranks: dict[bytes, int] | None = None,
        pattern: str | None = None,
        special_tokens: dict[str, int] | None = None,
    ) -> None:
        """Wrap an engine; use :func:`load_tokenizer` rather than calling this directly."""
        if engine not in ("tiktoken", "tokenizers"):
            raise ValueError(f"unknown tokenizer engine {engine!r}")
        self._name = name
        self._engine = engine
        self._backend = backend
        self._vocab_size = vocab_size
        self._eos_id = eos_id
        self._sha256 = sha256
        self._source = source
        # tiktoken has no normaliser, so NFC is applied here; a tokenizer.json carries its own.
        self._nfc = nfc
        self._ranks = ranks
        self._pattern = pattern
        self._special_tokens = special_tokens

    def __reduce__(self) -> Any:
        raise TypeError(
            "babelbeam Tokenizer objects are not picklable: call load_tokenizer() in DoFn.setup() "
            "and keep only the tokenizer name in the pipeline graph"
        )

    def __repr__(self) -> str:
        return f"Tokenizer(name={self._name!r}, engine={self._engine!r}, vocab_size={self._vocab_size})"

    # -- identity ---------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """Short name: ``qwen3`` for the bundled tokenizer, else derived from the loaded file's path."""
        return self._name

    @property
    def engine(self) -> str:
        """The library that encodes: ``tiktoken`` or ``tokenizers``."""
        return self._engine

    @property
    def vocab_size(self) -> int:
        """Number of ids the tokenizer can emit: BPE ranks plus added tokens (151,669 for Qwen3)."""
        return self._vocab_size

    @property
    def eos_id(self) -> int:
        """The end-of-document id appended after each document (151,643 ``<|endoftext|>`` for Qwen3)."""
        if self._eos_id is None:
            raise ValueError(
                f"tokenizer {self._name!r} ({self._source}) has no known end-of-text token; put a "
                "tokenizer_config.json with 'eos_token' beside its tokenizer.json"
            )
        return self._eos_id

    @property
    def source(self) -> Path:
        """The file the vocabulary was read from."""
        return self._source

    def identity(self) -> dict[str, Any]:
        """What a shard manifest records: name, vocab_size, eos_id, sha256 of the source file, engine."""
        return {
            "name": self._name,
            "vocab_size": self._vocab_size,
            "eos_id": self._eos_id,
            "sha256": self._sha256,
            "engine": self._engine,
        }

    # -- encoding ---------------------------------------------------------------------------------------

    def _prepare(self, text: str) -> str:
        # NFC with the tables of Qwen's Hugging Face tokenizer, not the interpreter's (normalization.py).
        return nfc(text) if self._nfc else text

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (no BOS, no EOS). Special-token strings in the text stay plain text."""
        if self._engine == "tiktoken":
            return self._backend.encode_ordinary(self._prepare(text))
        return self._backend.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str], num_threads: int = 1) -> list[list[int]]:
        """Token ids of each text, in order. ``num_threads`` > 1 encodes on that many threads (tiktoken
        releases the GIL); for the ``tokenizers`` engine it allows its own Rayon pool instead."""
        if num_threads < 1:
            raise ValueError(f"num_threads must be >= 1, got {num_threads}")
        if self._engine == "tiktoken":
            prepared = [self._prepare(t) for t in texts]
            if num_threads == 1:
                # Skip tiktoken's thread pool: it only adds overhead on one thread.
                encode = self._backend.encode_ordinary
                return [encode(t) for t in prepared]
            return self._backend.encode_ordinary_batch(prepared, num_threads=num_threads)
        if num_threads == 1:
            return [self.encode(t) for t in texts]
        return [e.ids for e in self._backend.encode_batch(list(texts), add_special_tokens=False)]

    def encode_array(self, text: str) -> np.ndarray:
        """Token ids of ``text`` as a 1-D numpy ``uint32`` array (what token shards store)."""
        if self._engine == "tiktoken":
            prepared = self._prepare(text)
            try:
                # No allowed and no disallowed specials: special-token text is encoded as plain text.
                return self._backend.encode_to_numpy(prepared, allowed_special=set(), disallowed_special=())
            except UnicodeEncodeError:
                # Lone surrogates cannot reach the Rust engine; encode_ordinary replaces them the same way.
                return np.asarray(self._backend.encode_ordinary(prepared), dtype=np.uint32)
        return np.asarray(self.encode(text), dtype=np.uint32)

    def encode_document(self, text: str) -> np.ndarray:
        """``text``'s ids with the EOS id appended (``uint32``): one document as token shards hold it.

        A long text is encoded in pieces (``token_safe_pieces``) whose ids are those of the whole, so the
        engine's own copies (its id list, the bytes it returns) are of one piece at a time."""
        pieces = [self.encode_array(p) for p in token_safe_pieces(text, ENCODE_PIECE_CHARS)]
        out = np.empty(sum(map(len, pieces)) + 1, dtype=np.uint32)
        at = 0
        for ids in pieces:
            out[at : at + len(ids)] = ids
            at += len(ids)
        out[-1] = self.eos_id
        return out

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """Text of token ids; special ids decode to their strings, invalid UTF-8 to U+FFFD."""
        if isinstance(ids, np.ndarray):
            ids = ids.tolist()
        else:
            ids = list(ids)
        bad = [i for i in ids if not 0 <= i < self._vocab_size]
        if bad:
            raise ValueError(
                f"token id {bad[0]} is outside 0..{self._vocab_size - 1} of tokenizer {self._name!r}"
            )
        if self._engine == "tiktoken":
            return self._backend.decode(ids, errors="replace")
        return self._backend.decode(ids, skip_special_tokens=False)

    # -- export -----------------------------------------------------------------------------------------

    def to_tokenizer_json(self) -> dict[str, Any]:
        """The Hugging Face ``tokenizer.json`` document of this tokenizer (a JSON-ready dict)."""
        if self._engine == "tokenizers":
            return json.loads(self._backend.to_str())
        from babelbeam.tokenize._bpe_export import build_tokenizer_json

        assert self._ranks is not None and self._pattern is not None and self._special_tokens is not None
        return build_tokenizer_json(self._ranks, self._pattern, self._special_tokens, nfc=self._nfc)

    def save_tokenizer_json(self, path: str | os.PathLike[str]) -> Path:
        """Write a ``tokenizer.json`` that ``tokenizers.Tokenizer.from_file`` and transformers'
        ``PreTrainedTokenizerFast(tokenizer_file=...)`` load with identical ids; returns its path.

        For tiktoken ranks the merges are derived in about 2 s. The file is written atomically and is
        byte-identical for the same ranks.
        """
        path = Path(path)
        text = json.dumps(self.to_tokenizer_json(), ensure_ascii=False, separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        # open(), not tempfile.mkstemp: mkstemp's file is mode 0600 whatever the umask; the rename keeps it.
        tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
        try:
            with open(tmp, "x", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        logger.info("wrote %s (%d ids)", path, self._vocab_size)
        return path


# -- loaders --------------------------------------------------------------------------------------------


def _from_ranks(
    path: Path, *, name: str, special_tokens: Sequence[str], expected_sha256: str | None = None
) -> Tokenizer:
    import tiktoken

    sha256 = _sha256_file(path) if path.is_file() else ""
    ranks = read_tiktoken_ranks(path)
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise TokenizerLoadError(
            f"tokenizer ranks file {str(path)!r} has SHA-256 {sha256}, expected {expected_sha256} "
            "(the dashscope==2.0.2 qwen.tiktoken); run scripts/fetch_assets.py again"
        )
    specials = {token: len(ranks) + i for i, token in enumerate(special_tokens)}
    encoding = tiktoken.Encoding(
        name=f"babelbeam-{name}",
        pat_str=QWEN3_PATTERN,
        mergeable_ranks=ranks,
        special_tokens=specials,
    )
    return Tokenizer(
        name=name,
        engine="tiktoken",
        backend=encoding,
        vocab_size=len(ranks) + len(specials),
        eos_id=specials.get("<|endoftext|>"),
        sha256=sha256,
        source=path,
        nfc=True,
        ranks=ranks,
        pattern=QWEN3_PATTERN,
        special_tokens=specials,
    )


def _eos_from_config(json_path: Path, backend: Any) -> int | None:
    """EOS id from a tokenizer_config.json beside the tokenizer.json, else the first known EOS string."""
    config_path = json_path.with_name("tokenizer_config.json")
    if config_path.is_file():
        try:
            eos = json.loads(config_path.read_text(encoding="utf-8")).get("eos_token")
        except (OSError, ValueError) as exc:
            raise TokenizerLoadError(f"cannot read {str(config_path)!r}: {exc}") from exc
        if isinstance(eos, dict):
            eos = eos.get("content")
        if isinstance(eos, str) and backend.token_to_id(eos) is not None:
            return backend.token_to_id(eos)
    for candidate in _EOS_CANDIDATES:
        token_id = backend.token_to_id(candidate)
        if token_id is not None:
            return token_id
    return None


def _from_tokenizer_json(path: Path) -> Tokenizer:
    try:
        import tokenizers
    except ImportError as exc:
        raise ImportError(
            f"loading {str(path)!r} needs the Hugging Face 'tokenizers' package: pip install tokenizers"
        ) from exc
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file {str(path)!r} does not exist")
    try:
        backend = tokenizers.Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for malformed files
        raise TokenizerLoadError(f"cannot load tokenizer file {str(path)!r}: {exc}") from exc
    # Special-token text inside documents must be encoded as plain text, as with tiktoken.
    backend.encode_special_tokens = True
    name = path.parent.name if path.name == "tokenizer.json" and path.parent.name else path.stem
    return Tokenizer(
        name=name,
        engine="tokenizers",
        backend=backend,
        vocab_size=backend.get_vocab_size(with_added_tokens=True),
        eos_id=_eos_from_config(path, backend),
        sha256=_sha256_file(path),
        source=path,
        nfc=False,
    )


_LOADED: dict[tuple[Any, ...], Tokenizer] = {}
_LOADED_LOCK = threading.Lock()


def _file_key(path: Path) -> tuple[Any, ...] | None:
    """Identity of a file's current contents for the cache: resolved path, size and modification time."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _cache_key(name_or_path: str | os.PathLike[str]) -> tuple[Any, ...] | None:
    """What a loaded tokenizer depends on: the files it was read from, as they are now; None: do not cache."""
    if str(name_or_path) == QWEN3_NAME:
        files = [asset_path(QWEN3_RANKS_FILE)]
    else:
        path = Path(name_or_path)
        if path.is_dir():
            path = path / "tokenizer.json"
        files = [path, path.with_name("tokenizer_config.json")]  # the EOS id may come from the config
    keys = [_file_key(f) for f in files]
    if keys[0] is None:
        return None  # missing: the loader raises the error that names it
    return (str(name_or_path), *keys)


def load_tokenizer(name_or_path: str | os.PathLike[str] = QWEN3_NAME) -> Tokenizer:
    """Load a tokenizer by name or path, once per process.

    - ``"qwen3"``: the Qwen3 tokenizer from the bundled ``qwen.tiktoken`` (checked by SHA-256).
    - a ``*.tiktoken`` path: those BPE ranks with the Qwen3 pattern and the Qwen3 added tokens after them.
    - a Hugging Face ``tokenizer.json`` path, or a directory holding one (needs ``tokenizers``).

    Loading the Qwen3 tokenizer takes about 0.3 s, and a run asks for it in several places (the write phase's
    workers, the manifest's identity): the first call loads it and later calls in the process get the same
    object, until the file it came from changes (size or modification time). A ``Tokenizer`` is never changed
    after loading, and its engines encode from many threads, so sharing it is safe; it is still never pickled.
    """
    key = _cache_key(name_or_path)
    if key is None:
        return _load_tokenizer(name_or_path)
    with _LOADED_LOCK:  # held while loading: threads asking at once wait for one load
        tokenizer = _LOADED.get(key)
        if tokenizer is None:
            tokenizer = _LOADED[key] = _load_tokenizer(name_or_path)
    return tokenizer


def _load_tokenizer(name_or_path: str | os.PathLike[str]) -> Tokenizer:
    if str(name_or_path) == QWEN3_NAME:
        path = asset_path(QWEN3_RANKS_FILE)
        tokenizer = _from_ranks(
            path, name=QWEN3_NAME, special_tokens=QWEN3_SPECIAL_TOKENS, expected_sha256=QWEN3_RANKS_SHA256
        )
        if tokenizer.vocab_size != QWEN3_NUM_RANKS + len(QWEN3_SPECIAL_TOKENS):
            raise TokenizerLoadError(f"{str(path)!r} does not hold Qwen3's {QWEN3_NUM_RANKS} ranks")
        return tokenizer
    path = Path(name_or_path)
    if path.suffix == ".tiktoken":
        return _from_ranks(path, name=path.stem, special_tokens=QWEN3_SPECIAL_TOKENS)
    if path.is_dir():
        path = path / "tokenizer.json"
    if path.suffix == ".json" or path.exists():
        return _from_tokenizer_json(path)
    raise ValueError(
        f"unknown tokenizer {str(name_or_path)!r}: use 'qwen3', a *.tiktoken ranks file, "
        "or a Hugging Face tokenizer.json (or its directory)"
    )
