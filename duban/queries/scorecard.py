"""Scorecards (考核) per unit and year over the published plans, ranked.

The rows of ``duban.domain.scorecard`` are built set-based: one query each for the assignment and
report rows (the reporting periods of each plan are computed in Python, a few rows per plan, and
joined in as a table), and a few small queries for the targets, which are paced in Python. The
arithmetic and the ranking are the domain's.

The card shows what the units did in ``year`` as the supervisor had judged it by the card's date,
``as_of`` (without it: everything recorded so far). Let ``cut`` be the earlier of ``as_of`` and
31 December of the year:

- **assignment rows** (lead assignments whose task's deadline falls in the year): ``done_on`` is
  the ``submitted_on`` of the latest accepted report submitted by ``cut`` (greatest
  ``(submitted_on, id)``, as ``duban.domain.status.latest_accepted``), if it claims done. A report
  submitted on 28 December and accepted on 4 January still completes a December deadline on time;
  one submitted in January does not count for the year, so the December deadline is overdue.
- **report rows** (every assignment, lead and coop, and every period of its plan's cadence ending
  in the year, from the period holding the plan's effective date; due ``end + grace_days``):
  ``submitted_on`` is the first submission, not returned, that counts for the period
  (``periods.counting_period``: submitted in ``[start + grace, end + grace]``). A period without
  one is reported **late** by the first submission that counts for the next period (handed in after
  the grace days, it answers late for this one and on time for the next), and is **missing**
  otherwise. A one-off task's assignment owes no report for a period whose counting window opens
  after its completion (``done_on < start + grace``): the status engine no longer asks for one;
  ongoing (长期坚持) tasks stay under reporting.
- **target rows** (each target of a task, for each lead unit of the task): met when its pace
  (``pace.target_pace``) at ``cut`` is ``met``, from the task's accepted figures submitted by
  ``cut``. A stock target counts in the year of its task's deadline (none: not scored, as for the
  assignment); a rate target (每年, 每学期 …) every year from the plan's effective year to the
  deadline's, or on without end when the task is ongoing or has no deadline. With ``as_of`` a
  target counts once decided: met, or its deadline (a stock) or the year (a rate) is past.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from duban.domain.choices import Cadence, ClaimedState, Pace, Role
from duban.domain.pace import TargetFacts, rate_cadence, target_pace
from duban.domain.periods import Period, period_of, periods_between
from duban.domain.scorecard import (
    SCORE_FORMULA,
    AssignmentRow,
    ReportRow,
    Scorecard,
    TargetRow,
    rank,
    scorecards,
)
from duban.models import Assignment, Plan, Report, ReportFigure, Target, Task, Unit
from duban.queries.actions import ActionCounts, counts_by_unit
from duban.queries.status_sql import _union


@dataclass(frozen=True)
class UnitScorecard:
    """A unit's ranked card: ``key`` is the unit's registry key, ``card.unit`` its canonical name,
    ``rank`` its place (``None`` when the card has no score)."""

    key: str
    rank: int | None
    card: Scorecard

    def to_json(self) -> dict[str, Any]:
        """The card as plain JSON data: counts, rates (0–1, or ``None``), score and rank."""
        c = self.card
        return {
            "unit": c.unit, "key": self.key, "rank": self.rank, "score": c.score,
            "due": c.due, "done_on_time": c.done_on_time, "done_late": c.done_late,
            "overdue": c.overdue, "completion_rate": c.completion_rate,
            "reports_due": c.reports_due, "reports_on_time": c.reports_on_time,
            "reports_late": c.reports_late, "reports_missing": c.reports_missing,
            "reporting_rate": c.reporting_rate, "on_time_rate": c.on_time_rate,
            "targets": c.targets, "targets_met": c.targets_met, "target_rate": c.target_rate,
            "actions_open": c.actions_open, "actions_overdue": c.actions_overdue,
        }  # fmt: skip


@dataclass(frozen=True)
class _Scope:
    """The plans a card reads and the days that bound what it sees (module docstring)."""

    year: int
    plans: Sequence[Plan]
    as_of: dt.date | None

    @property
    def plan_ids(self) -> list[int]:
        return [p.id for p in self.plans]

    @property
    def cut(self) -> dt.date:
        """The last day of the year's work the card sees."""
        year_end = dt.date(self.year, 12, 31)
        return year_end if self.as_of is None or self.as_of > year_end else self.as_of


