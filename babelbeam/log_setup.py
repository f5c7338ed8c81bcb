"""Logging for babelbeam's processes: the command's and the local worker processes' alike."""

from __future__ import annotations

import logging


class _QuietImportNoise(logging.Filter):
    """Drops Beam's import-time note about optional GCP client libraries, which says nothing about the run."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("apitools not found")


def configure_logging(level: int) -> None:
    """Log ``level`` and above to stderr; call it before Beam is imported (its import logs on the root logger)."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    logging.getLogger().addFilter(_QuietImportNoise())
