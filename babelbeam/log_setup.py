"""Logging for babelbeam's processes: the command's and the local worker processes' alike."""

from __future__ import annotations

import logging


class _QuietImportNoise(logging.Filter):
    """Drops Beam's import-time note about optional GCP client libraries, which says nothing about the run."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("apitools not found")


class _NoBeamTracebacks(logging.Filter):
    """Drops Beam's own log of a failing transform's traceback: the error is raised on to ``babelbeam``'s
    command line, which prints it as one line (and the traceback with ``-v``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("apache_beam") or record.levelno < logging.ERROR:
            return True
        return not (record.exc_info or "Traceback (most recent call last)" in record.getMessage())


def configure_logging(level: int) -> None:
    """Log ``level`` and above to stderr.

    Call it before Beam is imported: its import logs on the root logger.
    """
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    root = logging.getLogger()
    root.addFilter(_QuietImportNoise())
    if level > logging.INFO:
        # on the handler: records of child loggers skip the root logger's filters
        for handler in root.handlers:
            handler.addFilter(_NoBeamTracebacks())
