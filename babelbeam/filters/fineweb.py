"""FineWeb's quality rules (Penedo et al. 2024, "The FineWeb Datasets"), defaults as datatrove 0.10.1.

Lines are the text's non-blank lines, stripped (datatrove tests unstripped lines, so a trailing space hides a
full stop). Sentence-ending characters are Unicode's ``Sentence_Terminal`` set, which covers every script
that has one; Thai, which ends sentences with a space, turns the punctuation rule off in the per-language
settings.
"""

from __future__ import annotations

from babelbeam.filters.base import DocumentFilter, Verdict
from babelbeam.filters.textstats import TextStats, duplicates, terminal_punctuation
from babelbeam.schemas.quality_config import FineWebConfig


class FineWebQualityFilter(DocumentFilter):
    """FineWeb's line rules (thresholds: ``FineWebConfig``). Reasons: ``fineweb_<condition>``."""

    name = "fineweb"

    def __init__(self, config: FineWebConfig) -> None:
        self.config = config
        self.stop_chars = terminal_punctuation()

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        c = self.config
        v = Verdict(self.name, record)
        lines = st.stripped_lines
        if not lines:
            v.check("lines", 0, True, "empty")
            return v.reason
        n_lines = len(lines)
        if c.min_line_punct_ratio is not None:
            stops = self.stop_chars
            ratio = sum(1 for line in lines if line[-1] in stops) / n_lines
            failed = ratio < c.min_line_punct_ratio and not (ratio == 0 and c.line_punct_exclude_zero)
            if v.check("punct_lines_ratio", ratio, failed, "too_few_punct_lines"):
                return v.reason
        if c.max_short_line_ratio is not None:
            limit = c.short_line_length
            ratio = sum(1 for line in lines if len(line) <= limit) / n_lines
            if v.above("short_lines_ratio", ratio, c.max_short_line_ratio, "short_lines"):
                return v.reason
        if c.max_dup_line_char_ratio is not None:
            ratio = duplicates(lines)[2] / (len(st.text) - st.text.count("\n"))
            if v.above("dup_line_char_ratio", ratio, c.max_dup_line_char_ratio, "dup_line_chars"):
                return v.reason
        if c.max_newlines_per_word is not None:
            # a text without words counts as one word, so the ratio stays finite (datatrove divides by zero)
            ratio = st.text.count("\n") / max(st.n_words, 1)
            v.above("newlines_per_word", ratio, c.max_newlines_per_word, "too_many_newlines")
        return v.reason
