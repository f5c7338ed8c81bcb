"""Identify languages in JSONL, evaluate against gold labels, or print a model's coverage of the 119.

Modes (exactly one):

- ``--input FILE_OR_GLOB ... --output Y.jsonl``: annotate each record's text with ``lang``, ``lang_score``,
  ``lang_top`` (and ``lang_label``, ``removed_reason`` when they apply); its other fields are kept. The
  input is read as ``babelbeam run`` reads it, by the same reader (JSONL, Parquet or text, plain, ``.gz``
  or ``.zst``; the ``input`` section of ``--config``). A record that cannot be read goes, with its kind
  (``invalid_json``, ``missing_text``, ``invalid_utf8``, ...), to ``Y.rejected.jsonl`` beside the output
  (always written, empty when nothing was rejected). Both files are written under temporary names and
  renamed when the run is complete: a failed run leaves neither. The closing line counts the records:
  input = annotated + rejected.
- ``--eval X.jsonl``: records with a gold ``lang`` field; prints accuracy (recall), precision per language,
  the confusion pairs, coverage and the macro accuracy over the languages the model covers.
- ``--coverage``: which of the 119 registry languages the model can and cannot emit, and through which labels
  (merged labels such as GlotLID's ``fas_Arab`` count once for each language they cover).
- ``--calibrate INPUT... --output thresholds.yaml``: per-language thresholds from the inputs' own score
  distributions (FineWeb-2's rule, ``langid_calibration``), written as the YAML ``langid.thresholds`` reads.

``--langid-model PATH`` loads any fastText LID model (GlotLID, OpenLID, one you trained) instead of the
bundled ``lid.176.ftz``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from babelbeam.console import Console, add_console_arguments, console_from_args
from babelbeam.filters.langid import FLAG_TOO_SHORT, SIBLING_MARKERS, LanguageIdentifier
from babelbeam.filters.langid_calibration import (
    Calibration,
    calibrate,
    calibration_yaml,
    histograms,
    registry_order,
)
from babelbeam.filters.langid_labels import CoverageReport, coverage_report
from babelbeam.schemas.config import LangIdConfig, RunConfig
from babelbeam.schemas.document import Document
from babelbeam.schemas.languages import LANGUAGES, UNDETERMINED


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``babelbeam langid``."""
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--input", nargs="+", metavar="FILE_OR_GLOB",
                      help="files or globs to annotate, read as `babelbeam run` reads them (JSONL, Parquet, "
                           "text; .gz/.zst)")
    mode.add_argument("--eval", type=Path, metavar="GOLD_JSONL", help="JSONL with `text` and gold `lang`")
    mode.add_argument("--coverage", action="store_true",
                      help="print which of the 119 languages the model emits")
    mode.add_argument("--calibrate", nargs="+", type=Path, metavar="INPUT",
                      help="JSONL (.gz) files: per-language thresholds from their score distributions")
    parser.add_argument("--output", type=Path, help="annotated JSONL to write (required with --input; "
                        "rejected records go to OUTPUT's name with .rejected.jsonl); thresholds YAML "
                        "(--calibrate)")
    parser.add_argument("--langid-model", help="fastText LID model file (default: bundled lid.176.ftz)")
    parser.add_argument("--config", type=Path, help="run config YAML; its `langid` section is the base")
    parser.add_argument("--threshold", type=float, help="global minimum score (langid.threshold)")
    parser.add_argument("--min-chars", type=int, help="shorter texts are marked too short (langid.min_chars)")
    parser.add_argument("--max-sample-chars", type=_cap, metavar="N|none", default=argparse.SUPPRESS,
                        help="longest sample scored per text, `none` for no cap (langid.max_sample_chars)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON (with --input: the record "
                        "counts)")
    parser.add_argument("--confusions", type=int, default=25, help="confusion pairs to print (--eval)")
    add_console_arguments(parser)


def _cap(value: str) -> int | None:
    """``--max-sample-chars`` value: a character count or ``none``."""
    return None if value.lower() in ("none", "null") else int(value)


