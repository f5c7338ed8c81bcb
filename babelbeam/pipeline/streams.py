"""Input bytes as a stream that stops cleanly at damage and says where: gzip, zstd and plain files.

``DecodedStream(raw, compression, limit).chunks()`` yields the decompressed bytes in pieces; at damage it
stops after the last byte that decoded and sets ``damage`` (a ``StreamDamage``: kind, the compressed byte
offset where the damage was detected, the decompressed bytes delivered before it). ``LineSplitter`` cuts those
chunks into lines; a line that the damage cut short is not a line, it belongs to the damaged tail.

Why not ``gzip.GzipFile`` / ``zstandard``'s ``stream_reader`` behind a ``BufferedReader``: the buffered reader
throws away everything it decompressed into its buffer when the error surfaces, and ``stream_reader`` returns
end of file on a zstd frame that was cut short. Here:

- gzip: one ``zlib`` decompressor per member (multi-member files, as written by ``cat a.gz b.gz`` or WARC
  tools, and zero padding between members, as ``gzip -d`` allows). Output per call is bounded
  (``OUTPUT_CHUNK``). When zlib raises, the same input is fed again one byte at a time from a copy of the
  decompressor taken before the call, so every byte before the bad one is delivered and the offset is exact.
  A member's CRC-32 and length are checked at its end: a mismatch is ``corrupt_data`` *after* that member's
  records were delivered (a stream cannot hold a member back until its trailer).
- zstd: the frame and block headers (RFC 8878) are parsed here and the decompressor is fed one block at a time
  (at most 128 KiB out), so a frame cut short is seen as ``truncated_file`` (not end of file), a bad block is
  ``corrupt_data`` at the block's offset, and memory stays bounded even for a decompression bomb. Skippable
  frames are skipped. A raw (stored) block's bytes are delivered as zstd's decoder, fed a byte at a time,
  delivers them: as they come, up to a frame's declared size (``_zstd_limits``).
- plain files: read in chunks; an I/O error mid-file is ``unreadable_file`` at its offset.

Plain Python (no Beam), so the readers' tests call it directly.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import zstandard

READ_SIZE = 1 << 20
"""Compressed bytes read from the file at a time."""
OUTPUT_CHUNK = 1 << 20
"""Most decompressed bytes one gzip call returns (bounds memory for highly compressed input)."""

TRUNCATED_FILE = "truncated_file"
"""The data ends inside a gzip member or zstd frame: the file was cut short."""
CORRUPT_DATA = "corrupt_data"
"""The compressed data is invalid mid-stream: a bad block, a checksum mismatch, garbage after a member."""
UNREADABLE_FILE = "unreadable_file"
"""The file could not be opened or read (I/O error), or is not a file of its format at all."""
FILE_TOO_LARGE = "file_too_large"
"""The decompressed size passed ``input.max_file_bytes``; the rest was not read."""

GZIP_MAGIC = b"\x1f\x8b"
NOT_GZIP = "not a gzip member (bytes after the last member are not gzip data)"
ZSTD_MAGIC = 0xFD2FB528
ZSTD_SKIPPABLE_MASK, ZSTD_SKIPPABLE = 0xFFFFFFF0, 0x184D2A50
ZSTD_MAX_BLOCK = 128 * 1024
"""A zstd block never holds more than 128 KiB (compressed or decompressed), RFC 8878 3.1.1.2.3."""


@dataclass
class StreamDamage:
    """Where and how a stream broke."""

    kind: str
    """``truncated_file``, ``corrupt_data``, ``unreadable_file`` or ``file_too_large``."""
    compressed_offset: int
    """Byte offset in the file (as stored, compressed) where the damage was detected."""
    decompressed_offset: int
    """Decompressed bytes delivered before the damage (all decoded correctly as far as can be told)."""
    detail: str
    """The underlying message."""


class DecodedStream:
    """Decompressed chunks of one file; ``damage`` is set when reading stopped early (see the module doc)."""

    def __init__(self, raw: IO[bytes], compression: str, limit: int) -> None:
        self._raw, self._compression, self._limit = raw, compression, limit
        self.damage: StreamDamage | None = None
        self.delivered = 0  # decompressed bytes yielded so far
        self.raw_offset = 0  # compressed bytes consumed so far (what the decoder has been given)

    def chunks(self) -> Iterator[bytes]:
        """Every decompressed byte up to the damage or ``limit`` (then ``file_too_large`` if more follows)."""
        source = {"gzip": self._gzip, "zstd": self._zstd, "": self._plain}[self._compression]()
        for chunk in source:
            room = self._limit - self.delivered
            if len(chunk) > room:
                if room:
                    self.delivered += room
                    yield chunk[:room]
                self._fail(FILE_TOO_LARGE,
                           f"decompressed size is over {self._limit} bytes; the rest was not read")
                source.close()
                return
            self.delivered += len(chunk)
            yield chunk

    # -- helpers

    def _fail(self, kind: str, detail: str, offset: int | None = None) -> None:
        if self.damage is None:
            where = self.raw_offset if offset is None else offset
            self.damage = StreamDamage(kind, where, self.delivered, detail)

    def _truncated(self, what: str, started: int, source: _ByteSource) -> None:
        """The file ended inside ``what`` (which began at byte ``started``): damage where the data ends."""
        self._fail(TRUNCATED_FILE, f"the file ends inside a {what} that starts at offset {started}",
                   source.offset)

    def _take_whole(self, source: _ByteSource, n: int, what: str, started: int | None = None) -> bytes | None:
        """The next ``n`` bytes, a ``what`` (which began at byte ``started``, default here), or None: after an
        I/O error or, recorded as truncation, when the file ends inside it."""
        started = source.offset if started is None else started
        data = source.take(n)
        if data is not None and len(data) < n:
            self._truncated(what, started, source)
            return None
        return data

    def _read(self, size: int = READ_SIZE) -> bytes | None:
        """The next bytes of the raw file (b"" at its end), or None after recording an I/O error."""
        try:
            return self._raw.read(size)
        except OSError as e:
            self._fail(UNREADABLE_FILE, f"{type(e).__name__}: {e}")
            return None

    # -- plain

    def _plain(self) -> Iterator[bytes]:
        while data := self._read():
            self.raw_offset += len(data)
            yield data

    # -- gzip

    def _gzip(self) -> Iterator[bytes]:
        pending = b""  # raw bytes read but not yet consumed by a decompressor; they start at raw_offset
        member: zlib._Decompress | None = None  # None between members
        while True:
            if not pending or (member is None and len(pending) < len(GZIP_MAGIC)):
                more = self._read()
                if more is None:
                    return
                if not more:
                    if member is not None:
                        # Output zlib still holds (a copy cut by OUTPUT_CHUNK) comes out here, then the member
                        # may turn out complete after all.
                        try:
                            out = member.flush()
                        except zlib.error as e:
                            self._fail(CORRUPT_DATA, f"invalid gzip data: {e}")
                            return
                        if out:
                            yield out
                        if not member.eof:
                            self._fail(TRUNCATED_FILE, "the file ends inside a gzip member")
                    elif pending.lstrip(b"\x00") == GZIP_MAGIC[:1]:
                        self._fail(TRUNCATED_FILE, "the file ends inside a gzip header")
                    elif pending.strip(b"\x00"):
                        self._fail(CORRUPT_DATA, NOT_GZIP)
                    return
                pending += more
                continue
            if member is None:
                stripped = pending.lstrip(b"\x00")  # zero padding between members, as gzip -d allows
                self.raw_offset += len(pending) - len(stripped)
                pending = stripped
                if len(pending) < len(GZIP_MAGIC):
                    continue
                if not pending.startswith(GZIP_MAGIC):
                    self._fail(CORRUPT_DATA, NOT_GZIP)
                    return
                member = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer, CRC-32 and size checked
            before = member.copy()
            try:
                out = member.decompress(pending, OUTPUT_CHUNK)
            except zlib.error as e:
                yield from self._gzip_replay(before, pending, e)
                return
            if member.eof:
                used, pending, member = len(pending) - len(member.unused_data), member.unused_data, None
            else:
                used, pending = len(pending) - len(member.unconsumed_tail), member.unconsumed_tail
            self.raw_offset += used
            if out:
                yield out

    def _gzip_replay(self, member: zlib._Decompress, data: bytes, error: zlib.error) -> Iterator[bytes]:
        """Feed ``data`` again one byte at a time: deliver what decodes before the bad byte, and name it."""
        for i in range(len(data)):
            try:
                out = member.decompress(data[i:i + 1])
            except zlib.error as e:
                self._fail(CORRUPT_DATA, f"invalid gzip data: {e}", self.raw_offset + i)
                return
            if out:
                yield out
        self._fail(CORRUPT_DATA, f"invalid gzip data: {error}", self.raw_offset + len(data))

    # -- zstd

    def _zstd(self) -> Iterator[bytes]:
        source = _ByteSource(self)
        while True:
            frame_start = source.offset
            magic = source.take(4)
            if not magic:
                return  # an I/O error (recorded) or a clean end between frames
            if len(magic) < 4:
                self._truncated("zstd frame header", frame_start, source)
                return
            number = int.from_bytes(magic, "little")
            if number & ZSTD_SKIPPABLE_MASK == ZSTD_SKIPPABLE:
                size = source.take(4)
                if size is None:
                    return
                if len(size) < 4 or source.skip(int.from_bytes(size, "little")) is False:
                    self._truncated("skippable zstd frame", frame_start, source)
                    return
                continue
            if number != ZSTD_MAGIC:
                self._fail(CORRUPT_DATA, f"not a zstd frame at offset {frame_start} (magic {magic.hex()})",
                           frame_start)
                return
            yield from self._zstd_frame(source, magic, frame_start)
            if self.damage is not None:
                return

    def _zstd_frame(self, source: _ByteSource, magic: bytes, frame_start: int) -> Iterator[bytes]:
        descriptor = self._take_whole(source, 1, "zstd frame header", frame_start)
        if descriptor is None:
            return
        flags = descriptor[0]
        single_segment, checksum, dictionary = (flags >> 5) & 1, (flags >> 2) & 1, flags & 3
        if flags & 0x08:
            self._fail(CORRUPT_DATA, "zstd frame header has its reserved bit set", frame_start)
            return
        header_size = ((0 if single_segment else 1) + (0, 1, 2, 4)[dictionary]
                       + ((1 if single_segment else 0), 2, 4, 8)[flags >> 6])
        header = self._take_whole(source, header_size, "zstd frame header", frame_start)
        if header is None:
            return
        block_max, room = _zstd_limits(single_segment, dictionary, flags >> 6, header)
        decompressor = zstandard.ZstdDecompressor().decompressobj()
        feed = magic + descriptor + header
        while True:
            block_start = source.offset
            block_header = self._take_whole(source, 3, "zstd block header")
            if block_header is None:
                return
            value = int.from_bytes(block_header, "little")
            last, block_type, block_size = value & 1, (value >> 1) & 3, value >> 3
            if block_type == 3 or block_size > block_max:
                self._fail(CORRUPT_DATA, f"invalid zstd block header at offset {block_start}", block_start)
                return
            stored = 1 if block_type == 1 else block_size  # an RLE block stores one byte
            content = source.take(stored)
            if content is None:
                return
            if block_type == 0 and room is not None and len(content) > room:
                if room:
                    yield content[:room]  # as zstd's decoder streams a raw block: up to the declared size
                self._fail(CORRUPT_DATA, f"the zstd block at offset {block_start} goes past the frame's "
                           "declared content size", block_start)
                return
            if len(content) < stored:
                if block_type == 0 and content:
                    yield content  # a raw block's bytes are its data: zstd's decoder streams them too
                self._truncated("zstd block", block_start, source)
                return
            feed += block_header + content
            try:
                out = decompressor.decompress(feed)
            except zstandard.ZstdError as e:
                if block_type == 0 and len(content) > 1:
                    # A whole raw block refused: the frame's end does not match its declared size. Fed a byte
                    # at a time, zstd's decoder streams the block and judges on its last byte, held back.
                    yield content[:-1]
                self._fail(CORRUPT_DATA, f"invalid zstd data in the block at offset {block_start}: {e}",
                           block_start)
                return
            self.raw_offset = source.offset
            feed = b""
            if room is not None:
                room -= len(out)
            if out:
                yield out
            if last:
                break
        if checksum:  # fed on its own, so the last block is delivered before the checksum is judged
            digest_start = source.offset
            digest = self._take_whole(source, 4, "zstd frame checksum")
            if digest is None:
                return
            try:
                decompressor.decompress(digest)
            except zstandard.ZstdError as e:
                self._fail(CORRUPT_DATA, f"zstd frame checksum at offset {digest_start} does not match: {e}",
                           digest_start)
                return
            self.raw_offset = source.offset


def _zstd_limits(single_segment: int, dictionary: int, size_flag: int,
                 header: bytes) -> tuple[int, int | None]:
    """(the frame's largest block, its declared content size when the frame is a single segment) from the
    frame header descriptor's fields and the header bytes after it (RFC 8878 3.1.1.1). zstd's decoder
    refuses a block over the window (or 128 KiB) at its header, and in a single-segment frame output past
    the declared size."""
    if not single_segment:
        exponent, mantissa = header[0] >> 3, header[0] & 7
        window = 1 << (10 + exponent)
        return min(window + (window >> 3) * mantissa, ZSTD_MAX_BLOCK), None
    start = (0, 1, 2, 4)[dictionary]
    content_size = int.from_bytes(header[start:], "little") + (256 if size_flag == 1 else 0)
    return min(content_size, ZSTD_MAX_BLOCK), content_size


class _ByteSource:
    """Exact-size reads over the raw file for the zstd parser, with the offset of the next byte."""

    def __init__(self, stream: DecodedStream) -> None:
        self._stream = stream
        self._buffer = b""
        self._position = 0
        self.offset = 0

    def take(self, n: int) -> bytes | None:
        """``n`` bytes (fewer at the end of the file), or None after an I/O error (recorded on the stream)."""
        while len(self._buffer) - self._position < n:
            more = self._stream._read(max(READ_SIZE, n))
            if more is None:
                return None
            if not more:
                break
            self._buffer = self._buffer[self._position:] + more
            self._position = 0
        out = self._buffer[self._position:self._position + n]
        self._position += len(out)
        self.offset += len(out)
        return out

    def skip(self, n: int) -> bool | None:
        """Skip ``n`` bytes; False when the file ends first, None after an I/O error."""
        while n > 0:
            got = self.take(min(n, READ_SIZE))
            if got is None:
                return None
            if not got:
                return False
            n -= len(got)
        return True


@dataclass
class Line:
    """One line of a decoded stream."""

    number: int
    """1-based line number (blank lines count)."""
    offset: int
    """Decompressed byte offset of the line's first byte."""
    data: bytes
    """The line without its newline; for a line over the limit, only its first ``prefix`` bytes."""
    too_long: bool = False
    """The line is longer than the limit; it was skipped without being held whole."""


class LineSplitter:
    """Lines of a ``DecodedStream``, each held whole only up to ``limit`` bytes.

    A line longer than ``limit`` is skipped without being held (only its first ``prefix`` bytes are kept) and
    yielded ``too_long`` once its newline is seen. A last line without a newline is a line when the stream
    ended cleanly; when the stream was damaged it (oversized or not) is the start of the damaged tail and is
    not yielded. After iteration ``tail_offset`` is the decompressed offset where that tail starts,
    ``tail_prefix`` its first ``prefix`` bytes and ``next_number`` the line number it would have had.
    """

    def __init__(self, stream: DecodedStream, limit: int, prefix: int = 1000) -> None:
        self._stream, self._limit, self._prefix = stream, limit, prefix
        self.tail_offset, self.tail_prefix, self.next_number = 0, b"", 1

    def __iter__(self) -> Iterator[Line]:
        limit = self._limit
        pieces: list[bytes] = []  # the current line so far (only its head once it is over the limit)
        size = 0
        skipping = False  # the current line is over the limit: its bytes are not kept
        offset = 0  # decompressed offset of the current chunk's first byte
        start = 0  # decompressed offset of the current line's first byte
        for chunk in self._stream.chunks():
            pos = 0
            while True:
                newline = chunk.find(b"\n", pos)
                end = len(chunk) if newline < 0 else newline
                if not skipping and size + end - pos > limit:
                    head = b"".join(pieces)[:self._prefix]
                    pieces, skipping = [head + chunk[pos:pos + self._prefix - len(head)]], True
                if newline >= 0:
                    if skipping:
                        line = Line(self.next_number, start, pieces[0], too_long=True)
                    else:
                        pieces.append(chunk[pos:newline])
                        line = Line(self.next_number, start, b"".join(pieces))  # one piece: joins to itself
                    # the pieces go before the line does: a long line is held once while it is processed
                    pieces, size, skipping = [], 0, False
                    yield line
                    del line
                    self.next_number += 1
                    pos = newline + 1
                    start = offset + pos
                    continue
                if not skipping:
                    pieces.append(chunk[pos:])
                    size += len(chunk) - pos
                break
            offset += len(chunk)
        self.tail_offset = start
        self.tail_prefix = b"".join(pieces)[:self._prefix]
        if self._stream.damage is None and pieces:
            yield Line(self.next_number, start, b"".join(pieces), too_long=skipping)
            self.next_number += 1
            self.tail_offset, self.tail_prefix = offset, b""
