"""The language-ID stage: annotate every document with its language and remove what the config rejects.

The fastText model loads in ``setup()`` (never at import, never pickled with the DoFn) and is shared by every
DoFn instance of the worker process through Beam's ``Shared``, so a multi-threaded worker holds one copy.

The DoFn identifies documents ``BATCH_DOCS`` at a time (``LanguageIdentifier.annotate_batch``: one fastText
call per batch): run back to back, the predictions find the model in the CPU cache; one document at a time,
the code otherwise the same, took about 1.4x the CPU on the benchmark corpus (``benchmarks/bench_langid.py``,
docs/performance.md). The buffering is ``BatchedDocumentStageFn``'s: each document still leaves with its own
timestamp and window, in input order, counted exactly as one at a time.
"""

from __future__ import annotations

import dataclasses

from apache_beam.utils.shared import Shared

from babelbeam.filters.langid import LanguageIdentifier, validate_config
from babelbeam.pipeline.stages.base import BatchedDocumentStageFn, DocumentStage, set_up
from babelbeam.schemas import Document
from babelbeam.schemas.config import LangIdConfig


class IdentifyLanguageFn(BatchedDocumentStageFn):
    """Fill ``lang``, ``lang_score``, ``lang_top``, ``lang_label``; removal reasons ``langid_too_short``,
    ``langid_undetermined``, ``langid_not_selected``, ``langid_low_score``."""

    stage = "langid"

    BATCH_DOCS = 512
    """Documents per fastText call. The issue's measurement: stage CPU -9.5% at 64, -19% at 2,000; 512 gets
    most of it while a batch of long documents stays a few MB."""
    BATCH_CHARS = 1 << 23
    """Only each document's sample (``langid.max_sample_chars``) is predicted, so long documents need not cut
    a batch short; this bounds what the buffer holds."""

    def __init__(self, config: LangIdConfig) -> None:
        super().__init__()
        validate_config(config)  # fail at graph construction, naming the flag, not on a worker
        self.config = config
        self._shared = Shared()
        self._identifier: LanguageIdentifier | None = None

    def setup(self) -> None:
        # The tag names the whole config, so two stages with different models in one process do not share.
        tag = repr(dataclasses.astuple(self.config))
        self._identifier = self._shared.acquire(lambda: LanguageIdentifier.from_config(self.config), tag=tag)

    def transform(self, doc: Document) -> Document:
        return set_up(self._identifier, "IdentifyLanguageFn.transform").annotate(doc)

    def transform_batch(self, docs: list[Document]) -> list[Document]:
        return set_up(self._identifier, "IdentifyLanguageFn.process").annotate_batch(docs)

    def __getstate__(self) -> dict[str, object]:
        # The loaded model stays on the worker that loaded it; a pickled DoFn carries only its config.
        return {**super().__getstate__(), "_identifier": None}


class IdentifyLanguage(DocumentStage):
    """Language identification onto the 119 registry codes; returns ``{"kept", "removed"}``."""

    def __init__(self, config: LangIdConfig) -> None:
        super().__init__(IdentifyLanguageFn(config))
