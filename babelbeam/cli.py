"""The ``babelbeam`` command: one subcommand per typed function.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``main(args) -> int``; its module docstring's first line is the ``--help`` text.
Modules import lazily so that ``babelbeam inspect`` loads neither Beam nor torch.
A module with ``ACCEPTS_EXTRA_ARGS`` takes Beam pipeline options too; any other
option is refused before the command starts. Whatever a command raises ends here
as one line and an exit code (``babelbeam.errors``); ``-v`` adds the traceback.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import logging
import signal
import sys
import traceback

from babelbeam.errors import EXIT_OK, describe
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
            sp.set_defaults(command_parser=sp)  # main() reports unknown options through the command's parser
        else:
            sub.add_parser(name, add_help=False)
    return parser, modules


def _refuse_unknown(parser: argparse.ArgumentParser, module: object, extra: list[str]) -> None:
    """Exit 2 naming the first argument that is neither the command's nor (where accepted) a Beam option.

    ``parser`` is the command's own parser, so the message reads ``babelbeam run: error: ...``.
    """
    beam_names: list[str] = []
    unknown = extra
    if getattr(module, "ACCEPTS_EXTRA_ARGS", False):
        from babelbeam.pipeline.options import BeamOptionError, beam_option_names, unknown_beam_args

        try:
            unknown = unknown_beam_args(extra)
        except BeamOptionError as e:
            parser.error(str(e))
        beam_names = beam_option_names()
    if not unknown:
        return
    flag = next((a for a in unknown if a.startswith("-")), None)
    if flag is None:
        parser.error(f"unexpected argument {unknown[0]!r}")
    name = flag.split("=", 1)[0]
    own = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    close = (difflib.get_close_matches(name, own, n=1, cutoff=0.7)
             or difflib.get_close_matches(name, beam_names, n=1, cutoff=0.7))
    hint = f"; did you mean {close[0]}?" if close else ""
    what = ("neither this command's nor a Beam pipeline option" if beam_names
            else "not an option of this command")
    parser.error(f"unknown option {name} ({what}){hint}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verbose = "-v" in argv or "--verbose" in argv
    # Configure logging before Beam is imported: its import logs a warning on the root logger.
    configure_logging(logging.INFO if verbose else logging.WARNING)
    args = None
    try:  # from the start: Ctrl-C while Beam or torch is still importing is one line too
        parser, modules = build_parser(argv)
        args, extra = parser.parse_known_args(argv)
        module = modules[args.command]
        _refuse_unknown(args.command_parser, module, extra)
        args.extra_args = extra
        return int(module.main(args) or EXIT_OK)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except (Exception, KeyboardInterrupt) as e:  # one line and an exit code; the traceback only with -v
        if verbose:
            traceback.print_exc()
        line, code = describe(e, resumable=args is not None and "resume" in vars(args))
        command = args.command if args is not None else next((a for a in argv if a in COMMANDS), None)
        print(f"babelbeam {command}: {line}" if command else f"babelbeam: {line}", file=sys.stderr)
        return code


def entry_point() -> None:
    """The ``babelbeam`` executable: ``main``, then exit. A Ctrl-C while the interpreter shuts down (joining
    Beam's threads) is ignored: the command's work is done and its exit code stands."""
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
