"""Property-based: arbitrary JSON values and bytes in every field, arbitrary bytes as file names, files
compressed and cut anywhere. The reader never raises, everything it yields can be written, and every
record is accounted for; a few such corpora go through ``run_pipeline`` on the FnApiRunner and the counts
hold. Derandomized with fixed example counts, so CI runs the same cases every time.

The expected record counts are computed here from the files' bytes, not by the reader: the decodable
prefix (zlib / zstandard streaming) split into lines, blank lines not being records.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from pathlib import Path

import zstandard
from conftest import FNAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import read_file
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.config import InputConfig, RunConfig
from babelbeam.schemas.document import json_line

FIELDS = ("id", "text", "url", "meta", "content")
KEEP_FIELDS = ["meta"]
MAX_BYTES = 600
"""A small size limit, so records and text files over it occur."""

CHARACTERS = st.one_of(
    st.characters(),  # any code point but surrogates
    st.integers(min_value=0xD800, max_value=0xDFFF).map(chr),  # lone surrogates: characters() leaves them out
    st.sampled_from("\x00\n\r\"\\#\u0301"),
)
TEXT = st.text(alphabet=CHARACTERS, max_size=30)
GOOD_TEXT = st.text(max_size=80)  # valid Unicode (up to 320 UTF-8 bytes: sometimes over the size limit)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10 ** 40), max_value=10 ** 40)
    | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
SIDE_FIELDS = {"id": st.one_of(TEXT, JSON_VALUE), "url": st.one_of(TEXT, JSON_VALUE),
               "meta": st.one_of(TEXT, JSON_VALUE), "content": JSON_VALUE}
RECORD = st.one_of(
    st.fixed_dictionaries({"text": GOOD_TEXT}, optional=SIDE_FIELDS),  # mostly documents, odd side fields
    st.fixed_dictionaries({}, optional={"text": st.one_of(TEXT, JSON_VALUE), **SIDE_FIELDS}),
)


@st.composite
def json_line_bytes(draw: st.DrawFn) -> bytes:
    value = draw(st.one_of(RECORD, RECORD, JSON_VALUE))
    if draw(st.booleans()):
        return json.dumps(value).encode("ascii")  # surrogates as \\uXXXX escapes
    # Raw: a surrogate becomes bytes that are not UTF-8.
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


LINE = st.one_of(json_line_bytes(), json_line_bytes(), st.binary(max_size=40))
SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".txt", ".txt.zst", ".parquet")
NAME = st.binary(min_size=1, max_size=10).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b".."))


@st.composite
def input_file(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(file name, file bytes): lines of anything, maybe compressed, maybe cut short."""
    suffix = draw(st.sampled_from(SUFFIXES))
    payload = b"\n".join(draw(st.lists(LINE, max_size=8))) + draw(st.sampled_from([b"", b"\n"]))
    if suffix.endswith(".gz"):
        data = gzip.compress(payload, mtime=0)
    elif suffix.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(payload)
    else:
        data = payload
    damage = draw(st.sampled_from(["none", "none", "cut", "flip"]))
    if damage == "cut":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    elif damage == "flip" and data:
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(min_value=1, max_value=255))]) + data[at + 1:]
    return draw(NAME) + suffix.encode(), data


def _gunzip_bytewise(data: bytes) -> bytes:
    """Everything zlib decodes from gzip data fed one byte at a time, member after member, up to the first
    error or the end (zero bytes between members are padding)."""
    out, i = b"", 0
    while i < len(data):
        while i < len(data) and data[i] == 0:
            i += 1
        if i == len(data):
            break
        member, j = zlib.decompressobj(wbits=31), i
        while j < len(data) and not member.eof:
            try:
                out += member.decompress(data[j:j + 1])
            except zlib.error:
                return out
            j += 1
        if not member.eof:
            return out
        i = j
    return out


def _unzstd_bytewise(data: bytes) -> bytes:
    """The same for zstd: frame after frame, one byte at a time, up to the first error or the end."""
    out, i = b"", 0
    while i < len(data):
        frame, j = zstandard.ZstdDecompressor().decompressobj(), i
        while j < len(data) and not frame.eof:
            try:
                out += frame.decompress(data[j:j + 1])
            except zstandard.ZstdError:
                return out
            j += 1
        if not frame.eof:
            return out
        i = j
    return out


