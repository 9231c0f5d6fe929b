"""What each unit is to be reminded of, and what its channels already received.

Set-based: one statement over the status engine's SQL (``status_sql.assignment_statuses``) for
every assignment of every published plan that is overdue, due soon or unreported as of the day,
whatever the number of units; the digest is then built per unit by ``domain.reminders``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.domain.actions import COLOUR_LABELS, KIND_LABELS, ActionKind, ActionState, Colour
from duban.domain.choices import Cadence, Status
from duban.domain.periods import Period, owed_period
from duban.domain.reminders import CHANNEL_LABELS, Digest, Item, ItemKind, build_digest
from duban.models import Plan, ReminderChannel, ReminderSent, Task, Unit
from duban.models.actions import Action
from duban.queries.actions import state_as_of
from duban.queries.status_sql import assignment_statuses

_KINDS = {
    Status.OVERDUE.value: ItemKind.OVERDUE,
    Status.DUE_SOON.value: ItemKind.DUE_SOON,
    Status.UNREPORTED.value: ItemKind.UNREPORTED,
}


@dataclass(frozen=True)
class ChannelRow:
    """A channel as lists show it; ``secret_set`` says a secret is stored, never what it is."""

    id: int
    unit_key: str
    unit_name: str
    kind: str
    kind_label: str
    target: str
    secret_set: bool
    enabled: bool
    note: str


def unit_digests(
    session: Session, as_of: dt.date, *, unit_key: str | None = None
) -> dict[int, Digest]:
    """Each unit's digest as of ``as_of`` (units with nothing to remind of are left out)."""
    items = _assignment_items(session, as_of, unit_key)
    for unit_id, found in open_action_items(session, as_of, unit_key).items():
        items[unit_id].extend(found)
    if not items:
        return {}
    names = session.execute(select(Unit.id, Unit.key, Unit.name).where(Unit.id.in_(items)))
    return {
        uid: build_digest(key, name, as_of, items[uid])
        for uid, key, name in sorted(names, key=lambda r: r[1])
    }


def _assignment_items(
    session: Session, as_of: dt.date, unit_key: str | None
) -> dict[int, list[Item]]:
    rows = assignment_statuses(session, as_of).subquery("s")
    query = (
        select(
            rows.c.assignment_id,
            rows.c.unit_id,
            rows.c.role,
            rows.c.status,
            rows.c.plan_id,
            Task.number,
            Task.title,
            rows.c.deadline,
        )
        .join(Task, Task.id == rows.c.task_id)
        .where(rows.c.status.in_(list(_KINDS)))
    )
    if unit_key is not None:
        query = query.join(Unit, Unit.id == rows.c.unit_id).where(Unit.key == unit_key)
    plans = _plans(session, as_of)
    out: dict[int, list[Item]] = defaultdict(list)
    for aid, unit_id, role, status, plan_id, number, title, deadline in session.execute(query):
        title_of_plan, owed, grace = plans[plan_id]
        kind = _KINDS[status]
        if kind is ItemKind.UNREPORTED and owed is not None:
            item = Item(kind, aid, title_of_plan, number, title, owed.due_on(grace), role,
                        owed.key, owed.label)  # fmt: skip
        else:
            item = Item(kind, aid, title_of_plan, number, title, deadline, role)
        out[unit_id].append(item)
    return out


def _plans(session: Session, as_of: dt.date) -> dict[int, tuple[str, Period | None, int]]:
    """Per published plan: its title, the period owed at ``as_of`` and its grace days."""
    query = select(Plan.id, Plan.title, Plan.effective, Plan.cadence, Plan.grace_days).where(
        Plan.state == "published"
    )
    return {
        pid: (title, owed_period(as_of, effective, Cadence(cadence), grace), grace)
        for pid, title, effective, cadence, grace in session.execute(query)
    }


