"""The quality chain: every configured filter for a document, with that document's language settings.

``QualityChain.from_config(config).apply(doc)`` runs, in order: the URL
blocklist, the boilerplate line cleaner, Gopher repetition, Gopher quality,
FineWeb and C4 (English only by default), and returns the document (cleaned of
boilerplate lines, and of C4's dropped lines where C4 ran) or
``doc.removed(reason)``. The text is segmented once and every filter reads the
same ``TextStats`` (lines, words, n-gram tables). C4 runs last because it may
rewrite the text.

``label_only`` mode keeps every document: the first failed reason is written to
``doc.metadata["quality_reason"]`` (metadata holds strings; ``measurements``
holds numbers) and ``doc.measurements["quality_flagged"] = 1.0``.

The filter classes are re-exported here for callers that want one.
"""

from __future__ import annotations

import dataclasses
import logging

from babelbeam.filters.c4 import C4QualityFilter
from babelbeam.filters.fineweb import FineWebQualityFilter
from babelbeam.filters.gopher import GopherQualityFilter, GopherRepetitionFilter
from babelbeam.filters.lines import BOILERPLATE_PHRASES, LineCleaner, UrlBlocklist
from babelbeam.filters.stopwords import resolve_stop_words
from babelbeam.filters.textstats import TextFilter, TextStats
from babelbeam.schemas.document import Document
from babelbeam.schemas.quality_config import QualityConfig

__all__ = [
    "C4QualityFilter", "FineWebQualityFilter", "GopherQualityFilter", "GopherRepetitionFilter", "LineCleaner",
    "UrlBlocklist", "LanguageChain", "QualityChain", "LABEL_KEY", "EMPTY_REASON",
]

log = logging.getLogger(__name__)

LABEL_KEY = "quality_reason"
"""Metadata key holding the reason in ``label_only`` mode."""
EMPTY_REASON = "quality_empty"
"""Reason for a document whose text is empty or only whitespace."""


@dataclasses.dataclass
class LanguageChain:
    """The filters built for one language, and where its stop words came from."""

    lang: str
    cleaner: LineCleaner | None
    filters: list[TextFilter]
    c4: C4QualityFilter | None
    c4_remove_lines: bool
    stopword_source: str


def build_language_chain(config: QualityConfig, lang: str) -> LanguageChain:
    """Build the filters for ``lang`` from ``config.settings_for(lang)``."""
    s = config.settings_for(lang)
    measure = s.keep_measurements
    cleaner = None
    if s.lines.enabled:
        phrases = BOILERPLATE_PHRASES if s.lines.boilerplate_phrases is None else s.lines.boilerplate_phrases
        cleaner = LineCleaner(
            boilerplate_phrases=phrases,
            max_boilerplate_words=s.lines.max_boilerplate_words,
            max_word_length=s.lines.max_word_length,
            remove_citations=s.lines.remove_citations,
            keep_measurements=measure,
        )
    filters: list[TextFilter] = []
    if s.gopher_repetition.enabled:
        r = s.gopher_repetition
        filters.append(
            GopherRepetitionFilter(
                max_dup_line_frac=r.max_dup_line_frac,
                max_dup_para_frac=r.max_dup_para_frac,
                max_dup_line_char_frac=r.max_dup_line_char_frac,
                max_dup_para_char_frac=r.max_dup_para_char_frac,
                top_ngrams=[(n, getattr(r, f"max_top_{n}gram_frac")) for n in (2, 3, 4)],
                dup_ngrams=[(n, getattr(r, f"max_dup_{n}gram_frac")) for n in range(5, 11)],
                keep_measurements=measure,
            )
        )
    stop_words, source = resolve_stop_words(
        lang, configured=s.gopher_quality.stop_words, corpus_dir=s.stopwords_dir
    )
    if s.gopher_quality.enabled:
        q = s.gopher_quality
        if stop_words is None and q.min_stop_words is not None:
            # INFO, not WARNING: expected for 59 languages, and counted per document by the stage
            # (``quality.stopwords_missing_<lang>``); `babelbeam stopwords` derives lists for them.
            log.info("no stop words for %s: the Gopher stop-word rule is skipped for it", lang)
        filters.append(
            GopherQualityFilter(
                min_doc_words=q.min_doc_words,
                max_doc_words=q.max_doc_words,
                min_avg_word_length=q.min_avg_word_length,
                max_avg_word_length=q.max_avg_word_length,
                max_symbol_word_ratio=q.max_symbol_word_ratio,
                max_bullet_lines_ratio=q.max_bullet_lines_ratio,
                max_ellipsis_lines_ratio=q.max_ellipsis_lines_ratio,
                min_alpha_words_ratio=q.min_alpha_words_ratio,
                min_stop_words=q.min_stop_words,
                stop_words=stop_words,
                keep_measurements=measure,
            )
        )
    if s.fineweb.enabled:
        f = s.fineweb
        filters.append(
            FineWebQualityFilter(
                min_line_punct_ratio=f.min_line_punct_ratio,
                line_punct_exclude_zero=f.line_punct_exclude_zero,
                max_short_line_ratio=f.max_short_line_ratio,
                short_line_length=f.short_line_length,
                max_dup_line_char_ratio=f.max_dup_line_char_ratio,
                max_newlines_per_word=f.max_newlines_per_word,
                keep_measurements=measure,
            )
        )
    c4 = None
    if s.c4.enabled:
        c = s.c4
        c4 = C4QualityFilter(
            remove_citations=c.remove_citations,
            filter_no_terminal_punct=c.filter_no_terminal_punct,
            min_num_sentences=c.min_num_sentences,
            min_words_per_line=c.min_words_per_line,
            max_word_length=c.max_word_length,
            filter_lorem_ipsum=c.filter_lorem_ipsum,
            filter_javascript=c.filter_javascript,
            filter_curly_bracket=c.filter_curly_bracket,
            filter_policy=c.filter_policy,
            keep_measurements=measure,
        )
    return LanguageChain(lang, cleaner, filters, c4, s.c4.remove_lines, source)


