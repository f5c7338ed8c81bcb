"""The quality stage and the stop-word pre-pass on Beam's FnApiRunner."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from conftest import run_stage_fn

from babelbeam.filters.quality import LABEL_KEY, QualityChain
from babelbeam.pipeline.stages.quality import QualityFilter, QualityFilterFn
from babelbeam.pipeline.stopword_pass import DeriveStopWords, top_words
from babelbeam.schemas import Document
from babelbeam.schemas.quality_config import QualityConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "filters"))
from quality_samples import GOOD, repeated_paragraphs  # noqa: E402  (helper module lives beside the filter tests)

OPTIONS = ["--runner=FnApiRunner"]


def _docs() -> list[Document]:
    docs = [Document(id=f"good-{lang}", text=text, lang=lang) for lang, text in sorted(GOOD.items())]
    docs.append(Document(id="rep-tha", text=repeated_paragraphs("tha_Thai"), lang="tha_Thai"))
    docs.append(Document(id="short-jpn", text="短い文です。", lang="jpn_Jpan"))
    return docs


def test_quality_stage_splits_kept_and_removed() -> None:
    with TestPipeline(options=PipelineOptions(OPTIONS)) as p:
        out = p | beam.Create(_docs()) | QualityFilter(QualityConfig())
        kept_ids = out["kept"] | "KeptIds" >> beam.Map(lambda d: d.id)
        removed = out["removed"] | "Reasons" >> beam.Map(lambda d: (d.id, d.removed_reason))
        assert_that(kept_ids, equal_to([f"good-{lang}" for lang in GOOD]), label="Kept")
        assert_that(
            removed,
            equal_to([("rep-tha", "gopher_repetition_dup_para_frac"),
                      ("short-jpn", "gopher_quality_too_few_words")]),
            label="Removed",
        )


def test_quality_stage_label_only_removes_nothing() -> None:
    with TestPipeline(options=PipelineOptions(OPTIONS)) as p:
        out = p | beam.Create(_docs()) | QualityFilter(QualityConfig(label_only=True))
        labels = out["kept"] | "Labels" >> beam.Map(lambda d: (d.id, d.metadata.get(LABEL_KEY)))
        expected = [(f"good-{lang}", None) for lang in GOOD]
        expected += [("rep-tha", "gopher_repetition_dup_para_frac"),
                     ("short-jpn", "gopher_quality_too_few_words")]
        assert_that(labels, equal_to(expected), label="Labels")
        assert_that(out["removed"], equal_to([]), label="NoneRemoved")


def test_derive_stop_words_writes_lists(tmp_path: Path) -> None:
    out_dir = tmp_path / "stopwords"
    texts = [f"ang balay {i} sa lungsod ug ang dagat nga asul numero{i}" for i in range(6)]
    docs = [Document(id=str(i), text=t, lang="ceb_Latn") for i, t in enumerate(texts)]
    docs.append(Document(id="x", text="one lonely document", lang="tpi_Latn"))
    with TestPipeline(options=PipelineOptions(OPTIONS)) as p:
        paths = p | beam.Create(docs) | DeriveStopWords(str(out_dir), top_n=4, min_documents=3)
        assert_that(paths, equal_to([str(out_dir / "ceb_Latn.txt")]))
    # six documents each use ang, balay, sa, lungsod, ug, dagat, nga, asul; ties break alphabetically
    assert (out_dir / "ceb_Latn.txt").read_text(encoding="utf-8").split() == ["ang", "asul", "balay", "dagat"]
    assert not (out_dir / "tpi_Latn.txt").exists()


def test_top_words_order() -> None:
    assert top_words([("b", 2), ("a", 2), ("c", 5), ("d", 1)], 3) == ["c", "a", "b"]


class _SmallBatchFn(QualityFilterFn):
    BATCH_DOCS = 3  # full batches and a partial one left for finish_bundle
    BATCH_CHARS = 2_000  # and batches cut short by a long document


def test_batched_stage_equals_one_document_at_a_time() -> None:
    """Documents go through the chain a batch at a time: each comes out as ``QualityChain.apply`` alone makes
    it, counted the same."""
    config = QualityConfig(label_only=False)
    chain = QualityChain.from_config(config)
    docs = _docs() + [Document(id=f"rep-{i}", text=repeated_paragraphs("eng_Latn"), lang="eng_Latn")
                      for i in range(2)]
    want = [chain.apply(d) for d in docs]
    assert {d.removed_reason for d in want} >= {None, "gopher_repetition_dup_para_frac"}
    counters = run_stage_fn(_SmallBatchFn(config), docs, want)
    expected = Counter("quality.kept" if d.removed_reason is None else f"quality.removed_{d.removed_reason}"
                       for d in want)
    assert {k: v for k, v in counters.items() if not k.startswith("quality.stopwords_missing")} == expected
