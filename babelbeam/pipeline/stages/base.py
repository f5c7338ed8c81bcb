"""The shape every document stage shares: one DoFn per stage that keeps or removes each document.

A stage's DoFn implements ``transform(doc) -> Document``: it returns the document annotated, or
``doc.removed(reason)`` with a stable ``<stage>_<condition>`` reason. ``DocumentStage`` applies it and returns
``{"kept": ..., "removed": ...}``; counters ``kept`` and ``removed_<reason>`` are created once per reason and
counted through Beam ``Metrics``. The graph (``pipeline/stages/chain.py``) chains stages and sends every
``removed`` output to the removed log and the stats, so a stage never has to.

A stage with more to report than keep or remove (the scorer's per-language score percentiles) declares it in
``summaries``: each ``StageSummary`` names an extra output of the stage, which annotate writes per wave and
finalize merges into one stats.json section, so a new stage never needs an edit to the phases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.utils.windowed_value import WindowedValue

from babelbeam.pipeline import progress
from babelbeam.schemas import Document

KEPT = "kept"
REMOVED = "removed"
METRICS_NAMESPACE = "babelbeam"


@dataclass(frozen=True)
class StageSummary:
    """An extra output of a stage that ends up in stats.json.

    ``output``: the key of the stage's result holding a PCollection of JSON-able items; annotate writes each
    wave's items, sorted, to ``work/counts/wave-W.<name>.json``. ``name``: the stats.json section. ``merge``:
    the section from the items of every wave, in wave order (a list of lists, items as JSON reads them back).
    """

    output: str
    name: str
    merge: Callable[[list[list[Any]]], Any]


def stage_summaries(stages: list[tuple[str, beam.PTransform]]) -> list[StageSummary]:
    """The summaries the stages declare (``summaries`` on a stage transform), in stage order."""
    return [summary for _, stage in stages for summary in getattr(stage, "summaries", ())]


Resource = TypeVar("Resource")


def set_up(resource: Resource | None, where: str) -> Resource:
    """``resource`` as ``setup()`` made it: the one check for a runner that calls ``process`` without it."""
    if resource is None:
        raise RuntimeError(f"{where} called before setup()")
    return resource


def counter(prefix: str, name: str) -> Any:
    """The Beam counter ``<prefix>.<name>`` in babelbeam's namespace (what stats and dashboards read)."""
    return Metrics.counter(METRICS_NAMESPACE, f"{prefix}.{name}")


class Counters:
    """Counters ``<prefix>.<name>`` made on first use: a stage counts reasons it cannot list in advance."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._made: dict[str, Any] = {}

    def inc(self, name: str, n: int = 1) -> None:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = counter(self.prefix, name)
        made.inc(n)


class DocumentStageFn(beam.DoFn):
    """Base DoFn of a keep-or-remove stage. Subclasses set ``stage`` and implement ``transform``."""

    stage: str = "stage"

    def __init__(self) -> None:
        super().__init__()
        self._counters = Counters(self.stage)

    def transform(self, doc: Document) -> Document:
        raise NotImplementedError

    def process(self, doc: Document) -> Iterator[object]:
        out = self.transform(doc)
        yield self._emit(out, out)

    def _emit(self, out: Document, value: object) -> object:
        """``value`` (``out`` or ``out`` in a WindowedValue) to the kept or removed output, counted."""
        if out.removed_reason is None:
            self._counters.inc(KEPT)
            return value
        self._counters.inc(f"removed_{out.removed_reason}")
        progress.note_removed(out.source)
        return beam.pvalue.TaggedOutput(REMOVED, value)

    def finish_bundle(self) -> None:
        progress.flush()


class BatchedDocumentStageFn(DocumentStageFn):
    """A stage that transforms documents a batch at a time: subclasses implement ``transform_batch``, which
    must return ``[transform(d) for d in docs]``.

    Documents are buffered until ``BATCH_DOCS`` of them or ``BATCH_CHARS`` characters of text are held (a
    longer document is a batch of its own), then each leaves as ``DocumentStageFn.process`` would send it
    (same counters, same progress note), in input order, wrapped in its own timestamp, window and pane; the
    last partial batch leaves in ``finish_bundle``.
    """

    BATCH_DOCS = 256
    BATCH_CHARS = 1 << 20

    def __init__(self) -> None:
        super().__init__()
        self._batch: list[tuple[Document, Any, Any, Any]] = []
        """Buffered (document, timestamp, window, pane) not yet transformed."""
        self._batch_chars = 0

    def transform_batch(self, docs: list[Document]) -> list[Document]:
        raise NotImplementedError

    def transform(self, doc: Document) -> Document:
        return self.transform_batch([doc])[0]

    def start_bundle(self) -> None:
        self._batch, self._batch_chars = [], 0

    def process(self, doc: Document, timestamp: Any = beam.DoFn.TimestampParam,
                window: Any = beam.DoFn.WindowParam, pane: Any = beam.DoFn.PaneInfoParam) -> Iterator[object]:
        if self._batch and self._batch_chars + len(doc.text) > self.BATCH_CHARS:
            yield from self._flush()
        self._batch.append((doc, timestamp, window, pane))
        self._batch_chars += len(doc.text)
        if len(self._batch) >= self.BATCH_DOCS:
            yield from self._flush()

    def finish_bundle(self) -> Iterator[object]:  # type: ignore[override]  # Beam takes its outputs
        yield from self._flush()
        super().finish_bundle()

    def _flush(self) -> Iterator[object]:
        if not self._batch:
            return
        batch, self._batch, self._batch_chars = self._batch, [], 0
        outs = self.transform_batch([doc for doc, _, _, _ in batch])
        for out, (_, timestamp, window, pane) in zip(outs, batch, strict=True):
            yield self._emit(out, WindowedValue(out, timestamp, (window,), pane))

    def __getstate__(self) -> dict[str, object]:
        # A pickled DoFn carries no buffered documents.
        return {**self.__dict__, "_batch": [], "_batch_chars": 0}


class DocumentStage(beam.PTransform):
    """Apply a ``DocumentStageFn``: ``{"kept": PCollection[Document], "removed": PCollection[Document]}``."""

    def __init__(self, fn: DocumentStageFn, label: str | None = None) -> None:
        super().__init__(label)
        self._fn = fn

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        results = docs | "Apply" >> beam.ParDo(self._fn).with_outputs(REMOVED, main=KEPT)
        return {KEPT: results[KEPT], REMOVED: results[REMOVED]}