class QualityChain:
    """All quality filters, built per language on first use and cached."""

    def __init__(self, config: QualityConfig) -> None:
        self.config = config
        self.blocklist = UrlBlocklist.from_file(config.url_blocklist) if config.url_blocklist else None
        self._chains: dict[str, LanguageChain] = {}

    @classmethod
    def from_config(cls, config: QualityConfig) -> QualityChain:
        return cls(config)

    def for_language(self, lang: str) -> LanguageChain:
        chain = self._chains.get(lang)
        if chain is None:
            chain = self._chains[lang] = build_language_chain(self.config, lang)
        return chain

    def stopword_source(self, lang: str) -> str:
        """``config``, ``stopwordsiso``, ``corpus`` or ``none`` (the stop-word rule is skipped)."""
        return self.for_language(lang).stopword_source

    def reason(self, doc: Document) -> tuple[Document, str | None]:
        """Run the chain: the (possibly cleaned) document and the first failed reason, or None to keep it."""
        if self.blocklist is not None:
            reason = self.blocklist.filter(doc)
            if reason is not None:
                return doc, reason
        chain = self.for_language(doc.lang)
        if self.config.keep_measurements:
            doc = dataclasses.replace(doc, measurements=dict(doc.measurements))  # never write into the caller's dict
        if chain.cleaner is not None:
            cleaned = chain.cleaner.clean(doc)
            if cleaned.removed_reason is not None:
                return doc, cleaned.removed_reason
            doc = cleaned
        if not doc.text.strip():
            return doc, EMPTY_REASON
        record = doc.measurements if self.config.keep_measurements else None
        stats = TextStats(doc.text, doc.lang)
        first: str | None = None
        for f in chain.filters:
            reason = f.check(stats, record)
            if reason is not None and first is None:
                first = reason
                if record is None:
                    return doc, first
        if chain.c4 is not None:
            reason = chain.c4.check(stats, record)
            if reason is not None and first is None:
                first = reason
            if first is None and chain.c4_remove_lines:
                kept = chain.c4.kept_text(stats)
                if not kept.strip():
                    return doc, "c4_all_lines_removed"
                if kept != doc.text:
                    doc = dataclasses.replace(doc, text=kept)
        return doc, first

    def apply(self, doc: Document) -> Document:
        """The document, cleaned, or ``doc.removed(reason)``; in ``label_only`` mode always kept, reason in metadata."""
        if not self.config.enabled:
            return doc
        out, reason = self.reason(doc)
        if reason is None:
            return out
        if self.config.label_only:
            measurements = dict(out.measurements)
            measurements["quality_flagged"] = 1.0
            return dataclasses.replace(out, metadata={**out.metadata, LABEL_KEY: reason}, measurements=measurements)
        return out.removed(reason)
