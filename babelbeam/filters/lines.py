"""Line-level cleaning (remove boilerplate lines, keep the document) and the URL/domain blocklist.

The cleaner removes short lines that are page furniture rather than content (cookie banners, "enable
JavaScript", "all rights reserved", share buttons) and lines holding one giant token (base64 blobs, minified
code). A document loses only those lines; it is removed (``lines_all_removed``) only when nothing is left.
Phrases match case-insensitively as substrings, in any language's document, since such banners are often
English on non-English pages; a line with more than ``max_boilerplate_words`` words is prose and is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from babelbeam.filters.base import CleanedText, DocumentFilter, LineCleaner
from babelbeam.filters.c4 import CITATION
from babelbeam.filters.textstats import TextStats
from babelbeam.schemas.quality_config import LinesConfig

BOILERPLATE_PHRASES: tuple[str, ...] = (
    "terms of use", "terms of service", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
    "use cookies", "accept cookies", "accept all cookies", "enable javascript", "javascript is disabled",
    "javascript must be enabled", "javascript is required", "all rights reserved", "skip to content",
    "skip to main content", "sign up for our newsletter", "subscribe to our newsletter", "share on facebook",
    "share on twitter", "click here to", "log in to reply", "powered by wordpress",
)
"""Default boilerplate phrases (lower case)."""


class BoilerplateLineCleaner(LineCleaner):
    """Removes boilerplate lines (``LinesConfig``); measures ``lines_removed``.

    Lines of at most ``max_boilerplate_words`` whitespace words containing a boilerplate phrase
    (case-insensitive) go, and so do lines with a whitespace-separated token longer than
    ``max_word_length``; ``remove_citations`` deletes Wikipedia-style ``[1]``, ``[edit]``,
    ``[citation needed]`` marks.
    """

    name = "lines"
    empty_reason = "lines_all_removed"

    def __init__(self, config: LinesConfig) -> None:
        self.config = config
        phrases = BOILERPLATE_PHRASES if config.boilerplate_phrases is None else config.boilerplate_phrases
        self.boilerplate_phrases = tuple(p.lower() for p in phrases)

    def _is_boilerplate(self, line: str, phrases: tuple[str, ...]) -> bool:
        limit = self.config.max_word_length
        if limit is not None and len(line) > limit and any(len(w) > limit for w in line.split()):
            return True
        if phrases:
            lower = line.lower()
            if any(p in lower for p in phrases):
                return len(line.split()) <= self.config.max_boilerplate_words
        return False

    def clean_text(self, text: str) -> CleanedText:
        """The text without boilerplate lines. Unchanged text is returned as is (the same object)."""
        c = self.config
        lines = text.split("\n")
        # Lower-casing the whole text lower-cases each line as on its own (a newline is neither cased nor
        # case-ignorable, so no line's case context reaches past it): a phrase absent from the whole text is
        # in no line, and most documents hold none of them.
        lower_text = text.lower() if self.boilerplate_phrases else ""
        phrases = tuple(p for p in self.boilerplate_phrases if p in lower_text)
        if not phrases and not c.remove_citations and (
            c.max_word_length is None or max(map(len, lines)) <= c.max_word_length
        ):
            return CleanedText(text, 0)
        kept, removed = [], 0
        for line in lines:
            if line.strip() and self._is_boilerplate(line, phrases):
                removed += 1
                continue
            if c.remove_citations and "[" in line:
                line = CITATION.sub("", line)
            kept.append(line)
        if removed == 0 and not c.remove_citations:
            return CleanedText(text, 0)
        return CleanedText("\n".join(kept).strip("\n"), removed)

    def clean(self, st: TextStats, record: dict[str, float] | None) -> CleanedText:
        cleaned = self.clean_text(st.text)
        if record is not None:
            record[f"{self.name}_removed"] = float(cleaned.lines_removed)
        return cleaned


class UrlBlocklist(DocumentFilter):
    """Removes documents whose URL host is a listed domain or under one. Reason: ``url_blocklisted``."""

    name = "url"

    def __init__(self, domains: Iterable[str]) -> None:
        self.domains = frozenset(filter(None, map(_normalise_domain, domains)))

    @classmethod
    def from_file(cls, path: str | Path) -> UrlBlocklist:
        """Load one domain a line (UTF-8; blank lines and ``#`` comments skipped; ``www.``, case ignored)."""
        with open(path, encoding="utf-8") as f:
            return cls(line.split("#", 1)[0] for line in f)

    def check(self, st: TextStats, record: dict[str, float] | None) -> str | None:
        """``url_blocklisted`` when the URL's host or a parent domain is listed; None otherwise (also without
        a URL)."""
        if not st.url or not self.domains:
            return None
        host = _host(st.url)
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
