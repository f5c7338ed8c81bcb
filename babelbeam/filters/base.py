"""The two kinds of quality step: document filters (keep, or a reason) and line cleaners (cleaned text).

Each is built from its config section (``babelbeam.schemas.quality_config``), where every threshold is
declared once with its published default; ``None`` turns a rule off. Both read one shared ``TextStats``
and, when ``record`` is a dict, write what they measure into it as ``<name>_<measure>``.

- ``DocumentFilter.check(stats, record)``: None keeps the document; a string is the stable reason
  ``<name>_<condition>`` it is removed for.
- ``LineCleaner.clean(stats, record)``: the text without the lines the cleaner removes, and how many
  went. A cleaner never removes a document itself; the chain removes one for the cleaner's
  ``empty_reason`` when nothing is left.

Adding a filter: a config section in ``babelbeam.schemas.quality_config`` (its dataclass, listed in
``SECTIONS``), a ``DocumentFilter`` subclass taking it, and one entry in
``babelbeam.filters.quality.LanguageChain.from_settings``.
"""

from __future__ import annotations

from dataclasses import dataclass

from babelbeam.filters.textstats import TextStats


class Verdict:
    """Collects one filter's measurements and its first failed condition.

    With ``record`` None the filter stops at the first failure (fast path); with a dict it measures
    everything, writing ``<filter>_<measure>`` values, and still reports the first failed condition in rule
    order.
    """

    __slots__ = ("prefix", "record", "reason")

    def __init__(self, prefix: str, record: dict[str, float] | None) -> None:
        self.prefix = prefix
        self.record = record
        self.reason: str | None = None

    def check(self, measure: str, value: float, failed: bool, condition: str) -> bool:
        """Record ``value``; if ``failed``, remember ``<prefix>_<condition>``. True: the caller stops now."""
        if self.record is not None:
            self.record[f"{self.prefix}_{measure}"] = float(value)
        if failed and self.reason is None:
            self.reason = f"{self.prefix}_{condition}"
        return self.reason is not None and self.record is None

    def above(self, measure: str, value: float, limit: float | None, condition: str) -> bool:
        """``check`` of the rule ``value <= limit`` (off when ``limit`` is None: nothing recorded)."""
        return limit is not None and self.check(measure, value, value > limit, condition)

    def below(self, measure: str, value: float, limit: float | None, condition: str) -> bool:
        """``check`` of the rule ``value >= limit`` (off when ``limit`` is None: nothing recorded)."""
        return limit is not None and self.check(measure, value, value < limit, condition)


class DocumentFilter:
    """Keeps or removes a whole document. Subclasses set ``name`` (the reason prefix) and ``check``."""

    name = "filter"

    def check(self, stats: TextStats, record: dict[str, float] | None) -> str | None:
        """None to keep the document, or the reason ``<name>_<condition>`` to remove it."""
        raise NotImplementedError


@dataclass(frozen=True)
class CleanedText:
    """What a line cleaner leaves: the text (the input object itself when nothing changed), lines removed."""

    text: str
    lines_removed: int


class LineCleaner:
    """Removes lines and keeps the document. Subclasses set ``name``, ``empty_reason`` and ``clean``."""

    name = "cleaner"
    empty_reason = "cleaner_all_lines_removed"
    """The reason for a document the cleaner leaves without text."""

    def clean(self, stats: TextStats, record: dict[str, float] | None) -> CleanedText:
        """The text of ``stats`` without the lines this cleaner removes."""
        raise NotImplementedError
