"""The language-ID stage: annotate every document with its language and remove what the config rejects.

The fastText model loads in ``setup()`` (never at import, never pickled with the DoFn) and is shared by
every DoFn instance of the worker process through ``apache_beam.utils.shared.Shared``, so a multi-threaded
worker holds one copy.
"""

from __future__ import annotations

import dataclasses

import apache_beam as beam
from apache_beam.utils.shared import Shared

from babelbeam.filters.langid import LanguageIdentifier, validate_config
from babelbeam.pipeline.stage import DocumentStage, DocumentStageFn
from babelbeam.schemas import Document
from babelbeam.schemas.config import LangIdConfig


class IdentifyLanguageFn(DocumentStageFn):
    """Fill ``lang``, ``lang_score``, ``lang_top``, ``lang_label``; removal reasons ``langid_too_short``,
    ``langid_undetermined``, ``langid_not_selected``, ``langid_low_score``."""

    stage = "langid"

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
        if self._identifier is None:
            raise RuntimeError("IdentifyLanguageFn.transform called before setup()")
        return self._identifier.annotate(doc)

    def __getstate__(self) -> dict[str, object]:
        # The loaded model stays on the worker that loaded it; a pickled DoFn carries only its config.
        state = self.__dict__.copy()
        state["_identifier"] = None
        return state


class IdentifyLanguage(beam.PTransform):
    """Language identification onto the 119 registry codes; returns ``{"kept", "removed"}``."""

    def __init__(self, config: LangIdConfig) -> None:
        super().__init__()
        self._config = config

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        return docs | "IdentifyLanguage" >> DocumentStage(IdentifyLanguageFn(self._config))
