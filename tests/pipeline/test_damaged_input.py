"""Damaged input: every complete record before the damage is read, the damaged tail is one rejection that
names the file, its offsets and the records read before it, and stats.json itemises it.

The recoverable counts are computed here independently of the reader: the cut file is decompressed with
zlib / zstandard streaming objects (member by member, frame by frame) and the complete lines counted.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import shutil
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from conftest import FNAPI

from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import read_file
from babelbeam.pipeline.streams import DecodedStream, LineSplitter
from babelbeam.schemas import Document, RejectedRecord
from babelbeam.schemas.config import InputConfig, RunConfig

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORDS = "river stone garden window market bread morning quiet letter yellow travel table winter".split()


def _records(n: int, words: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return b"".join(json.dumps({"id": f"r{i:05d}", "text": " ".join(rng.choice(WORDS) for _ in range(words))})
                    .encode() + b"\n" for i in range(n))


def _gunzip_prefix(data: bytes) -> bytes:
    """What zlib decodes from (possibly cut) gzip data, member after member."""
    out, rest = b"", data
    while rest:
        member = zlib.decompressobj(wbits=31)
        out += member.decompress(rest)
        if not member.eof:
            break
        rest = member.unused_data
    return out


def _unzstd_prefix(data: bytes) -> bytes:
    """What zstandard decodes from (possibly cut) zstd data, frame after frame, fed in small pieces."""
    out, rest = b"", data
    while rest:
        frame = zstandard.ZstdDecompressor().decompressobj()
        for i in range(0, len(rest), 512):
            out += frame.decompress(rest[i:i + 512])
            if frame.eof:
                break
        if not frame.eof:
            break
        rest = frame.unused_data
    return out


def _complete_lines(decoded: bytes) -> int:
    return decoded.count(b"\n")


def _read(path: Path, **kw) -> tuple[list[Document], list[RejectedRecord]]:
    items = list(read_file(str(path), InputConfig(**kw)))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, RejectedRecord)]


def _check_cut(path: Path, payload: bytes, decoded: bytes, kind: str = "truncated_file") -> None:
    recoverable = _complete_lines(decoded)
    docs, rejected = _read(path)
    assert [d.id for d in docs] == [f"r{i:05d}" for i in range(recoverable)]
    (tail,) = rejected
    region = tail.damaged
    assert tail.error == region.kind == kind and tail.source == str(path)
    assert region.records_before == recoverable and tail.position == recoverable + 1
    assert region.decompressed_offset == decoded.rfind(b"\n") + 1  # the partial line is part of the tail
    assert payload.startswith(decoded)
    assert str(recoverable) in tail.detail


@pytest.mark.parametrize("words", [3, 80], ids=["small-records", "larger-records"])
def test_gzip_cut_at_60_percent_keeps_every_complete_record(tmp_path, words):
    payload = _records(5000, words, seed=words)
    data = gzip.compress(payload, mtime=0)
    cut = data[: len(data) * 6 // 10]
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(cut)
    decoded = _gunzip_prefix(cut)
    assert 2000 < _complete_lines(decoded) < 4000
    _check_cut(path, payload, decoded)
    assert _read(path)[1][0].damaged.compressed_offset == len(cut)


def test_multi_member_gzip_cut_in_its_second_member(tmp_path):
    payload = _records(600, 20, seed=1)
    half = payload.index(b"\n", len(payload) // 2) + 1
    first = gzip.compress(payload[:half], mtime=0)
    data = first + b"\0\0\0\0" + gzip.compress(payload[half:], mtime=0)  # zero padding between members
    path = tmp_path / "members.jsonl.gz"
    path.write_bytes(data)
    docs, rejected = _read(path)
    assert len(docs) == 600 and not rejected  # whole: both members read
    cut = data[: len(first) + 4 + (len(data) - len(first)) // 2]
    path.write_bytes(cut)
    decoded = _gunzip_prefix(cut[: len(first)]) + _gunzip_prefix(cut[len(first) + 4:])
    assert _complete_lines(decoded) > payload[:half].count(b"\n")
    _check_cut(path, payload, decoded)


@pytest.mark.parametrize("records", [200, 3000])
def test_zstd_cut_short_is_damage_not_end_of_file(tmp_path, records):
    payload = _records(records, 80, seed=2)
    data = zstandard.ZstdCompressor().compress(payload)
    cut = data[: len(data) * 6 // 10]
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(cut)
    decoded = _unzstd_prefix(cut)
    # zstd delivers whole blocks (128 KiB): 200 records fit in one, so none is recoverable, but the cut is
    # still one truncated_file rejection rather than an empty file.
    assert (_complete_lines(decoded) > 0) == (len(payload) > 128 * 1024)
    _check_cut(path, payload, decoded)


def test_zstd_cut_in_its_second_frame_and_a_skippable_frame(tmp_path):
    payload = _records(300, 40, seed=3)
    half = payload.index(b"\n", len(payload) // 2) + 1
    skippable = (0x184D2A5A).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"notes"
    first = zstandard.ZstdCompressor(write_checksum=True).compress(payload[:half])
    data = first + skippable + zstandard.ZstdCompressor().compress(payload[half:])
    path = tmp_path / "frames.jsonl.zst"
    path.write_bytes(data)
    assert [len(x) for x in _read(path)] == [300, 0]
    cut = data[: len(data) - 40]
    path.write_bytes(cut)
    decoded = _unzstd_prefix(first) + _unzstd_prefix(cut[len(first) + len(skippable):])
    _check_cut(path, payload, decoded)


def _zstd_block(size: int, block_type: int = 0, last: bool = True) -> bytes:
    return ((size << 3) | (block_type << 1) | int(last)).to_bytes(3, "little")


def _unzstd_bytewise(data: bytes) -> tuple[bytes, bool]:
    """What zstd's streaming decoder delivers from ``data`` fed one byte at a time, and whether it raised."""
    frame, out = zstandard.ZstdDecompressor().decompressobj(), b""
    for i in range(len(data)):
        try:
            out += frame.decompress(data[i:i + 1])
        except zstandard.ZstdError:
            return out, True
    return out, False


