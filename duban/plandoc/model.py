"""Plain data types of the plan importer.

Readers turn file bytes into a ``Document`` (paragraphs and tables in reading order); repair turns
that into one normalised text; the structure parser turns the text into a ``PlanDoc``. Every
extracted value carries the ``Span`` of its source in that repaired text, so a reviewer can be
shown where it came from. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Span = tuple[int, int]
"""Half-open character range ``[start, end)`` in the repaired text."""

Op = Literal[">=", "<=", "=", "~"]


# --- reader output -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One paragraph or line of running text; ``page`` is 1-based where the format has pages."""

    text: str
    page: int | None = None


@dataclass(frozen=True)
class Table:
    """A table as a grid of cell texts.

    A merged cell's text is repeated in every grid position it covers (horizontally and
    vertically), so a group heading merged across the row shows as a row of equal cells.
    """

    rows: tuple[tuple[str, ...], ...]
    page: int | None = None


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """What a reader produced: blocks in reading order and facts about the source."""

    blocks: tuple[Block, ...]
    format: str  # "txt", "docx", "pdf", "xlsx", "html"
    encoding: str | None = None  # for text formats


# --- parser output -------------------------------------------------------------------------------


@dataclass
class Target:
    """A numeric commitment: ``metric op value [..value_max] unit`` for ``scope`` and ``period``."""

    quote: str
    metric: str
    op: Op
    value: float
    unit: str | None
    scope: str
    period: str | None = None
    value_max: float | None = None
    span: Span | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "quote": self.quote,
            "metric": self.metric,
            "op": self.op,
            "value": _number(self.value),
        }
        if self.value_max is not None:
            out["value_max"] = _number(self.value_max)
        out |= {
            "unit": self.unit,
            "scope": self.scope,
            "period": self.period,
            "span": _span(self.span),
        }
        return out


@dataclass(frozen=True)
class Deadline:
    """A parsed time limit (完成时限).

    ``date`` is the last day of the named period, or ``None`` when the phrase names no date
    (长期坚持, 持续推进). ``milestones`` are earlier dates named in the same phrase.
    """

    date: dt.date | None
    ongoing: bool
    phrase: str
    milestones: tuple[dt.date, ...] = ()
    recurring: str | None = None  # 每年 / 每季度 / 每月 when the phrase sets a recurring date


@dataclass
class Section:
    number: str
    title: str
    span: Span | None = None


@dataclass
class Task:
    number: str
    title: str
    section: str | None
    group: str | None
    text: str
    lead_units: list[str] = field(default_factory=list)
    coop_units: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    ongoing: bool = False
    deadline_text: str | None = None
    targets: list[Target] = field(default_factory=list)
    spans: dict[str, Any] = field(default_factory=dict)
    """Source spans: ``number``, ``title``, ``text``, ``deadline`` → Span; ``lead_units``,
    ``coop_units`` → list of Span, one per unit."""

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "section": self.section,
            "group": self.group,
            "lead_units": self.lead_units,
            "coop_units": self.coop_units,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "ongoing": self.ongoing,
            "deadline_text": self.deadline_text,
            "targets": [t.to_json() for t in self.targets],
            "text": self.text,
            "spans": {k: _span_tree(v) for k, v in self.spans.items()},
        }


@dataclass
class PlanDoc:
    """The structured plan: what ``duban parse`` prints (docs/plan-format.md plus spans)."""

    title: str
    basis: list[str]
    sections: list[Section]
    objectives: list[Target]
    tasks: list[Task]
    text: str
    """The repaired text every span points into."""
    format: str = "txt"
    encoding: str | None = None
    sha256: str | None = None
    warnings: list[str] = field(default_factory=list)
    spans: dict[str, Any] = field(default_factory=dict)

    def to_json(self, *, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "basis": self.basis,
            "sections": [
                {"number": s.number, "title": s.title, "span": _span(s.span)} for s in self.sections
            ],
            "objectives": [t.to_json() for t in self.objectives],
            "tasks": [t.to_json() for t in self.tasks],
            "source": {"format": self.format, "encoding": self.encoding, "sha256": self.sha256},
            "warnings": self.warnings,
            "spans": {k: _span_tree(v) for k, v in self.spans.items()},
        }
        if include_text:
            out["source"]["text"] = self.text
        return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _span(span: Span | None) -> list[int] | None:
    return [span[0], span[1]] if span else None


def _span_tree(value: Any) -> Any:
    if isinstance(value, tuple):
        return [value[0], value[1]]
    if isinstance(value, list):
        return [_span_tree(v) for v in value]
    return value