def config_from_args(args: argparse.Namespace) -> LangIdConfig:
    """The ``LangIdConfig`` that the flags describe (``--config`` first, then single-field overrides)."""
    config = RunConfig.from_yaml(args.config).langid if getattr(args, "config", None) else LangIdConfig()
    overrides: dict[str, Any] = {}
    if getattr(args, "langid_model", None):
        overrides["model"] = args.langid_model
    if getattr(args, "threshold", None) is not None:
        overrides["threshold"] = args.threshold
    if getattr(args, "min_chars", None) is not None:
        overrides["min_chars"] = args.min_chars
    if getattr(args, "max_sample_chars", "unset") != "unset":
        overrides["max_sample_chars"] = args.max_sample_chars
    return dataclasses.replace(config, **overrides)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file (gzip when it ends in ``.gz``); blank lines are skipped, a bad line raises
    ValueError naming it."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: invalid JSON: {e}") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError(f"{path}:{n}: a record needs a string `text` field")
            yield record


def annotated_record(record: dict[str, Any], doc: Document) -> dict[str, Any]:
    """``record`` with ``doc``'s ``lang``, ``lang_score``, ``lang_top`` and, when set, ``lang_label`` and
    ``removed_reason`` (existing fields of those names are replaced)."""
    out = {**record, "lang": doc.lang, "lang_score": round(doc.lang_score, 6),
           "lang_top": [[code, round(score, 6)] for code, score in doc.lang_top]}
    for name in ("lang_label", "removed_reason"):
        out.pop(name, None)
        if getattr(doc, name) is not None:
            out[name] = getattr(doc, name)
    return out


@dataclasses.dataclass
class EvalReport:
    """Per-language figures of one evaluation run."""

    n: dict[str, int]
    """Gold records per language."""
    correct: dict[str, int]
    """Records of the language predicted right."""
    predicted: dict[str, int]
    """Records predicted as the language (any gold)."""
    confusions: Counter[tuple[str, str]]
    """(gold, predicted) counts of the errors."""
    covered: list[str]
    uncovered: list[str]

    def accuracy(self, code: str) -> float:
        """Share of the language's records predicted right (its recall)."""
        return self.correct.get(code, 0) / self.n[code] if self.n.get(code) else 0.0

    def precision(self, code: str) -> float:
        """Share of the records predicted as the language that are right (0 when never predicted)."""
        p = self.predicted.get(code, 0)
        return self.correct.get(code, 0) / p if p else 0.0

    def macro(self, codes: Iterable[str]) -> float:
        """Mean per-language accuracy over ``codes`` (those with gold records)."""
        values = [self.accuracy(c) for c in codes if self.n.get(c)]
        return sum(values) / len(values) if values else 0.0

    @property
    def gold_covered(self) -> list[str]:
        """Gold languages the model can emit, in registry order."""
        return [c for c in self.covered if self.n.get(c)]

    @property
    def gold_uncovered(self) -> list[str]:
        """Gold languages the model cannot emit (always wrong by construction)."""
        return [c for c in self.n if c not in self.covered]

    def to_json(self) -> dict[str, Any]:
        chinese_accuracy, chinese_separation = _chinese_scripts(self)
        return {
            "languages": {c: {"n": self.n[c], "accuracy": round(self.accuracy(c), 4),
                              "precision": round(self.precision(c), 4)}
                          for c in sorted(self.n, key=registry_order)},
            "macro_accuracy_covered": round(self.macro(self.gold_covered), 4),
            "macro_accuracy_all": round(self.macro(self.n), 4),
            "micro_accuracy": round(sum(self.correct.values()) / max(1, sum(self.n.values())), 4),
            "chinese_script_accuracy": chinese_accuracy,
            "chinese_script_separation": chinese_separation,
            "confusions": [[g, p, k] for (g, p), k in self.confusions.most_common()],
            "covered": self.covered,
            "uncovered": self.uncovered,
        }


def _chinese_scripts(report: EvalReport) -> tuple[float | None, float | None]:
    """Of the zho_Hans and zho_Hant gold paragraphs, the share given the right code (strict: a paragraph too
    short to identify counts as wrong) and the share not given the other script's code; None without any."""
    n = report.n.get("zho_Hans", 0) + report.n.get("zho_Hant", 0)
    if not n:
        return None, None
    right = report.correct.get("zho_Hans", 0) + report.correct.get("zho_Hant", 0)
    swapped = (report.confusions.get(("zho_Hans", "zho_Hant"), 0)
               + report.confusions.get(("zho_Hant", "zho_Hans"), 0))
    return round(right / n, 4), round(1 - swapped / n, 4)


