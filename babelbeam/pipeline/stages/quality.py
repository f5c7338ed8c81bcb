"""The quality stage: runs the quality chain on each document with its language's settings.

Runs after language ID, so ``doc.lang`` picks the settings. The chain is built in ``setup()`` (never pickled).
The stage base counts removals as ``quality.removed_<reason>``; in ``label_only`` mode nothing is removed and
flagged documents count as ``quality.labelled_<reason>``. Documents of a language with no stop-word list (the
Gopher stop-word rule skips them) count as ``quality.stopwords_missing_<lang>``.
"""

from __future__ import annotations

from babelbeam.filters.quality import LABEL_KEY, QualityChain
from babelbeam.pipeline.stages.base import DocumentStage, DocumentStageFn, set_up
from babelbeam.schemas import Document
from babelbeam.schemas.quality_config import QualityConfig


class QualityFilterFn(DocumentStageFn):
    """Keep, clean or remove each document by the configured quality filters."""

    stage = "quality"

    def __init__(self, config: QualityConfig) -> None:
        super().__init__()
        self.config = config
        self._chain: QualityChain | None = None

    def setup(self) -> None:
        self._chain = QualityChain.from_config(self.config)

    def transform(self, doc: Document) -> Document:
        chain = set_up(self._chain, "QualityFilterFn.transform")
        if chain.stop_words_missing(doc.lang):
            self._counters.inc(f"stopwords_missing_{doc.lang}")
        out = chain.apply(doc)
        reason = out.metadata.get(LABEL_KEY) if chain.config.label_only else None
        if reason is not None:
            self._counters.inc(f"labelled_{reason}")
        return out


class QualityFilter(DocumentStage):
    """Quality-filter documents; returns ``{"kept": ..., "removed": ...}`` PCollections of ``Document``."""

    def __init__(self, config: QualityConfig) -> None:
        super().__init__(QualityFilterFn(config))
