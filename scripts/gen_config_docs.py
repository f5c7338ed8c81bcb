"""Generate ``docs/configuration.md`` from the run-config dataclasses; ``--check`` fails if the file is stale.

Every section of ``RunConfig`` (and every section nested in one, such as
``quality.gopher_quality``) becomes a table of key path, type, allowed values,
default and meaning (type and allowed values from the annotations, ``Annotated``
constraints included). The meaning is the field's attribute docstring, which Python does not
keep at run time, so this script reads it from the source with ``ast``. The
defaults come from the dataclasses themselves (so they cannot disagree with the
code), the CLI flags that override a key come from ``babelbeam/pipeline/run.py``,
and the page ends with every default as one YAML file that loads through
``RunConfig.from_yaml``.

Usage::

    .venv/bin/python scripts/gen_config_docs.py            # rewrite docs/configuration.md
    .venv/bin/python scripts/gen_config_docs.py --check    # exit 1 if it differs from what would be written
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import difflib
import inspect
import logging
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: import the babelbeam beside it
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402  (after the sys.path fix above)

from babelbeam.schemas.config import RunConfig  # noqa: E402
from babelbeam.schemas.config_base import allowed_values, attribute_docs, class_node, field_hints, type_name  # noqa: E402

DOC_PATH = ROOT / "docs" / "configuration.md"
RUN_MODULE = ROOT / "babelbeam" / "pipeline" / "run.py"
_LOG = logging.getLogger("gen_config_docs")


@dataclasses.dataclass
class FieldDoc:
    """One config key as documented."""

    key: str
    """Dotted key path in the YAML file, e.g. ``quality.gopher_quality.min_doc_words``."""
    type: str
    """The annotation without its constraints, e.g. ``int | None``."""
    allowed: str
    """What the field's constraints allow, e.g. ``at least 1``; "" when any value of the type is."""
    default: Any
    """The default value (``default_factory()`` evaluated)."""
    doc: str
    """The attribute docstring, or "" when the field has none."""


@dataclasses.dataclass
class SectionDoc:
    """One config dataclass at one key path."""

    key: str
    """Dotted path of the section, e.g. ``quality.c4``."""
    cls: type
    doc: str
    """What the section is: the parent's field docstring, else the class docstring, else ""."""
    module_doc: str
    """The defining module's docstring when the class has a module of its own (its examples and rules)."""
    fields: list[FieldDoc]


def _class_docstring(cls: type) -> str:
    return ast.get_docstring(class_node(cls)) or ""


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def collect_sections(cls: type = RunConfig, key: str = "", doc: str = "") -> list[SectionDoc]:
    """Walk ``cls`` depth first: one SectionDoc per dataclass, nested sections after their parent."""
    docs = attribute_docs(cls)
    hints = field_hints(cls)
    fields: list[FieldDoc] = []
    nested: list[tuple[str, type, str]] = []
    for f in dataclasses.fields(cls):
        _, field_doc = docs.get(f.name, ("", ""))
        default = _default(f)
        path = f"{key}.{f.name}" if key else f.name
        if dataclasses.is_dataclass(default):
            nested.append((path, type(default), field_doc))
        else:
            fields.append(FieldDoc(path, type_name(hints[f.name]), allowed_values(hints[f.name]), default,
                                   field_doc))
    sections: list[SectionDoc] = []
    if key:  # RunConfig itself only groups the sections
        own_module = inspect.getmodule(cls)
        module_doc = ""
        if own_module is not None and own_module is not inspect.getmodule(RunConfig):
            module_doc = inspect.getdoc(own_module) or ""
            if _first_class_in_module(own_module) is not cls:
                module_doc = ""  # a helper section of another section's module: the parent shows it
        sections.append(SectionDoc(key, cls, doc or _class_docstring(cls), module_doc, fields))
    for path, sub, sub_doc in nested:
        sections.extend(collect_sections(sub, path, sub_doc))
    return sections


