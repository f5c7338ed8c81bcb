"""The stage contract: no DoFn of a run changes its input elements (Beam's model forbids it), and a stage
declares its extra outputs (``StageSummary``) so annotate writes them without knowing the stage."""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.windowed_value import PANE_INFO_UNKNOWN, WindowedValue
from conftest import FNAPI, write_jsonl

from babelbeam.pipeline.phases.annotate import AnnotateWave, _DedupKeysFn
from babelbeam.pipeline.stages.base import (
    KEPT,
    REMOVED,
    BatchedDocumentStageFn,
    StageSummary,
    set_up,
    stage_summaries,
)
from babelbeam.pipeline.stages.langid import IdentifyLanguageFn
from babelbeam.pipeline.stages.normalize import Normalize, NormalizeFn
from babelbeam.pipeline.stages.quality import QualityFilterFn
from babelbeam.pipeline.stages.score import NUM_QUANTILES, _BucketFn, _TokenizeForScoringFn
from babelbeam.pipeline.workdir import WorkDir, read_json
from babelbeam.schemas import Document
from babelbeam.schemas.config import OutputConfig, RunConfig
from babelbeam.schemas.quality_config import QualityConfig
from babelbeam.schemas.scorer_config import ScorerConfig

ENGLISH = ("The committee met on Tuesday to discuss the new budget for the public library. Members agreed "
           "that the reading rooms should stay open later in the evening during the winter months.\n") * 3
GERMAN = ("Die Stadt hat im vergangenen Jahr mehr Geld für den Ausbau der Radwege ausgegeben als jemals "
          "zuvor, und die Bürger sind mit dem Ergebnis sehr zufrieden.\n") * 3


def _documents() -> list[Document]:
    """Kept, removed and odd documents, each with the mutable fields (lists, dicts, arrays) filled."""
    def doc(doc_id: str, text: str, **fields: Any) -> Document:
        return Document(doc_id, text, source="in.jsonl", position=len(doc_id), metadata={"k": "v"},
                        repaired=["utf8"], lang_top=[("eng_Latn", 0.5)], measurements={"m": 1.0}, **fields)

    return [
        doc("en", ENGLISH, lang="eng_Latn", quality_score=0.7),
        doc("de", GERMAN, lang="deu_Latn", quality_score=0.2),
        doc("short", "Hi.", lang="eng_Latn", quality_score=float("nan")),
        doc("blank", " \x00\x01 \n"),
        doc("junk", "}}}} {{{{ ]]]] [[[[\n" * 20, lang="eng_Latn", quality_score=0.9,
            tokens=np.arange(5, dtype=np.uint32)),
    ]


def _run(fn: beam.DoFn, docs: list[Document], **side: Any) -> list[Any]:
    """Every call a runner makes of ``fn`` over one bundle of ``docs``; the outputs, unwrapped."""
    fn.setup()
    fn.start_bundle()
    outputs: list[Any] = []
    for d in docs:
        if isinstance(fn, BatchedDocumentStageFn):
            outputs += fn.process(d, timestamp=0, window=GlobalWindow(), pane=PANE_INFO_UNKNOWN)
        else:
            outputs += fn.process(d, **side) or []
    outputs += fn.finish_bundle() or []
    fn.teardown()
    unwrapped = []
    for out in outputs:
        out = out.value if isinstance(out, beam.pvalue.TaggedOutput) else out
        unwrapped.append(out.value if isinstance(out, WindowedValue) else out)
    return unwrapped


def _quantiles() -> dict[str, tuple]:
    points = [i / (NUM_QUANTILES - 1) for i in range(NUM_QUANTILES)]
    return {lang: (points, 10, 0.5) for lang in ("eng_Latn", "deu_Latn", "und")}


FNS = {
    "normalize": lambda: (NormalizeFn(RunConfig().normalize), {}),
    "langid": lambda: (IdentifyLanguageFn(RunConfig().langid), {}),
    "quality": lambda: (QualityFilterFn(QualityConfig(enabled=True)), {}),
    "quality_label_only": lambda: (QualityFilterFn(QualityConfig(enabled=True, label_only=True)), {}),
    "dedup_keys": lambda: (_DedupKeysFn(RunConfig()), {}),
    "scorer_tokenize": lambda: (_TokenizeForScoringFn(ScorerConfig().tokenizer), {}),
    "scorer_bucket": lambda: (_BucketFn(ScorerConfig(min_percentile={"*": 50.0}), keep_tokens=False),
                              {"quantiles": _quantiles()}),
}


@pytest.mark.parametrize("name", sorted(FNS))
def test_no_stage_dofn_changes_its_input(name: str) -> None:
    fn, side = FNS[name]()
    docs = _documents()
    before = [pickle.dumps(d) for d in docs]
    outputs = _run(fn, docs, **side)
    assert [pickle.dumps(d) for d in docs] == before, f"{name} changed an input element"
    assert outputs  # the DoFn ran and produced something, so the check above looked at real work


def test_the_no_change_check_can_fail() -> None:
    class Mutates(beam.DoFn):
        def process(self, doc: Document) -> Iterator[Document]:
            doc.metadata["seen"] = "yes"
            yield doc

    docs = _documents()
    before = [pickle.dumps(d) for d in docs]
    _run(Mutates(), docs)
    assert [pickle.dumps(d) for d in docs] != before


def test_set_up_names_the_call_made_too_early() -> None:
    with pytest.raises(RuntimeError, match="QualityFilterFn.transform_batch called before setup"):
        QualityFilterFn(QualityConfig(enabled=True)).transform(_documents()[0])
    assert set_up(3, "x") == 3


class LengthsStage(beam.PTransform):
    """A stage of a user's own: keeps every document and reports (lang, characters) as a summary."""

    summaries = (StageSummary("lengths", "text_lengths",
                              lambda per_wave: [sum(n for _, n in w) for w in per_wave]),)

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        lengths = (docs | "Length" >> beam.Map(lambda d: (d.lang, len(d.text)))
                   | "PerLanguage" >> beam.CombinePerKey(sum))
        return {KEPT: docs, REMOVED: docs | "None" >> beam.Filter(lambda _: False), "lengths": lengths}


def test_a_declared_summary_is_written_per_wave_without_phase_edits(tmp_path: Path) -> None:
    config = RunConfig(output=OutputConfig(buckets=1))
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": "x" * (i + 1)} for i in range(4)])
    workdir = WorkDir(str(tmp_path / "out"))
    stages = [("Normalize", Normalize(config.normalize)), ("Lengths", LengthsStage())]
    with TestPipeline(options=PipelineOptions(FNAPI)) as p:
        _ = p | AnnotateWave([str(source)], workdir.output_dir, 0, config, stages, str(tmp_path))
    items = read_json(workdir.wave_summary(0, "text_lengths"))
    assert items == [["und", 1 + 2 + 3 + 4]]
    [summary] = stage_summaries(stages)
    assert summary.name == "text_lengths" and summary.merge([items, items]) == [10, 10]


def test_the_scorer_declares_its_stats_section() -> None:
    from babelbeam.pipeline.stages.score import ScoreDocuments

    config = ScorerConfig(enabled=True, model="/some/model")
    [summary] = stage_summaries([("Score", ScoreDocuments(config))])
    section = {"documents": 3}
    one = summary.merge([[["eng_Latn", section]]])
    assert summary.name == "scorer" and one["by_language"] == {"eng_Latn": section}
    assert summary.merge([[["eng_Latn", section]], []])["per_wave"][1]["by_language"] == {}
    assert not math.isnan(one["tail_percentile"])