def evaluate(identifier: LanguageIdentifier, records: Iterable[dict[str, Any]]) -> EvalReport:
    """Compare the identifier's top code (no threshold) with each record's gold ``lang``."""
    n: dict[str, int] = defaultdict(int)
    correct: dict[str, int] = defaultdict(int)
    predicted: dict[str, int] = defaultdict(int)
    confusions: Counter[tuple[str, str]] = Counter()
    for record in records:
        gold = record.get("lang")
        if not gold:
            raise ValueError(f"record {record.get('id', '?')}: --eval needs a gold `lang` field")
        code = identifier.identify(record["text"]).code
        n[gold] += 1
        predicted[code] += 1
        if code == gold:
            correct[gold] += 1
        else:
            confusions[(gold, code)] += 1
    covered, uncovered = identifier.coverage()
    return EvalReport(dict(n), dict(correct), dict(predicted), confusions, covered, uncovered)


def print_eval(report: EvalReport, out: TextIO, confusions: int) -> None:
    """The evaluation as Markdown."""
    out.write("| language | name | paragraphs | accuracy | precision | covered |\n"
              "|---|---|---:|---:|---:|---|\n")
    for code in sorted(report.n, key=registry_order):
        name = LANGUAGES[code].name if code in LANGUAGES else code
        covered = "yes" if code in report.covered else "no"
        out.write(
            f"| {code} | {name} | {report.n[code]} | {report.accuracy(code):.1%} | "
            f"{report.precision(code):.1%} | {covered} |\n"
        )
    summary = report.to_json()
    gc, gu = report.gold_covered, report.gold_uncovered
    out.write(f"\n- macro accuracy over the {len(gc)} covered languages: "
              f"{summary['macro_accuracy_covered']:.1%}\n")
    out.write(f"- macro accuracy over all {len(report.n)} gold languages: "
              f"{summary['macro_accuracy_all']:.1%}\n")
    out.write(f"- paragraph (micro) accuracy: {summary['micro_accuracy']:.1%}\n")
    if summary["chinese_script_accuracy"] is not None:
        out.write(f"- zho_Hans/zho_Hant paragraphs given the right code: "
                  f"{summary['chinese_script_accuracy']:.1%}; "
                  f"not given the other script: {summary['chinese_script_separation']:.1%}\n")
    at90 = sum(1 for c in gc if report.accuracy(c) >= 0.9)
    out.write(f"- covered languages at >= 90%: {at90} of {len(gc)}\n")
    out.write(f"- gold languages the model cannot emit ({len(gu)}): {' '.join(gu) or '-'}\n")
    out.write("\nTop confusions (gold -> predicted: paragraphs)\n\n")
    for (gold, pred), k in report.confusions.most_common(confusions):
        out.write(f"- {gold} -> {pred}: {k}\n")
    out.write("\n")
    print_coverage(report.covered, report.uncovered, out)


def print_coverage(covered: list[str], uncovered: list[str], out: TextIO) -> None:
    """The coverage list: which of the 119 the model can and cannot emit."""
    out.write(f"Covered ({len(covered)} of {len(LANGUAGES)}): {' '.join(covered)}\n")
    out.write(f"Not covered ({len(uncovered)}): {' '.join(uncovered)}\n")


def print_coverage_report(report: CoverageReport, out: TextIO) -> None:
    """The coverage list, then the labels that reach the registry other than one-to-one."""
    print_coverage(report.covered, report.uncovered, out)
    merged = "; ".join(f"{label} -> {', '.join(codes)}" for label, codes in sorted(report.merged.items()))
    out.write(f"Merged labels ({len(report.merged)}, each covering several languages): {merged or '-'}\n")
    flores = {label: code for label, code in report.aliased.items() if "_" in label}
    if flores:
        out.write(f"Read as another code ({len(flores)}): "
                  + "; ".join(f"{label} -> {code}" for label, code in sorted(flores.items())) + "\n")
    out.write(f"Labels outside the 119 ({report.outside}, mapped to und with the label kept); close "
              f"relatives among them: {' '.join(report.relatives) or '-'}\n")
    by_markers = marker_reachable(report.covered)
    if by_markers:
        out.write(f"Reachable only through a group's marker words ({len(by_markers)}): "
                  f"{' '.join(by_markers)}\n")


def marker_reachable(covered: list[str]) -> list[str]:
    """Registry codes no label emits that a group's marker words can still choose (a sibling is covered)."""
    out = []
    for members in SIBLING_MARKERS.values():
        if any(m in covered for m in members):
            out.extend(m for m in members if m not in covered)
    return [c for c in LANGUAGES if c in out]


