"""What one actor may read, as the JSON API hands it out: plans, tasks, units, reports.

Everything is filtered in SQL. The access functions answer ``None`` both for a missing object and
for one the actor may not see, so a caller cannot tell the two apart. The rules:

- plans: published plans and their earlier versions for every reader; drafts for those who
  publish plans (admins);
- reports: a reporter or leader reads their own unit's reports (drafts too) and, of the other
  units, only accepted ones; a reader of all reports (admin, supervisor, viewer) reads every
  report that was sent — nobody reads another unit's drafts (the same rule as the task page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from duban.domain.choices import ReportState
from duban.models import Assignment, Plan, Report, Task, Unit, User
from duban.permissions import Actor, can
from duban.queries.status import TaskView, plan_status

VISIBLE_PLANS = ("published", "superseded")


def plan_states(actor: Actor) -> tuple[str, ...]:
    """The plan states ``actor`` may read: drafts only for those who publish plans."""
    return (*VISIBLE_PLANS, "draft") if can(actor, "plan.publish") else VISIBLE_PLANS


def plans_for(session: Session, actor: Actor) -> list[tuple[Plan, int]]:
    """The plans ``actor`` may read with their task counts, oldest first."""
    counts = select(Task.plan_id, func.count(Task.id).label("n")).group_by(Task.plan_id).subquery()
    query = (
        select(Plan, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.plan_id == Plan.id)
        .where(Plan.state.in_(plan_states(actor)))
        .order_by(Plan.id)
    )
    return [(plan, int(n)) for plan, n in session.execute(query)]


def plan_for(session: Session, actor: Actor, plan_id: int) -> Plan | None:
    query = select(Plan).where(Plan.id == plan_id, Plan.state.in_(plan_states(actor)))
    return session.scalars(query).first()


def plan_tasks(session: Session, plan: Plan) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.seq)))


def unit_by_key(session: Session, key: str) -> Unit | None:
    return session.scalars(select(Unit).where(Unit.key == key)).first()


@dataclass(frozen=True)
class TaskDetail:
    task: Task
    view: TaskView
    assignment_ids: dict[str, int]
    """The assignment id of each unit (by key) with a part in the task."""


def task_detail(session: Session, plan: Plan, number: str, as_of: dt.date) -> TaskDetail | None:
    """One task of ``plan`` with its status as of ``as_of``; ``None`` if there is no such task."""
    task = session.scalars(
        select(Task)
        .where(Task.plan_id == plan.id, Task.number == number)
        .options(selectinload(Task.targets))
    ).first()
    if task is None:
        return None
    view = next(t for t in plan_status(session, plan, as_of).tasks if t.number == number)
    rows = session.execute(
        select(Unit.key, Assignment.id)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .where(Assignment.task_id == task.id)
    )
    return TaskDetail(task, view, {key: id_ for key, id_ in rows})


def units(session: Session, *, kind: str | None, limit: int, offset: int) -> list[Unit]:
    """The unit registry (it is public within government), in registry order."""
    query = select(Unit).options(selectinload(Unit.aliases), selectinload(Unit.members))
    if kind is not None:
        query = query.where(Unit.kind == kind)
    return list(session.scalars(query.order_by(Unit.id).limit(limit).offset(offset)))


def unit_keys(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        id_: key for id_, key in session.execute(select(Unit.id, Unit.key).where(Unit.id.in_(ids)))
    }


def profile(session: Session, actor: Actor) -> tuple[User, Unit | None] | None:
    """The signed-in user's own record and unit."""
    user = session.get(User, actor.user_id)
    if user is None:
        return None
    return user, session.get(Unit, user.unit_id) if user.unit_id is not None else None


# --- reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRecord:
    report: Report
    plan_id: int
    task: str
    unit_key: str
    unit_name: str
    role: str


@dataclass(frozen=True)
class ReportFilter:
    plan: int | None = None
    task: str | None = None
    unit: str | None = None
    state: str | None = None


def readable(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition for the reports ``actor`` may read (see the module's rules)."""
    sent = Report.state != ReportState.DRAFT
    if actor.own_unit_only:
        own = Assignment.unit_id == (actor.unit_id if actor.unit_id is not None else -1)
        return or_(own, Report.state == ReportState.ACCEPTED)
    if can(actor, "report.view_all"):
        return sent
    return false()


def reports_for(
    session: Session, actor: Actor, wanted: ReportFilter, *, limit: int, offset: int
) -> tuple[list[ReportRecord], int]:
    """The reports ``actor`` may read that match ``wanted``, newest first, and how many match."""
    condition = and_(readable(actor), *_matching(wanted))
    total = session.scalar(_joined(func.count(Report.id)).where(condition)) or 0
    query = _records().where(condition)
    query = query.order_by(Report.submitted_on.desc().nulls_last(), Report.id.desc())
    rows = session.execute(query.limit(limit).offset(offset))
    return [ReportRecord(*row) for row in rows], total


def report_for(session: Session, actor: Actor, report_id: int) -> ReportRecord | None:
    """One report ``actor`` may read, or ``None`` — the same for a missing one."""
    row = session.execute(_records().where(Report.id == report_id, readable(actor))).first()
    return ReportRecord(*row) if row else None


def _matching(wanted: ReportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [true()]
    if wanted.plan is not None:
        conditions.append(Task.plan_id == wanted.plan)
    if wanted.task is not None:
        conditions.append(Task.number == wanted.task)
    if wanted.unit is not None:
        conditions.append(Unit.key == wanted.unit)
    if wanted.state is not None:
        conditions.append(Report.state == wanted.state)
    return conditions


def _joined(*columns: Any) -> Any:
    """``columns`` over reports joined to their assignment, task, readable plan and unit."""
    return (
        select(*columns)
        .select_from(Report)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Plan.state.in_(VISIBLE_PLANS))
    )


def _records() -> Any:
    return _joined(Report, Task.plan_id, Task.number, Unit.key, Unit.name, Assignment.role).options(
        selectinload(Report.figures), selectinload(Report.evidence)
    )
