"""The quality chain: every configured filter for a document, with that document's language settings.

``QualityChain.from_config(config).apply(doc)`` runs, in order: the URL blocklist, the line cleaners
(boilerplate lines), the document filters (Gopher repetition, Gopher quality, FineWeb, C4: English only by
default), and, for a document every filter keeps, the final line cleaners (C4's dropped lines, when
``c4.remove_lines``). It returns the document, cleaned, or ``doc.removed(reason)``: a filter's reason, a
cleaner's ``empty_reason`` when it leaves nothing (the document keeps the text it had before that cleaner),
or ``quality_empty``. The text is segmented once and every step reads the same ``TextStats``.
``LanguageChain.from_settings`` builds a language's steps from its resolved settings
(``QualityConfig.settings_for``), one config section a step.

``label_only`` mode keeps every document: the first failed reason is written to
``doc.metadata["quality_reason"]`` (metadata holds strings; ``measurements`` holds numbers) and
``doc.measurements["quality_flagged"] = 1.0``.
"""

from __future__ import annotations

import dataclasses
import logging
from functools import partial
from typing import NamedTuple

from babelbeam.filters.base import DocumentFilter, LineCleaner
from babelbeam.filters.c4 import C4LineCleaner, C4QualityFilter
from babelbeam.filters.fineweb import FineWebQualityFilter
from babelbeam.filters.gopher import GopherQualityFilter, GopherRepetitionFilter
from babelbeam.filters.lines import BoilerplateLineCleaner, UrlBlocklist
from babelbeam.filters.ngrams import batch_statistics
from babelbeam.filters.stopwords import resolve_stop_words
from babelbeam.filters.textstats import TextStats
from babelbeam.schemas.document import Document
from babelbeam.schemas.quality_config import QualityConfig

log = logging.getLogger(__name__)

LABEL_KEY = "quality_reason"
"""Metadata key holding the reason in ``label_only`` mode."""
EMPTY_REASON = "quality_empty"
"""Reason for a document whose text is empty or only whitespace."""


@dataclasses.dataclass
class LanguageChain:
    """The steps built for one language, in the order they run, and where its stop words came from."""

    lang: str
    cleaners: list[LineCleaner]
    filters: list[DocumentFilter]
    final_cleaners: list[LineCleaner]
    """Run only on documents every filter keeps."""
    stopword_source: str

    @classmethod
    def from_settings(cls, settings: QualityConfig, lang: str) -> LanguageChain:
        """The steps of ``settings`` (``QualityConfig.settings_for(lang)``), each from its config section."""
        s = settings
        stop_words, source = resolve_stop_words(lang, configured=s.gopher_quality.stop_words,
                                                corpus_dir=s.stopwords_dir)
        if s.gopher_quality.enabled and stop_words is None and s.gopher_quality.min_stop_words is not None:
            # INFO, not WARNING: expected for 59 languages, and counted per document by the stage
            # (``quality.stopwords_missing_<lang>``); `babelbeam stopwords` derives lists for them.
            log.info("no stop words for %s: the Gopher stop-word rule is skipped for it", lang)
        filters = ((GopherRepetitionFilter, s.gopher_repetition),
                   (partial(GopherQualityFilter, stop_words=stop_words), s.gopher_quality),
                   (FineWebQualityFilter, s.fineweb), (C4QualityFilter, s.c4))
        return cls(lang, cleaners=[BoilerplateLineCleaner(s.lines)] if s.lines.enabled else [],
                   filters=[build(section) for build, section in filters if section.enabled],
                   final_cleaners=[C4LineCleaner(s.c4)] if s.c4.enabled and s.c4.remove_lines else [],
                   stopword_source=source)


class _Pending(NamedTuple):
    """A document the chain's filters still have to judge, with what they read."""

    doc: Document
    stats: TextStats
    chain: LanguageChain
    record: dict[str, float] | None
    """The measurements of ``keep_measurements``, else None."""