def unit_scorecards(
    session: Session, year: int, *, as_of: dt.date | None = None, plan_id: int | None = None
) -> list[UnitScorecard]:
    """Every unit's card for ``year`` over all published plans (or the published plan
    ``plan_id``), ranked best first with ties sharing a rank (``domain.scorecard.rank``).

    Only units with something to count that year get a card. For a year still running pass
    ``as_of`` (today): without it, anything not yet done counts as overdue or missing.
    """
    rows = scorecard_rows(session, year, as_of=as_of, plan_id=plan_id)
    ranked = rank(scorecards(year, *rows, as_of=as_of))
    names = [r.card.unit for r in ranked]
    query = select(Unit.name, Unit.key).where(Unit.name.in_(names))
    keys = {name: key for name, key in session.execute(query)}
    cut = _Scope(year, [], as_of).cut
    acts = counts_by_unit(session, cut, plan_id=plan_id)  # open and overdue actions at the cut
    return [
        UnitScorecard(keys[r.card.unit], r.rank, _with_actions(r.card, acts.get(r.card.unit)))
        for r in ranked
    ]


def _with_actions(card: Scorecard, counts: ActionCounts | None) -> Scorecard:
    if counts is None:
        return card
    return replace(card, actions_open=counts.open, actions_overdue=counts.overdue)


def scorecards_json(
    year: int, as_of: dt.date | None, cards: Sequence[UnitScorecard]
) -> dict[str, Any]:
    """``{"year", "as_of", "formula", "units": [card…]}``, the formula in Chinese for display."""
    return {
        "year": year,
        "as_of": as_of.isoformat() if as_of else None,
        "formula": SCORE_FORMULA,
        "units": [c.to_json() for c in cards],
    }


def scorecard_rows(
    session: Session, year: int, *, as_of: dt.date | None = None, plan_id: int | None = None
) -> tuple[list[AssignmentRow], list[ReportRow], list[TargetRow]]:
    """The rows ``unit_scorecards`` scores (module docstring); units by canonical name."""
    query = select(Plan).where(Plan.state == "published").order_by(Plan.id)
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    scope = _Scope(year, list(session.scalars(query)), as_of)
    if not scope.plans:
        return [], [], []
    done = _completions(scope)
    assignments = [AssignmentRow(*row) for row in session.execute(_assignment_query(scope, done))]
    return assignments, _report_rows(session, scope, done), _target_rows(session, scope)


# --- completion and reporting, set-based ------------------------------------------------------


def _accepted(scope: _Scope) -> ColumnElement[bool]:
    """Accepted by the card's date."""
    if scope.as_of is None:
        return Report.accepted_on.is_not(None)
    return Report.accepted_on <= scope.as_of


def _counting(scope: _Scope) -> ColumnElement[bool]:
    """Submitted by the card's date and not returned by then: the report answers for a period."""
    if scope.as_of is None:
        return Report.returned_on.is_(None)
    returned = or_(Report.returned_on.is_(None), Report.returned_on > scope.as_of)
    return and_(Report.submitted_on <= scope.as_of, returned)


