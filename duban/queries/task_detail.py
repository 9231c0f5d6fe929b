"""任务: the task list of a plan and one task's page, as of any date, scoped to the reader.

The plan is public within government, so every signed-in reader sees every task and every unit's
status. Report content is not: a reporter or leader sees their own unit's reports (drafts too) and
of the others only what was accepted by the date; nobody sees another unit's drafts. Both rules are
in the SQL. A report is shown as it stood on the date (submitted, then accepted or returned), and
only if it existed then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import Session

from duban.models import Assignment, Plan, Report, ReportFigure, Target, Task, Unit
from duban.permissions import Actor, can
from duban.queries.claims import ClaimCheck, claim_checks
from duban.queries.memo import remembered
from duban.queries.status import TargetView, TaskView, plan_status

VISIBLE_PLANS = ("published", "superseded")
CHINA = dt.timezone(dt.timedelta(hours=8))  # dates are Beijing dates; China keeps no DST


@dataclass(frozen=True)
class TaskRow:
    number: str
    title: str
    group: str
    leads: tuple[str, ...]
    deadline: dt.date | None
    deadline_text: str | None
    ongoing: bool
    status: str
    reason: str


@dataclass(frozen=True)
class TargetBar:
    view: TargetView
    op: str
    value: float
    unit: str | None
    quote: str


@dataclass(frozen=True)
class HistoryRow:
    id: int
    unit: str
    role: str
    own: bool
    period: str
    state: str
    """As it stood on the date: draft, submitted, accepted, returned or superseded."""
    claimed: str
    submitted_on: dt.date | None
    accepted_on: dt.date | None
    returned_on: dt.date | None
    narrative: str
    late_reason: str | None
    return_reason: str | None
    on_paper: bool
    figures: list[tuple[str, float, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Version:
    plan_id: int
    version: int
    state: str
    title: str
    deadline: dt.date | None
    deadline_text: str | None
    leads: list[str]
    coops: list[str]
    changes: list[str]
    """What this version changed from the one before it, in words."""
    current: bool


@dataclass
class TaskPage:
    plan: Plan
    task: Task
    as_of: dt.date
    view: TaskView
    targets: list[TargetBar]
    reports: list[HistoryRow]
    versions: list[Version]
    claims: dict[int, list[ClaimCheck]] = field(default_factory=dict)
    """Report id → the figures it states that the school records also compute (数据核对)."""


def visible_plan(session: Session, plan_id: int) -> Plan | None:
    """A published plan, or an earlier version of one; drafts are the review page's business."""
    plan = session.get(Plan, plan_id)
    return plan if plan is not None and plan.state in VISIBLE_PLANS else None


def plan_units(session: Session, plan_id: int) -> tuple[tuple[str, str], ...]:
    """``(key, name)`` of the units with a part in the plan, for the unit filter."""
    return remembered(session, ("plan_units", plan_id), lambda: _plan_units(session, plan_id))


def _plan_units(session: Session, plan_id: int) -> tuple[tuple[str, str], ...]:
    query = (
        select(Unit.key, Unit.name)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id)
        .distinct()
        .order_by(Unit.name)
    )
    return tuple((key, name) for key, name in session.execute(query))


def task_list(
    session: Session, plan: Plan, as_of: dt.date, *, status: str | None = None,
    unit_key: str | None = None, text: str | None = None,
) -> tuple[TaskRow, ...]:  # fmt: skip
    """The plan's tasks in plan order; unit and text are filtered in SQL, status on the result
    of the same status evaluation the dashboard counts with (so its tiles and this list agree).
    Remembered per state of the database, like the status itself (``duban.queries.memo``)."""
    key = ("task_list", plan.id, as_of, status, unit_key, text)
    return remembered(
        session, key, lambda: _task_list(session, plan, as_of, status, unit_key, text)
    )