def _expected_records(name: bytes, data: bytes, damaged: bool) -> int:
    """Records the reader must yield for this file, counting a damaged tail as one."""
    if name.endswith(b".parquet"):
        return 1  # these bytes are never a Parquet file: one unreadable_file
    if b".txt" in name:
        return 1  # a text file is one document (or one rejection)
    decoded = _gunzip_bytewise(data) if name.endswith(b".gz") else _unzstd_bytewise(data) if name.endswith(
        b".zst") else data
    lines = decoded.split(b"\n")
    if damaged:
        lines = lines[:-1]  # the partial last line belongs to the damaged tail
    return sum(1 for line in lines if line.strip()) + (1 if damaged else 0)


def _write(directory: Path, name: bytes, data: bytes) -> str:
    path = os.path.join(os.fsencode(directory), name)
    with open(path, "wb") as f:
        f.write(data)
    return os.fsdecode(path)


def _check_items(items: list[Document | RejectedRecord]) -> None:
    for item in items:
        json_line(item.to_json_dict()).decode("utf-8")  # always writable, always valid UTF-8
        if isinstance(item, Document):
            for value in (item.id, item.source, item.url or "", *item.metadata.values()):
                value.encode("utf-8")  # strict: no lone surrogate reaches a shard or a bucket hash
            json.dumps(item.to_json_dict(), ensure_ascii=False).encode("utf-8")
    damaged = [i for i in items if isinstance(i, RejectedRecord) and i.damaged is not None]
    assert len(damaged) <= 1 and (not damaged or damaged[0] is items[-1])
    if damaged:
        assert damaged[0].damaged.records_before == len(items) - 1


MORE_EXAMPLES = int(os.environ.get("BABELBEAM_FUZZ_EXAMPLES", "0"))
"""Set to search further than CI does, with fresh random examples: ``BABELBEAM_FUZZ_EXAMPLES=5000 pytest
tests/pipeline/test_fuzz_inputs.py -k anything``."""
FUZZ = settings(max_examples=MORE_EXAMPLES or 250, derandomize=not MORE_EXAMPLES, database=None,
                deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(st.lists(input_file(), min_size=1, max_size=3, unique_by=lambda f: f[0]))
def test_reader_accounts_for_every_record_of_anything(files):
    config = InputConfig(keep_fields=KEEP_FIELDS, max_document_bytes=MAX_BYTES)
    with tempfile.TemporaryDirectory() as directory:
        for name, data in files:
            path = _write(Path(directory), name, data)
            items = list(read_file(path, config, id_root=directory + "/"))
            _check_items(items)
            damaged = bool(items) and isinstance(items[-1], RejectedRecord) and items[-1].damaged is not None
            assert len(items) == _expected_records(name, data, damaged), (name, data, items)


# No shrinking: each example is a whole run (seconds); a failure is reported as generated.
E2E = settings(max_examples=3, derandomize=True, database=None, deadline=None,
               phases=[Phase.explicit, Phase.generate],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@E2E
@given(st.lists(input_file(), min_size=3, max_size=5, unique_by=lambda f: f[0]))
def test_run_pipeline_on_anything_completes_and_the_counts_hold(files):
    config = RunConfig.from_yaml(None)
    config.input.keep_fields, config.input.max_document_bytes = KEEP_FIELDS, MAX_BYTES
    config.output.buckets = 2
    with tempfile.TemporaryDirectory() as directory:
        corpus, out = Path(directory) / "corpus", Path(directory) / "out"
        corpus.mkdir()
        expected = 0
        for name, data in files:
            path = _write(corpus, name, data)
            items = list(read_file(path, config.input))
            expected += len(items)
        stats = run_pipeline([str(corpus / "*")], str(out), config, FNAPI)
        c = stats["conservation"]
        assert c["holds"] and stats["input"] == expected
        assert c["input"] == c["kept"] + c["removed"] + c["duplicates"] + c["rejected"]
        logs = sorted((out / "rejected").glob("*.jsonl"))
        lines = [json.loads(line) for p in logs for line in p.read_bytes().splitlines()]
        assert len(lines) == c["rejected"] == sum(stats["rejected"].values())
        logged = [line["damaged"] for line in lines if "damaged" in line]
        assert sorted(logged, key=lambda r: (r["source"], r["position"])) == stats["damaged"]