def _first_class_in_module(module: Any) -> type | None:
    """The config class a module is about: the one ``RunConfig`` holds directly, if it lives there."""
    top = {type(_default(f)) for f in dataclasses.fields(RunConfig)}
    for obj in vars(module).values():
        if isinstance(obj, type) and obj in top and obj.__module__ == module.__name__:
            return obj
    return None


def yaml_inline(value: Any) -> str:
    """A default as it would be written in the YAML file (flow style, one line)."""
    if value is dataclasses.MISSING:
        return "(required)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        dumped = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
        return dumped.removesuffix("...").strip()
    dumped = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()
    return dumped


def _cell(text: str) -> str:
    """Markdown table cell: one line, pipes escaped (GFM honours ``\\|`` inside code spans too)."""
    return " ".join(text.split()).replace("|", "\\|")


def _rst_to_markdown(text: str) -> str:
    """Module docstrings use reST literal blocks (``::`` + indent); render them as fenced YAML blocks."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::"):
            out.append(line.rstrip()[:-1] if not line.rstrip().endswith(" ::") else line.rstrip()[:-3])
            i += 1
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            out += ["", "```yaml", textwrap.dedent("\n".join(block)), "```", ""]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def cli_overrides(run_module: Path = RUN_MODULE) -> dict[str, str]:
    """``{config key: flag}`` for every ``config.a.b = args.c`` in ``babelbeam run``'s source.

    Read with ``ast`` (no import, so this works without Beam): the flag is the ``add_argument``
    call whose dest is ``c``.
    """
    if not run_module.exists():
        return {}
    tree = ast.parse(run_module.read_text(encoding="utf-8"))
    flags: dict[str, str] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_argument" and node.args and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith("--")):
            flag = str(node.args[0].value)
            dest = next((kw.value.value for kw in node.keywords if kw.arg == "dest"
                         and isinstance(kw.value, ast.Constant)), flag[2:].replace("-", "_"))
            boolean = any(kw.arg == "action" and isinstance(kw.value, ast.Attribute)
                          and kw.value.attr == "BooleanOptionalAction" for kw in node.keywords)
            flags[dest] = f"{flag} / --no-{flag[2:]}" if boolean else flag

    def chain(expr: ast.expr) -> list[str] | None:
        names: list[str] = []
        while isinstance(expr, ast.Attribute):
            names.append(expr.attr)
            expr = expr.value
        if isinstance(expr, ast.Name):
            return [expr.id, *reversed(names)]
        return None

    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = chain(node.targets[0]), chain(node.value)
            if (target and value and target[0] == "config" and len(target) > 2 and value[0] == "args"
                    and len(value) == 2 and value[1] in flags):
                out[".".join(target[1:])] = flags[value[1]]
    return dict(sorted(out.items()))


def builtin_language_table() -> list[str]:
    """The quality filters' built-in per-language settings, one row per language."""
    from babelbeam.schemas.quality_config import BUILTIN_LANGUAGE_OVERRIDES

    rows = ["| language | settings |", "|---|---|"]
    for lang, sections in BUILTIN_LANGUAGE_OVERRIDES.items():
        parts = [f"`{section}.{name}: {yaml_inline(value)}`"
                 for section, values in sections.items() for name, value in values.items()]
        rows.append(f"| `{lang}` | {_cell(', '.join(parts))} |")
    return rows


def defaults_yaml() -> str:
    """Every key with its default, as one YAML file (loads through ``RunConfig.from_yaml``)."""
    return yaml.safe_dump(RunConfig().to_dict(), sort_keys=False, allow_unicode=True, width=100)


