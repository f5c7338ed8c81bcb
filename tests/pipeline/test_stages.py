"""The spine's own stages, each through a TestPipeline on the FnApiRunner."""

from __future__ import annotations

import apache_beam as beam
import numpy as np
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from conftest import FNAPI

from babelbeam.filters.normalize import exact_dedup_key, normalize_text
from babelbeam.pipeline.stages import ExactDedup, Normalize, Tokenize
from babelbeam.schemas import Document
from babelbeam.schemas.config import ExactDedupConfig, NormalizeConfig, TokenizeConfig


def test_normalize_text():
    assert normalize_text("e\u0301\x00a\r\nb\x85") == "\u00e9a\nb"
    assert exact_dedup_key("Hello   World\n") == exact_dedup_key("hello world")
    assert exact_dedup_key("hello world") != exact_dedup_key("hello worlds")


def test_normalize_stage_removes_empty_documents():
    docs = [Document("a", "Cafe\u0301"), Document("b", " \x00\x01 \n")]
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        out = p | beam.Create(docs) | Normalize(NormalizeConfig())
        assert_that(out["kept"] | beam.Map(lambda d: (d.id, d.text)), equal_to([("a", "Caf\u00e9")]), label="kept")
        assert_that(out["removed"] | beam.Map(lambda d: (d.id, d.removed_reason)),
                    equal_to([("b", "normalize_empty")]), label="removed")


def test_exact_dedup_keeps_smallest_id_and_counts_the_cluster():
    docs = [Document("b", "Same text."), Document("a", "same   TEXT."), Document("c", "Other text.")]
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        out = p | beam.Create(docs) | ExactDedup(ExactDedupConfig())
        assert_that(out["kept"] | beam.Map(lambda d: (d.id, d.dup_cluster_size)), equal_to([("a", 2), ("c", 1)]),
                    label="kept")
        assert_that(out["removed"] | beam.Map(lambda d: (d.id, d.removed_reason, d.dup_cluster)),
                    equal_to([("b", "exact_duplicate", "a")]), label="removed")


def test_tokenize_stage_appends_eos_and_matches_the_tokenizer():
    from babelbeam.tokenize import load_tokenizer

    tok = load_tokenizer("qwen3")
    docs = [Document("x", "Hello world", lang="eng_Latn"), Document("y", "你好，世界", lang="zho_Hans")]
    expected = [(d.id, d.lang, tuple(tok.encode(d.text)) + (151643,)) for d in docs]
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        rows = p | beam.Create(docs) | Tokenize(TokenizeConfig())
        assert_that(rows | beam.Map(lambda r: (r.id, r.lang, tuple(int(t) for t in r.tokens))), equal_to(expected))
    assert expected[0][2] == (9707, 1879, 151643)
    assert np.uint32(151643) == tok.eos_id
