"""The shape every document stage shares: one DoFn per stage that keeps or removes each document.

A stage's DoFn implements ``transform(doc) -> Document``: it returns the
document annotated, or ``doc.removed(reason)`` with a stable
``<stage>_<condition>`` reason. ``DocumentStage`` applies it and returns
``{"kept": ..., "removed": ...}``; counters ``kept`` and ``removed_<reason>``
are created once per reason and counted through Beam ``Metrics``. The graph
(``pipeline/graph.py``) chains stages and sends every ``removed`` output to the
removed log and the stats, so a stage never has to.
"""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam
from apache_beam.metrics import Metrics

from babelbeam.pipeline import progress
from babelbeam.schemas import Document

KEPT = "kept"
REMOVED = "removed"
METRICS_NAMESPACE = "babelbeam"


class DocumentStageFn(beam.DoFn):
    """Base DoFn of a keep-or-remove stage. Subclasses set ``stage`` and implement ``transform``."""

    stage: str = "stage"

    def __init__(self) -> None:
        super().__init__()
        self._counters: dict[str, object] = {}

    def transform(self, doc: Document) -> Document:
        raise NotImplementedError

    def _count(self, name: str) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(METRICS_NAMESPACE, f"{self.stage}.{name}")
        counter.inc()

    def process(self, doc: Document) -> Iterator[object]:
        out = self.transform(doc)
        if out.removed_reason is None:
            self._count(KEPT)
            yield out
        else:
            self._count(f"removed_{out.removed_reason}")
            progress.note_removed(out.source)
            yield beam.pvalue.TaggedOutput(REMOVED, out)

    def finish_bundle(self) -> None:
        progress.flush()


class DocumentStage(beam.PTransform):
    """Apply a ``DocumentStageFn``; returns ``{"kept": PCollection[Document], "removed": PCollection[Document]}``."""

    def __init__(self, fn: DocumentStageFn, label: str | None = None) -> None:
        super().__init__(label)
        self._fn = fn

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        results = docs | "Apply" >> beam.ParDo(self._fn).with_outputs(REMOVED, main=KEPT)
        return {KEPT: results[KEPT], REMOVED: results[REMOVED]}
