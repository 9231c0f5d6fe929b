"""Target pace (序时进度): is a target met, and if not, is its actual keeping up with the calendar?

For a date D, with the latest accepted actual at or before D:

- **met** — the actual satisfies the target: ``>=`` and ``=`` once it reaches the value (a
  committed figure delivered; a range's ``value_max`` is no ceiling), ``<=`` at most the value,
  ``~`` within ±10% of it.
- otherwise the **expected** value by D is the share of the goal due by then:

  - a *stock* (``period`` ``None``: reach the goal by the deadline): the goal pro rata from the
    plan's effective date to the deadline, capped at the goal (the whole goal at and after the
    deadline; without a deadline, or ``N年内`` giving none, the whole goal at once);
  - a *rate* (``每年``, ``每学期``, ``每季度``, ``每月`` …): the goal of the current calendar period
    (a 学期 is a half-year) pro rata within it, from its start or the effective date if later;
    only actuals dated within that period count, as the figure so far for the period;
  - ``<=``: the ceiling itself for a rate; for a stock, the first actual moving pro rata down to
    the goal (the whole goal if the first actual was already under it);
  - ``~``: the value itself at all times.

  The shortfall in **points** is ``(expected - actual) / goal × 100`` (reversed for ``<=``; for
  ``~`` the distance from the value), 1 standing in for a goal of 0. **behind** when
  more than ``behind`` points short, **far_behind** when more than ``far_behind``, else
  **on_pace** (exactly 10 points short is still on pace).
- **no_data** — no actual at or before D (within the current period for a rate).

Other period words (``每届``, ``每周`` …) are judged as stocks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from duban.domain import reasons
from duban.domain.choices import Cadence, Op, Pace
from duban.domain.periods import period_of

RATE_CADENCES: dict[str, Cadence] = {
    "每年": Cadence.YEARLY,
    "年均": Cadence.YEARLY,
    "年平均": Cadence.YEARLY,
    "每学年": Cadence.YEARLY,
    "每个学年": Cadence.YEARLY,
    "每学期": Cadence.HALF_YEARLY,
    "每个学期": Cadence.HALF_YEARLY,
    "每半年": Cadence.HALF_YEARLY,
    "每季度": Cadence.QUARTERLY,
    "每个季度": Cadence.QUARTERLY,
    "每月": Cadence.MONTHLY,
    "每个月": Cadence.MONTHLY,
}
"""Period words of rate targets and the calendar period each goal applies to."""

_WITHIN_YEARS = re.compile(r"([0-9]+|[一二两三四五六七八九十]+)年内")
_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EPS = 1e-9  # float noise allowed at a threshold
_TOLERANCE = 0.10  # ~ (大体相当) is met within ±10%


@dataclass(frozen=True)
class TargetFacts:
    """A target and its accepted actuals, each with the date it was reported."""

    op: Op
    value: float
    value_max: float | None
    period: str | None
    deadline: dt.date | None
    effective: dt.date
    actuals: tuple[tuple[dt.date, float], ...] = ()
    unit: str | None = None  # shown in the reason: 50 with "%" reads 50%


@dataclass(frozen=True)
class PaceVerdict:
    """A pace with the figures behind it; ``points`` is the shortfall when not met (positive:
    short of pace), in percentage points of the goal."""

    pace: Pace
    expected: float | None
    actual: float | None
    reason: str
    points: float | None = None


@dataclass(frozen=True)
class _Window:
    start: dt.date
    end: dt.date | None  # None: the whole goal is due at once
    rate: bool


def target_pace(
    facts: TargetFacts, as_of: dt.date, *, behind: float = 10.0, far_behind: float = 30.0
) -> PaceVerdict:
    """The pace of one target as of ``as_of`` (module docstring)."""
    window = _window(facts, as_of)
    known = _known_actuals(facts, window, as_of)
    expected = _expected(facts, window, as_of, known)
    goal = reasons.target(facts.op, facts.value, facts.value_max, facts.unit, facts.period)
    if not known:
        text = reasons.pace_no_data(goal, expected, facts.unit, _verb(facts.op))
        return PaceVerdict(Pace.NO_DATA, expected, None, text)
    actual = known[-1][1]
    if meets(facts, actual):
        return PaceVerdict(Pace.MET, expected, actual, reasons.pace_met(goal, actual, facts.unit))
    points = _gap(facts, actual, expected) * 100 / _scale(facts.value)
    pace = _grade(points, behind, far_behind)
    text = reasons.pace_gap(
        goal,
        actual,
        expected,
        facts.unit,
        _verb(facts.op),
        _shortfall(facts.op, points) if pace is not Pace.ON_PACE else None,
    )
    return PaceVerdict(pace, expected, actual, text, points)


def meets(facts: TargetFacts, actual: float) -> bool:
    """Whether ``actual`` satisfies the target: ``>=`` and ``=`` once the value is reached (a
    committed figure is delivered; ``value_max`` of a range is not a ceiling), ``<=`` at most the
    value, ``~`` within ±10% of it."""
    if facts.op == "<=":
        return actual <= facts.value + _EPS
    if facts.op == "~":
        return abs(actual - facts.value) <= _TOLERANCE * abs(facts.value) + _EPS
    return actual >= facts.value - _EPS


def rate_cadence(period: str | None) -> Cadence | None:
    """The calendar period a rate target's goal applies to; ``None`` for a stock."""
    return RATE_CADENCES.get(period.strip()) if period else None