def _task_list(
    session: Session, plan: Plan, as_of: dt.date, status: str | None, unit_key: str | None,
    text: str | None,
) -> tuple[TaskRow, ...]:  # fmt: skip
    query = select(Task.number, Task.group_title, Task.section, Task.deadline_text)
    query = query.where(Task.plan_id == plan.id)
    if unit_key:
        mine = select(Assignment.id).join(Unit, Unit.id == Assignment.unit_id)
        mine = mine.where(Assignment.task_id == Task.id, Unit.key == unit_key)
        query = query.where(exists(mine))
    if text and text.strip():
        needle = text.strip()
        query = query.where(
            or_(Task.number == needle, Task.title.contains(needle, autoescape=True))
        )
    chosen = {
        n: (group or section or "其他任务", dl) for n, group, section, dl in session.execute(query)
    }
    rows = []
    for task in plan_status(session, plan, as_of).tasks:
        if task.number not in chosen or (status and task.status != status):
            continue
        group, deadline_text = chosen[task.number]
        leads = tuple(a.unit for a in task.assignments if a.role == "lead")
        rows.append(TaskRow(task.number, task.title, group, leads, task.deadline, deadline_text,
                            task.ongoing, task.status, task.reason))  # fmt: skip
    return tuple(rows)


def by_group(rows: Sequence[TaskRow]) -> list[tuple[str, list[TaskRow]]]:
    """Rows under their group headings, groups in plan order."""
    groups: dict[str, list[TaskRow]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    return list(groups.items())


def task_page(
    session: Session, actor: Actor, plan: Plan, number: str, as_of: dt.date
) -> TaskPage | None:
    """Everything the task page shows, or ``None`` when the plan has no such task."""
    task = session.scalars(
        select(Task).where(Task.plan_id == plan.id, Task.number == number)
    ).first()
    if task is None:
        return None
    view = next(t for t in plan_status(session, plan, as_of).tasks if t.number == number)
    targets = session.scalars(select(Target).where(Target.task_id == task.id).order_by(Target.seq))
    bars = [
        TargetBar(v, t.op, t.value, t.unit, t.quote)
        for v, t in zip(view.targets, targets, strict=True)
    ]
    history = report_history(session, actor, task.id, as_of)
    claims = claim_checks(session, [r.id for r in history], as_of)
    return TaskPage(plan, task, as_of, view, bars, history, versions(session, plan, number),
                    claims)  # fmt: skip


# --- report history ---------------------------------------------------------------------------


def report_history(
    session: Session, actor: Actor, task_id: int, as_of: dt.date
) -> list[HistoryRow]:
    """The task's reports that existed on ``as_of`` and ``actor`` may read, newest first."""
    own_unit = actor.unit_id if actor.unit_id is not None else -1
    is_own = Assignment.unit_id == own_unit if actor.own_unit_only else false()
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), CHINA)
    submitted = Report.submitted_on <= as_of
    existed = or_(submitted, Report.created_at < cutoff)  # a draft written by then counts
    all_units = can(actor, "report.view_all") and not actor.own_unit_only
    others = submitted if all_units else Report.accepted_on <= as_of
    query = (
        select(Report, Unit.name, Assignment.role, is_own.label("own"))
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.task_id == task_id)
        .where(or_(and_(is_own, existed), others))
        .order_by(Report.submitted_on.desc().nulls_first(), Report.id.desc())
    )
    found = list(session.execute(query))
    reports = [r for r, *_ in found]
    figures = _figures(session, [r.id for r in reports])
    return [
        _history_row(r, name, role, bool(own), _state_on(r, reports, as_of), figures.get(r.id, []))
        for r, name, role, own in found
    ]


def _history_row(
    r: Report, unit: str, role: str, own: bool, state: str, figures: list[tuple[str, float, str]]
) -> HistoryRow:
    accepted = r.accepted_on if state in ("accepted", "superseded") else None
    returned = r.returned_on if state == "returned" else None
    return HistoryRow(
        r.id, unit, role, own, r.period_key, state, r.claimed,
        r.submitted_on if state != "draft" else None, accepted, returned, r.narrative,
        r.late_reason, r.return_reason if returned else None, r.on_paper, figures,
    )  # fmt: skip


