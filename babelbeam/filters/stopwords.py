"""Stop words for every registry language: a configured list, ``stopwordsiso``, or a list derived from the
corpus.

Gopher's stop-word rule ("at least two of the, be, to, of, and, that, have, with") says "this is running text
in the expected language". It must never be applied with another language's words: a language with no list
at all skips the rule (``resolve_stop_words`` reports source ``none``), and the pipeline counts those
documents.

Order of preference for a language:

1. ``config``: a list given in the quality config (English gets Gopher's eight words this way, as in the
   paper and datatrove);
2. ``stopwordsiso``: the package's list for the language's ISO 639-1 code, or for a close relative that
   shares its function words (``_RELATIVES``);
3. ``corpus``: ``<dir>/<lang>.txt`` written by the Beam pre-pass
   ``babelbeam.pipeline.stopword_pass.DeriveStopWords`` (one word a line, most frequent first), as FineWeb-2
   derived its lists;
4. ``none``: the rule is skipped.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from babelbeam.filters.segment import ISO639_1

log = logging.getLogger(__name__)

GOPHER_STOP_WORDS: tuple[str, ...] = ("the", "be", "to", "of", "and", "that", "have", "with")
"""Gopher's English stop words (Rae et al. 2021, appendix A1)."""

# Registry languages whose stopwordsiso list is a close relative's (shared function words),
# on top of the exact ISO 639-1 matches. Cantonese (yue) is left out: its function words
# (嘅, 係, 唔) are not Mandarin's.
_RELATIVES = {"nob": "no", "nno": "no", "bos": "hr", "zsm": "ms"}


@cache
def _stopwordsiso_langs() -> frozenset[str]:
    import stopwordsiso

    return frozenset(stopwordsiso.langs())


def stopwordsiso_code(lang: str) -> str | None:
    """The stopwordsiso code used for registry code ``lang``, or None when it has no list."""
    base = lang.partition("_")[0]
    if base == "yue":
        return None
    code = _RELATIVES.get(base) or ISO639_1.get(base)
    return code if code in _stopwordsiso_langs() else None


@cache
def _stopwordsiso_words(code: str) -> frozenset[str]:
    import stopwordsiso

    # Keep only entries that can be words: the lists of some languages include punctuation.
    return frozenset(w.lower() for w in stopwordsiso.stopwords(code) if any(c.isalnum() for c in w))


def read_word_list(path: str | Path) -> list[str]:
    """Read a one-word-a-line list (UTF-8; blank lines and ``#`` comments skipped)."""
    with open(path, encoding="utf-8") as f:
        return [word.lower() for word in map(str.strip, f) if word and not word.startswith("#")]


def resolve_stop_words(
    lang: str, *, configured: list[str] | tuple[str, ...] | None = None, corpus_dir: str | Path | None = None
) -> tuple[frozenset[str] | None, str]:
    """The stop words of ``lang`` and where they came from (``config``, ``stopwordsiso``, ``corpus``,
    ``none``).

    Words are lower-cased; callers compare lower-cased words. Returns ``(None, "none")`` when no list exists,
    meaning the stop-word rule must be skipped for ``lang``.
    """
    if configured:
        return frozenset(w.lower() for w in configured), "config"
    code = stopwordsiso_code(lang)
    if code is not None:
        return _stopwordsiso_words(code), "stopwordsiso"
    if corpus_dir is not None:
        path = Path(corpus_dir) / f"{lang}.txt"
        if path.is_file():
            found = read_word_list(path)
            if found:
                return frozenset(found), "corpus"
    return None, "none"
