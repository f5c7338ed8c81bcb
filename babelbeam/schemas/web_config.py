"""Config of web input: how WARC/WET files are read and how HTML becomes main text."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from babelbeam.schemas.config_base import ConfigError

ENGINES = ("trafilatura", "trafilatura_fast", "resiliparse")
"""Main-text engines: trafilatura with its fallback extractors, trafilatura without them (``fast=True``),
and resiliparse's ``extract_plain_text(main_content=True)``."""
ENGINE_PACKAGES = {
    "trafilatura": "trafilatura",
    "trafilatura_fast": "trafilatura",
    "resiliparse": "resiliparse",
}

WARC_READERS = ("fastwarc", "warcio")
"""WARC parsers: FastWARC (resiliparse project, C++) and warcio (pure Python, the ``warcio`` extra)."""
WARC_READER_PACKAGES = {"fastwarc": "fastwarc", "warcio": "warcio"}


def check_engine(engine: str) -> str | None:
    """Why ``engine`` cannot run here (unknown, or its package missing), or None when it can."""
    if engine not in ENGINES:
        return f"must be one of {', '.join(ENGINES)}, got {engine!r}"
    package = ENGINE_PACKAGES[engine]
    if importlib.util.find_spec(package) is None:
        return f"engine {engine!r} needs the {package!r} package: pip install {package}"
    return None


@dataclass
class WebConfig:
    engine: str = "trafilatura_fast"
    """Main-text extraction engine: ``trafilatura_fast`` (trafilatura without its fallback extractors),
    ``trafilatura`` (with them) or ``resiliparse``. The default is the fastest engine within 5% of the best F1
    on the evaluation pages (docs/web-input.md)."""
    warc_reader: str = "fastwarc"
    """WARC parser: ``fastwarc`` or ``warcio`` (the same records, about half as fast; needs ``warcio``)."""
    max_html_bytes: int = 4 * 1024 * 1024
    """HTML payloads larger than this are rejected as ``document_too_large`` unread (Common Crawl cuts
    payloads at 1 MiB); it bounds a reader's memory, about ten times this while one page is parsed."""
    max_invalid_ratio: float = 0.01
    """Largest share of replacement characters and control characters a decoded page may hold; above it in
    every candidate charset the page is rejected as ``html_undecodable``."""

    def validate(self) -> WebConfig:
        """Raise ``ConfigError`` naming the key when a choice is unknown or its package is not installed."""
        problem = check_engine(self.engine)
        if problem is not None:
            raise ConfigError(f"input.web.engine: {problem}")
        if self.warc_reader not in WARC_READERS:
            raise ConfigError(
                f"input.web.warc_reader: must be one of {', '.join(WARC_READERS)}, got {self.warc_reader!r}"
            )
        package = WARC_READER_PACKAGES[self.warc_reader]
        if importlib.util.find_spec(package) is None:
            raise ConfigError(
                f"input.web.warc_reader: {self.warc_reader!r} needs the {package!r} package: "
                f"pip install {package}"
            )
        if self.max_html_bytes < 1:
            raise ConfigError(f"input.web.max_html_bytes: must be >= 1, got {self.max_html_bytes!r}")
        if not 0.0 <= self.max_invalid_ratio <= 1.0:
            raise ConfigError(
                f"input.web.max_invalid_ratio: must be in [0, 1], got {self.max_invalid_ratio!r}"
            )
        return self