def open_action_items(
    session: Session, as_of: dt.date, unit_key: str | None = None
) -> dict[int, list[Item]]:
    """Supervision actions awaiting their unit at the end of ``as_of`` (state ``open``), by unit.

    The state is the actions' own "as of" history (``queries.actions.state_as_of``).
    """
    states = state_as_of(as_of)
    query = (
        select(
            Action.id,
            Action.unit_id,
            Action.kind,
            Action.colour,
            Action.number,
            Action.title,
            Action.due_on,
            Plan.title,
            Task.number,
        )
        .join(states, states.c.action_id == Action.id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(Task, Task.id == Action.task_id)
        .where(states.c.state == ActionState.OPEN.value)
    )
    if unit_key is not None:
        query = query.join(Unit, Unit.id == Action.unit_id).where(Unit.key == unit_key)
    out: dict[int, list[Item]] = defaultdict(list)
    for aid, unit_id, kind, colour, number, title, due_on, plan, task in session.execute(query):
        detail = _action_label(kind, colour)
        about = f"（任务{task}）" if task else ""
        out[unit_id].append(
            Item(ItemKind.ACTION, aid, plan, number or "", f"{title}{about}", due_on, detail=detail)
        )
    return out


def _action_label(kind: str, colour: str | None) -> str:
    if colour in {c.value for c in Colour}:
        return COLOUR_LABELS[Colour(colour)]
    return KIND_LABELS.get(ActionKind(kind), kind) if kind in set(ActionKind) else kind


# --- channels and what they received ------------------------------------------------------------


def channel_rows(session: Session, unit_key: str | None = None) -> list[ChannelRow]:
    query = (
        select(ReminderChannel, Unit.key, Unit.name)
        .join(Unit, Unit.id == ReminderChannel.unit_id)
        .order_by(Unit.key, ReminderChannel.id)
    )
    if unit_key is not None:
        query = query.where(Unit.key == unit_key)
    return [
        ChannelRow(
            c.id,
            key,
            name,
            c.kind,
            CHANNEL_LABELS.get(c.kind, c.kind),
            c.target,
            bool(c.secret),
            c.enabled,
            c.note,
        )
        for c, key, name in session.execute(query)
    ]


def enabled_channels(session: Session, unit_ids: Sequence[int]) -> dict[int, list[ReminderChannel]]:
    """The enabled channels of the given units."""
    query = (
        select(ReminderChannel)
        .where(ReminderChannel.unit_id.in_(unit_ids), ReminderChannel.enabled)
        .order_by(ReminderChannel.id)
    )
    out: dict[int, list[ReminderChannel]] = defaultdict(list)
    for channel in session.scalars(query):
        out[channel.unit_id].append(channel)
    return out


def delivered(session: Session, period_key: str) -> dict[int, set[str]]:
    """Per channel, the item keys it has already received in the reminder period."""
    query = select(ReminderSent.channel_id, ReminderSent.items).where(
        ReminderSent.period_key == period_key, ReminderSent.state == "sent"
    )
    out: dict[int, set[str]] = defaultdict(set)
    for channel_id, keys in session.execute(query):
        out[channel_id].update(keys)
    return out


@dataclass(frozen=True)
class FailedRow:
    unit_name: str
    kind: str
    target: str
    period_key: str
    attempts: int
    last_error: str


def failed_deliveries(session: Session) -> list[FailedRow]:
    """Deliveries that failed and have not gone through since: what still needs attention."""
    query = (
        select(
            Unit.name,
            ReminderChannel.kind,
            ReminderChannel.target,
            ReminderSent.period_key,
            ReminderSent.attempts,
            ReminderSent.last_error,
        )
        .join(ReminderChannel, ReminderChannel.id == ReminderSent.channel_id)
        .join(Unit, Unit.id == ReminderSent.unit_id)
        .where(ReminderSent.state == "failed")
        .order_by(ReminderSent.id)
    )
    return [FailedRow(*row[:5], row[5] or "") for row in session.execute(query)]
