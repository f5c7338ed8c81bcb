"""Config plumbing shared by every config dataclass: the error type, the typed YAML loader and validation.

One mechanism checks every config, from a YAML file or built in code, and names
the key on error (``output.buckets: must be at least 1, got 0``):

- a field's **type** is its annotation (``int``, ``float | None``, ``list[str]``, a nested config);
- a field's **allowed values** ride on the annotation with ``Annotated``: ``Bounds`` for a numeric range,
  ``OneOf`` for a choice (``PositiveInt``, ``Fraction`` ... below are the common ones);
- **rules between fields** are a ``problems()`` method yielding ``(field, what is wrong)``.

``from_dict`` builds a config from YAML data and checks it; ``check_config`` checks
one built in code (``RunConfig.validate`` calls it before a run plans any work).
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import inspect
import math
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml

from babelbeam.errors import EXIT_USAGE, BabelbeamError

T = TypeVar("T")


class ConfigError(BabelbeamError, ValueError):
    """A config value is wrong; the message names the key."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Bounds:
    """The allowed range of a numeric field: ``low <= value <= high`` (``None`` leaves that side open)."""

    low: float | None = None
    high: float | None = None
    low_exclusive: bool = False
    """``low < value`` instead of ``low <= value``."""

    def check(self, value: float, key: str) -> None:
        if isinstance(value, float) and math.isnan(value):
            raise ConfigError(f"{key}: must be {self.describe()}, got nan")
        below = self.low is not None and (value <= self.low if self.low_exclusive else value < self.low)
        if below or (self.high is not None and value > self.high):
            raise ConfigError(f"{key}: must be {self.describe()}, got {value!r}")

    def describe(self) -> str:
        """``at least 1``, ``in [0, 1]``, ``positive`` ...: how docs and messages name the range."""
        low, high = _number(self.low), _number(self.high)
        if self.low is not None and self.high is not None:
            return f"in {'(' if self.low_exclusive else '['}{low}, {high}]"
        if self.low is not None:
            if self.low_exclusive:
                return "positive" if self.low == 0 else f"greater than {low}"
            return f"at least {low}"
        return f"at most {high}" if self.high is not None else "any number"


@dataclass(frozen=True)
class OneOf:
    """The allowed values of a field with a fixed set of choices."""

    choices: tuple[Any, ...]

    def check(self, value: Any, key: str) -> None:
        if value not in self.choices:
            raise ConfigError(f"{key}: must be {self.describe()}, got {value!r}")

    def describe(self) -> str:
        return "one of " + ", ".join(str(c) for c in self.choices)


@dataclass(frozen=True)
class NotEmpty:
    """A string field that may not be empty (a field name, a model name)."""

    def check(self, value: str, key: str) -> None:
        if not value:
            raise ConfigError(f"{key}: must not be empty")

    def describe(self) -> str:
        return "not empty"


Constraint = Bounds | OneOf | NotEmpty
PositiveInt = Annotated[int, Bounds(1)]
"""An int of at least 1 (counts, sizes, buckets)."""
NonNegativeInt = Annotated[int, Bounds(0)]
"""An int of at least 0."""
Fraction = Annotated[float, Bounds(0.0, 1.0)]
"""A share or probability in [0, 1]."""
NonNegativeFloat = Annotated[float, Bounds(0.0)]
"""A float of at least 0 (a ratio that may exceed 1, a length)."""
PositiveFloat = Annotated[float, Bounds(0.0, low_exclusive=True)]
"""A float greater than 0 (a learning rate, a temperature, an epsilon)."""
Percentile = Annotated[float, Bounds(0.0, 100.0)]
"""A percentile in [0, 100]."""
Name = Annotated[str, NotEmpty()]
"""A string that may not be empty."""


def _number(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else repr(value))


def constraints(hint: Any) -> list[Constraint]:
    """The constraints attached to an annotation with ``Annotated`` (none for a plain type)."""
    if typing.get_origin(hint) is Annotated:
        return [m for m in hint.__metadata__ if isinstance(m, Bounds | OneOf | NotEmpty)]
    return []


def field_hints(cls: type) -> dict[str, Any]:
    """The fields' annotations with their ``Annotated`` constraints kept."""
    return typing.get_type_hints(cls, include_extras=True)


@functools.cache
def _module_tree(path: str) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8"))


def class_node(cls: type) -> ast.ClassDef:
    """The ``ast`` node of a class, from its module's source."""
    tree = _module_tree(inspect.getsourcefile(cls))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            return node
    raise LookupError(f"class {cls.__name__} not found in {inspect.getsourcefile(cls)}")


def attribute_docs(cls: type) -> dict[str, tuple[str, str]]:
    """``{field: (annotation source, docstring)}`` of a dataclass, read from its source.

    An attribute docstring is the string literal statement right after an annotated assignment
    (PEP 257's convention, which Sphinx and IDEs also read); Python does not keep it at run time, so the
    config reference (``scripts/gen_config_docs.py``) and the flags' ``--help`` read it from the source.
    """
    out: dict[str, tuple[str, str]] = {}
    body = class_node(cls).body
    for i, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            doc = ""
            nxt = body[i + 1] if i + 1 < len(body) else None
            if (isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)
                    and isinstance(nxt.value.value, str)):
                doc = inspect.cleandoc(nxt.value.value)
            out[node.target.id] = (ast.unparse(node.annotation), doc)
    return out


