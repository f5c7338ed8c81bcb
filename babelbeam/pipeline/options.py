"""Beam pipeline options for babelbeam runs: Beam's options pass through; the FnApiRunner is the default.

An argument that is neither the command's nor a registered Beam option is refused before any work
(``unknown_beam_args``): Beam itself only warns "Discarding unparseable args" and runs without it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, _BeamArgumentParser

# The in-process portable runner, the same engine everywhere (Beam's DirectRunner first downloads Prism).
DEFAULT_RUNNER = "FnApiRunner"
_LOG = logging.getLogger(__name__)


class BeamOptionError(ValueError):
    """A Beam option is given without its value, or with one of the wrong type."""


class _RaisingParser(_BeamArgumentParser):
    """Beam's option parser, raising instead of printing Beam's whole usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise BeamOptionError(message)


def _beam_parser() -> _RaisingParser:
    """Every registered Beam option, collected as ``PipelineOptions.get_all_options`` does."""
    parser = _RaisingParser(allow_abbrev=False, add_help=False)
    registered: dict[str, type[PipelineOptions]] = {}
    for cls in PipelineOptions.__subclasses__():
        registered.setdefault(str(cls), cls)  # Beam's own rule: one class per name
    for cls in registered.values():
        cls._add_argparse_args(parser)  # noqa: SLF001 (Beam's registration hook, as Beam calls it)
    return parser


@functools.cache
def beam_option_names() -> list[str]:
    """The flags of every registered Beam pipeline option (``--runner``, ``--job_endpoint``, ...), sorted."""
    actions = _beam_parser()._actions
    return sorted(o for action in actions for o in action.option_strings if o.startswith("--"))


def unknown_beam_args(args: list[str]) -> list[str]:
    """The arguments Beam would discard as unparseable (``--flag value`` and ``--flag=value`` both known)."""
    try:
        _, unknown = _beam_parser().parse_known_args(args, namespace=argparse.Namespace())
    except BeamOptionError as e:
        raise BeamOptionError(f"Beam option: {e}") from None
    return unknown


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    """Beam options from pass-through arguments, defaulting the runner to the FnApiRunner."""
    options = PipelineOptions(beam_args)
    standard = options.view_as(StandardOptions)
    if not standard.runner:
        standard.runner = DEFAULT_RUNNER
    return options


def run_beam(beam_args: list[str], build: Callable[[beam.Pipeline], Any]) -> None:
    """Build one Beam pipeline with ``build`` and run it to the end: one phase unit of a run."""
    with beam.Pipeline(options=pipeline_options(beam_args)) as pipeline:
        build(pipeline)


@contextlib.contextmanager
def log_time(what: str) -> Iterator[None]:
    """Log at INFO how long the block took (`babelbeam run -v`), to see where a run spends its time."""
    started = time.perf_counter()
    yield
    _LOG.info("%s in %.1f s", what, time.perf_counter() - started)
