"""The read side of supervision actions (督办事项): lists, one action, counts as of a day.

Every read is scoped to the reader in SQL: a unit's reporter or leader sees its own unit's issued
actions only (never one held or withdrawn before it was issued), a holder of ``action.issue`` sees
all of them, and other readers (viewers) every issued action. "As of" a day D: an action's state
is the one its last event on or before D left it in (``ActionEvent``, one row per change), so the
state column the lists show, the overdue flag and the counts read only what had happened by D.

An action's Word document is read by ``queries.action_documents``; the pages' lists (a page at a
time, most urgent first) and the ladder's proposals come from ``queries.action_pages``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session

from duban.domain import clock
from duban.domain.actions import ActionState, overdue_reason
from duban.models import (
    Action,
    ActionEvent,
    ActionFile,
    ActionResponse,
    Task,
    Unit,
)
from duban.permissions import Actor, can
from duban.queries.paging import count_of

OVERDUE = "overdue"


@dataclass(frozen=True)
class ActionFilter:
    """What a list asks for; ``None`` does not filter. ``state`` is an ``ActionState`` value or
    ``OVERDUE`` (open and past its due date as of the list's day)."""

    state: str | None = None
    colour: str | None = None
    unit_id: int | None = None
    plan_id: int | None = None
    task_id: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class ActionRow:
    """An action as the lists show it, with its state and overdue flag as of ``as_of``."""

    id: int
    number: str | None
    kind: str
    colour: str | None
    plan_id: int
    task_id: int | None
    task_number: str | None
    task_title: str | None
    unit_id: int
    unit: str
    title: str
    issued_on: dt.date | None
    due_on: dt.date | None
    state: str
    as_of: dt.date
    reason: str | None = None
    rule: str | None = None

    @property
    def overdue(self) -> bool:
        return (
            self.state == ActionState.OPEN and self.due_on is not None and self.due_on < self.as_of
        )

    @property
    def overdue_reason(self) -> str:
        return overdue_reason(self.due_on, self.as_of) if self.due_on and self.overdue else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "number": self.number, "kind": self.kind, "colour": self.colour,
            "plan": self.plan_id, "task": self.task_number, "unit": self.unit,
            "unit_id": self.unit_id, "title": self.title,
            "issued_on": _iso(self.issued_on), "due_on": _iso(self.due_on), "state": self.state,
            "overdue": self.overdue, "reason": self.reason, "rule": self.rule,
        }  # fmt: skip


@dataclass(frozen=True)
class FileView:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class ResponseView:
    id: int
    text: str
    author: str
    responded_on: dt.date
    files: list[FileView] = field(default_factory=list)


@dataclass(frozen=True)
class EventView:
    day: dt.date
    verb: str
    state: str
    reason: str | None
    actor: str


@dataclass(frozen=True)
class ActionDetail:
    row: ActionRow
    body: str
    required_response: str
    version: int
    responses: list[ResponseView]
    events: list[EventView]

    def to_json(self) -> dict[str, Any]:
        return self.row.to_json() | {
            "body": self.body,
            "required_response": self.required_response,
            "version": self.version,
            "responses": [
                {"id": r.id, "text": r.text, "author": r.author,
                 "responded_on": r.responded_on.isoformat(),
                 "files": [{"id": f.id, "name": f.name, "size": f.size} for f in r.files]}
                for r in self.responses
            ],
            "events": [
                {"day": e.day.isoformat(), "verb": e.verb, "state": e.state, "reason": e.reason,
                 "actor": e.actor}
                for e in self.events
            ],
        }  # fmt: skip


# --- scope and state as of a day ------------------------------------------------------------


