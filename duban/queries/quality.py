"""The ledger's side of the annual quality report (质量年度报告): ``QualityReport`` for a year.

For the city (every task, lead units' problems) or one school (its own assignments, its own
reports and figures). The report date is 31 December of the year, or today if that is earlier;
everything is read as it stood then (``plan_status`` for the statuses). Of the reports, only those
accepted within the year are quoted, only figures accepted within the year count as the year's
actuals, and only reports returned within the year are listed as returned.

Set-based: the statuses (``plan_status``, four queries), then one query each for the tasks, the
year's reports, the targets, the year's figures and — for a school — the tasks whose text names
it. The 数据指标 are the catalogue's indicators for the school (or the city) and the school year
under way at the report date — the year before when that one has no records yet — computed from
the rows current at the report date (``indicators.evaluate``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from duban.domain import clock
from duban.domain.choices import SEVERITY, ReportState, Role, Status, UnitKind
from duban.domain.indicators import current_school_year
from duban.domain.pace import TargetFacts, target_pace
from duban.domain.reasons import day, number
from duban.domain.records import school_year_label
from duban.exchange.plan_files import deadline_words
from duban.exchange.quality_docx import (
    IndicatorFigure,
    Issue,
    NextTask,
    QualityReport,
    Quote,
    TargetProgress,
    TaskProgress,
)
from duban.models import Assignment, Plan, Report, ReportFigure, Target, Task, Unit, UnitAlias
from duban.queries.indicators import CITY, IndicatorValue, evaluate
from duban.queries.status import TaskView, goal_text, plan_status
from duban.queries.units import current_registry

_QUOTED = (ReportState.ACCEPTED.value, ReportState.SUPERSEDED.value)


class QualityRefused(Exception):
    """The report cannot be made as asked; ``message`` says why in Chinese. ``missing``: the
    school asked for is not a school (a web answer of 404 rather than 400)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.message, self.missing = message, missing


def report_date(plan: Plan, year: int, today: dt.date) -> dt.date:
    """31 December of ``year``, or ``today`` if earlier; refuses a year not yet begun or one
    before the plan took effect."""
    if year > today.year:
        raise QualityRefused(f"{year}年度尚未开始，无法生成质量年度报告")
    if year < plan.effective.year:
        raise QualityRefused(f"方案自{day(plan.effective)}起施行，{year}年度没有台账数据")
    return min(dt.date(year, 12, 31), today)


def find_school(session: Session, key: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.key == key)).first()
    if unit is None:
        raise QualityRefused(f"单位名录中没有“{key}”", missing=True)
    if unit.kind != UnitKind.SCHOOL.value:
        raise QualityRefused(
            f"“{unit.name}”（{key}）不是学校：质量年度报告按学校或全市生成", missing=True
        )
    return unit


def quality_report(
    session: Session, plan: Plan, year: int, *, school_key: str | None = None,
    today: dt.date | None = None,
) -> QualityReport:  # fmt: skip
    """The draft's contents for the city, or for the school ``school_key`` (module docstring)."""
    as_of = report_date(plan, year, today or clock.today())
    school = find_school(session, school_key) if school_key else None
    views = plan_status(session, plan, as_of, unit_key=school.key if school else None).tasks
    rows = {t.number: t for t in session.scalars(select(Task).where(Task.plan_id == plan.id))}
    window = (dt.date(year, 1, 1), as_of)
    reports = _reports(session, plan, window, school)
    quotes = _quotes(reports, window)
    tasks = tuple(_progress(v, rows[v.number], quotes, school) for v in views)
    parts = [a for v in views for a in v.assignments]
    return QualityReport(
        year=year, as_of=as_of, plan_title=plan.title,
        subject=school.name if school else _city(session),
        school=school.name if school else None,
        parent=_parent(session, school),
        lead_count=sum(a.role == Role.LEAD for a in parts),
        coop_count=sum(a.role == Role.COOP for a in parts),
        unit_count=len({a.unit_key for a in parts}),
        status_counts=_counts(tasks),
        mentions=_mentions(session, plan, school, {v.number for v in views}),
        tasks=tasks,
        targets=_targets(session, plan, views, rows, window, school),
        issues=_issues(views, rows, reports, window, school),
        **_next_year(tasks, rows, year),
        **_indicators(session, school, as_of),
    )  # fmt: skip


def _indicators(session: Session, school: Unit | None, as_of: dt.date) -> dict[str, Any]:
    """一（二）数据指标: the latest school year with records by ``as_of`` (of two looked at)."""
    scope = school.key if school else CITY
    for year in (current_school_year(as_of), current_school_year(as_of) - 1):
        values = evaluate(session, year, scope=scope, as_of=as_of)
        found = [v for v in values if v.value is not None]
        if found:
            return {
                "indicator_year": school_year_label(year),
                "indicators": tuple(
                    IndicatorFigure(v.name, f"{number(v.value)}{v.unit}", _basis(v))
                    for v in found
                    if v.value is not None
                ),
                "indicators_missing": len(values) - len(found),
            }
    return {}