def from_dict(cls: type[T], data: dict[str, Any], prefix: str = "") -> T:
    """Build dataclass ``cls`` from ``data``, checking values and rules between fields (errors name keys)."""
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: expected a mapping, got {type(data).__name__}")
    hints = field_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k) for k in set(data) - set(fields))
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(fields), n=1)
        hint = f"; did you mean {prefix}{close[0]}?" if close else f" (known: {', '.join(fields)})"
        raise ConfigError(f"unknown config key {prefix}{unknown[0]}{hint}")
    values = {name: _coerce(hints[name], value, f"{prefix}{name}") for name, value in data.items()}
    try:
        obj = cls(**values)
    except ConfigError:
        raise
    except (TypeError, ValueError) as e:  # a __post_init__ that refuses a value
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: {e}") from None
    _check_rules(obj, prefix)
    return obj


def check_config(obj: Any, prefix: str = "") -> None:
    """Check a config built in code (or changed after loading): field types and ranges, then its rules."""
    hints = field_hints(type(obj))
    for f in dataclasses.fields(obj):
        _coerce(hints[f.name], getattr(obj, f.name), f"{prefix}{f.name}")
    _check_rules(obj, prefix)


def _check_rules(obj: Any, prefix: str) -> None:
    problems = getattr(obj, "problems", None)
    if problems is not None:
        for name, problem in problems():
            raise ConfigError(f"{prefix}{name}: {problem}")


def _container_of(hint: Any) -> type | None:
    """``dict`` for ``dict[...]`` (also inside ``Annotated``), ``list`` for ``list[...]``, else None."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return _container_of(typing.get_args(hint)[0])
    return origin if origin in (dict, list) else None


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        value = _coerce(typing.get_args(hint)[0], value, key)
        for constraint in constraints(hint):
            constraint.check(value, key)
        return value
    if dataclasses.is_dataclass(hint):
        if isinstance(value, hint):  # a config built in code: check it where it sits
            check_config(value, prefix=f"{key}.")
            return value
        return from_dict(hint, value, prefix=f"{key}.")
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(arg, value, key)
            except ConfigError as e:
                errors.append(e)
                if _container_of(arg) is type(value):  # the arm the value's shape chose: its message is best
                    raise
        if len(errors) == 1:  # ``X | None``: X's own message says more than "not a valid X | None"
            raise errors[0]
        raise ConfigError(f"{key}: {value!r} is not a valid {type_name(hint)}")
    if hint is Any:
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        (item,) = typing.get_args(hint) or (Any,)
        return [_coerce(item, v, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        _, item = typing.get_args(hint) or (Any, Any)
        return {str(k): _coerce(item, v, f"{key}.{k}") for k, v in value.items()}
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float, str, bool):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")
        return value
    return value


def type_name(hint: Any) -> str:
    """An annotation as docs and messages write it, constraints left out: ``float | None``, ``list[str]``."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return type_name(typing.get_args(hint)[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in typing.get_args(hint))
    if origin is not None:
        args = ", ".join(type_name(a) for a in typing.get_args(hint))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if hint is type(None):
        return "None"
    return getattr(hint, "__name__", str(hint))


def allowed_values(hint: Any) -> str:
    """What a field's constraints allow, for the docs (``at least 1``, ``in [0, 1]``), or ""."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        parts = [allowed_values(a) for a in typing.get_args(hint)]
        return "; ".join(p for p in parts if p)
    if typing.get_origin(hint) is dict:
        inner = allowed_values(typing.get_args(hint)[1]) if typing.get_args(hint) else ""
        return f"values {inner}" if inner else ""
    return ", ".join(c.describe() for c in constraints(hint))


def read_yaml_mapping(path: str | Path) -> dict[str, Any]:
    """A YAML config file's top-level mapping; ConfigError naming the file (and the line) if it is not one."""
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"config file {path} is not UTF-8 text ({e.reason} at byte {e.start})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"config file {path} is not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: the config must be a mapping of sections, "
                          f"got {type(data).__name__}")
    return data


@dataclass(frozen=True)
class LocalPath:
    """Marks a field that names a file or directory. ``absolute_paths`` makes a relative one absolute when a
    run is planned: SDK workers open it from their own working directory, which is not the submitter's."""

    names: tuple[str, ...] = ()
    """Values that are names, not paths (``qwen3``: the bundled tokenizer)."""


FilePath = Annotated[str, LocalPath()]
"""A local path or a URI (``gs://...``) of a file or directory."""


def is_uri(path: str) -> bool:
    """``gs://b/x``, ``s3://...``, ``file:///...``: a path that Beam's FileSystems resolve, never relative."""
    return "://" in path


def absolute_paths(obj: Any) -> list[str]:
    """Make every relative local path in a config absolute, in place; returns the keys it changed."""
    changed: list[str] = []

    def visit(node: Any, prefix: str) -> None:
        hints = field_hints(type(node))
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if dataclasses.is_dataclass(value):
                visit(value, f"{prefix}{f.name}.")
                continue
            marks = [m for m in _annotations(hints[f.name]) if isinstance(m, LocalPath)]
            if (marks and isinstance(value, str) and value and value not in marks[0].names
                    and not is_uri(value) and not os.path.isabs(value)):
                setattr(node, f.name, os.path.abspath(value))
                changed.append(f"{prefix}{f.name}")

    visit(obj, "")
    return changed


def _annotations(hint: Any) -> list[Any]:
    """``Annotated`` metadata of a hint, looking inside ``X | None``."""
    if typing.get_origin(hint) is Annotated:
        return list(hint.__metadata__)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(hint) for m in _annotations(a)]
    return []
