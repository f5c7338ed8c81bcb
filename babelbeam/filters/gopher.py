"""Gopher's quality and repetition rules (Rae et al. 2021, "Scaling Language Models", appendix A1, table A1).

Defaults are datatrove 0.10.1's, which are the paper's. Words are ICU word-like segments
(``babelbeam.filters.segment``), so punctuation is never a word and scripts without spaces get real words.
Where datatrove slips, these differ on purpose (each is listed in ``benchmarks/bench_filters.py``): line
ratios count non-blank lines only, the stop-word test ignores case, a top n-gram that occurs once is not
repetition, duplicated n-grams count every covered word once, and no ratio divides by a count that can be
zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat

from babelbeam.filters.base import DocumentFilter, Verdict
from babelbeam.filters.textstats import TextStats
from babelbeam.schemas.quality_config import GopherQualityConfig, GopherRepetitionConfig

BULLETS = ("•", "-")
"""Line starts that mark a bullet line (datatrove's set)."""
ELLIPSES = ("...", "…")


class GopherQualityFilter(DocumentFilter):
    """Gopher's document rules (thresholds: ``GopherQualityConfig``). Reasons: ``gopher_quality_<condition>``.

    ``stop_words`` is the language's list as ``babelbeam.filters.stopwords.resolve_stop_words`` gives it
    (the config's own list first); None skips the stop-word rule.
    """

    name = "gopher_quality"

    def __init__(self, config: GopherQualityConfig, stop_words: Iterable[str] | None = None) -> None:
        self.config = config
        self.stop_words = None if stop_words is None else frozenset(w.lower() for w in stop_words)
        # Words that are stop words as written are stop words lower-cased too when lower-casing leaves every
        # stop word as it is: then enough of them settle the rule without lower-casing the document's words.
        self._stop_words_exact = self.stop_words is not None and all(
            w.lower() == w for w in self.stop_words)

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        c = self.config
        v = Verdict(self.name, record)
        n = st.n_words
        if v.below("words", n, c.min_doc_words, "too_few_words") or v.above(
                "words", n, c.max_doc_words, "too_many_words"):
            return v.reason
        if n == 0:
            # every per-word ratio below is undefined; an empty document fails the word-count rule if it is on
            return v.reason
        mean_len = st.word_chars / n
        if v.below("mean_word_length", mean_len, c.min_avg_word_length, "mean_word_too_short") or v.above(
                "mean_word_length", mean_len, c.max_avg_word_length, "mean_word_too_long"):
            return v.reason
        if c.max_symbol_word_ratio is not None:
            text = st.text
            if v.above("hash_word_ratio", text.count("#") / n, c.max_symbol_word_ratio, "too_many_hashes"):
                return v.reason
            ellipses = (text.count("...") + text.count("…")) / n
            if v.above("ellipsis_word_ratio", ellipses, c.max_symbol_word_ratio, "too_many_ellipses"):
                return v.reason
        lines = st.stripped_lines
        if lines and c.max_bullet_lines_ratio is not None:
            bullets = sum(map(str.startswith, lines, repeat(BULLETS))) / len(lines)
            if v.above("bullet_lines_ratio", bullets, c.max_bullet_lines_ratio, "too_many_bullet_lines"):
                return v.reason
        if lines and c.max_ellipsis_lines_ratio is not None:
            ell = sum(map(str.endswith, lines, repeat(ELLIPSES))) / len(lines)
            if v.above("ellipsis_lines_ratio", ell, c.max_ellipsis_lines_ratio, "too_many_ellipsis_lines"):
                return v.reason
        if c.min_alpha_words_ratio is not None and v.below(
                "alpha_words_ratio", st.n_alpha_words / n, c.min_alpha_words_ratio, "too_few_alpha_words"):
            return v.reason
        if c.min_stop_words is not None and self.stop_words is not None:
            if (
                record is None
                and self._stop_words_exact
                and len(self.stop_words.intersection(st.vocabulary)) >= c.min_stop_words
            ):
                return v.reason
            found = len(self.stop_words.intersection(st.lower_words))
            v.below("stop_words", found, c.min_stop_words, "too_few_stop_words")
        return v.reason


class GopherRepetitionFilter(DocumentFilter):
    """Gopher's repetition rules (thresholds: ``GopherRepetitionConfig``).
    Reasons: ``gopher_repetition_<condition>``.

    Shares of the document's characters (``len(text)``): duplicate paragraphs and lines (by count and by
    characters), the most frequent word n-gram for n = 2..4, and the words covered by repeated n-grams for
    n = 5..10.
    """

    name = "gopher_repetition"

    def __init__(self, config: GopherRepetitionConfig) -> None:
        c = self.config = config
        top = ((2, c.max_top_2gram_frac), (3, c.max_top_3gram_frac), (4, c.max_top_4gram_frac))
        dup = ((5, c.max_dup_5gram_frac), (6, c.max_dup_6gram_frac), (7, c.max_dup_7gram_frac),
               (8, c.max_dup_8gram_frac), (9, c.max_dup_9gram_frac), (10, c.max_dup_10gram_frac))
        self.top_ngrams = tuple((n, f) for n, f in top if f is not None)
        self.dup_ngrams = tuple((n, f) for n, f in dup if f is not None)
        self._dup_later_min = [
            min((f for _, f in self.dup_ngrams[i + 1 :]), default=None) for i in range(len(self.dup_ngrams))
        ]

    @property
    def ngram_sizes(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(the n of its top n-gram rules, the n of its duplicated n-gram rules)."""
        return tuple(n for n, _ in self.top_ngrams), tuple(n for n, _ in self.dup_ngrams)

    def reads_ngrams(self, st: TextStats, measuring: bool) -> bool:
        """Whether ``check(st, record)`` reads ``st.ngrams`` (``measuring``: ``record`` is a dict): there are
        n-gram rules, the text has at least two words and, unless measuring, passes the line and paragraph
        rules. The quality chain computes the n-gram statistics of such texts a batch at a time
        (``ngrams.batch_statistics``); a text this misjudged would only build its own table."""
        return self._line_rules_pass(st, Verdict(self.name, {} if measuring else None))

    def _line_rules_pass(self, st: TextStats, v: Verdict) -> bool:
        """Whether the n-gram rules run on ``st``; when they do not, ``v`` holds the reason (or none)."""
        c = self.config
        text_len = len(st.text)
        if not st.text.strip():
            v.check("chars", 0, True, "empty")
            return False
        units = (("para", c.max_dup_para_frac, c.max_dup_para_char_frac),
                 ("line", c.max_dup_line_frac, c.max_dup_line_char_frac))
        for unit, max_frac, max_char_frac in units:
            if max_frac is None and max_char_frac is None:
                continue
            parts, dup_n, dup_chars = st.paragraph_repeats if unit == "para" else st.line_repeats
            if v.above(f"dup_{unit}_frac", dup_n / parts, max_frac, f"dup_{unit}_frac") or v.above(
                    f"dup_{unit}_char_frac", dup_chars / text_len, max_char_frac, f"dup_{unit}_char_frac"):
                return False
        return bool(self.top_ngrams or self.dup_ngrams) and st.n_words >= 2

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        v = Verdict(self.name, record)
        if not self._line_rules_pass(st, v):
            return v.reason
        text_len = len(st.text)
        table = st.ngrams
        for n, max_frac in self.top_ngrams:
            if v.above(f"top_{n}gram_frac", table.top_ngram_chars(n) / text_len, max_frac, f"top_{n}gram"):
                return v.reason
        for i, (n, max_frac) in enumerate(self.dup_ngrams):
            frac = table.duplicated_ngram_chars(n) / text_len
            if v.above(f"dup_{n}gram_frac", frac, max_frac, f"dup_{n}gram"):
                return v.reason
            # coverage never grows with n: below every later limit, no later rule can fail
            later = self._dup_later_min[i]
            if record is None and later is not None and frac <= later:
                break
        return v.reason
