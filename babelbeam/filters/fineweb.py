"""FineWeb's quality rules (Penedo et al. 2024, "The FineWeb Datasets"), defaults as datatrove 0.10.1.

Lines are the text's non-blank lines, stripped (datatrove tests unstripped
lines, so a trailing space hides a full stop). Sentence-ending characters are
Unicode's ``Sentence_Terminal`` set, which covers every script that has one;
Thai, which ends sentences with a space, turns the punctuation rule off in the
per-language settings.
"""

from __future__ import annotations

from collections.abc import Iterable

from babelbeam.filters.textstats import TextFilter, TextStats, Verdict, duplicates, terminal_punctuation


class FineWebQualityFilter(TextFilter):
    """FineWeb's line rules. Reasons: ``fineweb_<condition>``.

    At least ``min_line_punct_ratio`` of non-blank lines end in sentence
    punctuation (a document with none passes when ``line_punct_exclude_zero``);
    at most ``max_short_line_ratio`` of them are ``short_line_length`` characters
    or shorter; characters in repeated lines are at most ``max_dup_line_char_ratio``
    of the non-newline characters; newlines per word at most ``max_newlines_per_word``.
    ``None`` turns a rule off.
    """

    name = "fineweb"

    def __init__(
        self,
        *,
        min_line_punct_ratio: float | None = 0.12,
        line_punct_exclude_zero: bool = False,
        stop_chars: Iterable[str] | None = None,
        max_short_line_ratio: float | None = 0.67,
        short_line_length: int = 30,
        max_dup_line_char_ratio: float | None = 0.01,
        max_newlines_per_word: float | None = 0.3,
        keep_measurements: bool = False,
    ) -> None:
        super().__init__(keep_measurements=keep_measurements)
        self.min_line_punct_ratio = min_line_punct_ratio
        self.line_punct_exclude_zero = line_punct_exclude_zero
        self.stop_chars = frozenset(stop_chars) if stop_chars is not None else terminal_punctuation()
        self.max_short_line_ratio = max_short_line_ratio
        self.short_line_length = short_line_length
        self.max_dup_line_char_ratio = max_dup_line_char_ratio
        self.max_newlines_per_word = max_newlines_per_word

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        v = Verdict(self.name, record)
        lines = st.stripped_lines
        if not lines:
            v.check("lines", 0, True, "empty")
            return v.reason
        n_lines = len(lines)
        if self.min_line_punct_ratio is not None:
            stops = self.stop_chars
            ratio = sum(1 for line in lines if line[-1] in stops) / n_lines
            failed = ratio < self.min_line_punct_ratio and not (ratio == 0 and self.line_punct_exclude_zero)
            if v.check("punct_lines_ratio", ratio, failed, "too_few_punct_lines"):
                return v.reason
        if self.max_short_line_ratio is not None:
            limit = self.short_line_length
            ratio = sum(1 for line in lines if len(line) <= limit) / n_lines
            if v.check("short_lines_ratio", ratio, ratio > self.max_short_line_ratio, "short_lines"):
                return v.reason
        if self.max_dup_line_char_ratio is not None:
            chars = len(st.text) - st.text.count("\n")
            ratio = duplicates(lines)[1] / chars
            if v.check("dup_line_char_ratio", ratio, ratio > self.max_dup_line_char_ratio, "dup_line_chars"):
                return v.reason
        if self.max_newlines_per_word is not None:
            # a text without words counts as one word, so the ratio stays finite (datatrove divides by zero)
            ratio = st.text.count("\n") / max(st.n_words, 1)
            if v.check("newlines_per_word", ratio, ratio > self.max_newlines_per_word, "too_many_newlines"):
                return v.reason
        return v.reason
