"""Build WARC and WET files byte by byte (no WARC library), the way Common Crawl lays them out.

Tests write their crawls with this so the readers under test never also wrote
the input: one gzip member per record, request/response/metadata triples,
revisits, non-HTML responses, and damage (a corrupt gzip member, a record cut
short) at known offsets.
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

DATE = "2024-05-01T12:00:00Z"


def record_id(name: str) -> str:
    """A stable ``<urn:uuid:...>`` id derived from a name, so tests can name the records they expect."""
    return f"<urn:uuid:{uuid.UUID(hashlib.md5(name.encode()).hexdigest())}>"


def warc_record(
    rtype: str,
    uri: str,
    block: bytes,
    *,
    name: str | None = None,
    date: str = DATE,
    content_type: str | None = None,
    extra: tuple[str, ...] = (),
) -> bytes:
    """One WARC/1.0 record: header lines, a blank line, the block, and the closing blank line."""
    if content_type is None:
        content_type = {
            "response": "application/http; msgtype=response",
            "request": "application/http; msgtype=request",
            "revisit": "application/http; msgtype=response",
            "metadata": "application/warc-fields",
            "warcinfo": "application/warc-fields",
            "conversion": "text/plain",
        }[rtype]
    lines = [
        "WARC/1.0",
        f"WARC-Type: {rtype}",
        f"WARC-Record-ID: {record_id(name or rtype + uri)}",
        f"WARC-Date: {date}",
    ]
    if uri:
        lines.append(f"WARC-Target-URI: {uri}")
    lines += list(extra)
    lines += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def http_response(
    body: bytes,
    content_type: str | None = "text/html; charset=utf-8",
    status: str = "200 OK",
    headers: tuple[str, ...] = (),
) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    lines += list(headers) + [f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def http_request(uri: str) -> bytes:
    host = uri.split("/")[2]
    return f"GET /{uri.split('/', 3)[-1]} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test\r\n\r\n".encode()


def page(title: str, paragraphs: list[str], *, lang: str = "en", head: str = "") -> str:
    """A page with the boilerplate real pages carry around their article: navigation, a cookie banner, a
    related-links box, a comment section and a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{head}<title>{title}</title></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/contact">Contact</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<main><article><h1>{title}</h1>
{body}
</article></main>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Ten tips for better sleep</a></li>
<li><a href="/b">Weather warning for the weekend</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Posted by reader42: first!!! great article lol</p></div></section>
<footer><p>Copyright 2024 Example Media Group. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/imprint">Imprint</a></p></footer>
</body></html>"""


@dataclass
class Crawl:
    """Records in file order; ``write`` lays them out and returns each record's offset."""

    records: list[bytes] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add(self, name: str, data: bytes) -> Crawl:
        self.records.append(data)
        self.names.append(name)
        return self

    def fetch(self, name: str, uri: str, response_block: bytes) -> Crawl:
        """A request, its response and the crawler's metadata record, as Common Crawl writes a fetch."""
        self.add(f"{name}:request", warc_record("request", uri, http_request(uri), name=f"{name}:request"))
        self.add(name, warc_record("response", uri, response_block, name=name))
        meta = b"fetchTimeMs: 120\r\ncharset-detected: none\r\n"
        return self.add(f"{name}:metadata", warc_record("metadata", uri, meta, name=f"{name}:metadata"))

    def write(
        self,
        path: Path,
        *,
        gzip_members: bool = True,
        corrupt: tuple[str, ...] = (),
        cut: dict[str, int] | None = None,
    ) -> dict[str, int]:
        """Write the file; ``corrupt`` names records whose gzip member gets garbled, ``cut`` records that lose
        their last N bytes. Returns each record's offset in the written file."""
        cut = cut or {}
        offsets, out = {}, bytearray()
        for name, data in zip(self.names, self.records, strict=True):
            if name in cut:
                data = data[: len(data) - cut[name]]
            chunk = gzip.compress(data, mtime=0) if gzip_members else data
            if name in corrupt:
                garbled = bytearray(chunk)
                for i in range(len(garbled) // 3, len(garbled) // 3 + 8):
                    garbled[i] ^= 0x5A
                chunk = bytes(garbled)
            offsets[name] = len(out)
            out += chunk
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(out))
        return offsets
