"""The language-ID calibration pre-pass behind ``langid.thresholds: auto``.

Like the stop-word pre-pass (``stopword_pass.py``) it derives per-language settings from the corpus itself, as
FineWeb-2 did: ``CalibrateRunInputs`` normalises the documents, keeps a deterministic sample (a hash of the
document id below ``langid.calibration_sample``), identifies each and adds its label score to its language's
``ScoreHistogram`` (bounded memory, merged across workers in any order), then writes the thresholds YAML
(``langid_calibration.calibration_yaml``) that ``babelbeam run`` uses for every wave.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.utils.shared import Shared

from babelbeam.filters.langid import FLAG_TOO_SHORT, LanguageIdentifier, validate_config
from babelbeam.filters.langid_calibration import ScoreHistogram, calibrate, calibration_yaml
from babelbeam.pipeline.sinks import write_atomically
from babelbeam.pipeline.sources import ReadDocuments
from babelbeam.pipeline.stages.base import KEPT, set_up
from babelbeam.pipeline.stages.normalize import Normalize
from babelbeam.schemas import Document
from babelbeam.schemas.config import LangIdConfig, RunConfig
from babelbeam.schemas.languages import UNDETERMINED


def in_sample(doc_id: str, share: float) -> bool:
    """Whether a document is in the calibration sample: a hash of its id, not its position, decides, so the
    sample is the same whatever the files, waves or workers."""
    h = int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big")
    return h < share * 2**64


class ScoreLanguageFn(beam.DoFn):
    """Document -> ``(code, lang_score)`` for an identified text (too short and ``und`` yield nothing)."""

    def __init__(self, config: LangIdConfig) -> None:
        super().__init__()
        validate_config(config)
        self.config = config
        self._shared = Shared()
        self._identifier: LanguageIdentifier | None = None

    def setup(self) -> None:
        tag = repr(dataclasses.astuple(self.config))
        self._identifier = self._shared.acquire(lambda: LanguageIdentifier.from_config(self.config), tag=tag)

    def process(self, doc: Document) -> Iterator[tuple[str, float]]:
        result = set_up(self._identifier, "ScoreLanguageFn.process").identify(doc.text)
        if FLAG_TOO_SHORT not in result.flags and result.code != UNDETERMINED:
            yield result.code, result.score

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_identifier": None}


class HistogramFn(beam.CombineFn):
    """Scores -> one ``ScoreHistogram`` (1,000 bins and exact sums: constant memory, order-independent)."""

    def create_accumulator(self) -> ScoreHistogram:
        return ScoreHistogram()

    def add_input(self, acc: ScoreHistogram, score: float) -> ScoreHistogram:
        acc.add(score)
        return acc

    def merge_accumulators(self, accs: Iterable[ScoreHistogram]) -> ScoreHistogram:
        return functools.reduce(ScoreHistogram.merge, accs, ScoreHistogram())

    def extract_output(self, acc: ScoreHistogram) -> ScoreHistogram:
        return acc


class _WriteCalibration(beam.DoFn):
    def __init__(self, config: LangIdConfig, path: str, header: str) -> None:
        super().__init__()
        self.config, self.path, self.header = config, path, header

    def process(self, items: list[tuple[str, ScoreHistogram]]) -> Iterator[str]:
        c = self.config
        cal = calibrate(dict(items), floor=c.calibration_floor, ceiling=c.calibration_ceiling,
                        min_documents=c.calibration_min_documents)
        text = calibration_yaml(cal, header=self.header, model=c.model or "lid.176.ftz")
        write_atomically(self.path, text.encode("utf-8"))
        yield self.path


class CalibrateRunInputs(beam.PTransform):
    """A run's inputs, read and normalised as its annotate phase reads them, -> the thresholds YAML at
    ``path``; returns a PCollection of that path."""

    def __init__(self, paths: list[str], config: RunConfig, path: str, id_root: str) -> None:
        super().__init__()
        self._paths, self._config, self._path, self._id_root = paths, config, path, id_root

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        config, langid = self._config, self._config.langid
        header = (
            f"langid.thresholds: auto -- computed by babelbeam run on {langid.calibration_sample:.0%} "
            f"of {len(self._paths)} input files (documents chosen by a hash of their id)\n"
            f"rule: max({langid.calibration_floor}, min({langid.calibration_ceiling}, "
            "median - std)) per language; languages with fewer than "
            f"{langid.calibration_min_documents} sampled documents keep the default threshold"
        )
        read = pbegin | "Read" >> ReadDocuments(self._paths, config.input, id_root=self._id_root)
        return (
            (read["documents"] | "Normalize" >> Normalize(config.normalize))[KEPT]
            | "Sample" >> beam.Filter(lambda d, share=langid.calibration_sample: in_sample(d.id, share))
            | "Score" >> beam.ParDo(ScoreLanguageFn(langid))
            | "Histogram" >> beam.CombinePerKey(HistogramFn())
            | "Gather" >> beam.combiners.ToList()
            | "Write" >> beam.ParDo(_WriteCalibration(langid, self._path, header))
        )
