"""The spine's own per-document stage: Unicode normalisation, as a named composite PTransform."""

from __future__ import annotations

import dataclasses

from babelbeam.filters.normalize import normalize_text
from babelbeam.pipeline.stages.base import DocumentStage, DocumentStageFn
from babelbeam.schemas import Document
from babelbeam.schemas.config import NormalizeConfig


class NormalizeFn(DocumentStageFn):
    stage = "normalize"

    def __init__(self, config: NormalizeConfig) -> None:
        super().__init__()
        self.config = config

    def transform(self, doc: Document) -> Document:
        # A copy: Beam forbids changing an input element (another consumer may hold the same object).
        text = normalize_text(doc.text, self.config.form, self.config.strip_control)
        doc = dataclasses.replace(doc, text=text)
        return doc if text.strip() else doc.removed("normalize_empty")


class Normalize(DocumentStage):
    """Unicode normalisation and control-character removal; empty documents are removed."""

    def __init__(self, config: NormalizeConfig) -> None:
        super().__init__(NormalizeFn(config))
