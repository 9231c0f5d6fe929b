"""Status of a plan as of any date: the facts loaded set-based, the rules from ``duban.domain``.

Five queries per plan (tasks, assignments with units, reports existing at the date, extensions
approved by the date, targets with accepted figures), then the pure status and pace functions
per assignment and target. Only facts
that existed at ``as_of`` are read, so a past date shows what the ledger showed then.

A plan's status for a day is remembered per state of the database (``duban.queries.memo``): the
pages that show it again and again compute it once per write. The views are frozen because the
same objects are shared by every request in that state.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.domain.choices import Cadence, ClaimedState, Role
from duban.domain.extensions import ExtensionFact
from duban.domain.pace import TargetFacts, target_pace
from duban.domain.status import (
    AssignmentFacts,
    ReportFact,
    Rules,
    assignment_status,
    task_status,
)
from duban.models import Assignment, Extension, Plan, Report, ReportFigure, Target, Task, Unit
from duban.queries.indicator_actuals import computed_actuals
from duban.queries.memo import remembered


@dataclass(frozen=True)
class AssignmentView:
    unit: str
    unit_key: str
    role: str
    status: str
    reason: str
    extended_to: dt.date | None = None
    """The deadline an approved extension put in force for this unit, if one applies."""


@dataclass(frozen=True)
class TargetView:
    metric: str
    goal: str
    actual: float | None
    expected: float | None
    pace: str
    reason: str
    scope: str
    indicator: str | None = None
    """The catalogue indicator computing the actual from school records, when bound."""


@dataclass(frozen=True)
class TaskView:
    number: str
    title: str
    deadline: dt.date | None
    ongoing: bool
    status: str
    reason: str
    assignments: tuple[AssignmentView, ...] = ()
    targets: tuple[TargetView, ...] = ()


@dataclass(frozen=True)
class PlanStatus:
    plan_id: int
    title: str
    as_of: dt.date
    tasks: tuple[TaskView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "tasks": [
                {
                    "number": t.number,
                    "title": t.title,
                    "deadline": t.deadline.isoformat() if t.deadline else None,
                    "ongoing": t.ongoing,
                    "status": t.status,
                    "reason": t.reason,
                    "assignments": [
                        {
                            "unit": a.unit,
                            "role": a.role,
                            "status": a.status,
                            "reason": a.reason,
                            "extended_to": a.extended_to.isoformat() if a.extended_to else None,
                        }
                        for a in t.assignments
                    ],
                    "targets": [
                        {
                            "metric": g.metric,
                            "goal": g.goal,
                            "actual": g.actual,
                            "pace": g.pace,
                            "expected": g.expected,
                            "scope": g.scope,
                            "reason": g.reason,
                            "indicator": g.indicator,
                        }
                        for g in t.targets
                    ],
                }
                for t in self.tasks
            ],
        }


def plan_status(
    session: Session, plan: Plan, as_of: dt.date, *, unit_key: str | None = None
) -> PlanStatus:
    """Every task of ``plan`` with its assignments' and targets' status as of ``as_of``.

    ``unit_key`` keeps only the tasks where that unit has an assignment (and only its own rows);
    a task's own status still comes from all its lead units.
    """
    full = remembered(
        session, ("plan_status", plan.id, as_of), lambda: _evaluate(session, plan, as_of)
    )
    if not unit_key:
        return full
    tasks = tuple(
        replace(t, assignments=tuple(a for a in t.assignments if a.unit_key == unit_key))
        for t in full.tasks
        if any(a.unit_key == unit_key for a in t.assignments)
    )
    return replace(full, tasks=tasks)


def _evaluate(session: Session, plan: Plan, as_of: dt.date) -> PlanStatus:
    rules = Rules(plan.warn_days, Cadence(plan.cadence), plan.grace_days)
    tasks = list(session.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.seq)))
    assignments = _assignments(session, plan.id)
    reports = _reports(session, plan.id, as_of)
    extensions = _extensions(session, plan.id, as_of)
    targets, figures = _targets(session, plan.id), _figures(session, plan.id, as_of)
    figures.update(computed_actuals(session, plan.id, as_of))
    views = []
    for task in tasks:
        verdicts = [
            (
                a,
                name,
                key,
                assignment_status(_facts(a, task, plan, reports, extensions), as_of, rules),
            )
            for a, key, name in assignments.get(task.id, [])
        ]
        leads = [(name, v) for a, name, _, v in verdicts if a.role == Role.LEAD]
        overall = task_status(leads, task.deadline, as_of)
        views.append(TaskView(
            task.number, task.title, task.deadline, task.ongoing, overall.status, overall.reason,
            tuple(AssignmentView(name, key, a.role, v.status, v.reason, v.extended_to)
                  for a, name, key, v in verdicts),
            tuple(_target_view(t, task, plan, figures, as_of) for t in targets[task.id]),
        ))  # fmt: skip
    return PlanStatus(plan.id, plan.title, as_of, tuple(views))


def _assignments(session: Session, plan_id: int) -> dict[int, list[tuple[Assignment, str, str]]]:
    query = (
        select(Assignment, Unit.key, Unit.name)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Assignment.task_id, Assignment.seq)
    )
    out: dict[int, list[tuple[Assignment, str, str]]] = defaultdict(list)
    for assignment, key, name in session.execute(query):
        out[assignment.task_id].append((assignment, key, name))
    return out


def _reports(session: Session, plan_id: int, as_of: dt.date) -> dict[int, list[ReportFact]]:
    query = (
        select(
            Report.assignment_id,
            Report.id,
            Report.submitted_on,
            Report.claimed,
            Report.accepted_on,
            Report.returned_on,
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id, Report.submitted_on.is_not(None))
        .where(Report.submitted_on <= as_of)
        .order_by(Report.id)
    )
    out: dict[int, list[ReportFact]] = defaultdict(list)
    for assignment_id, seq, submitted, claimed, accepted, returned in session.execute(query):
        assert submitted is not None  # filtered above
        fact = ReportFact(submitted, _CLAIMED[claimed], accepted, returned, seq)
        out[assignment_id].append(fact)
    return out


_CLAIMED = {state.value: state for state in ClaimedState}


def _extensions(session: Session, plan_id: int, as_of: dt.date) -> dict[int, list[ExtensionFact]]:
    """The extensions approved by ``as_of``, by assignment (the rules pick the one in force)."""
    query = (
        select(
            Extension.assignment_id, Extension.id, Extension.decided_on, Extension.approved_deadline
        )
        .join(Assignment, Assignment.id == Extension.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id, Extension.state == "approved")
        .where(Extension.decided_on <= as_of)
    )
    out: dict[int, list[ExtensionFact]] = defaultdict(list)
    for assignment_id, seq, decided, granted in session.execute(query):
        if decided is not None and granted is not None:
            out[assignment_id].append(ExtensionFact(decided, granted, seq))
    return out


def _facts(
    assignment: Assignment, task: Task, plan: Plan, reports: dict[int, list[ReportFact]],
    extensions: dict[int, list[ExtensionFact]],
) -> AssignmentFacts:  # fmt: skip
    return AssignmentFacts(
        Role(assignment.role), task.deadline, task.ongoing, plan.effective,
        tuple(reports.get(assignment.id, ())), tuple(extensions.get(assignment.id, ())),
    )  # fmt: skip


def _targets(session: Session, plan_id: int) -> dict[int | None, list[Target]]:
    query = select(Target).where(Target.plan_id == plan_id).order_by(Target.task_id, Target.seq)
    out: dict[int | None, list[Target]] = defaultdict(list)
    for target in session.scalars(query):
        out[target.task_id].append(target)
    return out


def _figures(
    session: Session, plan_id: int, as_of: dt.date
) -> dict[int, list[tuple[dt.date, float]]]:
    """Accepted figures by target, with the day they were reported; only those accepted by then."""
    query = (
        select(ReportFigure.target_id, Report.submitted_on, ReportFigure.value)
        .join(Report, Report.id == ReportFigure.report_id)
        .join(Target, Target.id == ReportFigure.target_id)
        .where(Target.plan_id == plan_id, Report.accepted_on.is_not(None))
        .where(Report.accepted_on <= as_of)
        .order_by(Report.submitted_on, Report.id)
    )
    out: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for target_id, submitted, value in session.execute(query):
        if submitted is not None:
            out[target_id].append((submitted, value))
    return out


def _target_view(
    target: Target, task: Task, plan: Plan, figures: dict[int, list[tuple[dt.date, float]]],
    as_of: dt.date,
) -> TargetView:  # fmt: skip
    facts = TargetFacts(
        op=target.op,  # type: ignore[arg-type]
        value=target.value,
        value_max=target.value_max,
        period=target.period,
        deadline=task.deadline,
        effective=plan.effective,
        actuals=tuple(figures.get(target.id, ())),
    )
    verdict = target_pace(facts, as_of)
    return TargetView(
        target.metric, goal_text(target), verdict.actual, verdict.expected, verdict.pace,
        verdict.reason, target.scope, target.indicator,
    )  # fmt: skip


def goal_text(target: Target) -> str:
    """``≥50%``, ``3–5名``, ``≈1``: a target's goal as the UI writes it."""
    ops = {">=": "≥", "<=": "≤", "=": "=", "~": "≈"}
    value = f"{target.value:g}" + (f"–{target.value_max:g}" if target.value_max else "")
    return f"{ops.get(target.op, target.op)}{value}{target.unit or ''}"