ZSTD_FRAME = b"(\xb5/\xfd"
RAW_BLOCK_CASES = {
    # Two found by the fuzz test, each a flipped bit in a block header: a 34-byte raw block in a frame that
    # declares 2 bytes (over its window: refused at the header), and a 17-byte raw block, declared 17, cut.
    "over the window": ZSTD_FRAME + b"\x20\x02" + _zstd_block(34) + b"\x00\n",
    "cut inside": ZSTD_FRAME + b"\x20\x11" + _zstd_block(17) + b'{"text": ""}\n',
    "past the declared size": ZSTD_FRAME + b"\x20\x05" + _zstd_block(4, last=False) + b'{"a"' + _zstd_block(4)
    + b"\n\n{",
    "whole, short of the declared size": ZSTD_FRAME + b"\x20\x17" + _zstd_block(22) + b'{"text": ""}\n'
    + b"null\nnull",
    "window descriptor, cut": ZSTD_FRAME + b"\x00\x0b" + _zstd_block(2816) + b"{}\n{}\n{",
    "window descriptor, over": ZSTD_FRAME + b"\x00\x0b" + _zstd_block(2817) + b"{}\n{}\n{",
}


@pytest.mark.parametrize("case", sorted(RAW_BLOCK_CASES))
def test_zstd_raw_blocks_are_read_as_zstd_streams_them(case):
    """A raw block's bytes are delivered as they come, up to where zstd's decoder stops: a block over the
    frame's window is refused at its header, and a single-segment frame's output ends at its declared size."""
    data = RAW_BLOCK_CASES[case]
    expected, refused = _unzstd_bytewise(data)
    stream = DecodedStream(io.BytesIO(data), "zstd", 1 << 20)
    assert b"".join(stream.chunks()) == expected
    assert stream.damage.kind == ("corrupt_data" if refused else "truncated_file")


