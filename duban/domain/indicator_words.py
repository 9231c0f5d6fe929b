"""An indicator's formula in Chinese words, derived from its catalogue definition.

Shown beside every figure (the indicators page, the drill-down, the API) so a reader can check
what was counted without reading YAML: 双师型教师占专业教师比例 reads
“教师中专业课教师为“是”且双师型教师为“是”的条数 ÷ 教师中专业课教师为“是”的条数 × 100%”.
The words follow ``duban.domain.indicators`` exactly — the same filters, the same pair — so they
cannot drift from what the SQL computes. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duban.domain.indicators import Condition, Indicator, Scalar
from duban.domain.records import RecordKind

_SIGNS = {"=": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}
BLANK_NOTE = "未填写某项的记录不满足关于该项的任何条件。"


@dataclass(frozen=True)
class Formula:
    """The pair in words: ``numerator`` alone for a count or sum (its denominator only tells
    whether the scope has rows), ``numerator ÷ denominator`` for a share or ratio."""

    numerator: str
    denominator: str | None
    percent: bool
    note: str = ""
    """What else decides which rows count (a ratio keeps rows having both figures)."""

    @property
    def text(self) -> str:
        if self.denominator is None:
            return self.numerator
        return f"{self.numerator} ÷ {self.denominator}" + (" × 100%" if self.percent else "")


def formula_words(indicator: Indicator, kind: RecordKind) -> Formula:
    """``indicator`` (over rows of ``kind``) as a formula in words."""
    label = kind.label
    if indicator.measure == "share":
        base = (*indicator.filter, *indicator.base)
        counted = _rows(label, kind, (*base, *indicator.where), "条数")
        return Formula(counted, _rows(label, kind, base, "条数"), True)
    if indicator.measure == "ratio":
        assert indicator.field and indicator.denominator
        top, bottom = _label(kind, indicator.field), _label(kind, indicator.denominator)
        note = f"只计{top}和{bottom}均已填写的记录"
        return Formula(_rows(label, kind, indicator.filter, f"{top}之和"), f"{bottom}之和",
                       indicator.percent, note)  # fmt: skip
    if indicator.measure == "sum":
        assert indicator.field
        total = _rows(label, kind, indicator.filter, f"{_label(kind, indicator.field)}之和")
        return Formula(total, None, False)
    if indicator.distinct:
        what = f"不同{_label(kind, indicator.distinct)}的个数"
        return Formula(_rows(label, kind, indicator.filter, what), None, False)
    return Formula(_rows(label, kind, indicator.filter, "条数"), None, False)


def _rows(label: str, kind: RecordKind, conditions: Sequence[Condition], what: str) -> str:
    """``教师中A且B的条数`` (or ``教师条数``, ``社会培训中培训人次之和`` without conditions)."""
    if not conditions:
        return f"{label}{what}" if what == "条数" else f"{label}中{what}"
    return f"{label}中{'且'.join(condition_words(c, kind) for c in conditions)}的{what}"


def condition_words(condition: Condition, kind: RecordKind) -> str:
    """One filter in words: ``双师型教师为“是”``, ``本学年企业实践天数≥30``,
    ``级别为“国家级”、“自治区级”或“市级”``."""
    label = _label(kind, condition.field)
    if condition.op == "in":
        assert isinstance(condition.value, tuple)
        *first, last = (_quoted(v) for v in condition.value)
        return f"{label}为" + (f"{'、'.join(first)}或{last}" if first else last)
    assert not isinstance(condition.value, tuple)
    if condition.type in ("integer", "number"):
        return f"{label}{_SIGNS[condition.op]}{_number(condition.value)}"
    if condition.op == "=":
        return f"{label}为{_quoted(condition.value)}"
    if condition.op == "!=":
        return f"{label}不为{_quoted(condition.value)}"
    raise ValueError(f"{condition.op} on {condition.type}")  # the catalogue check forbids it


def _label(kind: RecordKind, field: str) -> str:
    return kind.field(field).label


def _quoted(value: Scalar) -> str:
    if isinstance(value, bool):
        return "“是”" if value else "“否”"
    return f"“{_number(value) if isinstance(value, float) else value}”"


def _number(value: Scalar) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