def _window(facts: TargetFacts, as_of: dt.date) -> _Window:
    cadence = rate_cadence(facts.period)
    if cadence is not None:
        current = period_of(as_of, cadence)
        return _Window(max(current.start, facts.effective), current.end, rate=True)
    return _Window(facts.effective, facts.deadline or _within_years(facts), rate=False)


def _within_years(facts: TargetFacts) -> dt.date | None:
    """``5年内`` without a deadline: five years from the effective date."""
    m = _WITHIN_YEARS.fullmatch(facts.period.strip()) if facts.period else None
    if m is None:
        return None
    years = _years(m.group(1))
    start = facts.effective
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _years(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    tens, ten, ones = text.partition("十")
    return _CN_DIGITS.get(tens, 0) * (10 if ten else 1) + _CN_DIGITS.get(ones, 0)


def _known_actuals(
    facts: TargetFacts, window: _Window, as_of: dt.date
) -> list[tuple[dt.date, float]]:
    """Actuals reported by ``as_of`` (from the period's start for a rate), oldest first; a stable
    sort, so of two on the same day the later given is taken as the latest."""
    known = [
        (day, value)
        for day, value in facts.actuals
        if day <= as_of and not (window.rate and day < window.start)
    ]
    return sorted(known, key=lambda pair: pair[0])


def _fraction(window: _Window, as_of: dt.date) -> float:
    """Share of the window elapsed at ``as_of``: 0 at its start, 1 at and after its end."""
    if window.end is None or as_of >= window.end:
        return 1.0
    if as_of <= window.start:
        return 0.0
    return (as_of - window.start).days / (window.end - window.start).days


def _expected(
    facts: TargetFacts, window: _Window, as_of: dt.date, known: list[tuple[dt.date, float]]
) -> float:
    share = _fraction(window, as_of)
    if facts.op == "~":
        return facts.value
    if facts.op == "<=":
        baseline = known[0][1] if known else None
        if window.rate or baseline is None or baseline <= facts.value:
            return facts.value
        return baseline + (facts.value - baseline) * share
    return facts.value * share


def _gap(facts: TargetFacts, actual: float, expected: float) -> float:
    """How far the actual is behind pace, in the target's unit; negative is ahead."""
    if facts.op == "~":
        return abs(actual - facts.value)
    if facts.op == "<=":
        return actual - expected
    return expected - actual


def _scale(goal: float) -> float:
    """What 100 points are: the goal, or 1 for a goal of (about) zero."""
    return abs(goal) if abs(goal) > _EPS else 1.0


def _grade(points: float, behind: float, far_behind: float) -> Pace:
    if points > far_behind + _EPS:
        return Pace.FAR_BEHIND
    if points > behind + _EPS:
        return Pace.BEHIND
    return Pace.ON_PACE


def _verb(op: Op) -> str | None:
    """How the reason states the expected value; ``None`` where there is no pace (``~``)."""
    return {"<=": "应不高于", "~": None}.get(op, "应达")


def _shortfall(op: Op, points: float) -> str:
    return reasons.points("偏离目标" if op == "~" else "落后序时进度", points)