def _completions(scope: _Scope) -> CTE:
    """CTE ``(assignment_id, done_on)``: assignments whose latest accepted report submitted by
    ``cut`` claims done, with the day of the first report of that unbroken run of done claims
    (a running window sum, as ``status_sql`` and the domain's ``completed_on``)."""
    in_plans = select(Assignment.id).join(Task).where(Task.plan_id.in_(scope.plan_ids))
    order = (Report.submitted_on.desc(), Report.id.desc())
    ranked = (
        select(
            Report.assignment_id,
            Report.claimed,
            Report.submitted_on,
            func.sum(case((Report.claimed == ClaimedState.DONE.value, 0), else_=1))
            .over(partition_by=Report.assignment_id, order_by=order, rows=(None, 0))
            .label("open_since"),
        )
        .where(Report.submitted_on <= scope.cut, _accepted(scope))
        .where(Report.assignment_id.in_(in_plans))
        .cte("ranked")
    )
    return (
        select(ranked.c.assignment_id, func.min(ranked.c.submitted_on).label("done_on"))
        .where(ranked.c.open_since == 0)
        .group_by(ranked.c.assignment_id)
        .cte("done")
    )


def _assignment_query(scope: _Scope, done: CTE) -> Select[Any]:
    """``(unit name, deadline, done_on)`` of lead assignments due in the year."""
    first, last = dt.date(scope.year, 1, 1), dt.date(scope.year, 12, 31)
    return (
        select(Unit.name, Task.deadline, done.c.done_on)
        .select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(done, done.c.assignment_id == Assignment.id)
        .where(Task.plan_id.in_(scope.plan_ids), Assignment.role == Role.LEAD.value)
        .where(Task.deadline >= first, Task.deadline <= last)
    )


def _report_rows(session: Session, scope: _Scope, done: CTE) -> list[ReportRow]:
    """``(unit name, period end, due day, first submission)`` per assignment and owed period;
    the submission counts for the period, or else (late) for the next one."""
    periods = _period_table(scope)
    if periods is None:
        return []
    pp = periods.cte("pp")
    answers = and_(
        Report.assignment_id == Assignment.id,
        Report.submitted_on >= pp.c.lo,
        Report.submitted_on <= pp.c.late_until,
        _counting(scope),
    )
    owed = or_(Task.ongoing == true(), done.c.done_on.is_(None), done.c.done_on >= pp.c.lo)
    query = (
        select(Unit.name, pp.c.period_end, pp.c.due_on, func.min(Report.submitted_on))
        .select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(pp, pp.c.plan_id == Task.plan_id)
        .outerjoin(done, done.c.assignment_id == Assignment.id)
        .outerjoin(Report, answers)
        .where(owed)
        .group_by(Assignment.id, Unit.name, pp.c.period_end, pp.c.due_on)
    )
    return [ReportRow(*row) for row in session.execute(query)]


def _period_table(scope: _Scope) -> Select[Any] | None:
    """Per plan, each reporting period ending in the year: ``(plan_id, period_end, due_on, lo,
    late_until)``, ``[lo, due_on]`` its counting window, ``late_until`` the next period's due
    day; ``None`` when no plan has a period in the year."""
    selects: list[Select[Any]] = [
        select(  # type: ignore[misc]
            literal(plan.id, Integer).label("plan_id"),
            literal(period.end, Date).label("period_end"),
            literal(period.due_on(plan.grace_days), Date).label("due_on"),
            literal(period.start + dt.timedelta(days=plan.grace_days), Date).label("lo"),
            literal(period.next().due_on(plan.grace_days), Date).label("late_until"),
        )
        for plan in scope.plans
        for period in plan_periods(plan.effective, Cadence(plan.cadence), scope.year)
    ]
    return _union(selects) if selects else None


def plan_periods(effective: dt.date, cadence: Cadence, year: int) -> list[Period]:
    """The reporting periods of ``cadence`` ending in ``year``, from the one holding
    ``effective`` on."""
    start = max(period_of(effective, cadence).start, dt.date(year, 1, 1))
    return [p for p in periods_between(start, dt.date(year, 12, 31), cadence) if p.end.year == year]


