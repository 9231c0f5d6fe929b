"""The Chinese one-line reasons that explain every status and pace verdict.

Each function names a rule and fills in its figures; dates read ``2021年7月31日``. Keeping the
texts here keeps the rules in ``status`` and ``pace`` readable and the wording in one place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from duban.domain.choices import Op
from duban.domain.periods import Period

_NAMES_SHOWN = 3  # a task reason lists at most this many unit names, then 等
_OP_SIGNS: dict[str, str] = {">=": "≥", "<=": "≤", "=": "", "~": "约"}


def day(d: dt.date) -> str:
    """``2021年7月31日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def number(x: float) -> str:
    """A figure as people write it: ``4973``, ``46``, ``45.8``, ``0.85``."""
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 100 or abs(x - round(x)) < 1e-9:
        return str(round(x))
    text = f"{x:.2f}" if abs(x) < 1 else f"{x:.1f}"
    return text.rstrip("0").rstrip(".")


# --- assignment status ----------------------------------------------------------------------------


def done(submitted_on: dt.date) -> str:
    return f"已于{day(submitted_on)}报完成并通过审核"


def deadline_words(deadline: dt.date, original: dt.date | None = None) -> str:
    """``完成时限2021年7月31日``, or with an approved extension
    ``完成时限2021年7月31日（经批准延期至2021年9月30日）``: the original stays in view."""
    if original is None or original == deadline:
        return f"完成时限{day(deadline)}"
    return f"完成时限{day(original)}（经批准延期至{day(deadline)}）"


def done_in_extension(submitted_on: dt.date, deadline: dt.date, original: dt.date) -> str:
    return f"{done(submitted_on)}，在经批准延期的完成时限{day(deadline)}内（原定{day(original)}）"


def done_late(submitted_on: dt.date, deadline: dt.date, original: dt.date | None = None) -> str:
    late = (submitted_on - deadline).days
    return f"{done(submitted_on)}，超过{deadline_words(deadline, original)}{late}天"


def overdue(deadline: dt.date, as_of: dt.date, original: dt.date | None = None) -> str:
    return f"{deadline_words(deadline, original)}，已逾期{(as_of - deadline).days}天"


def due_soon(deadline: dt.date, as_of: dt.date, original: dt.date | None = None) -> str:
    left = (deadline - as_of).days
    when = "今日到期" if left == 0 else f"还剩{left}天"
    return f"{deadline_words(deadline, original)}，{when}"


def unreported(period: Period, grace_days: int) -> str:
    return f"{period.label}进展未报送（应于{day(period.due_on(grace_days))}前报送）"


def unreported_after_done(done_on: dt.date, period: Period, grace_days: int) -> str:
    return f"长期坚持任务，已于{day(done_on)}报完成，{unreported(period, grace_days)}"


def on_track(last_report: dt.date) -> str:
    return f"按期推进，最近一次报送{day(last_report)}"


def on_track_unstarted(first: Period, grace_days: int) -> str:
    return f"按期推进，首次进展（{first.label}）应于{day(first.due_on(grace_days))}前报送"


# --- task status ----------------------------------------------------------------------------------


def no_leads() -> str:
    return "尚无责任单位"


def leads_tail(total: int, names: Sequence[str], what: str) -> str:
    """``，4个责任单位中2个未报完成（中宁县、海原县）``; empty for a single lead unit."""
    if total <= 1:
        return ""
    return f"，{total}个责任单位中{len(names)}个{what}（{_names(names)}）"


def all_done(total: int, last: dt.date | None) -> str:
    text = f"{total}个责任单位均已报完成并通过审核"
    return text + (f"，最后一个于{day(last)}" if last else "")


def all_done_some_late(total: int, late: Sequence[str]) -> str:
    return f"{total}个责任单位均已报完成并通过审核，其中{len(late)}个逾期完成（{_names(late)}）"


def all_on_track(total: int, done: Sequence[str]) -> str:
    """``4个责任单位均按期推进``, naming those already done."""
    text = f"{total}个责任单位均按期推进"
    return text + (f"，其中{len(done)}个已报完成（{_names(done)}）" if done else "")


def _names(names: Sequence[str]) -> str:
    return "、".join(names[:_NAMES_SHOWN]) + ("等" if len(names) > _NAMES_SHOWN else "")


# --- target pace ----------------------------------------------------------------------------------


def target(
    op: Op, value: float, value_max: float | None, unit: str | None, period: str | None
) -> str:
    """``目标≥50%``, ``目标每年≥10000人次``, ``目标3～5名``, ``目标约1``."""
    unit = unit or ""
    if value_max is not None:
        goal = f"{number(value)}～{number(value_max)}{unit}"
    else:
        goal = f"{_OP_SIGNS[op]}{number(value)}{unit}"
    return f"目标{period or ''}{goal}"


def pace_met(goal: str, actual: float, unit: str | None) -> str:
    return f"{goal}，当前{number(actual)}{unit or ''}，已达成"


def pace_no_data(goal: str, expected: float, unit: str | None, verb: str | None) -> str:
    return f"{goal}，暂无数据" + (
        f"，按序时进度{verb}{number(expected)}{unit or ''}" if verb else ""
    )


def pace_gap(
    goal: str,
    actual: float,
    expected: float,
    unit: str | None,
    verb: str | None,
    shortfall: str | None,
) -> str:
    """``目标≥50%，当前42%，按序时进度应达46%`` plus, when behind, by how much."""
    u = unit or ""
    text = f"{goal}，当前{number(actual)}{u}"
    text += f"，按序时进度{verb}{number(expected)}{u}" if verb else ""
    return text + (f"，{shortfall}" if shortfall else "")


def points(kind: str, value: float) -> str:
    """``落后序时进度12.5个百分点`` or ``偏离目标15个百分点``."""
    return f"{kind}{number(round(value, 1))}个百分点"
