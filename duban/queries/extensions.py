"""Deadline extensions (延期申请) as people read them: the queue, a unit's own, the approved ones.

Filtered in SQL. A reporter or leader reads its own unit's requests; those who review
extensions (督导室, admins) read all; anyone else reads only approved extensions, which are part
of the public record (the ledger and the reports show them). ``actor=None`` is the operator at
the command line, who reads everything. A request outside the reader's view is ``None``, like a
missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session

from duban.domain.extensions import OPEN_STATES, ExtensionFact, ExtensionState, effective_deadline
from duban.models import Assignment, Extension, Plan, Task, Unit
from duban.permissions import Actor, can

PAGE = 100


@dataclass(frozen=True)
class ExtensionRow:
    """One request with what identifies its assignment."""

    ext: Extension
    plan_id: int
    plan_title: str
    task_number: str
    task_title: str
    task_deadline: dt.date | None
    unit_key: str
    unit_name: str
    role: str

    @property
    def open(self) -> bool:
        return ExtensionState(self.ext.state) in OPEN_STATES


@dataclass(frozen=True)
class ExtensionFilter:
    state: str | None = None
    plan: int | None = None
    unit: str | None = None
    assignment: int | None = None


def readable(actor: Actor | None) -> ColumnElement[bool]:
    """The SQL condition for the requests ``actor`` may read (see the module's rules)."""
    if actor is None or can(actor, "extension.review"):
        return true()
    if actor.own_unit_only:
        return Assignment.unit_id == (actor.unit_id if actor.unit_id is not None else -1)
    return Extension.state == ExtensionState.APPROVED


def extensions_for(
    session: Session, actor: Actor | None, wanted: ExtensionFilter = ExtensionFilter(), *,
    limit: int = PAGE, offset: int = 0,
) -> tuple[list[ExtensionRow], int]:  # fmt: skip
    """The requests ``actor`` may read matching ``wanted``: open ones first (oldest first), then
    the rest newest first; and how many match."""
    condition = and_(readable(actor), *_matching(wanted))
    total = session.scalar(_joined(func.count(Extension.id)).where(condition)) or 0
    is_open = Extension.state.in_(list(OPEN_STATES))
    order = (is_open.desc(), func.coalesce(Extension.decided_on, Extension.requested_on).desc())
    query = _joined(*_COLUMNS).where(condition).order_by(*order, Extension.id.desc())
    rows = session.execute(query.limit(limit).offset(offset))
    return [ExtensionRow(*row) for row in rows], total


def extension_for(session: Session, actor: Actor | None, extension_id: int) -> ExtensionRow | None:
    row = session.execute(
        _joined(*_COLUMNS).where(Extension.id == extension_id, readable(actor))
    ).first()
    return ExtensionRow(*row) if row else None


def open_by_assignment(session: Session, assignment_ids: list[int]) -> dict[int, Extension]:
    """The open request of each of these assignments (at most one each)."""
    if not assignment_ids:
        return {}
    query = select(Extension).where(
        Extension.assignment_id.in_(assignment_ids), Extension.state.in_(list(OPEN_STATES))
    )
    return {ext.assignment_id: ext for ext in session.scalars(query)}


def approved_as_of(session: Session, plan_id: int, as_of: dt.date) -> list[ExtensionRow]:
    """The extensions of ``plan`` approved by ``as_of``, by task and unit (for the reports)."""
    query = (
        _joined(*_COLUMNS)
        .where(Task.plan_id == plan_id, Extension.state == ExtensionState.APPROVED)
        .where(Extension.decided_on <= as_of)
        .order_by(Task.seq, Assignment.seq, Extension.decided_on, Extension.id)
    )
    return [ExtensionRow(*row) for row in session.execute(query)]


_COLUMNS = (Extension, Plan.id, Plan.title, Task.number, Task.title, Task.deadline, Unit.key,
            Unit.name, Assignment.role)  # fmt: skip


def _joined(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(Extension)
        .join(Assignment, Assignment.id == Extension.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
    )


def _matching(wanted: ExtensionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.state == "open":
        conditions.append(Extension.state.in_(list(OPEN_STATES)))
    elif wanted.state is not None:
        conditions.append(Extension.state == wanted.state)
    if wanted.plan is not None:
        conditions.append(Task.plan_id == wanted.plan)
    if wanted.unit is not None:
        conditions.append(Unit.key == wanted.unit)
    if wanted.assignment is not None:
        conditions.append(Extension.assignment_id == wanted.assignment)
    return conditions


def extension_json(row: ExtensionRow) -> dict[str, Any]:
    """A request as the API and ``duban extensions list --json`` give it (ISO 8601 dates)."""
    ext = row.ext

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "id": ext.id, "version": ext.version, "state": ext.state, "plan": row.plan_id,
        "task": row.task_number, "unit": row.unit_key, "unit_name": row.unit_name,
        "role": row.role, "assignment": ext.assignment_id,
        "task_deadline": iso(row.task_deadline), "original_deadline": iso(ext.original_deadline),
        "requested_on": iso(ext.requested_on), "reason": ext.reason,
        "proposed_deadline": iso(ext.proposed_deadline), "author": ext.author,
        "review": None if ext.reviewed_on is None else {
            "agrees": ext.review_agrees, "opinion": ext.review_opinion,
            "by": ext.reviewed_by, "on": iso(ext.reviewed_on),
        },
        "decision": None if ext.decided_on is None else {
            "approved": ext.state == ExtensionState.APPROVED, "reason": ext.decision_reason,
            "by": ext.decided_by, "on": iso(ext.decided_on),
            "deadline": iso(ext.approved_deadline),
        },
    }  # fmt: skip


@dataclass(frozen=True)
class UnitExtension:
    """What 我的任务 shows about extensions for one assignment on ``today``."""

    deadline: dt.date | None
    """The deadline in force today (the task's, or an approved extension's)."""
    extended: bool
    open: Extension | None
    last: Extension | None
    """The latest request that is no longer open (approved, refused or withdrawn)."""
    may_request: bool
    """A deadline not yet passed and no request open: the form is offered."""


def workspace_extensions(
    session: Session, assignment_ids: list[int], today: dt.date
) -> dict[int, UnitExtension]:
    """For each of these assignments (the caller's own): the deadline in force ``today``, the
    open request and the last closed one."""
    if not assignment_ids:
        return {}
    query_deadlines = (
        select(Assignment.id, Task.deadline)
        .join(Task, Task.id == Assignment.task_id)
        .where(Assignment.id.in_(assignment_ids))
    )
    deadlines: dict[int, dt.date | None] = {a: d for a, d in session.execute(query_deadlines)}
    query = select(Extension).where(Extension.assignment_id.in_(assignment_ids))
    requests: dict[int, list[Extension]] = {}
    for ext in session.scalars(query.order_by(Extension.id)):
        requests.setdefault(ext.assignment_id, []).append(ext)
    return {a: _unit_extension(deadlines.get(a), requests.get(a, []), today) for a in deadlines}


def _unit_extension(
    original: dt.date | None, requests: list[Extension], today: dt.date
) -> UnitExtension:
    facts = [
        ExtensionFact(e.decided_on, e.approved_deadline, e.id)
        for e in requests
        if e.state == ExtensionState.APPROVED and e.decided_on and e.approved_deadline
    ]
    deadline = effective_deadline(original, facts, today)
    open_ = next((e for e in requests if ExtensionState(e.state) in OPEN_STATES), None)
    closed = [e for e in requests if ExtensionState(e.state) not in OPEN_STATES]
    may = open_ is None and deadline is not None and deadline >= today
    return UnitExtension(deadline, deadline != original, open_, closed[-1] if closed else None, may)
