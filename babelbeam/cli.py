"""The ``babelbeam`` command: one subcommand per typed function.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``main(args) -> int``; its module docstring is the ``--help`` text, and its first
line the command's line in ``babelbeam --help``. Modules import lazily (the
listing reads the docstrings from source) so that ``babelbeam --help`` and
``babelbeam inspect`` load neither Beam nor torch.
A module with ``ACCEPTS_EXTRA_ARGS`` takes Beam pipeline options too; any other
option is refused before the command starts. Whatever a command raises ends here
as one line and an exit code (``babelbeam.errors``); ``-v`` adds the traceback.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import importlib
import importlib.util
import logging
import os
import re
import signal
import sys
import textwrap
import traceback
from pathlib import Path
from typing import NoReturn

from babelbeam import __version__
from babelbeam.errors import EXIT_INTERRUPTED, EXIT_OK, describe
from babelbeam.log_setup import configure_logging
from babelbeam.process_memory import return_freed_memory

DESCRIPTION = ("Raw multilingual text in, Qwen3 pretraining shards out (Apache Beam: language ID, dedup, "
               "quality filters, Qwen3 tokenizer), and a Qwen3 trainer that reads them.")
EPILOG = ("Run `babelbeam COMMAND --help` for a command's options. New here? The README's tour runs every "
          "command on the sample corpus in examples/.")

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

_LIST_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.) ")


def plain(text: str) -> str:
    """Docstring markup as a terminal shows it: ````x```` -> ```x```."""
    return re.sub(r"``([^`]+)``", r"`\1`", text)


class HelpFormatter(argparse.HelpFormatter):
    """Wraps help text to the terminal yet keeps what docstrings mean: paragraphs stay apart, list items
    (``- ``, ``* ``, ``1. ``) each start a line with a hanging indent, and indented lines (commands) stay as
    written. argparse's own formatter joins everything into one paragraph."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = re.split(r"\n\s*\n", textwrap.dedent(plain(text)).strip("\n"))
        return "\n\n".join(self._fill_block(block, width, indent) for block in blocks)

    @staticmethod
    def _fill_block(block: str, width: int, indent: str) -> str:
        out: list[str] = []
        item: list[str] = []  # the paragraph or list item being joined

        def close() -> None:
            if item:
                first = item[0]
                hang = " " * (len(first) - len(first.lstrip()))
                hang += "  " if _LIST_ITEM.match(first) else ""
                out.append(textwrap.fill(" ".join(line.strip() for line in item), width,
                                         initial_indent=indent + first[:len(first) - len(first.lstrip())],
                                         subsequent_indent=indent + hang))
                item.clear()

        for line in block.splitlines():
            if line.startswith("    ") and not item:  # an indented command: as written
                out.append(indent + line.rstrip())
            elif _LIST_ITEM.match(line):
                close()
                item.append(line)
            else:
                item.append(line)
        close()
        return "\n".join(out)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return super()._split_lines(plain(text), width)

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):  # the commands one a line, without a COMMAND line
            return "".join(self._format_action(a) for a in action._get_subactions())
        return super()._format_action(action)


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, whose errors end by saying where to look next."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def command_summary(module_name: str) -> str:
    """The first line of a command module's docstring, read from its source (nothing is imported)."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        return ""
    doc = ast.get_docstring(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))) or ""
    return plain(doc.strip().splitlines()[0]) if doc.strip() else ""


def command_description(doc: str) -> str:
    """A module docstring as the command's ``--help`` text: its own ``Usage:`` paragraph is dropped, since
    argparse prints the usage from the real arguments."""
    paragraphs = re.split(r"\n\s*\n", doc.strip())
    return "\n\n".join(p for p in paragraphs if not p.lstrip().startswith("Usage:"))


def build_parser(argv: list[str] | None = None) -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = ArgumentParser(prog="babelbeam", description=DESCRIPTION, epilog=EPILOG,
                            formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"babelbeam {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if a in COMMANDS), None)
    modules: dict[str, object] = {}
    for name, module_name in COMMANDS.items():
        summary = command_summary(module_name)
        if name == chosen:
            module = importlib.import_module(module_name)
            modules[name] = module
            sp = sub.add_parser(name, help=summary, description=command_description(module.__doc__ or ""),
                                formatter_class=HelpFormatter)
            # -v after the command name too; SUPPRESS keeps the subparser from resetting one given before it.
            sp.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                            help="log at INFO level")
            module.add_arguments(sp)
            sp.set_defaults(command_parser=sp)  # main() reports unknown options through the command's parser
        else:
            sub.add_parser(name, help=summary, add_help=False)
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
    return_freed_memory()
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
    Beam's threads) is ignored: the command's work is done and its exit code stands.

    After an interrupt the process ends at once with 130 (``os._exit``): an interrupted Beam bundle can leave
    threads that a normal shutdown would wait for, and a KeyboardInterrupt that surfaced inside code a C
    extension ran makes CPython end by re-raising SIGINT (exit -2) even though it was handled. Every file a
    run writes is complete or absent (written atomically), so nothing is lost by skipping the shutdown.
    """
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if code == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
