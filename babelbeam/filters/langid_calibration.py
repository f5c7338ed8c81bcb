"""Per-language language-ID thresholds from each language's own score distribution (FineWeb-2's rule).

FineWeb-2 keeps one threshold per language, ``tau = max(floor, min(ceiling, median - std))`` of the top-1
scores of the documents identified as that language, with floor 0.3 and ceiling 0.9. babelbeam applies the
same rule to the same score (``lang_score``); the keep decision then compares the threshold with the group's
summed probability where that applies (``langid.group_decision``), which can only keep more.

Scores are gathered into ``ScoreHistogram`` (1,000 bins over [0, 1] plus exact sums), which merge across
workers in any order with the same result, so a calibration pass needs neither the whole corpus in one
process nor a sort. ``calibrate`` turns them into a ``Calibration`` and ``calibration_yaml`` writes it as the
reviewable YAML that ``langid.thresholds`` reads back (``load_thresholds``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from babelbeam.schemas.config import ConfigError
from babelbeam.schemas.languages import LANGUAGES

BINS = 1000
"""Histogram bins over [0, 1]: the median is read to 0.001, finer than any threshold needs."""


@dataclass
class ScoreHistogram:
    """Counts of scores in ``BINS`` equal bins of [0, 1], with exact count, sum and sum of squares."""

    counts: dict[int, int] = field(default_factory=dict)
    """Bin index -> scores in it (only non-empty bins)."""
    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def add(self, score: float) -> None:
        score = min(max(score, 0.0), 1.0)
        b = min(int(score * BINS), BINS - 1)
        self.counts[b] = self.counts.get(b, 0) + 1
        self.n += 1
        self.total += score
        self.total_sq += score * score

    def merge(self, other: ScoreHistogram) -> ScoreHistogram:
        """A new histogram holding both."""
        counts = dict(self.counts)
        for b, k in other.counts.items():
            counts[b] = counts.get(b, 0) + k
        return ScoreHistogram(counts, self.n + other.n, self.total + other.total,
                              self.total_sq + other.total_sq)

    def median(self) -> float:
        """The bin midpoint where half the scores lie below (0 for an empty histogram)."""
        if not self.n:
            return 0.0
        half, seen = self.n / 2, 0
        for b in sorted(self.counts):
            seen += self.counts[b]
            if seen >= half:
                return (b + 0.5) / BINS
        return 1.0

    def std(self) -> float:
        """Population standard deviation of the scores."""
        if not self.n:
            return 0.0
        mean = self.total / self.n
        return math.sqrt(max(self.total_sq / self.n - mean * mean, 0.0))

    def to_json(self) -> dict[str, Any]:
        return {"counts": {str(b): k for b, k in sorted(self.counts.items())}, "n": self.n,
                "total": self.total, "total_sq": self.total_sq}


def histograms(pairs: Iterable[tuple[str, float]]) -> dict[str, ScoreHistogram]:
    """(code, score) pairs -> one histogram per code."""
    out: dict[str, ScoreHistogram] = {}
    for code, score in pairs:
        out.setdefault(code, ScoreHistogram()).add(score)
    return out


def fineweb2_threshold(median: float, std: float, floor: float = 0.3, ceiling: float = 0.9) -> float:
    """FineWeb-2's per-language threshold: ``max(floor, min(ceiling, median - std))``."""
    return max(floor, min(ceiling, median - std))


@dataclass
class LanguageEvidence:
    """What one language's threshold was computed from."""

    documents: int
    median: float
    std: float
    threshold: float | None
    """None when there were fewer than ``min_documents`` documents (the default threshold applies)."""


@dataclass
class Calibration:
    """Per-language thresholds and the evidence behind each."""

    thresholds: dict[str, float]
    """Registry code -> minimum decision score, for languages with enough documents."""
    evidence: dict[str, LanguageEvidence]
    floor: float
    ceiling: float
    min_documents: int


def calibrate(
    hists: Mapping[str, ScoreHistogram], *, floor: float = 0.3, ceiling: float = 0.9, min_documents: int = 20
) -> Calibration:
    """FineWeb-2's rule per registry language with at least ``min_documents`` scores (``und`` is skipped)."""
    thresholds: dict[str, float] = {}
    evidence: dict[str, LanguageEvidence] = {}
    for code in sorted(hists, key=registry_order):
        if code not in LANGUAGES:
            continue
        h = hists[code]
        median, std = h.median(), h.std()
        tau = round(fineweb2_threshold(median, std, floor, ceiling), 3) if h.n >= min_documents else None
        evidence[code] = LanguageEvidence(h.n, round(median, 4), round(std, 4), tau)
        if tau is not None:
            thresholds[code] = tau
    return Calibration(thresholds, evidence, floor, ceiling, min_documents)


_REGISTRY_INDEX = {code: i for i, code in enumerate(LANGUAGES)}


def registry_order(code: str) -> tuple[int, str]:
    """Sort key: registry codes in registry order, then any other code by name."""
    return (_REGISTRY_INDEX.get(code, len(_REGISTRY_INDEX)), code)


def calibration_yaml(cal: Calibration, *, header: str, model: str) -> str:
    """The calibration as the YAML ``langid.thresholds`` reads: a ``thresholds`` mapping, then the evidence.

    ``header`` becomes the leading comment (what it was computed on, the command).
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    body = {
        "rule": {"name": "fineweb2", "formula": "max(floor, min(ceiling, median - std))", "floor": cal.floor,
                 "ceiling": cal.ceiling, "min_documents": cal.min_documents, "score": "lang_score",
                 "model": model},
        "thresholds": dict(cal.thresholds),
        "evidence": {
            c: {"documents": e.documents, "median": e.median, "std": e.std, "threshold": e.threshold}
            for c, e in cal.evidence.items()
        },
    }
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)


def parse_thresholds(data: Any, where: str) -> dict[str, float]:
    """The per-language thresholds in a loaded YAML document: its ``thresholds`` mapping, or the document
    itself when it is a plain mapping of code -> value. ConfigError names ``where`` and the key."""
    if isinstance(data, dict) and "thresholds" in data:
        data = data["thresholds"]
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of registry code -> threshold")
    out: dict[str, float] = {}
    for code, value in data.items():
        if code not in LANGUAGES:
            raise ConfigError(f"{where}: {code!r} is not one of the 119 registry codes")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            raise ConfigError(f"{where}: {code}: {value!r} is not a probability in [0, 1]")
        out[code] = float(value)
    return out


def load_thresholds(path: str | Path) -> dict[str, float]:
    """Per-language thresholds from a YAML file written by ``babelbeam langid --calibrate`` (or any mapping of
    code -> value); ConfigError names the file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"langid.thresholds: cannot read {str(path)!r}: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"langid.thresholds: {str(path)!r} is not valid YAML: {e}") from None
    return parse_thresholds(data, f"langid.thresholds: {path}")
