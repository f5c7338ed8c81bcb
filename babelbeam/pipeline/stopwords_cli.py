"""Derive per-language stop-word lists from a corpus (the pre-pass for languages stopwordsiso lacks).

Usage: babelbeam stopwords --input GLOB [GLOB ...] --output DIR [--config FILE] [--top-n N] [Beam options ...]

Reads and normalises the documents, identifies their language, counts each
language's words by document frequency and writes DIR/<lang>.txt for every
language with enough documents (FineWeb-2's method). Point the run config's
``quality.stopwords_dir`` at DIR to use them.
"""

from __future__ import annotations

import argparse
import sys

import apache_beam as beam

from babelbeam.pipeline.options import pipeline_options
from babelbeam.pipeline.sources import InputError, ReadDocuments, match_inputs
from babelbeam.pipeline.stage import KEPT
from babelbeam.pipeline.stages import Normalize
from babelbeam.pipeline.stopword_pass import DeriveStopWords
from babelbeam.schemas.config import ConfigError, RunConfig

ACCEPTS_EXTRA_ARGS = True  # Beam options pass through


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True, help="input files or globs")
    parser.add_argument("--output", required=True, help="directory for the <lang>.txt lists")
    parser.add_argument("--config", default=None, help="YAML run config (input, normalize, langid and quality sections)")
    parser.add_argument("--top-n", type=int, default=None, help="words per list (default quality.derive_stopwords_top_n)")
    parser.add_argument("--min-documents", type=int, default=None,
                        help="no list for a language with fewer documents (default quality.derive_stopwords_min_documents)")


def main(args: argparse.Namespace) -> int:
    from babelbeam.pipeline.langid_stage import IdentifyLanguage

    try:
        config = RunConfig.from_yaml(args.config)
        paths = match_inputs(args.input)
    except (InputError, ConfigError) as e:
        print(f"babelbeam stopwords: {e}", file=sys.stderr)
        return 2
    top_n = args.top_n or config.quality.derive_stopwords_top_n
    min_docs = args.min_documents or config.quality.derive_stopwords_min_documents
    with beam.Pipeline(options=pipeline_options(args.extra_args)) as p:
        docs = (p | "Read" >> ReadDocuments(paths, config.input))["documents"]
        docs = (docs | "Normalize" >> Normalize(config.normalize))[KEPT]
        docs = (docs | "IdentifyLanguage" >> IdentifyLanguage(config.langid))[KEPT]
        _ = docs | "DeriveStopWords" >> DeriveStopWords(args.output, top_n=top_n, min_documents=min_docs)
    print(f"stop-word lists written to {args.output}")
    return 0
