"""Reports as people look for them: a task's reports (with its cooperating units' contributions),
the review queue, a unit's own reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.models import Assignment, Report, Task, Unit


@dataclass(frozen=True)
class ReportRow:
    id: int
    version: int
    task: str
    unit: str
    role: str
    period: str
    state: str
    claimed: str
    submitted_on: dt.date | None
    accepted_on: dt.date | None
    returned_on: dt.date | None
    narrative: str
    late_reason: str | None
    return_reason: str | None
    on_paper: bool


def list_reports(
    session: Session,
    plan_id: int,
    *,
    task: str | None = None,
    unit_key: str | None = None,
    state: str | None = None,
    role: str | None = None,
) -> list[ReportRow]:
    """Reports of a plan, newest first, filtered in SQL by task number, unit, state or role.

    A task's list holds its lead units' reports and its cooperating units' contributions
    (配合情况), so a lead unit sees what the others did when it writes its own.
    """
    query = _base().where(Task.plan_id == plan_id)
    if task is not None:
        query = query.where(Task.number == task)
    if unit_key is not None:
        query = query.where(Unit.key == unit_key)
    if state is not None:
        query = query.where(Report.state == state)
    if role is not None:
        query = query.where(Assignment.role == role)
    query = query.order_by(Report.submitted_on.desc().nulls_last(), Report.id.desc())
    return [ReportRow(**row._asdict()) for row in session.execute(query)]


def _base() -> Any:
    return (
        select(
            Report.id,
            Report.version,
            Task.number.label("task"),
            Unit.name.label("unit"),
            Assignment.role,
            Report.period_key.label("period"),
            Report.state,
            Report.claimed,
            Report.submitted_on,
            Report.accepted_on,
            Report.returned_on,
            Report.narrative,
            Report.late_reason,
            Report.return_reason,
            Report.on_paper,
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
    )
