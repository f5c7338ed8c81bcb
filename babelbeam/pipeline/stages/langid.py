"""The language-ID stage: annotate every document with its language and remove what the config rejects.

The fastText model loads in ``setup()`` (never at import, never pickled with the DoFn) and is shared by every
DoFn instance of the worker process through Beam's ``Shared``, so a multi-threaded worker holds one copy.

The DoFn identifies documents ``BATCH_DOCS`` at a time (``LanguageIdentifier.annotate_batch``: one fastText
call per batch): run back to back, the predictions find the model in the CPU cache; one document at a time,
the code otherwise the same, took about 1.4x the CPU on the benchmark corpus (``benchmarks/bench_langid.py``,
docs/performance.md). Each document still leaves with its own timestamp and window, in input order, counted
exactly as one at a time; the last partial batch leaves in ``finish_bundle``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.utils.shared import Shared
from apache_beam.utils.windowed_value import WindowedValue

from babelbeam.filters.langid import LanguageIdentifier, validate_config
from babelbeam.pipeline.stages.base import DocumentStage, DocumentStageFn, set_up
from babelbeam.schemas import Document
from babelbeam.schemas.config import LangIdConfig


class IdentifyLanguageFn(DocumentStageFn):
    """Fill ``lang``, ``lang_score``, ``lang_top``, ``lang_label``; removal reasons ``langid_too_short``,
    ``langid_undetermined``, ``langid_not_selected``, ``langid_low_score``."""

    stage = "langid"

    BATCH_DOCS = 512
    """Documents per fastText call. The issue's measurement: stage CPU -9.5% at 64, -19% at 2,000; 512 gets
    most of it while a batch of long documents stays a few MB."""

    def __init__(self, config: LangIdConfig) -> None:
        super().__init__()
        validate_config(config)  # fail at graph construction, naming the flag, not on a worker
        self.config = config
        self._shared = Shared()
        self._identifier: LanguageIdentifier | None = None
        self._batch: list[tuple[Document, Any, Any, Any]] = []
        """Buffered (document, timestamp, window, pane) not yet identified."""

    def setup(self) -> None:
        # The tag names the whole config, so two stages with different models in one process do not share.
        tag = repr(dataclasses.astuple(self.config))
        self._identifier = self._shared.acquire(lambda: LanguageIdentifier.from_config(self.config), tag=tag)

    def transform(self, doc: Document) -> Document:
        return set_up(self._identifier, "IdentifyLanguageFn.transform").annotate(doc)

    def start_bundle(self) -> None:
        self._batch = []

    def process(self, doc: Document, timestamp: Any = beam.DoFn.TimestampParam,
                window: Any = beam.DoFn.WindowParam, pane: Any = beam.DoFn.PaneInfoParam) -> Iterator[object]:
        self._batch.append((doc, timestamp, window, pane))
        if len(self._batch) >= self.BATCH_DOCS:
            yield from self._flush()

    def finish_bundle(self) -> Iterator[object]:  # type: ignore[override]  # Beam takes its outputs
        yield from self._flush()
        super().finish_bundle()

    def _flush(self) -> Iterator[object]:
        """Identify the buffered documents; each leaves as ``DocumentStageFn.process`` would send it (same
        counters, same progress note), wrapped in its own timestamp, window and pane."""
        if not self._batch:
            return
        identifier = set_up(self._identifier, "IdentifyLanguageFn.process")
        batch, self._batch = self._batch, []
        outs = identifier.annotate_batch([doc for doc, _, _, _ in batch])
        for out, (_, timestamp, window, pane) in zip(outs, batch, strict=True):
            yield self._emit(out, WindowedValue(out, timestamp, (window,), pane))

    def __getstate__(self) -> dict[str, object]:
        # The loaded model stays on the worker that loaded it; a pickled DoFn carries only its config.
        return {**self.__dict__, "_identifier": None, "_batch": []}


class IdentifyLanguage(DocumentStage):
    """Language identification onto the 119 registry codes; returns ``{"kept", "removed"}``."""

    def __init__(self, config: LangIdConfig) -> None:
        super().__init__(IdentifyLanguageFn(config))
