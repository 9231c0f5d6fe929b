"""Scorecards (考核) per unit and year, and a ranking.

Built from plain rows a query produced, so the same arithmetic serves the Python and the SQL side:

- an **assignment** counts for the year of its deadline: done on time when ``done_on <= deadline``,
  done late when completed after it, overdue when not completed (assignments without a deadline
  are not scored for completion);
- a **report** is one reporting period owed by an assignment, counted for the year the period ends
  in: on time when submitted by its due day (period end + grace days), late when after it,
  missing when not submitted;
- a **target** row says whether the target was met in that year.

Without ``as_of`` every row counts as given (a completion in January still makes a December
deadline late, not missed). With ``as_of`` (a card for a year still running, or as it stood on a
past day) only what is decided by then counts, as in the status rules: an assignment once its
deadline has passed (``deadline < as_of``) or it was done (``done_on <= as_of``), a report period
once its due day has passed (``due_on < as_of``) or it was submitted.

Score (``SCORE_FORMULA`` is the same in Chinese, for the UI)::

    score = 100 × (0.4 × completion + 0.3 × on-time reporting + 0.2 × reporting + 0.1 × targets)
    completion         = (done on time + 0.5 × done late) / assignments due
    on-time reporting  = reports on time / reports owed
    reporting          = (reports on time + late) / reports owed
    targets            = targets met / targets

A part with nothing to count (no assignment due, no report owed, no target) is left out and the
weights of the others are scaled up to sum to 1; a card with nothing at all has no score. Scores
are rounded to one decimal; ``rank`` gives equal scores the same rank (1, 1, 3).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

SCORE_FORMULA = (
    "综合得分 = 100 ×（0.4×任务完成率 + 0.3×按时报送率 + 0.2×报送率 + 0.1×目标达成率）；"
    "任务完成率 =（按期完成数 + 0.5×逾期完成数）÷ 年内到期分工数；"
    "按时报送率 = 按时报送期数 ÷ 应报期数；报送率 =（按时 + 逾期报送期数）÷ 应报期数；"
    "目标达成率 = 已达成目标数 ÷ 目标数。某项无考核内容时不计入，其权重按其余各项比例折算。"
)

WEIGHTS = {"completion": 0.4, "on_time_reporting": 0.3, "reporting": 0.2, "targets": 0.1}
LATE_CREDIT = 0.5  # a late completion earns half an on-time one


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment of ``unit``: its deadline and the day completion was reported, if it was."""

    unit: str
    deadline: dt.date | None
    done_on: dt.date | None


@dataclass(frozen=True)
class ReportRow:
    """One period a ``unit`` owed a report for: period end, due day, first counting submission."""

    unit: str
    period_end: dt.date
    due_on: dt.date
    submitted_on: dt.date | None


@dataclass(frozen=True)
class TargetRow:
    """One target of ``unit`` for the year, and whether it was met."""

    unit: str
    met: bool


@dataclass(frozen=True)
class Scorecard:
    """A unit's counts for a year; rates and the score are derived (``None``: nothing to count)."""

    unit: str
    year: int
    due: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    reports_missing: int = 0
    targets: int = 0
    targets_met: int = 0
    actions_open: int = 0
    """Supervision actions awaiting the unit's answer at the card's date (not scored)."""
    actions_overdue: int = 0
    """Of those, the ones past their answer date (not scored; shown beside the score)."""

    @property
    def reports_due(self) -> int:
        return self.reports_on_time + self.reports_late + self.reports_missing

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.done_on_time + LATE_CREDIT * self.done_late, self.due)

    @property
    def reporting_rate(self) -> float | None:
        return _ratio(self.reports_on_time + self.reports_late, self.reports_due)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.reports_on_time, self.reports_due)

    @property
    def target_rate(self) -> float | None:
        return _ratio(self.targets_met, self.targets)

    @property
    def score(self) -> float | None:
        """The weighted score of the module docstring, 0–100 with one decimal."""
        parts = {
            "completion": self.completion_rate,
            "on_time_reporting": self.on_time_rate,
            "reporting": self.reporting_rate,
            "targets": self.target_rate,
        }
        counted = {name: rate for name, rate in parts.items() if rate is not None}
        weight = sum(WEIGHTS[name] for name in counted)
        if not counted:
            return None
        return round(100 * sum(WEIGHTS[name] * rate for name, rate in counted.items()) / weight, 1)


