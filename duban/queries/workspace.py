"""我的任务 and 审核: a unit's assignments and report forms, the review queue, evidence access.

Every function here filters in SQL. A reporter or leader reaches its own unit's assignments,
drafts and evidence only; the access functions give ``None`` for another unit's object exactly as
for a missing one, so a URL never tells whether the object exists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban.domain import clock
from duban.domain.choices import Cadence, ReportState, Role
from duban.domain.periods import Period, counting_period, parse_key
from duban.models import Assignment, Evidence, Plan, Report, ReportFigure, Target, Task, Unit
from duban.permissions import Actor, can, scope_to_unit
from duban.queries.claims import ClaimCheck, claim_checks
from duban.queries.reports import ReportRow, list_reports
from duban.queries.status import AssignmentView, goal_text, plan_status

REVIEW_PAGE = 50
"""The review queue shows this many reports at a time, oldest first."""


@dataclass(frozen=True)
class ReportBrief:
    id: int
    version: int
    state: str
    claimed: str
    period: str
    submitted_on: dt.date | None
    returned_on: dt.date | None
    return_reason: str | None
    updated_at: dt.datetime


@dataclass
class WorkItem:
    """One of the unit's assignments as the workspace lists it."""

    assignment_id: int
    plan_title: str
    number: str
    title: str
    role: str
    deadline: dt.date | None
    ongoing: bool
    days_left: int | None
    status: str
    reason: str
    period: str
    """The reporting period a report sent today counts for, and the last day it may be sent."""
    period_due: dt.date
    period_reported: bool
    latest: ReportBrief | None = None
    drafts: list[ReportBrief] = field(default_factory=list)


@dataclass
class Workspace:
    unit: str
    today: dt.date
    items: list[WorkItem]

    @property
    def returned(self) -> list[WorkItem]:
        return [i for i in self.items if i.latest and i.latest.state == ReportState.RETURNED]

    @property
    def drafts(self) -> list[tuple[WorkItem, ReportBrief]]:
        return [(i, d) for i in self.items for d in i.drafts]


def _own_assignments(actor: Actor) -> Any:
    query: Any = (
        select(Assignment, Task, Plan)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.state == "published")
    )
    return scope_to_unit(query, actor, Assignment.unit_id)


def workspace(session: Session, actor: Actor, today: dt.date) -> Workspace:
    """The actor's unit's assignments across all published plans, as of ``today``."""
    unit = session.get(Unit, actor.unit_id) if actor.unit_id is not None else None
    rows = session.execute(_own_assignments(actor).order_by(Plan.id, Task.seq)).all()
    return Workspace(unit.name if unit else "", today, _items(session, unit, rows, today))


def _items(session: Session, unit: Unit | None, rows: Any, today: dt.date) -> list[WorkItem]:
    """Work items for ``(assignment, task, plan)`` rows: statuses from one evaluation per plan."""
    plans = {plan.id: plan for _, _, plan in rows}
    own: dict[tuple[int, str], AssignmentView] = {}
    for plan in plans.values():
        key = unit.key if unit else "-"
        for task in plan_status(session, plan, today, unit_key=key).tasks:
            for view in task.assignments:
                own[(plan.id, task.number)] = view
    briefs = _briefs(session, [a.id for a, _, _ in rows])
    return [_item(a, t, p, own.get((p.id, t.number)), briefs[a.id], today) for a, t, p in rows]


def _item(
    a: Assignment, task: Task, plan: Plan, view: AssignmentView | None, reports: list[ReportBrief],
    today: dt.date,
) -> WorkItem:  # fmt: skip
    period = _current_period(plan, today)
    sent = [r for r in reports if r.state != ReportState.DRAFT]
    counted = (ReportState.SUBMITTED, ReportState.ACCEPTED)
    return WorkItem(
        assignment_id=a.id, plan_title=plan.title, number=task.number, title=task.title,
        role=a.role, deadline=task.deadline, ongoing=task.ongoing,
        days_left=(task.deadline - today).days if task.deadline else None,
        status=view.status if view else "on_track", reason=view.reason if view else "",
        period=period.label, period_due=period.due_on(plan.grace_days),
        period_reported=any(r.period == period.key and r.state in counted for r in sent),
        latest=sent[0] if sent else None,
        drafts=[r for r in reports if r.state == ReportState.DRAFT],
    )  # fmt: skip


