"""Line-level cleaning (remove boilerplate lines, keep the document) and the URL/domain blocklist.

The cleaner removes short lines that are page furniture rather than content
(cookie banners, "enable JavaScript", "all rights reserved", share buttons) and
lines holding one giant token (base64 blobs, minified code). A document loses
only those lines; it is removed (``lines_all_removed``) only when nothing is
left. Phrases match case-insensitively as substrings, in any language's
document, since such banners are often English on non-English pages; a line
with more than ``max_boilerplate_words`` words is prose and is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from babelbeam.filters.c4 import CITATION
from babelbeam.schemas.document import Document

BOILERPLATE_PHRASES: tuple[str, ...] = (
    "terms of use", "terms of service", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
    "use cookies", "accept cookies", "accept all cookies", "enable javascript", "javascript is disabled",
    "javascript must be enabled", "javascript is required", "all rights reserved", "skip to content",
    "skip to main content", "sign up for our newsletter", "subscribe to our newsletter", "share on facebook",
    "share on twitter", "click here to", "log in to reply", "powered by wordpress",
)
"""Default boilerplate phrases (lower case)."""


class LineCleaner:
    """Removes boilerplate lines. ``clean(doc)`` returns the cleaned document, or it removed as ``lines_all_removed``.

    ``boilerplate_phrases``: lines of at most ``max_boilerplate_words`` whitespace
    words containing one of these (case-insensitive) are removed. ``max_word_length``:
    lines with a longer whitespace-separated token are removed (``None`` turns it off).
    ``remove_citations``: delete Wikipedia-style ``[1]``, ``[edit]``, ``[citation needed]`` marks.
    """

    name = "lines"

    def __init__(
        self,
        *,
        boilerplate_phrases: Iterable[str] | None = BOILERPLATE_PHRASES,
        max_boilerplate_words: int = 30,
        max_word_length: int | None = 1000,
        remove_citations: bool = False,
        keep_measurements: bool = False,
    ) -> None:
        self.boilerplate_phrases = tuple(p.lower() for p in (boilerplate_phrases or ()))
        self.max_boilerplate_words = max_boilerplate_words
        self.max_word_length = max_word_length
        self.remove_citations = remove_citations
        self.keep_measurements = keep_measurements

    def _is_boilerplate(self, line: str, phrases: tuple[str, ...]) -> bool:
        if self.max_word_length is not None and len(line) > self.max_word_length:
            if any(len(w) > self.max_word_length for w in line.split()):
                return True
        if phrases:
            lower = line.lower()
            if any(p in lower for p in phrases):
                return len(line.split()) <= self.max_boilerplate_words
        return False

    def clean_text(self, text: str) -> tuple[str, int]:
        """The text without boilerplate lines, and the number of lines removed. Unchanged text is returned as is."""
        lines = text.split("\n")
        # Lower-casing the whole text lower-cases each line as on its own (a newline is neither cased nor
        # case-ignorable, so no line's case context reaches past it): a phrase absent from the whole text is
        # in no line, and most documents hold none of them.
        lower_text = text.lower() if self.boilerplate_phrases else ""
        phrases = tuple(p for p in self.boilerplate_phrases if p in lower_text)
        if not phrases and not self.remove_citations and (
            self.max_word_length is None or max(map(len, lines)) <= self.max_word_length
        ):
            return text, 0
        kept = []
        removed = 0
        for line in lines:
            if line.strip() and self._is_boilerplate(line, phrases):
                removed += 1
                continue
            if self.remove_citations and "[" in line:
                line = CITATION.sub("", line)
            kept.append(line)
        if removed == 0 and not self.remove_citations:
            return text, 0
        return "\n".join(kept).strip("\n"), removed

    def clean(self, doc: Document) -> Document:
        """The document with boilerplate lines removed, or ``doc.removed("lines_all_removed")`` if nothing is left."""
        text, removed = self.clean_text(doc.text)
        if self.keep_measurements:
            doc.measurements["lines_removed"] = float(removed)
        if text is doc.text:
            return doc
        if not text.strip():
            return doc.removed("lines_all_removed")
        return dataclasses.replace(doc, text=text)


class UrlBlocklist:
    """Removes documents whose URL host is a listed domain or a subdomain of one. Reason: ``url_blocklisted``."""

    name = "url"

    def __init__(self, domains: Iterable[str]) -> None:
        self.domains = frozenset(_normalise_domain(d) for d in domains if _normalise_domain(d))

    @classmethod
    def from_file(cls, path: str | Path) -> UrlBlocklist:
        """Load one domain a line (UTF-8; blank lines and ``#`` comments skipped; ``www.`` and case ignored)."""
        with open(path, encoding="utf-8") as f:
            return cls(line.split("#", 1)[0] for line in f)

    def filter(self, doc: Document, words: list[str] | None = None) -> str | None:
        """``url_blocklisted`` when ``doc.url``'s host or a parent domain is listed; None otherwise (also without a URL)."""
        if not doc.url or not self.domains:
            return None
        host = _host(doc.url)
        while host:
            if host in self.domains:
                return "url_blocklisted"
            _, _, host = host.partition(".")
        return None


def _normalise_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    if "/" in domain:
        domain = _host(domain)
    return domain.removeprefix("www.")


def _host(url: str) -> str:
    if "//" not in url:
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").removeprefix("www.")