def _clean(cleaner: LineCleaner, doc: Document, stats: TextStats,
           record: dict[str, float] | None) -> tuple[Document, TextStats, str | None]:
    """The document and statistics after ``cleaner``, or the document as it was and the reason it goes."""
    cleaned = cleaner.clean(stats, record)
    if cleaned.text is stats.text:
        return doc, stats, None
    if not cleaned.text.strip():
        return doc, stats, cleaner.empty_reason
    if cleaned.text == stats.text:
        return doc, stats, None
    doc = dataclasses.replace(doc, text=cleaned.text)
    return doc, TextStats(doc.text, doc.lang, url=doc.url), None


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
            chain = self._chains[lang] = LanguageChain.from_settings(self.config.settings_for(lang), lang)
        return chain

    def stopword_source(self, lang: str) -> str:
        """``config``, ``stopwordsiso``, ``corpus`` or ``none`` (the stop-word rule is skipped)."""
        return self.for_language(lang).stopword_source

    def stop_words_missing(self, lang: str) -> bool:
        """True when the chain runs Gopher's quality rules but ``lang`` has no stop-word list for them."""
        config = self.config
        return config.enabled and config.gopher_quality.enabled and self.stopword_source(lang) == "none"

    def reason(self, doc: Document) -> tuple[Document, str | None]:
        """Run the chain: the (possibly cleaned) document and the first failed reason, or None to keep it."""
        cleaned = self._cleaned(doc)
        return self._filtered(cleaned) if isinstance(cleaned, _Pending) else cleaned

    def reason_batch(self, docs: list[Document]) -> list[tuple[Document, str | None]]:
        """``[reason(d) for d in docs]``, with the Gopher n-gram statistics of the documents that reach them
        computed together (``ngrams.batch_statistics``: numpy's cost per call shared by the batch). The
        results are the same; the batch's statistics are held at once (the stage bounds its batches)."""
        cleaned = [self._cleaned(doc) for doc in docs]
        self._share_ngram_work([c for c in cleaned if isinstance(c, _Pending)])
        return [self._filtered(c) if isinstance(c, _Pending) else c for c in cleaned]

    def _cleaned(self, doc: Document) -> tuple[Document, str | None] | _Pending:
        """The chain up to its filters: ``(document, reason)`` when that decides it, else what the filters
        need."""
        stats = TextStats(doc.text, doc.lang, url=doc.url)
        if self.blocklist is not None:
            reason = self.blocklist.check(stats, None)
            if reason is not None:
                return doc, reason
        chain = self.for_language(doc.lang)
        record = None
        if self.config.keep_measurements:
            # never write into the caller's dict
            doc = dataclasses.replace(doc, measurements=dict(doc.measurements))
            record = doc.measurements
        for cleaner in chain.cleaners:
            doc, stats, reason = _clean(cleaner, doc, stats, record)
            if reason is not None:
                return doc, reason
        if not doc.text.strip():
            return doc, EMPTY_REASON
        return _Pending(doc, stats, chain, record)

    @staticmethod
    def _filtered(pending: _Pending) -> tuple[Document, str | None]:
        """The filters and final cleaners, after ``_cleaned``."""
        doc, stats, chain, record = pending
        first: str | None = None
        for f in chain.filters:
            reason = f.check(stats, record)
            if reason is not None and first is None:
                first = reason
                if record is None:
                    return doc, first
        if first is None:
            for cleaner in chain.final_cleaners:
                doc, stats, first = _clean(cleaner, doc, stats, record)
                if first is not None:
                    break
        return doc, first

    @staticmethod
    def _share_ngram_work(pending: list[_Pending]) -> None:
        """Set ``stats.ngrams`` of every pending text whose Gopher repetition filter will read it, computed
        a batch at a time per set of rules (languages' settings may differ)."""
        by_sizes: dict[tuple[tuple[int, ...], tuple[int, ...]], list[TextStats]] = {}
        for _, stats, chain, record in pending:
            measuring = record is not None
            for f in chain.filters:
                if isinstance(f, GopherRepetitionFilter) and f.reads_ngrams(stats, measuring=measuring):
                    by_sizes.setdefault(f.ngram_sizes, []).append(stats)
        for (top_ns, dup_ns), group in by_sizes.items():
            tables = batch_statistics([s.word_index for s in group], top_ns, dup_ns)
            for stats, table in zip(group, tables, strict=True):
                stats.ngrams = table  # the cached property's value, set beforehand

    def apply(self, doc: Document) -> Document:
        """The document, cleaned, or ``doc.removed(reason)``; in ``label_only`` mode always kept, the reason
        in its metadata."""
        if not self.config.enabled:
            return doc
        return self._outcome(*self.reason(doc))

    def apply_batch(self, docs: list[Document]) -> list[Document]:
        """``[apply(d) for d in docs]``, through ``reason_batch``."""
        if not self.config.enabled:
            return list(docs)
        return [self._outcome(out, reason) for out, reason in self.reason_batch(docs)]

    def _outcome(self, out: Document, reason: str | None) -> Document:
        if reason is None:
            return out
        if self.config.label_only:
            return dataclasses.replace(out, metadata={**out.metadata, LABEL_KEY: reason},
                                       measurements={**out.measurements, "quality_flagged": 1.0})
        return out.removed(reason)
