"""The quality stage: runs the quality chain on each document with its language's settings.

Runs after language ID, so ``doc.lang`` picks the settings. The chain is built in ``setup()`` (never pickled).
Documents go through it a batch at a time (``BatchedDocumentStageFn``), with the same results and counters as
one at a time.
The stage base counts removals as ``quality.removed_<reason>``; in ``label_only`` mode nothing is removed and
flagged documents count as ``quality.labelled_<reason>``. Documents of a language with no stop-word list (the
Gopher stop-word rule skips them) count as ``quality.stopwords_missing_<lang>``.
"""

from __future__ import annotations

from babelbeam.filters.quality import LABEL_KEY, QualityChain
from babelbeam.pipeline.stages.base import BatchedDocumentStageFn, DocumentStage, set_up
from babelbeam.schemas import Document
from babelbeam.schemas.quality_config import QualityConfig


class QualityFilterFn(BatchedDocumentStageFn):
    """Keep, clean or remove each document by the configured quality filters, a batch at a time
    (``QualityChain.apply_batch``: the Gopher n-gram statistics of a batch are computed together)."""

    stage = "quality"

    def __init__(self, config: QualityConfig) -> None:
        super().__init__()
        self.config = config
        self._chain: QualityChain | None = None

    def setup(self) -> None:
        self._chain = QualityChain.from_config(self.config)

    def transform_batch(self, docs: list[Document]) -> list[Document]:
        chain = set_up(self._chain, "QualityFilterFn.transform_batch")
        for doc in docs:
            if chain.stop_words_missing(doc.lang):
                self._counters.inc(f"stopwords_missing_{doc.lang}")
        outs = chain.apply_batch(docs)
        if chain.config.label_only:
            for out in outs:
                reason = out.metadata.get(LABEL_KEY)
                if reason is not None:
                    self._counters.inc(f"labelled_{reason}")
        return outs

    def __getstate__(self) -> dict[str, object]:
        # The chain is built on the worker (setup); a pickled DoFn carries only its config.
        return {**super().__getstate__(), "_chain": None}


class QualityFilter(DocumentStage):
    """Quality-filter documents; returns ``{"kept": ..., "removed": ...}`` PCollections of ``Document``."""

    def __init__(self, config: QualityConfig) -> None:
        super().__init__(QualityFilterFn(config))