def _basis(v: IndicatorValue) -> str:
    """``12/24`` for a share or ratio; nothing for a count or a sum."""
    if v.unit != "%" and not v.percent:
        return ""
    return f"{number(v.numerator)}/{number(v.denominator)}"


# --- tasks and quotes -----------------------------------------------------------------------------


def _reports(
    session: Session, plan: Plan, window: tuple[dt.date, dt.date], school: Unit | None
) -> list[Any]:
    """The plan's reports accepted, returned or explained late (逾期说明) within the window."""
    start, end = window
    columns = (
        Report.id, Report.supersedes_id, Report.state, Report.claimed, Report.narrative,
        Report.late_reason, Report.submitted_on, Report.accepted_on, Report.returned_on,
        Report.return_reason, Task.number, Assignment.role, Unit.key, Unit.name.label("unit"),
    )  # fmt: skip
    query = (
        select(*columns)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan.id)
        .where(
            or_(
                Report.accepted_on.between(start, end),
                Report.returned_on.between(start, end),
                and_(Report.late_reason.is_not(None), Report.submitted_on.between(start, end)),
            )
        )
        .order_by(Task.seq, Report.submitted_on, Report.id)
    )
    if school is not None:
        query = query.where(Unit.id == school.id)
    return list(session.execute(query))


def _quotes(reports: list[Any], window: tuple[dt.date, dt.date]) -> dict[str, list[Quote]]:
    """Reports accepted within the window by task number; one superseded by another of them is
    left out (the later one says it again, corrected)."""
    accepted = [r for r in reports if _accepted_within(r, window)]
    replaced = {r.supersedes_id for r in accepted}
    out: dict[str, list[Quote]] = defaultdict(list)
    for r in accepted:
        if r.id not in replaced:
            out[r.number].append(
                Quote(r.unit, r.role, r.submitted_on, r.accepted_on, r.claimed, r.narrative)
            )
    return out


def _accepted_within(report: Any, window: tuple[dt.date, dt.date]) -> bool:
    """Accepted within the window and still standing (or superseded by a later one)."""
    on = report.accepted_on
    return on is not None and window[0] <= on <= window[1] and report.state in _QUOTED


def _progress(
    view: TaskView, task: Task, quotes: dict[str, list[Quote]], school: Unit | None
) -> TaskProgress:
    own = view.assignments[0] if school and view.assignments else None
    return TaskProgress(
        number=task.number, title=task.title, heading=task.group_title or task.section,
        deadline_text=deadline_words(task.deadline, task.ongoing, task.deadline_text),
        status=str(own.status if own else view.status),
        reason=own.reason if own else view.reason,
        role=own.role if own else None, quotes=tuple(quotes.get(task.number, ())),
    )  # fmt: skip


def _counts(tasks: Iterable[TaskProgress]) -> tuple[tuple[str, int], ...]:
    counts = Counter(t.status for t in tasks)
    order = sorted(SEVERITY, key=lambda s: SEVERITY[s])
    return tuple((s.value, counts[s.value]) for s in order if counts[s.value])


# --- targets --------------------------------------------------------------------------------------


def _targets(
    session: Session, plan: Plan, views: Sequence[TaskView], rows: dict[str, Task],
    window: tuple[dt.date, dt.date], school: Unit | None,
) -> tuple[TargetProgress, ...]:  # fmt: skip
    ids = {rows[v.number].id: rows[v.number] for v in views}
    query = select(Target).where(Target.plan_id == plan.id, Target.task_id.in_(ids))
    keep = _scope_filter(session, school)
    targets = [t for t in session.scalars(query) if keep(t.scope)]
    figures = _figures(session, plan, window, school)
    order = {task_id: task.seq for task_id, task in ids.items()}
    targets.sort(key=lambda t: (order[t.task_id or 0], t.seq))
    return tuple(_target(t, ids[t.task_id or 0], plan, figures.get(t.id, []), window[1])
                 for t in targets)  # fmt: skip


def _scope_filter(session: Session, school: Unit | None) -> Callable[[str], bool]:
    """A school's report keeps the targets of the whole territory (全市) and its own scope."""
    if school is None:
        return lambda scope: True
    registry = current_registry(session)

    def keep(scope: str) -> bool:
        entry = registry.match(scope).entry if not scope.startswith("全") else None
        return scope.startswith("全") or (entry is not None and entry.key == school.key)

    return keep


