"""Run the babelbeam pipeline: raw documents in, Qwen3-tokenized Arrow shards out.

Usage: babelbeam run --input GLOB [GLOB ...] --output DIR [--config FILE] [Beam options ...]

Any Beam option passes through (``--runner DataflowRunner --project ...``,
``--direct_running_mode multi_processing``); without ``--runner`` the local
in-process FnApiRunner runs the job.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from babelbeam.pipeline.graph import build_pipeline
from babelbeam.pipeline.options import pipeline_options
from babelbeam.pipeline.sources import InputError, match_inputs
from babelbeam.schemas.config import ConfigError, RunConfig
from babelbeam.schemas.shard import MANIFEST_NAME

ACCEPTS_EXTRA_ARGS = True  # Beam options pass through
_LOG = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True, help="input files or globs (JSONL, Parquet, text; .gz/.zst)")
    parser.add_argument("--output", required=True, help="output directory (local or a Beam filesystem path)")
    parser.add_argument("--config", default=None, help="YAML run config (see docs/configuration.md)")
    parser.add_argument("--overwrite", action="store_true", help="replace a finished run in the output directory")
    parser.add_argument("--dedup-index", default=None, metavar="DIR",
                        help="an earlier run's output directory: documents that near-duplicate its documents are "
                             "removed (reads DIR/minhash/)")
    parser.add_argument("--keep-removed", action=argparse.BooleanOptionalAction, default=None,
                        help="write removed documents with their reason under DIR/removed/ (default: config)")
    parser.add_argument("--langid-model", default=None, metavar="PATH",
                        help="any fastText language-ID model file (GlotLID, OpenLID, your own); default lid.176")


def run_pipeline(inputs: list[str], output_dir: str, config: RunConfig, beam_args: list[str] | None = None,
                 overwrite: bool = False) -> dict:
    """Run the whole graph and return stats.json's content. Raises InputError / ConfigError on bad arguments."""
    paths = match_inputs(inputs)
    manifest = FileSystems.join(output_dir, MANIFEST_NAME)
    if FileSystems.exists(manifest) and not overwrite:
        raise InputError(f"{output_dir} already holds a finished run ({MANIFEST_NAME}); pass --overwrite or "
                         "choose another --output")
    options = pipeline_options(beam_args or [])
    _LOG.info("reading %d files into %s", len(paths), output_dir)
    with beam.Pipeline(options=options) as pipeline:
        build_pipeline(pipeline, paths, output_dir, config)
    with FileSystems.open(FileSystems.join(output_dir, "stats.json")) as f:
        return json.loads(f.read())


def main(args: argparse.Namespace) -> int:
    try:
        config = RunConfig.from_yaml(args.config)
        if args.dedup_index:
            config.minhash.index_dir = args.dedup_index
        if args.keep_removed is not None:
            config.output.keep_removed = args.keep_removed
        if args.langid_model:
            config.langid.model = args.langid_model
        stats = run_pipeline(args.input, args.output, config, args.extra_args, overwrite=args.overwrite)
    except (InputError, ConfigError) as e:
        print(f"babelbeam run: {e}", file=sys.stderr)
        return 2
    c = stats["conservation"]
    print(f"{c['input']} records: {c['kept']} kept ({stats['tokens']} tokens), {c['removed']} removed, "
          f"{c['duplicates']} duplicates, {c['rejected']} rejected -> {args.output}")
    return 0