def _current_period(plan: Plan, today: dt.date) -> Period:
    return counting_period(today, Cadence(plan.cadence), plan.grace_days)


def _briefs(session: Session, assignment_ids: list[int]) -> dict[int, list[ReportBrief]]:
    """The reports of these assignments, newest first (superseded ones left out)."""
    query = (
        select(Report)
        .where(Report.assignment_id.in_(assignment_ids))
        .where(Report.state != ReportState.SUPERSEDED)
        .order_by(Report.id.desc())
    )
    out: dict[int, list[ReportBrief]] = defaultdict(list)
    for r in session.scalars(query):
        out[r.assignment_id].append(_brief(r))
    return out


def _brief(r: Report) -> ReportBrief:
    return ReportBrief(
        r.id, r.version, r.state, r.claimed, r.period_key, r.submitted_on, r.returned_on,
        r.return_reason, r.updated_at,
    )  # fmt: skip


# --- the report form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetField:
    id: int
    metric: str
    goal: str
    scope: str
    value: float | None = None


@dataclass
class ReportForm:
    """Everything the report form shows for one assignment (and the draft being edited)."""

    item: WorkItem
    text: str
    late: bool
    targets: list[TargetField]
    contributions: list[ReportRow]
    draft: Report | None = None
    evidence: list[Evidence] = field(default_factory=list)


def own_assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment | None:
    """The actor's unit's assignment in a published plan, or ``None``."""
    row = session.execute(_own_assignments(actor).where(Assignment.id == assignment_id)).first()
    return row[0] if row else None


def own_report(session: Session, actor: Actor, report_id: int) -> Report | None:
    """A report of the actor's unit in a published plan, or ``None``."""
    query = _joined(Report).where(Report.id == report_id)
    return session.scalars(scope_to_unit(query, actor, Assignment.unit_id)).first()


def report_form(
    session: Session, actor: Actor, assignment_id: int, today: dt.date, draft: Report | None = None
) -> ReportForm | None:
    """The form for a new report on the actor's ``assignment_id`` (or for editing its ``draft``),
    or ``None`` when the assignment is not the actor's unit's."""
    assignment = own_assignment(session, actor, assignment_id)
    if assignment is None:
        return None
    task, plan = assignment.task, assignment.task.plan
    unit = session.get(Unit, assignment.unit_id)
    (item,) = _items(session, unit, [(assignment, task, plan)], today)
    values = {f.target_id: f.value for f in draft.figures} if draft else {}
    targets = [
        TargetField(t.id, t.metric, goal_text(t), t.scope, values.get(t.id)) for t in task.targets
    ]
    contributions: list[ReportRow] = []
    if assignment.role == Role.LEAD:  # the cooperating units' accepted contributions (配合情况)
        rows = list_reports(session, plan.id, task=task.number, role=Role.COOP, state="accepted")
        contributions = [replace(r, period=parse_key(r.period).label) for r in rows]
    late = task.deadline is not None and today > task.deadline
    evidence = list(draft.evidence) if draft else []
    return ReportForm(item, task.text, late, targets, contributions, draft, evidence)


# --- evidence -----------------------------------------------------------------------------------