def visible(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition for the actions ``actor`` may read (module docstring)."""
    issued = Action.number.is_not(None)
    if actor.own_unit_only:
        own = actor.unit_id if actor.unit_id is not None else -1
        return and_(Action.unit_id == own, issued)
    if can(actor, "action.issue"):
        return true()
    return issued


def state_as_of(as_of: dt.date) -> Any:
    """A subquery ``(action_id, state)``: each action's state at the end of ``as_of``."""
    last = (
        select(ActionEvent.action_id, func.max(ActionEvent.id).label("event_id"))
        .where(ActionEvent.day <= as_of)
        .group_by(ActionEvent.action_id)
        .subquery()
    )
    return (
        select(last.c.action_id, ActionEvent.state)
        .join(ActionEvent, ActionEvent.id == last.c.event_id)
        .subquery("action_state")
    )


def rows_query(actor: Actor | None, as_of: dt.date, wanted: ActionFilter) -> Select[Any]:
    """``(Action, task number, task title, unit name, state)`` of the actions ``actor`` may read
    (``None``: all) that existed at ``as_of`` and ``wanted`` keeps, unordered; the state as of the
    day is the column ``state_as_of``."""
    states = state_as_of(as_of)
    query = (
        select(Action, Task.number, Task.title, Unit.name, states.c.state.label("state_as_of"))
        .join(states, states.c.action_id == Action.id)
        .join(Unit, Unit.id == Action.unit_id)
        .outerjoin(Task, Task.id == Action.task_id)
    )
    if actor is not None:
        query = query.where(visible(actor))
    if wanted.state == OVERDUE:
        query = query.where(states.c.state == ActionState.OPEN.value, Action.due_on < as_of)
    elif wanted.state is not None:
        query = query.where(states.c.state == wanted.state)
    for column, value in (
        (Action.colour, wanted.colour), (Action.unit_id, wanted.unit_id),
        (Action.plan_id, wanted.plan_id), (Action.task_id, wanted.task_id),
        (Action.kind, wanted.kind),
    ):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    return query


def list_actions(
    session: Session, actor: Actor | None, as_of: dt.date, wanted: ActionFilter = ActionFilter()
) -> list[ActionRow]:
    """The actions ``actor`` may read that existed at ``as_of``, newest first (``actor`` None:
    all, for reports the caller has checked the reader may export)."""
    query = rows_query(actor, as_of, wanted).order_by(Action.id.desc())
    return action_rows(session.execute(query), as_of)


def action_rows(found: Iterable[Any], as_of: dt.date) -> list[ActionRow]:
    """The rows of ``rows_query`` as the lists show them."""
    return [
        _row(action, number, title, unit, state, as_of)
        for action, number, title, unit, state in found
    ]


def _row(
    a: Action, number: str | None, title: str | None, unit: str, state: str, as_of: dt.date
) -> ActionRow:
    return ActionRow(
        a.id, a.number, a.kind, a.colour, a.plan_id, a.task_id, number, title, a.unit_id, unit,
        a.title, a.issued_on, a.due_on, state, as_of, a.reason, a.rule,
    )  # fmt: skip


def action_for(session: Session, actor: Actor, action_id: int) -> ActionDetail | None:
    """One action with its responses and history, or ``None`` when it is missing or not the
    reader's to see (the same answer)."""
    today = clock.today()
    query = rows_query(actor, today, ActionFilter()).where(Action.id == action_id)
    found = session.execute(query).first()
    if found is None:
        return None
    action, number, title, unit, state = found
    return ActionDetail(
        _row(action, number, title, unit, state, today), action.body, action.required_response,
        action.version,
        [_response(r) for r in action.responses],
        [EventView(e.day, e.verb, e.state, e.reason, e.actor) for e in action.events],
    )  # fmt: skip


def _response(r: ActionResponse) -> ResponseView:
    return ResponseView(
        r.id, r.text, r.author, r.responded_on, [FileView(f.id, f.name, f.size) for f in r.files]
    )


def action_file_for(session: Session, actor: Actor, file_id: int) -> ActionFile | None:
    """A response's file, if the reader may see its action."""
    query = (
        select(ActionFile)
        .join(ActionResponse, ActionResponse.id == ActionFile.response_id)
        .join(Action, Action.id == ActionResponse.action_id)
        .where(ActionFile.id == file_id, visible(actor))
    )
    return session.scalars(query).first()


# --- counts for the status views --------------------------------------------------------------


@dataclass(frozen=True)
class ActionCounts:
    """Actions awaiting the unit (open) and, of those, overdue, as of a day."""

    open: int = 0
    overdue: int = 0


def counts_by_unit(
    session: Session, as_of: dt.date, *, plan_id: int | None = None
) -> dict[str, ActionCounts]:
    """Open and overdue actions per unit name as of ``as_of``, one grouped statement."""
    states = state_as_of(as_of)
    late = and_(Action.due_on.is_not(None), Action.due_on < as_of)
    query = (
        select(Unit.name, func.count(Action.id), func.count(Action.id).filter(late))
        .join(states, states.c.action_id == Action.id)
        .join(Unit, Unit.id == Action.unit_id)
        .where(states.c.state == ActionState.OPEN.value)
        .group_by(Unit.name)
    )
    if plan_id is not None:
        query = query.where(Action.plan_id == plan_id)
    return {name: ActionCounts(n, late_n) for name, n, late_n in session.execute(query)}


def overdue_count(session: Session, actor: Actor, as_of: dt.date, plan_id: int) -> int:
    """How many actions of ``plan_id`` the reader may see were overdue at ``as_of``."""
    return count_of(session, rows_query(actor, as_of, ActionFilter(OVERDUE, plan_id=plan_id)))


def action_ref(session: Session, ref: str) -> tuple[int, int] | None:
    """``(action id, its unit's id)`` of the action named by its id or by its document number
    (文号, as written on paper: ``中卫督办〔2026〕3号``), or ``None`` when there is none."""
    ref = ref.strip()
    is_id = ref.isascii() and ref.isdigit() and len(ref) <= 10 and int(ref) < 2**31
    by = Action.id == int(ref) if is_id else None
    query = select(Action.id, Action.unit_id).where(by if by is not None else Action.number == ref)
    found = session.execute(query).first()
    return (found[0], found[1]) if found else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
