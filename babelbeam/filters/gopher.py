"""Gopher's quality and repetition rules (Rae et al. 2021, "Scaling Language Models", appendix A1, table A1).

Defaults are datatrove 0.10.1's, which are the paper's. Words are ICU word-like
segments (``babelbeam.filters.segment``), so punctuation is never a word and
scripts without spaces get real words. Where datatrove slips, these differ on
purpose (each is listed in ``benchmarks/bench_filters.py``): line ratios count
non-blank lines only, the stop-word test ignores case, a top n-gram that occurs
once is not repetition, duplicated n-grams count every covered word once, and
no ratio divides by a count that can be zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat

from babelbeam.filters.textstats import TextFilter, TextStats, Verdict, duplicates

BULLETS = ("•", "-")
"""Line starts that mark a bullet line (datatrove's set)."""
ELLIPSES = ("...", "…")

DEFAULT_TOP_NGRAMS: tuple[tuple[int, float], ...] = ((2, 0.20), (3, 0.18), (4, 0.16))
DEFAULT_DUP_NGRAMS: tuple[tuple[int, float], ...] = (
    (5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10),
)


class GopherQualityFilter(TextFilter):
    """Gopher's document quality rules. Reasons: ``gopher_quality_<condition>``.

    Thresholds (``None`` turns a rule off): words in ``[min_doc_words, max_doc_words]``;
    mean word length (characters) in ``[min_avg_word_length, max_avg_word_length]``;
    ``#`` and ellipses per word at most ``max_symbol_word_ratio`` each; share of
    non-blank lines starting with a bullet at most ``max_bullet_lines_ratio`` and
    ending with an ellipsis at most ``max_ellipsis_lines_ratio``; share of words
    with a letter at least ``min_alpha_words_ratio``; at least ``min_stop_words``
    distinct words from ``stop_words`` (the rule is skipped when ``stop_words`` is None).
    """

    name = "gopher_quality"

    def __init__(
        self,
        *,
        min_doc_words: int | None = 50,
        max_doc_words: int | None = 100_000,
        min_avg_word_length: float | None = 3,
        max_avg_word_length: float | None = 10,
        max_symbol_word_ratio: float | None = 0.1,
        max_bullet_lines_ratio: float | None = 0.9,
        max_ellipsis_lines_ratio: float | None = 0.3,
        min_alpha_words_ratio: float | None = 0.8,
        min_stop_words: int | None = 2,
        stop_words: Iterable[str] | None = None,
        keep_measurements: bool = False,
    ) -> None:
        super().__init__(keep_measurements=keep_measurements)
        self.min_doc_words = min_doc_words
        self.max_doc_words = max_doc_words
        self.min_avg_word_length = min_avg_word_length
        self.max_avg_word_length = max_avg_word_length
        self.max_symbol_word_ratio = max_symbol_word_ratio
        self.max_bullet_lines_ratio = max_bullet_lines_ratio
        self.max_ellipsis_lines_ratio = max_ellipsis_lines_ratio
        self.min_alpha_words_ratio = min_alpha_words_ratio
        self.min_stop_words = min_stop_words
        self.stop_words = None if stop_words is None else frozenset(w.lower() for w in stop_words)
        # Words that are stop words as written are stop words lower-cased too when lower-casing leaves every
        # stop word as it is: then enough of them settle the rule without lower-casing the document's words.
        self._stop_words_exact = self.stop_words is not None and all(
            w.lower() == w for w in self.stop_words)

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        v = Verdict(self.name, record)
        n = st.n_words
        if self.min_doc_words is not None and v.check("words", n, n < self.min_doc_words, "too_few_words"):
            return v.reason
        if self.max_doc_words is not None and v.check("words", n, n > self.max_doc_words, "too_many_words"):
            return v.reason
        if n == 0:
            # every per-word ratio below is undefined; an empty document fails the word-count rule when it is on
            return v.reason
        mean_len = st.word_chars / n
        if self.min_avg_word_length is not None and v.check(
            "mean_word_length", mean_len, mean_len < self.min_avg_word_length, "mean_word_too_short"
        ):
            return v.reason
        if self.max_avg_word_length is not None and v.check(
            "mean_word_length", mean_len, mean_len > self.max_avg_word_length, "mean_word_too_long"
        ):
            return v.reason
        if self.max_symbol_word_ratio is not None:
            text = st.text
            hashes = text.count("#") / n
            if v.check("hash_word_ratio", hashes, hashes > self.max_symbol_word_ratio, "too_many_hashes"):
                return v.reason
            ellipses = (text.count("...") + text.count("…")) / n
            if v.check("ellipsis_word_ratio", ellipses, ellipses > self.max_symbol_word_ratio, "too_many_ellipses"):
                return v.reason
        lines = st.stripped_lines
        if lines and (self.max_bullet_lines_ratio is not None or self.max_ellipsis_lines_ratio is not None):
            if self.max_bullet_lines_ratio is not None:
                bullets = sum(map(str.startswith, lines, repeat(BULLETS))) / len(lines)
                if v.check(
                    "bullet_lines_ratio", bullets, bullets > self.max_bullet_lines_ratio, "too_many_bullet_lines"
                ):
                    return v.reason
            if self.max_ellipsis_lines_ratio is not None:
                ell = sum(map(str.endswith, lines, repeat(ELLIPSES))) / len(lines)
                if v.check(
                    "ellipsis_lines_ratio", ell, ell > self.max_ellipsis_lines_ratio, "too_many_ellipsis_lines"
                ):
                    return v.reason
        if self.min_alpha_words_ratio is not None:
            alpha = st.n_alpha_words / n
            if v.check("alpha_words_ratio", alpha, alpha < self.min_alpha_words_ratio, "too_few_alpha_words"):
                return v.reason
        if self.min_stop_words is not None and self.stop_words is not None:
            if (
                record is None
                and self._stop_words_exact
                and len(self.stop_words.intersection(st.words)) >= self.min_stop_words
            ):
                return v.reason
            found = len(self.stop_words.intersection(st.lower_words))
            if v.check("stop_words", found, found < self.min_stop_words, "too_few_stop_words"):
                return v.reason
        return v.reason


class GopherRepetitionFilter(TextFilter):
    """Gopher's repetition rules. Reasons: ``gopher_repetition_<condition>``.

    Shares of the document's characters (``len(text)``): duplicate paragraphs
    and lines (by count and by characters), the most frequent word n-gram for
    each ``(n, max_share)`` in ``top_ngrams``, and the words covered by repeated
    n-grams for each ``(n, max_share)`` in ``dup_ngrams``. ``None`` turns a rule off.
    """

    name = "gopher_repetition"

    def __init__(
        self,
        *,
        max_dup_line_frac: float | None = 0.3,
        max_dup_para_frac: float | None = 0.3,
        max_dup_line_char_frac: float | None = 0.2,
        max_dup_para_char_frac: float | None = 0.2,
        top_ngrams: Iterable[tuple[int, float | None]] | None = DEFAULT_TOP_NGRAMS,
        dup_ngrams: Iterable[tuple[int, float | None]] | None = DEFAULT_DUP_NGRAMS,
        keep_measurements: bool = False,
    ) -> None:
        super().__init__(keep_measurements=keep_measurements)
        self.max_dup_line_frac = max_dup_line_frac
        self.max_dup_para_frac = max_dup_para_frac
        self.max_dup_line_char_frac = max_dup_line_char_frac
        self.max_dup_para_char_frac = max_dup_para_char_frac
        self.top_ngrams = tuple((int(n), f) for n, f in (top_ngrams or ()) if f is not None)
        self.dup_ngrams = tuple((int(n), f) for n, f in (dup_ngrams or ()) if f is not None)
        ns = [n for n, _ in self.dup_ngrams]
        self._dup_increasing_n = ns == sorted(ns)
        self._dup_later_min = [
            min((f for _, f in self.dup_ngrams[i + 1 :]), default=None) for i in range(len(self.dup_ngrams))
        ]

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        v = Verdict(self.name, record)
        text_len = len(st.text)
        if not st.text.strip():
            v.check("chars", 0, True, "empty")
            return v.reason
        if self.max_dup_para_frac is not None or self.max_dup_para_char_frac is not None:
            paras = st.paragraphs
            dup_n, dup_chars = duplicates(paras)
            if self.max_dup_para_frac is not None:
                frac = dup_n / len(paras)
                if v.check("dup_para_frac", frac, frac > self.max_dup_para_frac, "dup_para_frac"):
                    return v.reason
            if self.max_dup_para_char_frac is not None:
                frac = dup_chars / text_len
                if v.check("dup_para_char_frac", frac, frac > self.max_dup_para_char_frac, "dup_para_char_frac"):
                    return v.reason
        if self.max_dup_line_frac is not None or self.max_dup_line_char_frac is not None:
            lines = st.newline_runs_lines
            dup_n, dup_chars = duplicates(lines)
            if self.max_dup_line_frac is not None:
                frac = dup_n / len(lines)
                if v.check("dup_line_frac", frac, frac > self.max_dup_line_frac, "dup_line_frac"):
                    return v.reason
            if self.max_dup_line_char_frac is not None:
                frac = dup_chars / text_len
                if v.check("dup_line_char_frac", frac, frac > self.max_dup_line_char_frac, "dup_line_char_frac"):
                    return v.reason
        if not (self.top_ngrams or self.dup_ngrams) or st.n_words < 2:
            return v.reason
        table = st.ngrams
        for n, max_frac in self.top_ngrams:
            frac = table.top_ngram_chars(n) / text_len
            if v.check(f"top_{n}gram_frac", frac, frac > max_frac, f"top_{n}gram"):
                return v.reason
        for i, (n, max_frac) in enumerate(self.dup_ngrams):
            frac = table.duplicated_ngram_chars(n) / text_len
            if v.check(f"dup_{n}gram_frac", frac, frac > max_frac, f"dup_{n}gram"):
                return v.reason
            # coverage never grows with n: below every later limit, no later rule can fail
            later = self._dup_later_min[i]
            if record is None and later is not None and frac <= later and self._dup_increasing_n:
                break
        return v.reason