class Ranked(NamedTuple):
    """A card and its place; ``rank`` is ``None`` for a card without a score."""

    rank: int | None
    card: Scorecard


def scorecard(
    unit: str,
    year: int,
    assignments: Iterable[AssignmentRow],
    reports: Iterable[ReportRow],
    targets: Iterable[TargetRow],
    *,
    as_of: dt.date | None = None,
) -> Scorecard:
    """The card of ``unit`` for ``year`` from its rows (rows of other units are ignored)."""
    counts: Counter[str] = Counter()
    for a in assignments:
        if a.unit == unit:
            counts.update(_assignment_counts(a, year, as_of))
    for r in reports:
        if r.unit == unit:
            counts.update(_report_counts(r, year, as_of))
    for t in targets:
        if t.unit == unit:
            counts.update(_target_counts(t))
    return Scorecard(unit, year, **counts)


def scorecards(
    year: int,
    assignments: Iterable[AssignmentRow],
    reports: Iterable[ReportRow],
    targets: Iterable[TargetRow],
    *,
    as_of: dt.date | None = None,
) -> list[Scorecard]:
    """A card for every unit that has a row, ordered by unit."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for a in assignments:
        counts[a.unit].update(_assignment_counts(a, year, as_of))
    for r in reports:
        counts[r.unit].update(_report_counts(r, year, as_of))
    for t in targets:
        counts[t.unit].update(_target_counts(t))
    return [Scorecard(unit, year, **counts[unit]) for unit in sorted(counts)]


def rank(cards: Iterable[Scorecard]) -> list[Ranked]:
    """Cards by score, best first, ties sharing a rank (1, 1, 3); unscored cards last, unranked.
    Equal scores are listed by unit."""
    ordered = sorted(cards, key=lambda c: (c.score is None, -(c.score or 0.0), c.unit))
    out: list[Ranked] = []
    for place, card in enumerate(ordered, start=1):
        if card.score is None:
            out.append(Ranked(None, card))
        elif out and out[-1].card.score == card.score:
            out.append(Ranked(out[-1].rank, card))
        else:
            out.append(Ranked(place, card))
    return out


def _assignment_counts(row: AssignmentRow, year: int, as_of: dt.date | None) -> tuple[str, ...]:
    """The card fields one assignment adds to."""
    if row.deadline is None or row.deadline.year != year:
        return ()
    done_on = row.done_on if row.done_on is not None and _by(row.done_on, as_of) else None
    if done_on is None and as_of is not None and row.deadline >= as_of:
        return ()  # not yet decided
    if done_on is None:
        return ("due", "overdue")
    return ("due", "done_on_time" if done_on <= row.deadline else "done_late")


def _report_counts(row: ReportRow, year: int, as_of: dt.date | None) -> tuple[str, ...]:
    """The card field one owed report period adds to."""
    if row.period_end.year != year:
        return ()
    sent = (
        row.submitted_on if row.submitted_on is not None and _by(row.submitted_on, as_of) else None
    )
    if sent is None and as_of is not None and row.due_on >= as_of:
        return ()  # not yet owed
    if sent is None:
        return ("reports_missing",)
    return ("reports_on_time",) if sent <= row.due_on else ("reports_late",)


def _target_counts(row: TargetRow) -> tuple[str, ...]:
    return ("targets", "targets_met") if row.met else ("targets",)


def _by(day: dt.date, as_of: dt.date | None) -> bool:
    return as_of is None or day <= as_of


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole else None
