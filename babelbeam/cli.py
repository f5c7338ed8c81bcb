"""The ``babelbeam`` command: one subcommand per typed function.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``main(args) -> int``; its module docstring's first line is the ``--help`` text.
Modules import lazily so that ``babelbeam inspect`` loads neither Beam nor torch.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from babelbeam.log_setup import configure_logging

# subcommand -> module implementing it
COMMANDS: dict[str, str] = {
    "run": "babelbeam.pipeline.run",
    "inspect": "babelbeam.tokenize.inspect",
    "langid": "babelbeam.pipeline.langid_cli",
    "report": "babelbeam.report",
    "stopwords": "babelbeam.pipeline.stopwords_cli",
    "train": "babelbeam.model.train_cli",
    "export-hf": "babelbeam.model.export_cli",
    "train-scorer": "babelbeam.model.train_scorer_cli",
    "score": "babelbeam.pipeline.score_cli",
}


def build_parser(argv: list[str] | None = None) -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(prog="babelbeam", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if a in COMMANDS), None)
    modules: dict[str, object] = {}
    for name, module_name in COMMANDS.items():
        if name == chosen:
            module = importlib.import_module(module_name)
            modules[name] = module
            doc = (module.__doc__ or "").strip().splitlines()
            sp = sub.add_parser(name, help=doc[0] if doc else None, description=(module.__doc__ or "").strip())
            # -v after the command name too; SUPPRESS keeps the subparser from resetting one given before it.
            sp.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log at INFO level")
            module.add_arguments(sp)
        else:
            sub.add_parser(name, add_help=False)
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verbose = "-v" in argv or "--verbose" in argv
    # Configure logging before Beam is imported: its import logs a warning on the root logger.
    configure_logging(logging.INFO if verbose else logging.WARNING)
    parser, modules = build_parser(argv)
    args, extra = parser.parse_known_args(argv)
    module = modules[args.command]
    if extra and not getattr(module, "ACCEPTS_EXTRA_ARGS", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra_args = extra
    try:
        return int(module.main(args) or 0)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
