"""C4's rules (Raffel et al. 2020; TensorFlow Datasets ``c4_utils``), defaults as datatrove 0.10.1.

Line rules drop a line: a word longer than ``max_word_length``; no sentence punctuation at the end (or an
ellipsis); fewer than ``min_words_per_line`` words; "javascript"; a cookie or policy phrase. Document rules,
checked only on lines that survived the earlier line rules (as in C4): "lorem ipsum", a curly bracket, and
fewer than ``min_num_sentences`` sentences in the kept lines. FineWeb-2 found these rules hurt non-English
text, so the quality config runs them for English only unless told otherwise.
"""

from __future__ import annotations

import re
from functools import cache

from babelbeam.filters.base import CleanedText, DocumentFilter, LineCleaner, Verdict
from babelbeam.filters.segment import is_unspaced, sentences
from babelbeam.filters.segment import words as segment_words
from babelbeam.filters.textstats import TextStats, terminal_punctuation
from babelbeam.schemas.quality_config import C4Config

CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
C4_END_PUNCTUATION = (".", "?", "!", '"', "'")
ELLIPSIS = "..."
POLICY_SUBSTRINGS: tuple[str, ...] = (
    "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies",
)


@cache
def end_punctuation() -> frozenset[str]:
    """What may end a line C4 keeps: sentence terminals and quotes."""
    return terminal_punctuation() | frozenset(C4_END_PUNCTUATION)


def c4_scan(st: TextStats, config: C4Config) -> tuple[list[str], str | None, int]:
    """Kept lines, the document-level condition that failed (or None), and lines dropped; cached on ``st``
    for ``config``, so the C4 filter and the C4 line cleaner scan a text once."""
    cached = st.__dict__.get("_c4_scan")
    if cached is not None and cached[0] is config:
        return cached[1]
    c = config
    ends = end_punctuation()
    unspaced = is_unspaced(st.lang)
    kept: list[str] = []
    dropped = 0
    failed: str | None = None
    for raw in st.lines:
        line = raw.strip()
        if not line:
            continue
        if (c.max_word_length is not None and len(line) > c.max_word_length
                and any(len(w) > c.max_word_length for w in line.split())):
            dropped += 1
            continue
        if c.remove_citations and "[" in line:
            line = CITATION.sub("", line)
        if c.filter_no_terminal_punct and (not line or line[-1] not in ends or line.endswith(ELLIPSIS)):
            dropped += 1
            continue
        if c.min_words_per_line is not None:
            n = len(segment_words(line, st.lang)) if unspaced else len(line.split())
            if n < c.min_words_per_line:
                dropped += 1
                continue
        lower = line.lower()
        if c.filter_lorem_ipsum and "lorem ipsum" in lower:
            failed = "lorem_ipsum"
            break
        if c.filter_javascript and "javascript" in lower:
            dropped += 1
            continue
        if c.filter_curly_bracket and "{" in line:
            failed = "curly_bracket"
            break
        if c.filter_policy and any(p in lower for p in POLICY_SUBSTRINGS):
            dropped += 1
            continue
        kept.append(line)
    result = (kept, failed, dropped)
    st.__dict__["_c4_scan"] = (config, result)
    return result


class C4QualityFilter(DocumentFilter):
    """C4's document rules (``C4Config``). Reasons: ``c4_lorem_ipsum``, ``c4_curly_bracket``,
    ``c4_too_few_sentences``. Measures ``c4_lines_dropped`` too, the lines ``C4LineCleaner`` removes."""

    name = "c4"

    def __init__(self, config: C4Config) -> None:
        self.config = config

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        v = Verdict(self.name, record)
        kept, failed, dropped = c4_scan(st, self.config)
        if record is not None:
            record[f"{self.name}_lines_dropped"] = float(dropped)
        if failed is not None:
            v.check(failed, 1, True, failed)
            return v.reason
        min_sentences = self.config.min_num_sentences
        if min_sentences is not None:
            # every kept line holds at least one sentence, so segmenting is needed only when lines are few
            if len(kept) >= min_sentences and record is None:
                return None
            n_sent = sum(len(sentences(line, st.lang)) for line in kept)
            v.below("sentences", n_sent, min_sentences, "too_few_sentences")
        return v.reason


class C4LineCleaner(LineCleaner):
    """Removes the lines C4's line rules drop (lines stripped, joined by newlines), as C4 did. Records
    nothing: ``C4QualityFilter`` measures the same count as ``c4_lines_dropped``."""

    name = "c4"
    empty_reason = "c4_all_lines_removed"

    def __init__(self, config: C4Config) -> None:
        self.config = config

    def clean(self, st: TextStats, record: dict[str, float] | None) -> CleanedText:
        kept, _, dropped = c4_scan(st, self.config)
        return CleanedText("\n".join(kept), dropped)