def _state_on(report: Report, reports: list[Report], day: dt.date) -> str:
    """The report's state on ``day``, from its dates and those of the report that replaced it."""
    if report.submitted_on is None or report.submitted_on > day:
        return "draft"
    if report.returned_on and report.returned_on <= day:
        return "returned"
    accepted = report.accepted_on is not None and report.accepted_on <= day
    if report.state == "superseded" and _superseded_by(report, reports, day):
        return "superseded"
    return "accepted" if accepted else "submitted"


def _superseded_by(old: Report, reports: list[Report], day: dt.date) -> bool:
    """Whether a later report of the same assignment and period replaced ``old`` by ``day``:
    an accepted report by a later acceptance, a pending one by a later submission."""
    same = (old.assignment_id, old.period_key)
    when = (
        new.accepted_on if old.accepted_on else new.submitted_on
        for new in reports
        if new.id > old.id and (new.assignment_id, new.period_key) == same
    )
    return any(w is not None and w <= day for w in when)


def _figures(session: Session, report_ids: list[int]) -> dict[int, list[tuple[str, float, str]]]:
    if not report_ids:
        return {}
    query = (
        select(ReportFigure.report_id, Target.metric, ReportFigure.value, Target.unit)
        .join(Target, Target.id == ReportFigure.target_id)
        .where(ReportFigure.report_id.in_(report_ids))
        .order_by(ReportFigure.report_id, Target.seq)
    )
    out: dict[int, list[tuple[str, float, str]]] = {}
    for report_id, metric, value, unit in session.execute(query):
        out.setdefault(report_id, []).append((metric, value, unit or ""))
    return out


# --- versions of the task across plan revisions -----------------------------------------------


def versions(session: Session, plan: Plan, number: str) -> list[Version]:
    """The task under the same number in every version of the plan, oldest first, each with what
    it changed; one entry when the plan was never revised."""
    chain = _plan_chain(session, plan)
    query = select(Task).where(Task.plan_id.in_([p.id for p in chain]), Task.number == number)
    found = {t.plan_id: t for t in session.scalars(query)}
    out: list[Version] = []
    before: Task | None = None
    for p in chain:
        task = found.get(p.id)
        if task is None:
            continue
        out.append(Version(p.id, p.version, p.state, task.title, task.deadline, task.deadline_text,
                           list(task.lead_names), list(task.coop_names), _changes(before, task),
                           p.id == plan.id))  # fmt: skip
        before = task
    return out


def _plan_chain(session: Session, plan: Plan) -> list[Plan]:
    """The plan's versions oldest first: back through ``previous_id``, forward to its successors."""
    chain, seen = [plan], {plan.id}
    while chain[0].previous_id is not None and chain[0].previous_id not in seen:
        earlier = session.get(Plan, chain[0].previous_id)
        if earlier is None:
            break
        chain.insert(0, earlier)
        seen.add(earlier.id)
    while True:
        query = select(Plan).where(Plan.previous_id == chain[-1].id, Plan.id.not_in(seen))
        later = session.scalars(query.order_by(Plan.id)).first()
        if later is None:
            break
        chain.append(later)
        seen.add(later.id)
    return [p for p in chain if p.state in VISIBLE_PLANS]


def _changes(old: Task | None, new: Task) -> list[str]:
    if old is None:
        return []
    out = []
    if old.title != new.title:
        out.append(f"任务名称由“{old.title}”改为“{new.title}”")
    if (old.deadline, old.ongoing) != (new.deadline, new.ongoing):
        out.append(f"完成时限由“{old.deadline_text or '未定'}”改为“{new.deadline_text or '未定'}”")
    for label, before, after in (
        ("责任单位", old.lead_names, new.lead_names),
        ("配合单位", old.coop_names, new.coop_names),
    ):
        added = [n for n in after if n not in before]
        dropped = [n for n in before if n not in after]
        if added:
            out.append(f"{label}增加{'、'.join(added)}")
        if dropped:
            out.append(f"{label}去掉{'、'.join(dropped)}")
    if old.text != new.text and old.title == new.title:
        out.append("任务内容有修改")
    return out
