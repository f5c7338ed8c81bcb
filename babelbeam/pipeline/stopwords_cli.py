"""Derive per-language stop-word lists from a corpus (the pre-pass for languages stopwordsiso lacks).

Usage: babelbeam stopwords --input GLOB [GLOB ...] --output DIR [--config FILE] [--top-n N] [Beam options ...]

Reads and normalises the documents, identifies their language, counts each language's words by document
frequency and writes DIR/<lang>.txt for every language with enough documents (FineWeb-2's method). Point the
run config's ``quality.stopwords_dir`` at DIR to use them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from babelbeam.console import add_console_arguments, console_from_args
from babelbeam.pipeline.options import pipeline_options
from babelbeam.pipeline.progress import WORKER_INTERVAL_S, ProgressTarget, release, watch_reading
from babelbeam.pipeline.sources import InputError, ReadDocuments, match_input_files
from babelbeam.pipeline.stages.base import KEPT
from babelbeam.pipeline.stages.normalize import Normalize
from babelbeam.pipeline.stopword_pass import DeriveStopWords
from babelbeam.schemas.config import ConfigError, RunConfig

ACCEPTS_EXTRA_ARGS = True  # Beam options pass through


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True, help="input files or globs")
    parser.add_argument("--output", required=True, help="directory for the <lang>.txt lists")
    parser.add_argument("--config", default=None,
                        help="YAML run config (input, normalize, langid and quality sections)")
    parser.add_argument("--top-n", type=int, default=None,
                        help="words per list (default quality.derive_stopwords_top_n)")
    parser.add_argument("--min-documents", type=int, default=None,
                        help="no list for a language with fewer documents (default "
                             "quality.derive_stopwords_min_documents)")
    add_console_arguments(parser)


def main(args: argparse.Namespace) -> int:
    from babelbeam.pipeline.stages.langid import IdentifyLanguage

    console = console_from_args(args)
    try:
        config = RunConfig.from_yaml(args.config)
        files = match_input_files(args.input)
    except (InputError, ConfigError) as e:
        print(f"babelbeam stopwords: {e}", file=sys.stderr)
        return 2
    paths, sizes = [f.path for f in files], {f.path: f.size for f in files}
    top_n = args.top_n or config.quality.derive_stopwords_top_n
    min_docs = args.min_documents or config.quality.derive_stopwords_min_documents
    # The readers' progress records live beside the lists while the pipeline runs, then go.
    progress_dir = FileSystems.join(args.output, "_progress")
    target = None if console.quiet else ProgressTarget(FileSystems.join(progress_dir, "read"),
                                                       min(WORKER_INTERVAL_S, console.interval_s))
    watch = (watch_reading(console, target, sizes, "stopwords") if target is not None
             else contextlib.nullcontext())
    try:
        with console.logging(), watch, beam.Pipeline(options=pipeline_options(args.extra_args)) as p:
            docs = (p | "Read" >> ReadDocuments(paths, config.input, progress=target))["documents"]
            docs = (docs | "Normalize" >> Normalize(config.normalize))[KEPT]
            docs = (docs | "IdentifyLanguage" >> IdentifyLanguage(config.langid))[KEPT]
            _ = docs | "DeriveStopWords" >> DeriveStopWords(args.output, top_n=top_n, min_documents=min_docs)
    finally:
        if target is not None:
            release(target)
            if FileSystems.exists(progress_dir):
                FileSystems.delete([progress_dir])
    lists = FileSystems.match([FileSystems.join(args.output, "*.txt")])[0].metadata_list
    console.print(f"babelbeam stopwords: {len(lists)} stop-word lists written to {args.output}; "
                  f"point the run config's quality.stopwords_dir at it")
    return 0