def coverage_json(report: CoverageReport) -> dict[str, Any]:
    """``--coverage --json``'s content."""
    return {"labels": report.labels, "covered": report.covered, "uncovered": report.uncovered,
            "marker_reachable": marker_reachable(report.covered),
            "merged": report.merged, "aliased": report.aliased, "relatives": report.relatives,
            "outside": report.outside}


def calibrate_records(identifier: LanguageIdentifier, records: Iterable[dict[str, Any]]) -> Calibration:
    """Per-language thresholds from the records' ``text``: each identified text (not too short, not ``und``)
    adds its label score (``lang_score``, FineWeb-2's top-1 score) to its language's distribution.

    A record with a gold ``lang`` field counts only when it was identified as that language, so a labelled
    development set gives each language the distribution of its own texts (an unlabelled corpus, like a web
    crawl, is mostly right about its big languages by itself)."""
    def scores() -> Iterator[tuple[str, float]]:
        for record in records:
            result = identifier.identify(record["text"])
            if FLAG_TOO_SHORT in result.flags or result.code == UNDETERMINED:
                continue
            if record.get("lang") and record["lang"] != result.code:
                continue
            yield result.code, result.score

    config = identifier.config
    return calibrate(histograms(scores()), floor=config.calibration_floor, ceiling=config.calibration_ceiling,
                     min_documents=config.calibration_min_documents)


def calibration_header(identifier: LanguageIdentifier, inputs: list[Path], cal: Calibration) -> str:
    """The comment at the top of a thresholds YAML: what it was computed on and how to reproduce it."""
    documents = sum(e.documents for e in cal.evidence.values())
    return (
        f"Per-language language-ID thresholds computed by `babelbeam langid --calibrate` on {documents:,} "
        f"identified texts of: {' '.join(str(p) for p in inputs)}\n"
        f"model: {identifier.model_path}\n"
        f"rule: max({cal.floor}, min({cal.ceiling}, median - std)) of each language's label scores "
        "(records with a gold `lang` count only when identified as it); languages with fewer than "
        f"{cal.min_documents} texts are left out (they keep the default threshold)\n"
        "Use it with `langid: {thresholds: <this file>}`; edit a value to override it."
    )


def _tracked(console: Console, path: Path, desc: str) -> Iterator[dict[str, Any]]:
    """The records of ``path``, counted on the console as their text is read (bytes of the file's size)."""
    return console.track(read_jsonl(path), desc, total=path.stat().st_size, unit="B",
                         weight=lambda record: len(record["text"].encode("utf-8")) + 1)


def main(args: argparse.Namespace) -> int:
    """Run one mode of ``babelbeam langid`` other than ``--input``; returns the exit status."""
    if getattr(args, "input", None):
        # --input reads through the pipeline's readers (Beam's FileSystems): `babelbeam langid` runs
        # babelbeam.pipeline.langid_cli, which handles it and hands the other modes here.
        raise ValueError("babelbeam langid --input runs through babelbeam.pipeline.langid_cli.main")
    config = config_from_args(args)
    identifier = LanguageIdentifier.from_config(config)
    console = console_from_args(args)
    if args.coverage:
        report = coverage_report(identifier.labels)
        sys.stdout.write(f"Model: {identifier.model_path} ({len(identifier.labels)} labels)\n")
        print_coverage_report(report, sys.stdout)
        if args.json:
            args.json.write_text(json.dumps(coverage_json(report), indent=1) + "\n")
        return 0
    if args.calibrate:
        if not args.output:
            sys.stderr.write("babelbeam langid: --calibrate needs --output thresholds.yaml\n")
            return 2
        cal = calibrate_records(
            identifier, (r for path in args.calibrate for r in _tracked(console, path, "langid --calibrate"))
        )
        text = calibration_yaml(cal, header=calibration_header(identifier, args.calibrate, cal),
                                model=Path(identifier.model_path or "").name)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        sys.stdout.write(f"{len(cal.thresholds)} per-language thresholds -> {args.output}\n")
        return 0
    if args.eval:
        report = evaluate(identifier, _tracked(console, args.eval, "langid --eval"))
        sys.stdout.write(f"Model: {identifier.model_path}; gold: {args.eval}\n\n")
        print_eval(report, sys.stdout, args.confusions)
        if args.json:
            args.json.write_text(json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n")
    return 0


__all__ = ["add_arguments", "main", "evaluate", "config_from_args", "calibrate_records", "UNDETERMINED"]