def evidence_for(session: Session, actor: Actor, evidence_id: int) -> Evidence | None:
    """An evidence file the actor may download, or ``None`` for any other.

    Reviewers (admin, supervisor) reach every file; a reporter or leader its own unit's; a reader
    of all reports (viewer) the files of accepted reports only.
    """
    query = (
        select(Evidence)
        .join(Report, Report.id == Evidence.report_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .where(Evidence.id == evidence_id)
    )
    if actor.own_unit_only:
        query = scope_to_unit(query, actor, Assignment.unit_id)
    elif not can(actor, "report.review"):
        if not can(actor, "report.view_all"):
            return None
        query = query.where(Report.state == ReportState.ACCEPTED)
    return session.scalars(query).first()


# --- the review queue ---------------------------------------------------------------------------


@dataclass
class ReviewItem:
    id: int
    version: int
    plan_title: str
    number: str
    title: str
    deadline: dt.date | None
    unit: str
    role: str
    period: str
    claimed: str
    narrative: str
    late_reason: str | None
    submitted_on: dt.date | None
    on_paper: bool
    author: str
    figures: list[tuple[str, float, str]] = field(default_factory=list)
    """(metric, value, goal) per target the report gives a figure for."""
    evidence: list[tuple[int, str, int]] = field(default_factory=list)
    """(id, name, size) per evidence file."""
    claims: list[ClaimCheck] = field(default_factory=list)
    """The figures it states about targets the school records also compute (数据核对)."""


@dataclass
class ReviewQueue:
    items: list[ReviewItem]
    total: int
    plans: list[tuple[int, str]]
    units: list[tuple[int, str]]


def review_queue(
    session: Session, *, plan_id: int | None = None, unit_id: int | None = None,
    as_of: dt.date | None = None,
) -> ReviewQueue:  # fmt: skip
    """Submitted reports waiting for review in published plans, oldest first, each with its
    figures checked against the school records as they stand on ``as_of`` (today)."""
    submitted = Report.state == ReportState.SUBMITTED
    waiting = _joined(Report.id).where(submitted)
    if plan_id is not None:
        waiting = waiting.where(Plan.id == plan_id)
    if unit_id is not None:
        waiting = waiting.where(Assignment.unit_id == unit_id)
    total = session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    query = _joined(Report, Task, Plan.title, Unit.name, Assignment.role).where(
        Report.id.in_(waiting)
    )
    rows = session.execute(query.order_by(Report.submitted_on, Report.id).limit(REVIEW_PAGE))
    items = [_review_item(*row) for row in rows]
    _add_figures_and_files(session, {i.id: i for i in items})
    checks = claim_checks(session, [i.id for i in items], as_of or clock.today())
    for item in items:
        item.claims = checks.get(item.id, [])
    pairs = session.execute(_joined(Plan.id, Plan.title, Unit.id, Unit.name).where(submitted))
    plans, units = set(), set()
    for pid, title, uid, name in pairs:
        plans.add((pid, title))
        units.add((uid, name))
    return ReviewQueue(items, total, sorted(plans), sorted(units, key=lambda u: u[1]))


def _joined(*columns: Any) -> Any:
    """``columns`` over reports joined to their assignment, task, published plan and unit."""
    return (
        select(*columns)
        .select_from(Report)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Plan.state == "published")
    )


def _review_item(r: Report, t: Task, plan_title: str, unit: str, role: str) -> ReviewItem:
    return ReviewItem(
        r.id, r.version, plan_title, t.number, t.title, t.deadline, unit, role,
        parse_key(r.period_key).label, r.claimed, r.narrative, r.late_reason, r.submitted_on,
        r.on_paper, r.author,
    )  # fmt: skip


def _add_figures_and_files(session: Session, by_id: dict[int, ReviewItem]) -> None:
    """Each item's figures and evidence files, in two queries for the whole page."""
    ids = list(by_id)
    figures = select(ReportFigure.report_id, ReportFigure.value, Target).join(Target)
    for rid, value, target in session.execute(
        figures.where(ReportFigure.report_id.in_(ids)).order_by(Target.seq)
    ):
        by_id[rid].figures.append((target.metric, value, goal_text(target)))
    files = select(Evidence.report_id, Evidence.id, Evidence.name, Evidence.size)
    for rid, eid, name, size in session.execute(
        files.where(Evidence.report_id.in_(ids)).order_by(Evidence.id)
    ):
        by_id[rid].evidence.append((eid, name, size))
