"""The language-ID Beam stage on the FnApiRunner: annotation, removal reasons, no model in the pickle."""

from __future__ import annotations

import pickle

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from conftest import run_stage_fn

from babelbeam.pipeline.stages.langid import IdentifyLanguage, IdentifyLanguageFn
from babelbeam.schemas import Document
from babelbeam.schemas.config import LangIdConfig

DOCS = [
    Document(id="en", text="The weather was cold this morning, so we stayed inside and read the newspaper."),
    Document(id="de",
             text="Gestern Abend haben wir im Garten gegrillt, obwohl es ziemlich kalt und windig war."),
    Document(id="hant", text="昨天晚上我們去看了電影，然後在河邊散步了很長時間，天氣非常涼爽。"),
    Document(id="short", text="hi there"),
    Document(id="eo",
             text="La vetero estis tre malvarma hodiaŭ matene, do ni restis hejme kaj legis la ĵurnalon."),
]


def test_stage_annotates_and_routes() -> None:
    config = LangIdConfig(threshold=0.3, keep_languages=["eng_Latn", "zho_Hant", "deu_Latn"])
    with TestPipeline(options=PipelineOptions(["--runner=FnApiRunner"])) as p:
        out = p | beam.Create(DOCS) | IdentifyLanguage(config)
        kept = out["kept"] | "KeptKeys" >> beam.Map(lambda d: (d.id, d.lang, d.lang_label))
        removed = out["removed"] | "RemovedKeys" >> beam.Map(lambda d: (d.id, d.lang, d.removed_reason))
        assert_that(
            kept,
            equal_to([("en", "eng_Latn", None), ("de", "deu_Latn", None), ("hant", "zho_Hant", "zh")]),
            label="Kept",
        )
        assert_that(
            removed,
            equal_to([("short", "und", "langid_too_short"), ("eo", "und", "langid_undetermined")]),
            label="Removed",
        )


def test_stage_keeps_top_k_scores() -> None:
    with TestPipeline(options=PipelineOptions(["--runner=FnApiRunner"])) as p:
        out = p | beam.Create(DOCS[:2]) | IdentifyLanguage(LangIdConfig(top_k=2, threshold=0.0))
        tops = out["kept"] | beam.Map(
            lambda d: (d.id, len(d.lang_top), d.lang_top[0][0] == d.lang, d.lang_score > 0.5))
        assert_that(tops, equal_to([("en", 2, True, True), ("de", 2, True, True)]))


def test_dofn_pickles_without_model() -> None:
    fn = IdentifyLanguageFn(LangIdConfig())
    fn.setup()
    assert fn._identifier is not None
    clone = pickle.loads(pickle.dumps(fn))
    assert clone._identifier is None  # the model never travels with the DoFn
    assert len(pickle.dumps(fn)) < 50_000  # lid.176.ftz alone is 917 KB
    clone.setup()
    assert clone.transform(DOCS[0]).lang == "eng_Latn"


class _SmallBatchFn(IdentifyLanguageFn):
    BATCH_DOCS = 2  # five documents: two full batches and a partial one left for finish_bundle


def test_batched_stage_equals_one_document_at_a_time() -> None:
    config = LangIdConfig(threshold=0.3, keep_languages=["eng_Latn", "zho_Hant", "deu_Latn"])
    one = IdentifyLanguageFn(config)
    one.setup()
    want = [one.transform(d) for d in DOCS]
    counters = run_stage_fn(_SmallBatchFn(config), DOCS, want)
    assert counters == {"langid.kept": 3, "langid.removed_langid_too_short": 1,
                        "langid.removed_langid_undetermined": 1}
