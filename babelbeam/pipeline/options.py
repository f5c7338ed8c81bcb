"""Beam pipeline options for babelbeam runs: everything passes through, the runner defaults to the FnApiRunner."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

# The in-process portable runner: the same engine on every machine. Beam's
# self-switching DirectRunner first tries to download Prism (FACTS.md 3).
DEFAULT_RUNNER = "FnApiRunner"


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    """Beam options from pass-through arguments, defaulting the runner to the FnApiRunner."""
    options = PipelineOptions(beam_args)
    standard = options.view_as(StandardOptions)
    if not standard.runner:
        standard.runner = DEFAULT_RUNNER
    return options