# --- targets: a few per task, paced in Python -------------------------------------------------


def _target_rows(session: Session, scope: _Scope) -> list[TargetRow]:
    """A row per scored target and lead unit of its task (module docstring)."""
    effective = {p.id: p.effective for p in scope.plans}
    query = (
        select(Target, Task.deadline, Task.ongoing)
        .join(Task, Task.id == Target.task_id)
        .where(Target.plan_id.in_(scope.plan_ids))
        .order_by(Target.id)
    )
    scored = [
        (target, _facts(target, deadline, effective[target.plan_id]))
        for target, deadline, ongoing in session.execute(query)
        if _scored_in(scope.year, target.period, deadline, ongoing, effective[target.plan_id])
    ]
    if not scored:
        return []
    figures = _figures(session, scope, [t.id for t, _ in scored])
    leads = _leads(session, {t.task_id for t, _ in scored if t.task_id is not None})
    rows: list[TargetRow] = []
    for target, facts in scored:
        actuals = tuple(figures[target.id])
        met = target_pace(replace(facts, actuals=actuals), scope.cut).pace is Pace.MET
        if _decided(scope, facts, met):
            rows.extend(TargetRow(name, met) for name in leads[target.task_id])
    return rows


def _scored_in(
    year: int, period: str | None, deadline: dt.date | None, ongoing: bool, effective: dt.date
) -> bool:
    """Whether a target counts in ``year``: a stock in its deadline's year, a rate every year
    from the effective year to the deadline's (on without end if ongoing or without deadline)."""
    if rate_cadence(period) is None:
        return deadline is not None and deadline.year == year
    if deadline is None or ongoing:
        return effective.year <= year
    return effective.year <= year <= deadline.year


def _decided(scope: _Scope, facts: TargetFacts, met: bool) -> bool:
    """Without ``as_of`` every scored target counts. With it, a stock once met or past its
    deadline; a rate (paced within the year, so not before it begins) once met or the year is
    over."""
    as_of = scope.as_of
    if as_of is None:
        return True
    if rate_cadence(facts.period) is not None:
        return as_of >= dt.date(scope.year, 1, 1) and (met or dt.date(scope.year, 12, 31) < as_of)
    return met or (facts.deadline is not None and facts.deadline < as_of)


def _facts(target: Target, deadline: dt.date | None, effective: dt.date) -> TargetFacts:
    return TargetFacts(
        op=target.op,  # type: ignore[arg-type]
        value=target.value,
        value_max=target.value_max,
        period=target.period,
        deadline=deadline,
        effective=effective,
        unit=target.unit,
    )


def _figures(
    session: Session, scope: _Scope, target_ids: list[int]
) -> defaultdict[int, list[tuple[dt.date, float]]]:
    """Accepted figures of the targets with their submission day, submitted by ``cut``, in
    submission order (the later of a day's figures last, as ``status._figures``)."""
    query = (
        select(ReportFigure.target_id, Report.submitted_on, ReportFigure.value)
        .join(Report, Report.id == ReportFigure.report_id)
        .where(ReportFigure.target_id.in_(target_ids))
        .where(Report.submitted_on <= scope.cut, _accepted(scope))
        .order_by(Report.submitted_on, Report.id)
    )
    out: defaultdict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for target_id, submitted, value in session.execute(query):
        if submitted is not None:  # always: compared with ``cut`` above
            out[target_id].append((submitted, value))
    return out


def _leads(session: Session, task_ids: set[int]) -> defaultdict[int | None, list[str]]:
    """The names of each task's lead units."""
    query = (
        select(Assignment.task_id, Unit.name)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.task_id.in_(task_ids), Assignment.role == Role.LEAD.value)
        .order_by(Assignment.task_id, Assignment.seq)
    )
    out: defaultdict[int | None, list[str]] = defaultdict(list)
    for task_id, name in session.execute(query):
        out[task_id].append(name)
    return out
