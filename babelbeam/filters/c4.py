"""C4's rules (Raffel et al. 2020; TensorFlow Datasets ``c4_utils``), defaults as datatrove 0.10.1.

Line rules drop a line: a word longer than ``max_word_length``; no sentence
punctuation at the end (or an ellipsis); fewer than ``min_words_per_line``
words; "javascript"; a cookie or policy phrase. Document rules, checked only on
lines that survived the earlier line rules (as in C4): "lorem ipsum", a curly
bracket, and fewer than ``min_num_sentences`` sentences in the kept lines.
FineWeb-2 found these rules hurt non-English text, so the quality config runs
them for English only unless told otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from babelbeam.filters.segment import is_unspaced, sentences
from babelbeam.filters.segment import words as segment_words
from babelbeam.filters.textstats import TextFilter, TextStats, Verdict, terminal_punctuation

CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
C4_END_PUNCTUATION = (".", "?", "!", '"', "'")
ELLIPSIS = "..."
POLICY_SUBSTRINGS: tuple[str, ...] = (
    "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies",
)


class C4QualityFilter(TextFilter):
    """C4's line and document rules. Reasons: ``c4_lorem_ipsum``, ``c4_curly_bracket``, ``c4_too_few_sentences``.

    ``kept_text(stats)`` gives the text with C4's dropped lines removed, for
    callers that clean as C4 did. ``-1``/``None``/``False`` turn a rule off.
    """

    name = "c4"

    def __init__(
        self,
        *,
        remove_citations: bool = True,
        filter_no_terminal_punct: bool = True,
        min_num_sentences: int | None = 5,
        min_words_per_line: int | None = 3,
        max_word_length: int | None = 1000,
        filter_lorem_ipsum: bool = True,
        filter_javascript: bool = True,
        filter_curly_bracket: bool = True,
        filter_policy: bool = True,
        end_punctuation: Iterable[str] | None = None,
        keep_measurements: bool = False,
    ) -> None:
        super().__init__(keep_measurements=keep_measurements)
        self.remove_citations = remove_citations
        self.filter_no_terminal_punct = filter_no_terminal_punct
        self.min_num_sentences = None if min_num_sentences in (None, -1) else min_num_sentences
        self.min_words_per_line = None if min_words_per_line in (None, -1) else min_words_per_line
        self.max_word_length = None if max_word_length in (None, -1) else max_word_length
        self.filter_lorem_ipsum = filter_lorem_ipsum
        self.filter_javascript = filter_javascript
        self.filter_curly_bracket = filter_curly_bracket
        self.filter_policy = filter_policy
        self.end_punctuation = (
            frozenset(end_punctuation)
            if end_punctuation is not None
            else terminal_punctuation() | frozenset(C4_END_PUNCTUATION)
        )

    def _scan(self, st: TextStats) -> tuple[list[str], str | None, int]:
        """Kept lines, the document-level condition that failed (or None), and lines dropped; cached on ``st``."""
        cached = st.__dict__.get("_c4_scan")
        if cached is not None and cached[0] is self:
            return cached[1]
        unspaced = is_unspaced(st.lang)
        kept: list[str] = []
        dropped = 0
        failed: str | None = None
        for raw in st.lines:
            line = raw.strip()
            if not line:
                continue
            if self.max_word_length is not None and len(line) > self.max_word_length:
                if any(len(w) > self.max_word_length for w in line.split()):
                    dropped += 1
                    continue
            if self.remove_citations and "[" in line:
                line = CITATION.sub("", line)
            if self.filter_no_terminal_punct and (
                not line or line[-1] not in self.end_punctuation or line.endswith(ELLIPSIS)
            ):
                dropped += 1
                continue
            if self.min_words_per_line is not None:
                n = len(segment_words(line, st.lang)) if unspaced else len(line.split())
                if n < self.min_words_per_line:
                    dropped += 1
                    continue
            lower = line.lower()
            if self.filter_lorem_ipsum and "lorem ipsum" in lower:
                failed = "lorem_ipsum"
                break
            if self.filter_javascript and "javascript" in lower:
                dropped += 1
                continue
            if self.filter_curly_bracket and "{" in line:
                failed = "curly_bracket"
                break
            if self.filter_policy and any(p in lower for p in POLICY_SUBSTRINGS):
                dropped += 1
                continue
            kept.append(line)
        result = (kept, failed, dropped)
        st.__dict__["_c4_scan"] = (self, result)
        return result

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        v = Verdict(self.name, record)
        kept, failed, dropped = self._scan(st)
        if record is not None:
            record[f"{self.name}_lines_dropped"] = float(dropped)
        if failed is not None:
            v.check(failed, 1, True, failed)
            return v.reason
        if self.min_num_sentences is not None:
            # every kept line holds at least one sentence, so segmenting is needed only when lines are few
            if len(kept) >= self.min_num_sentences and record is None:
                return None
            n_sent = sum(len(sentences(line, st.lang)) for line in kept)
            v.check("sentences", n_sent, n_sent < self.min_num_sentences, "too_few_sentences")
        return v.reason

    def kept_text(self, st: TextStats) -> str:
        """The text with the lines C4 drops removed (lines stripped, joined by newlines)."""
        return "\n".join(self._scan(st)[0])