def test_corrupt_gzip_member_after_a_good_one(tmp_path):
    payload = _records(400, 20, seed=4)
    half = payload.index(b"\n", len(payload) // 2) + 1
    first = gzip.compress(payload[:half], mtime=0)
    second = bytearray(gzip.compress(payload[half:], mtime=0))
    second[3] = 0xE0  # reserved header flag bits set: zlib refuses the member's header
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(first + bytes(second))
    docs, rejected = _read(path)
    assert len(docs) == payload[:half].count(b"\n")
    (tail,) = rejected
    assert tail.error == "corrupt_data" and tail.damaged.compressed_offset == len(first) + 3
    assert tail.damaged.decompressed_offset == half and tail.damaged.records_before == len(docs)
    # Bytes after the last member that are not gzip data are damage too, not silently ignored.
    path.write_bytes(first + b"this is not gzip")
    docs, rejected = _read(path)
    assert len(docs) == payload[:half].count(b"\n") and [r.error for r in rejected] == ["corrupt_data"]


def test_corrupt_zstd_block_keeps_the_blocks_before_it(tmp_path):
    payload = _records(300, 40, seed=5)
    half = payload.index(b"\n", len(payload) // 2) + 1
    first = zstandard.ZstdCompressor().compress(payload[:half])
    second = bytearray(zstandard.ZstdCompressor().compress(payload[half:]))
    second[len(second) // 2:len(second) // 2 + 32] = b"\xff" * 32
    path = tmp_path / "bad.jsonl.zst"
    path.write_bytes(first + bytes(second))
    docs, rejected = _read(path)
    assert len(docs) >= payload[:half].count(b"\n")
    assert [d.id for d in docs] == [f"r{i:05d}" for i in range(len(docs))]
    (tail,) = rejected
    assert tail.error == "corrupt_data" and tail.damaged.compressed_offset > len(first)


def test_bundled_truncated_example_keeps_record_0(tmp_path):
    path = tmp_path / "truncated.jsonl.gz"
    shutil.copy(EXAMPLES / "corrupt" / "truncated.jsonl.gz", path)
    labels = json.loads((EXAMPLES / "corpus_labels.json").read_text(encoding="utf-8"))
    expected = labels["corrupt"]["corrupt/truncated.jsonl.gz"]
    docs, rejected = _read(path)
    assert [d.id for d in docs] == ["truncated-ok-1"] and expected[0]["expect"] == "ok"
    assert [r.error for r in rejected] == [expected[1]["expect"]] == ["truncated_file"]
    assert rejected[0].damaged.records_before == 1 and rejected[0].position == 2


def test_text_file_cut_short_is_not_a_document(tmp_path):
    data = gzip.compress(("A whole article, one paragraph after another. " * 400).encode(), mtime=0)
    path = tmp_path / "article.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    docs, rejected = _read(path)
    assert not docs and [(r.error, r.position, r.damaged.records_before) for r in rejected] == [
        ("truncated_file", 0, 0)]


def test_decompression_limit_keeps_complete_lines_and_rejects_the_rest_once(tmp_path):
    payload = b'{"text": "a"}\n' * 10_000  # 14 bytes a line
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(payload, mtime=0))
    docs, rejected = _read(path, max_file_bytes=14 * 1000 + 7)
    assert len(docs) == 1000
    (tail,) = rejected
    assert tail.error == "file_too_large" and tail.damaged.decompressed_offset == 14 * 1000
    assert tail.damaged.records_before == 1000


def _parquet_with_corrupt_row_group(path: Path, rows: int = 300, group_size: int = 100, bad: int = 1) -> None:
    rng = random.Random(6)
    table = pa.table({"id": [f"p{i:03d}" for i in range(rows)],
                      "text": [rng.randbytes(60).hex() for _ in range(rows)]})
    pq.write_table(table, path, row_group_size=group_size, use_dictionary=False)
    column = pq.ParquetFile(path).metadata.row_group(bad).column(1)
    data = bytearray(path.read_bytes())
    data[column.data_page_offset + 2:column.data_page_offset + 18] = b"\xa5" * 16  # the page header
    path.write_bytes(bytes(data))


def test_corrupt_parquet_row_group_rejects_that_group_only(tmp_path):
    path = tmp_path / "groups.parquet"
    _parquet_with_corrupt_row_group(path)
    docs, rejected = _read(path)
    assert [d.id for d in docs] == [f"p{i:03d}" for i in [*range(100), *range(200, 300)]]
    (group,) = rejected
    assert group.error == "corrupt_row_group" and group.position == 100 and group.source == str(path)
    assert (group.damaged.row_group, group.damaged.rows, group.damaged.records_before) == (1, [100, 200], 100)


class _Trickle(io.RawIOBase):
    """A file that returns at most ``step`` bytes a read, as a socket or a remote object store may."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._pos, self._step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        out = self._data[self._pos:self._pos + min(self._step, size if size >= 0 else self._step)]
        self._pos += len(out)
        return out


@pytest.mark.parametrize("compression", ["", "gzip", "zstd"])
def test_stream_splits_lines_exactly_at_chunk_edges(compression):
    """Lines that straddle reads and decoder chunks come out whole, with their number and offset; a line
    over the limit is skipped; a last line without a newline ends a clean stream."""
    rng = random.Random(9)
    payload = b"".join(rng.randbytes(n).hex().encode() + b"\n\n"[: 1 + n % 2] for n in range(0, 1500, 7))
    payload += b"tail"
    data = {"": payload, "gzip": gzip.compress(payload, mtime=0),
            "zstd": zstandard.ZstdCompressor().compress(payload)}[compression]
    stream = DecodedStream(_Trickle(data, 333), compression, 1 << 30)
    lines = list(LineSplitter(stream, limit=2500, prefix=10))
    assert stream.damage is None
    complete = payload.split(b"\n")
    assert [line.data for line in lines if not line.too_long] == [x for x in complete if len(x) <= 2500]
    assert [(line.number, line.data) for line in lines if line.too_long] == [
        (i + 1, x[:10]) for i, x in enumerate(complete) if len(x) > 2500]
    assert all(payload[line.offset:line.offset + len(line.data)] == line.data for line in lines)


@pytest.mark.slow
def test_damaged_corpus_run_itemises_every_damaged_region(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    payload = _records(500, 30, seed=7)
    gz = gzip.compress(payload, mtime=0)
    (corpus / "a.jsonl.gz").write_bytes(gz[: len(gz) * 6 // 10])
    zst = zstandard.ZstdCompressor().compress(_records(200, 30, seed=8).replace(b'"r', b'"z'))
    (corpus / "b.jsonl.zst").write_bytes(zst[: len(zst) // 2])
    _parquet_with_corrupt_row_group(corpus / "c.parquet")
    shutil.copy(EXAMPLES / "corrupt" / "truncated.jsonl.gz", corpus / "d.jsonl.gz")
    expected_docs = (_complete_lines(_gunzip_prefix(gz[: len(gz) * 6 // 10])) + _complete_lines(
        _unzstd_prefix(zst[: len(zst) // 2])) + 200 + 1)
    config = RunConfig.from_yaml(None)
    config.quality.enabled, config.exact_dedup.enabled, config.minhash.enabled = False, False, False
    config.langid.threshold, config.langid.keep_undetermined, config.output.buckets = 0.0, True, 2
    out = tmp_path / "out"
    stats = run_pipeline([str(corpus / "*")], str(out), config, FNAPI)
    assert stats["documents_read"] == expected_docs
    assert [(r["source"].rsplit("/", 1)[-1], r["kind"]) for r in stats["damaged"]] == [
        ("a.jsonl.gz", "truncated_file"), ("b.jsonl.zst", "truncated_file"),
        ("c.parquet", "corrupt_row_group"), ("d.jsonl.gz", "truncated_file")]
    assert stats["rejected"] == {"corrupt_row_group": 1, "truncated_file": 3}
    assert stats["conservation"]["holds"] and stats["input"] == expected_docs + 4
    lines = [json.loads(line) for p in sorted((out / "rejected").glob("*.jsonl")) for line in p.open()]
    assert [line["damaged"] for line in lines] == stats["damaged"]
