"""The spine's own stages: normalise, exact dedup and tokenize, each a named composite PTransform."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics

from babelbeam.filters.normalize import exact_dedup_key, normalize_text
from babelbeam.pipeline.stage import KEPT, METRICS_NAMESPACE, REMOVED, DocumentStage, DocumentStageFn
from babelbeam.schemas import Document
from babelbeam.schemas.config import ExactDedupConfig, NormalizeConfig, TokenizeConfig
from babelbeam.tokenize.shards import ShardRow

EXACT_DUPLICATE = "exact_duplicate"


class NormalizeFn(DocumentStageFn):
    stage = "normalize"

    def __init__(self, config: NormalizeConfig) -> None:
        super().__init__()
        self.config = config

    def transform(self, doc: Document) -> Document:
        doc.text = normalize_text(doc.text, self.config.form, self.config.strip_control)
        if not doc.text.strip():
            return doc.removed("normalize_empty")
        return doc


class Normalize(beam.PTransform):
    """Unicode normalisation and control-character removal; empty documents are removed."""

    def __init__(self, config: NormalizeConfig) -> None:
        super().__init__()
        self._config = config

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        return docs | "Normalize" >> DocumentStage(NormalizeFn(self._config))


class _KeepSmallestId(beam.DoFn):
    """Of the documents sharing a text key, keep the smallest id; the rest are exact duplicates of it."""

    def __init__(self) -> None:
        super().__init__()
        self.kept = Metrics.counter(METRICS_NAMESPACE, "exact_dedup.kept")
        self.removed = Metrics.counter(METRICS_NAMESPACE, f"exact_dedup.removed_{EXACT_DUPLICATE}")

    def process(self, element: tuple[str, Iterable[Document]]) -> Iterator[object]:
        _, docs = element
        # Two passes over the (re-iterable) group: min id first, so no group is held in a list.
        keep_id, size = None, 0
        for doc in docs:
            size += 1
            if keep_id is None or doc.id < keep_id:
                keep_id = doc.id
        for doc in docs:
            if doc.id == keep_id:
                doc.dup_cluster = keep_id if size > 1 else None
                doc.dup_cluster_size = size
                self.kept.inc()
                yield doc
            else:
                doc.dup_cluster = keep_id
                doc.dup_cluster_size = size
                self.removed.inc()
                yield beam.pvalue.TaggedOutput(REMOVED, doc.removed(EXACT_DUPLICATE))


class ExactDedup(beam.PTransform):
    """Remove documents whose case- and whitespace-folded text hash repeats; the smallest id stays."""

    def __init__(self, config: ExactDedupConfig) -> None:
        super().__init__()
        self._config = config

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        if not self._config.enabled:
            empty = docs.pipeline | "NoDuplicates" >> beam.Create([])
            return {KEPT: docs, REMOVED: empty}
        results = (
            docs
            | "KeyByTextHash" >> beam.Map(lambda doc: (exact_dedup_key(doc.text), doc))
            | "GroupByTextHash" >> beam.GroupByKey()
            | "KeepSmallestId" >> beam.ParDo(_KeepSmallestId()).with_outputs(REMOVED, main=KEPT)
        )
        return {KEPT: results[KEPT], REMOVED: results[REMOVED]}


class TokenizeFn(beam.DoFn):
    """Document -> ShardRow: tokens with EOS appended; the text is dropped here to keep later shuffles small."""

    def __init__(self, config: TokenizeConfig) -> None:
        super().__init__()
        self.config = config
        self.documents = Metrics.counter(METRICS_NAMESPACE, "tokenize.documents")
        self.tokens = Metrics.counter(METRICS_NAMESPACE, "tokenize.tokens")

    def setup(self) -> None:
        from babelbeam.tokenize import load_tokenizer

        self.tokenizer = load_tokenizer(self.config.tokenizer)
        self.eos = np.array([self.tokenizer.eos_id], dtype=np.uint32)

    def process(self, doc: Document) -> Iterator[ShardRow]:
        tokens = np.concatenate([self.tokenizer.encode_array(doc.text), self.eos])
        self.documents.inc()
        self.tokens.inc(len(tokens))
        yield ShardRow(
            id=doc.id,
            lang=doc.lang,
            tokens=tokens,
            source=doc.source,
            lang_score=doc.lang_score,
            dup_cluster_size=doc.dup_cluster_size,
            quality_score=doc.quality_score,
            quality_bucket=doc.quality_bucket,
        )


class Tokenize(beam.PTransform):
    """Documents -> ShardRows with the configured tokenizer (loaded once per worker in ``setup``)."""

    def __init__(self, config: TokenizeConfig) -> None:
        super().__init__()
        self._config = config

    def expand(self, docs: beam.PCollection) -> beam.PCollection:
        return docs | "Encode" >> beam.ParDo(TokenizeFn(self._config))