def _figures(
    session: Session, plan: Plan, window: tuple[dt.date, dt.date], school: Unit | None
) -> dict[int, list[tuple[dt.date, float]]]:
    query = (
        select(ReportFigure.target_id, Report.submitted_on, ReportFigure.value)
        .join(Report, Report.id == ReportFigure.report_id)
        .join(Target, Target.id == ReportFigure.target_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .where(Target.plan_id == plan.id, Report.accepted_on.between(*window))
        .order_by(Report.submitted_on, Report.id)
    )
    if school is not None:
        query = query.where(Assignment.unit_id == school.id)
    out: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for target_id, submitted, value in session.execute(query):
        if submitted is not None:
            out[target_id].append((submitted, value))
    return out


def _target(
    target: Target, task: Task, plan: Plan, actuals: list[tuple[dt.date, float]], as_of: dt.date
) -> TargetProgress:
    facts = TargetFacts(
        op=target.op,  # type: ignore[arg-type]
        value=target.value, value_max=target.value_max, period=target.period,
        deadline=task.deadline, effective=plan.effective, actuals=tuple(actuals),
        unit=target.unit,
    )  # fmt: skip
    verdict = target_pace(facts, as_of)
    reported = actuals[-1][0] if actuals and verdict.actual is not None else None
    return TargetProgress(
        task.number, target.metric, goal_text(target), target.scope, verdict.actual, target.unit,
        reported, verdict.pace.value, verdict.reason,
    )  # fmt: skip


# --- problems and next year -----------------------------------------------------------------------


def _issues(
    views: Sequence[TaskView], rows: dict[str, Task], reports: list[Any],
    window: tuple[dt.date, dt.date], school: Unit | None,
) -> tuple[Issue, ...]:  # fmt: skip
    """Overdue parts and parts done late in the year (a school's own; the city's lead units')
    with the unit's latest 逾期说明 of the year, then the reports returned in the year."""
    explained = {(r.number, r.key): r.late_reason for r in reports if r.late_reason}
    done = {
        (r.number, r.key) for r in reports if r.claimed == "done" and _accepted_within(r, window)
    }
    out = [
        Issue(str(a.status), v.number, v.title, a.unit, a.reason,
              explained.get((v.number, a.unit_key)))
        for v in views
        for a in v.assignments
        if (a.status == Status.OVERDUE or (a.status == Status.DONE_LATE
                                           and (v.number, a.unit_key) in done))
        and (school is not None or a.role == Role.LEAD)
    ]  # fmt: skip
    out += [
        Issue("returned", r.number, rows[r.number].title, r.unit,
              f"{day(r.submitted_on)}报送的进展报告", r.return_reason, r.returned_on)
        for r in reports if r.returned_on and window[0] <= r.returned_on <= window[1]
    ]  # fmt: skip
    return tuple(out)


def _next_year(tasks: tuple[TaskProgress, ...], rows: dict[str, Task], year: int) -> dict[str, Any]:
    def pick(keep: Any) -> tuple[NextTask, ...]:
        return tuple(
            NextTask(t.number, t.title, t.deadline_text, t.status) for t in tasks if keep(t)
        )

    deadline = {n: (t.deadline, t.ongoing) for n, t in rows.items()}
    return {
        "due_next": pick(lambda t: (d := deadline[t.number][0]) and d.year == year + 1),
        "ongoing": pick(lambda t: deadline[t.number][1]),
        "carried": pick(lambda t: t.status == Status.OVERDUE.value),
    }


# --- who ------------------------------------------------------------------------------------------


def _city(session: Session) -> str:
    """The registry's one top-level place (中卫市), else 全市."""
    query = select(Unit.name).where(Unit.kind == "place", Unit.parent_id.is_(None)).limit(2)
    places = list(session.scalars(query))
    return places[0] if len(places) == 1 else "全市"


def _parent(session: Session, school: Unit | None) -> str | None:
    if school is None or school.parent_id is None:
        return None
    parent = session.get(Unit, school.parent_id)
    return parent.name if parent else None


def _mentions(
    session: Session, plan: Plan, school: Unit | None, assigned: set[str]
) -> tuple[tuple[str, str], ...]:
    """Tasks whose text names the school (any of its names) where it holds no assignment."""
    if school is None:
        return ()
    aliases = session.scalars(select(UnitAlias.alias).where(UnitAlias.unit_id == school.id))
    names = {n for n in (school.name, school.short, *aliases) if n}
    query = (
        select(Task.number, Task.title)
        .where(Task.plan_id == plan.id)
        .where(or_(*(Task.text.contains(n, autoescape=True) for n in sorted(names))))
        .order_by(Task.seq)
    )
    return tuple((n, t) for n, t in session.execute(query) if n not in assigned)
