"""What a unit's offline progress workbook holds: its assignments in one plan, pre-filled.

Four set-based queries per workbook (assignments, the latest report sent per assignment, targets,
the latest figure per target) plus the plan's status for the unit; no query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban.domain.choices import (
    CLAIMED_LABELS,
    STATUS_LABELS,
    Cadence,
    ClaimedState,
    ReportState,
    Status,
)
from duban.domain.periods import counting_period
from duban.exchange.progress_xlsx import AssignmentLine, FigureLine, ProgressSheet
from duban.models import Assignment, Plan, Report, ReportFigure, Target, Task, Unit
from duban.queries.status import AssignmentView, goal_text, plan_status

SENT = (ReportState.SUBMITTED, ReportState.ACCEPTED)
"""Reports that count as what the unit last said: sent and not returned or superseded."""


def unit_plans(session: Session, unit_id: int) -> list[tuple[int, str]]:
    """Published plans in which the unit has an assignment: ``(id, title)``, oldest first."""
    query = (
        select(Plan.id, Plan.title)
        .join(Task, Task.plan_id == Plan.id)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(Plan.state == "published", Assignment.unit_id == unit_id)
        .group_by(Plan.id, Plan.title)
        .order_by(Plan.id)
    )
    return [(pid, title) for pid, title in session.execute(query)]


def progress_sheet(session: Session, unit: Unit, plan: Plan, today: dt.date) -> ProgressSheet:
    """The workbook content for ``unit``'s assignments in the published ``plan`` as of ``today``."""
    rows = session.execute(
        select(Assignment.id, Assignment.role, Task)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan.id, Assignment.unit_id == unit.id)
        .order_by(Task.seq)
    ).all()
    ids = [aid for aid, _, _ in rows]
    status = {t.number: t.assignments for t in plan_status(session, plan, today,
                                                             unit_key=unit.key).tasks}  # fmt: skip
    latest, figures = _latest_reports(session, ids), _latest_figures(session, ids)
    targets = _targets(session, [task.id for _, _, task in rows])
    lines = tuple(
        AssignmentLine(
            assignment_id=aid, number=task.number, title=task.title, role=role,
            deadline=task.deadline, ongoing=task.ongoing,
            status=_status_label(status.get(task.number)), last_report=latest.get(aid, ""),
            targets=tuple(
                FigureLine(t.id, t.metric, goal_text(t), t.unit, figures.get((aid, t.id)))
                for t in targets[task.id]
            ),
        )
        for aid, role, task in rows
    )  # fmt: skip
    period = counting_period(today, Cadence(plan.cadence), plan.grace_days)
    return ProgressSheet(
        plan_id=plan.id, plan_title=plan.title, unit_key=unit.key, unit_name=unit.name,
        period_key=period.key, period_label=period.label,
        due_on=period.due_on(plan.grace_days), made_on=today, lines=lines,
    )  # fmt: skip


def _status_label(views: Sequence[AssignmentView] | None) -> str:
    """The unit's own status on the task (its one assignment there)."""
    return STATUS_LABELS[Status(views[0].status)] if views else ""


def _latest_reports(session: Session, assignment_ids: list[int]) -> dict[int, str]:
    """The latest sent report per assignment as one line: date, claimed state, narrative."""
    newest = (
        select(func.max(Report.id))
        .where(Report.assignment_id.in_(assignment_ids), Report.state.in_(SENT))
        .group_by(Report.assignment_id)
    )
    query = select(Report).where(Report.id.in_(newest))
    out = {}
    for report in session.scalars(query):
        day = report.submitted_on
        when = f"{day.year}年{day.month}月{day.day}日" if day else ""
        claimed = CLAIMED_LABELS[ClaimedState(report.claimed)]
        out[report.assignment_id] = f"{when} {claimed}：{report.narrative}".strip()
    return out


def _latest_figures(session: Session, assignment_ids: list[int]) -> dict[tuple[int, int], float]:
    """The latest figure sent per (assignment, target)."""
    newest = (
        select(func.max(ReportFigure.id))
        .join(Report, Report.id == ReportFigure.report_id)
        .where(Report.assignment_id.in_(assignment_ids), Report.state.in_(SENT))
        .group_by(Report.assignment_id, ReportFigure.target_id)
    )
    query = (
        select(Report.assignment_id, ReportFigure.target_id, ReportFigure.value)
        .join(Report, Report.id == ReportFigure.report_id)
        .where(ReportFigure.id.in_(newest))
    )
    return {(aid, tid): value for aid, tid, value in session.execute(query)}


def _targets(session: Session, task_ids: list[int]) -> dict[int, list[Target]]:
    query = select(Target).where(Target.task_id.in_(task_ids)).order_by(Target.seq)
    out: dict[int, list[Target]] = defaultdict(list)
    for target in session.scalars(query):
        assert target.task_id is not None
        out[target.task_id].append(target)
    return out