def _anchor(key: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", key.lower().replace(" ", "-"))


def render() -> str:
    """The whole of docs/configuration.md."""
    sections = collect_sections()
    overrides = cli_overrides()
    top = [s for s in sections if "." not in s.key]
    lines = [
        "# Configuration reference",
        "",
        "<!-- GENERATED by scripts/gen_config_docs.py from babelbeam/schemas: do not edit by hand. -->",
        ("<!-- Regenerate: .venv/bin/python scripts/gen_config_docs.py "
         "(tests/test_docs.py fails when stale) -->"),
        "",
        "`babelbeam run --config FILE` reads a YAML file whose sections mirror the config dataclasses in",
        "`babelbeam/schemas/`. Every key is optional: a missing key keeps its default, an unknown key or a",
        "value of the wrong type or outside its allowed range fails the run before any work (exit code 2,",
        "nothing written), with one line naming the key (`output.buckets: must be at least 1, got 0`,",
        "`unknown config key quality.gopher_quality.min_words; did you mean ...`). For thresholds typed",
        "`... | None`, `null` turns the check off. Integers are accepted where a float is expected.",
        "Keys that name a file or directory (`langid.model`, `quality.url_blocklist`, `minhash.index_dir`,",
        "`scorer.model`, a tokenizer path, ...) may be relative: `babelbeam run` makes them absolute when it",
        "plans the run, so SDK workers started in another directory open the same file.",
        "",
        "```yaml",
        "# a small config: everything not named keeps its default",
        "langid:",
        "  threshold: 0.6",
        "  thresholds: {jpn_Jpan: 0.8}",
        "quality:",
        "  gopher_quality: {min_doc_words: 30}",
        "  fineweb: {min_line_punct_ratio: null}   # turn one rule off",
        "output:",
        "  shard_tokens: 100000000",
        "```",
        "",
    ]
    if overrides:
        lines += ["Flags of `babelbeam run` that override a key (the flag wins over the file):", "",
                  "| flag | key |", "|---|---|"]
        lines += [f"| `{_cell(flag)}` | `{key}` |" for key, flag in overrides.items()]
        lines.append("")
    lines += ["Sections:", ""]
    for s in top:
        summary = (s.doc or s.module_doc).split("\n\n")[0]
        lines.append(f"- [`{s.key}`](#{_anchor(s.key)}): {_cell(summary) or '`' + s.cls.__name__ + '`'}")
    lines.append("")
    for s in sections:
        level = "#" * min(2 + s.key.count("."), 4)
        source = Path(inspect.getsourcefile(s.cls)).resolve().relative_to(ROOT).as_posix()
        lines += [f"{level} {s.key}", "",
                  f"`{s.cls.__name__}` in `{source}`." + (f" {s.doc}" if s.doc else ""), ""]
        if s.module_doc:
            lines += [_rst_to_markdown(s.module_doc), ""]
        if s.fields:
            lines += ["| key | type | allowed | default | meaning |", "|---|---|---|---|---|"]
            for f in s.fields:
                lines.append(f"| `{f.key}` | `{_cell(f.type)}` | {_cell(f.allowed)} | "
                             f"`{_cell(yaml_inline(f.default))}` | {_cell(f.doc) or '(undocumented)'} |")
            lines.append("")
    lines += ["## Built-in per-language quality settings", "",
              "Applied before `quality.languages` when `quality.builtin_language_overrides` is true",
              "(`BUILTIN_LANGUAGE_OVERRIDES` in `babelbeam/schemas/quality_config.py`).", ""]
    lines += builtin_language_table()
    lines += ["", "## Every default as one file", "",
              "This is `RunConfig()` written out; it loads back to the same config.", "",
              "```yaml", defaults_yaml().rstrip("\n"), "```", ""]
    return "\n".join(lines)


def undocumented() -> list[str]:
    """Key paths of leaf fields without a docstring (house rule 8: every field has one)."""
    return [f.key for s in collect_sections() for f in s.fields if not f.doc]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/configuration.md is not up to date")
    parser.add_argument("--output", type=Path, default=DOC_PATH,
                        help="where to write (default docs/configuration.md)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    text = render()
    for key in undocumented():
        _LOG.warning("config key %s has no docstring", key)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current == text:
            return 0
        diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(args.output), "generated",
                                    lineterm="", n=1)
        _LOG.error("%s is out of date; run scripts/gen_config_docs.py\n%s", args.output,
                   "\n".join(list(diff)[:60]))
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    _LOG.info("wrote %s", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
