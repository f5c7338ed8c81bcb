"""``babelbeam langid``: the modes of ``babelbeam.filters.langid_cli``, with ``--input`` read like ``run``.

The command lives here, beside the readers, because ``--input`` reads through
``babelbeam.pipeline.sources.read_file`` (Beam's FileSystems: local paths, ``gs://`` and the like), and only
``pipeline/`` may import Beam. The other modes (``--eval``, ``--coverage``) are plain Python and stay in
``filters/langid_cli.py``; this module hands them over unchanged.

``--input`` streams: records are annotated one at a time, in file order (files sorted by path), into temporary
files beside the output that are renamed into place once every record is accounted for.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from babelbeam.console import Console
from babelbeam.errors import ConservationError
from babelbeam.filters import langid_cli as modes
from babelbeam.filters.langid import LanguageIdentifier
from babelbeam.pipeline.sources import InputError, RecordParser, input_root, match_inputs, read_file
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.config import ConfigError, InputConfig, RunConfig

__doc__ = modes.__doc__  # the --help text: the modes are described once, in filters/langid_cli.py

REJECTED_SUFFIX = ".rejected.jsonl"
UNWRITABLE = "invalid_utf8"
"""Rejection kind of a record whose other fields hold unpaired surrogates (JSON text cannot carry them)."""


add_arguments = modes.add_arguments  # the flags of every mode


def rejected_path(output: Path) -> Path:
    """Where the rejected records of ``output`` go: ``out.jsonl`` -> ``out.rejected.jsonl``."""
    name = output.name
    for suffix in (".jsonl", ".ndjson", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return output.with_name(name + REJECTED_SUFFIX)


@dataclasses.dataclass
class _InputDocument(Document):
    """A parsed document with its input record (position: ``Document.position``), for the annotated output."""

    record: dict[str, Any] = dataclasses.field(default_factory=dict)


class _KeepRecordParser(RecordParser):
    """``RecordParser`` whose documents carry the record they came from, so every field is written back."""

    def from_mapping(self, record: object, source: str, position: int, raw: str, path: str | None = None,
                     repaired: tuple[str, ...] = ()) -> Document | RejectedRecord:
        parsed = super().from_mapping(record, source, position, raw, path, repaired)
        if isinstance(parsed, RejectedRecord) or not isinstance(record, dict):
            return parsed
        fields = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(Document)}
        return _InputDocument(**fields, record=record)


@dataclasses.dataclass
class AnnotateCounts:
    """What one ``--input`` run did with its records: ``input == annotated + rejected + skipped``."""

    input: int = 0
    """Records read (each document and each rejection the readers yielded)."""
    annotated: int = 0
    """Records written to the output with their language."""
    marked_removed: int = 0
    """Of the annotated, those given a ``removed_reason`` (too short, low score, ...): still written."""
    rejected: Counter[str] = dataclasses.field(default_factory=Counter)
    """Records written to the rejected file, by kind."""
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)
    """Records a reader skips on purpose and counts by reason (neither a document nor a rejection: a WARC
    reader's request or non-HTML records); none of the readers of JSONL, Parquet or text skips any."""

    def to_json(self) -> dict[str, Any]:
        rejected, skipped = sum(self.rejected.values()), sum(self.skipped.values())
        return {"input": self.input, "annotated": self.annotated, "marked_removed": self.marked_removed,
                "rejected": dict(sorted(self.rejected.items())),
                "skipped": dict(sorted(self.skipped.items())),
                "holds": self.input == self.annotated + rejected + skipped}


@contextmanager
def atomic_files(*paths: Path) -> Iterator[list[IO[bytes]]]:
    """Open a temporary file beside each of ``paths``; on success rename each into place (in order, so the
    last is the one whose presence marks a complete run), on any failure delete them all: a failed run
    leaves no partial output, and an earlier output stays as it was."""
    temps = [p.with_name(f".{p.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}") for p in paths]
    files: list[IO[bytes]] = []
    try:
        for path, tmp in zip(paths, temps, strict=True):
            path.parent.mkdir(parents=True, exist_ok=True)
            files.append(open(tmp, "wb"))  # noqa: SIM115  (closed below, on success and on failure)
        yield files
        for f in files:
            f.flush()
            os.fsync(f.fileno())
            f.close()
        for path, tmp in zip(paths, temps, strict=True):
            os.replace(tmp, path)
    finally:
        for f in files:
            f.close()
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def _json_line(data: dict[str, Any]) -> bytes:
    # default=str: Parquet values JSON has no type for (timestamps, decimals, bytes) are written as text.
    return (json.dumps(data, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def annotate_files(paths: list[str], input_config: InputConfig, identifier: LanguageIdentifier, output: Path,
                   rejected_output: Path, console: Console | None = None) -> AnnotateCounts:
    """Annotate every record of ``paths`` into ``output``; records that cannot be read or written go to
    ``rejected_output`` with their kind. Both files appear only if every record was accounted for.
    ``console`` counts the records as they are read."""
    counts = AnnotateCounts()
    parser = _KeepRecordParser(input_config, input_root(paths))
    with atomic_files(rejected_output, output) as (rejected_file, output_file):

        def reject(item: RejectedRecord) -> None:
            counts.rejected[item.error] += 1
            try:
                line = _json_line(item.to_json_dict())
            except UnicodeEncodeError:  # a file name that is not UTF-8: escape its surrogates, keep it
                line = (json.dumps(item.to_json_dict(), default=str) + "\n").encode("ascii")
            rejected_file.write(line)

        items = (item for path in paths
                 for item in read_file(path, input_config, parser.id_root, parser=parser))
        for item in console.track(items, "langid") if console is not None else items:
            counts.input += 1
            if isinstance(item, RejectedRecord):
                reject(item)
                continue
            if not isinstance(item, Document):  # skipped on purpose by the reader: counted by reason
                counts.skipped[str(getattr(item, "reason", type(item).__name__))] += 1
                continue
            if isinstance(item, _InputDocument):
                record, position = item.record, item.position
            else:  # a document a reader built without the parser: its id and text are what it has
                record, position = {"id": item.id, input_config.text_field: item.text}, 0
            doc = identifier.annotate(Document(id=item.id, text=item.text, source=item.source, url=item.url))
            try:
                line = _json_line(modes.annotated_record(record, doc))
            except UnicodeEncodeError:
                reject(RejectedRecord(item.source, position, UNWRITABLE,
                                      "a field holds unpaired surrogates", ""))
                continue
            output_file.write(line)
            counts.annotated += 1
            counts.marked_removed += doc.removed_reason is not None
        summary = counts.to_json()
        if not summary["holds"]:
            raise ConservationError(f"records do not add up: input {counts.input} != annotated "
                                    f"{counts.annotated} + rejected {sum(counts.rejected.values())} + "
                                    f"skipped {sum(counts.skipped.values())}; {output} not written")
    return counts


def main(args: argparse.Namespace) -> int:
    """Run ``babelbeam langid``; ``--input`` here, the other modes in ``filters/langid_cli.py``."""
    if not args.input:
        return modes.main(args)
    if args.output is None:
        print("babelbeam langid: --input needs --output (annotated records and the rejected ones are written "
              "beside each other)", file=sys.stderr)
        return 2
    try:
        input_config = RunConfig.from_yaml(args.config).input if args.config else InputConfig()
        config = modes.config_from_args(args)
        paths = match_inputs(list(args.input))
    except (ConfigError, InputError) as e:
        print(f"babelbeam langid: {e}", file=sys.stderr)
        return 2
    identifier = LanguageIdentifier.from_config(config)
    output, rejected = Path(args.output), rejected_path(Path(args.output))
    counts = annotate_files(paths, input_config, identifier, output, rejected, modes.console_from_args(args))
    summary = counts.to_json()
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    kinds = ", ".join(f"{kind} {n}" for kind, n in summary["rejected"].items())
    print(f"{counts.input} records: {counts.annotated} annotated ({counts.marked_removed} with a "
          f"removed_reason), {sum(counts.rejected.values())} rejected{f' ({kinds})' if kinds else ''}"
          f"{f', {sum(counts.skipped.values())} skipped' if counts.skipped else ''} -> {output}; "
          f"rejected records -> {rejected}")
    return 0
