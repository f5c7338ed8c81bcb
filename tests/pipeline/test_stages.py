"""The spine's own stages, each through a TestPipeline on the FnApiRunner."""

from __future__ import annotations

import pickle

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from conftest import FNAPI

from babelbeam.filters.normalize import exact_dedup_key, normalize_text
from babelbeam.pipeline.phases.dedup import Decision, _ExactGroupFn, merge_decisions
from babelbeam.pipeline.stages.normalize import Normalize, NormalizeFn
from babelbeam.schemas import Document
from babelbeam.schemas.config import NormalizeConfig


def test_normalize_text():
    assert normalize_text("e\u0301\x00a\r\nb\x85") == "\u00e9a\nb"
    assert exact_dedup_key("Hello   World\n") == exact_dedup_key("hello world")
    assert exact_dedup_key("hello world") != exact_dedup_key("hello worlds")


def test_normalize_stage_removes_empty_documents():
    docs = [Document("a", "Cafe\u0301"), Document("b", " \x00\x01 \n")]
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        out = p | beam.Create(docs) | Normalize(NormalizeConfig())
        assert_that(out["kept"] | beam.Map(lambda d: (d.id, d.text)), equal_to([("a", "Caf\u00e9")]),
                    label="kept")
        assert_that(out["removed"] | beam.Map(lambda d: (d.id, d.removed_reason)),
                    equal_to([("b", "normalize_empty")]), label="removed")


def test_normalize_does_not_change_its_input_elements():
    """Beam forbids a DoFn to change its input: the documents given to Normalize pickle the same after."""
    docs = [Document("a", "Cafe\u0301 \x00"), Document("b", " \x00\x01 \n")]
    before = [pickle.dumps(d) for d in docs]
    fn = NormalizeFn(NormalizeConfig())
    out = [fn.transform(d) for d in docs]
    assert [pickle.dumps(d) for d in docs] == before
    assert out[0].text == "Caf\u00e9 " and [d.removed_reason for d in out] == [None, "normalize_empty"]


def test_exact_groups_keep_the_smallest_id_and_count_the_group():
    rows = [{"id": i, "exact_key": k, "bands": [], "quality_score": None, "shingles": None}
            for i, k in (("b", "k1"), ("a", "k1"), ("c", "k2"))]
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        out = (p | beam.Create(rows) | beam.Map(lambda r: (r["exact_key"], r)) | beam.GroupByKey()
               | beam.ParDo(_ExactGroupFn()).with_outputs("decisions", main="survivors"))
        assert_that(out["survivors"] | beam.Map(lambda r: r["id"]), equal_to(["a", "c"]), label="survivors")
        assert_that(out["decisions"], equal_to([("a", (None, "a", 2)), ("b", ("exact_duplicate", "a", 2))]),
                    label="decisions")


def test_a_removal_wins_over_a_cluster_annotation():
    removal = Decision("minhash_duplicate", "w", 5)
    assert merge_decisions(("x", [Decision(None, "x", 2), removal])) == ("x", removal)
    larger = Decision(None, "v", 5)
    assert merge_decisions(("x", [Decision(None, "x", 2), larger])) == ("x", larger)
