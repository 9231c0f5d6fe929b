"""What the 督办事项 pages read: the list of actions a page at a time, most urgent first, with
the counts by state (the supervisor's page and the unit's 我的任务); the ladder's proposals
filtered, grouped by unit or by task with their counts and cut into pages; and the choices of
the filters and of the new-action form. Both lists page alike (``queries.paging``).

The list of actions is counted and cut in SQL: open and overdue first, then open (awaiting the
unit), answered (awaiting the supervisor), held, and last the settled ones (closed, withdrawn);
newest first within each. The API and ``duban actions list`` read it newest first instead, by
``limit`` and ``offset`` (``action_slice``), also counted and cut in SQL.

The proposals are the ones ``queries.ladder.proposals`` computed for one plan and day (one
status evaluation, bounded by the plan's assignments); grouping and paging work on that list.
Groups come most severe first (most red, then yellow, then blue notices; ties by unit name or
task number), and within a group red comes first, in task order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from duban.domain.actions import SEVERITY, ActionKind, ActionState, Colour
from duban.models import Action, Assignment, Task, Unit
from duban.permissions import Actor
from duban.queries.actions import OVERDUE, ActionFilter, ActionRow, action_rows, rows_query
from duban.queries.ladder import Proposal
from duban.queries.paging import PAGE_SIZE, Paging, count_of, page_of, paging

GROUPINGS = ("unit", "task")
"""How the proposals may be grouped: by the unit they go to, or by the task they are about."""
_BY_SEVERITY = sorted(Colour, key=lambda c: -SEVERITY[c])


@dataclass(frozen=True)
class ProposalFilter:
    """Which proposals to show; ``None`` does not filter. Proposals are notices only: asking for
    another kind of action shows none."""

    colour: str | None = None
    unit_id: int | None = None
    task_id: int | None = None
    kind: str | None = None

    def keeps(self, p: Proposal) -> bool:
        return (
            self.kind in (None, ActionKind.NOTICE.value)
            and self.colour in (None, p.colour.value)
            and self.unit_id in (None, p.unit_id)
            and self.task_id in (None, p.task_id)
        )


@dataclass(frozen=True)
class ProposalGroup:
    """A unit (``by == "unit"``) or a task with the proposals it has, counted by colour."""

    by: str
    id: int
    label: str
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class ProposalSection:
    """The proposals of one group shown on the page; ``continued`` when the group began on an
    earlier page."""

    group: ProposalGroup
    items: list[Proposal]
    continued: bool


@dataclass(frozen=True)
class ProposalPage:
    groups: list[ProposalGroup]
    """Every group of the proposals the filter keeps, with counts (not only this page's)."""
    sections: list[ProposalSection]
    counts: dict[str, int]
    """The proposals the filter keeps, by colour."""
    offered: int
    """All the proposals of the day, before the filter."""
    paging: Paging
    units: list[tuple[int, str]]
    """``(unit id, name)`` of every unit with a proposal, for the unit filter."""

    @property
    def total(self) -> int:
        """The proposals the filter keeps."""
        return self.paging.total


def proposal_page(
    found: Sequence[Proposal], wanted: ProposalFilter, *, by: str = "unit", page: int = 1,
    size: int = PAGE_SIZE,
) -> ProposalPage:  # fmt: skip
    """The proposals ``wanted`` keeps, grouped ``by`` unit or task, page ``page`` of them
    (``size`` a page; a page past the last shows the last)."""
    chosen = [p for p in found if wanted.keeps(p)]
    members: dict[int, list[Proposal]] = {}
    for p in sorted(chosen, key=lambda p: -SEVERITY[p.colour]):  # stable: task order kept
        members.setdefault(_group_id(p, by), []).append(p)
    groups = sorted((_group(by, items) for items in members.values()), key=_group_order)
    ordered = [p for g in groups for p in members[g.id]]
    at = paging(len(ordered), page, size)
    shown = at.cut(ordered)
    first = {g.id: members[g.id][0] for g in groups}
    by_id = {g.id: g for g in groups}
    sections = [
        ProposalSection(by_id[gid], items := list(run), first[gid] is not items[0])
        for gid, run in groupby(shown, key=lambda p: _group_id(p, by))
    ]
    units = sorted({(p.unit_id, p.unit) for p in found}, key=lambda u: u[1])
    return ProposalPage(groups, sections, _colours(chosen), len(found), at, units)


def _group_id(p: Proposal, by: str) -> int:
    return p.task_id if by == "task" else p.unit_id


def _group(by: str, items: list[Proposal]) -> ProposalGroup:
    p = items[0]
    label = f"{p.task_number}. {p.task_title}" if by == "task" else p.unit
    return ProposalGroup(by, _group_id(p, by), label, _colours(items), len(items))


def _colours(items: Sequence[Proposal]) -> dict[str, int]:
    counted = Counter(p.colour.value for p in items)
    return {c.value: counted[c.value] for c in _BY_SEVERITY}


def _group_order(g: ProposalGroup) -> tuple[Any, ...]:
    worst_first = tuple(-g.counts[c.value] for c in _BY_SEVERITY)
    return (*worst_first, _natural(g.label))


def _natural(label: str) -> tuple[Any, ...]:
    """``2. …`` before ``10. …``: digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label))


# --- the list of actions ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    """One page of a list of actions and where it is in the list."""

    rows: list[ActionRow]
    paging: Paging


def action_list_page(
    session: Session, actor: Actor, as_of: dt.date, wanted: ActionFilter, *,
    page: int = 1, size: int = PAGE_SIZE,
) -> ActionPage:  # fmt: skip
    """Page ``page`` of the actions ``actor`` may read that ``wanted`` keeps, as of ``as_of``,
    most urgent first (module docstring; a page past the last shows the last). A unit's reader
    gets its own unit's issued actions (``queries.actions.visible``)."""
    query = rows_query(actor, as_of, wanted)
    state = query.selected_columns.state_as_of
    waiting = state == ActionState.OPEN.value
    urgency = case(
        (and_(waiting, _late(as_of)), 0), (waiting, 1),
        (state == ActionState.ANSWERED.value, 2), (state == ActionState.HELD.value, 3),
        else_=4,
    )  # fmt: skip
    found, at = page_of(session, query.order_by(urgency, Action.id.desc()), page, size)
    return ActionPage(action_rows(found, as_of), at)


def action_slice(
    session: Session, actor: Actor | None, as_of: dt.date, wanted: ActionFilter, *,
    limit: int, offset: int = 0,
) -> tuple[list[ActionRow], int]:  # fmt: skip
    """``limit`` of the actions ``actor`` may read that ``wanted`` keeps, as of ``as_of``, from
    ``offset`` on, newest first (the API's and the command line's list; ``actor`` None: all), and
    how many there are in all; counted and cut in SQL."""
    query = rows_query(actor, as_of, wanted).order_by(Action.id.desc())
    found = session.execute(query.limit(limit).offset(offset))
    return action_rows(found, as_of), count_of(session, query)


def state_counts(session: Session, actor: Actor, as_of: dt.date) -> dict[str, int]:
    """The actions ``actor`` may read per state as of ``as_of``, and the open ones past their
    due date once more as ``overdue``: one grouped statement."""
    query = rows_query(actor, as_of, ActionFilter())
    state = query.selected_columns.state_as_of
    late = and_(state == ActionState.OPEN.value, _late(as_of))
    grouped = query.with_only_columns(state, func.count(), func.count().filter(late))
    found = session.execute(grouped.group_by(state)).all()
    return {s: n for s, n, _ in found} | {OVERDUE: sum(late_n for _, _, late_n in found)}


def _late(as_of: dt.date) -> ColumnElement[bool]:
    return Action.due_on < as_of


def units_with_actions(session: Session) -> list[tuple[int, str]]:
    """``(unit id, name)`` of every unit that has an action, for the list's unit filter."""
    query = (
        select(Unit.id, Unit.name).where(Unit.id.in_(select(Action.unit_id))).order_by(Unit.name)
    )
    return [(uid, name) for uid, name in session.execute(query)]


def form_choices(session: Session, plan_id: int) -> tuple[list[tuple[int, str]], list[Any]]:
    """``(unit id, name)`` of the plan's units and ``(task id, number, title)`` of its tasks,
    for the new-action form and the task filter."""
    units = (
        select(Unit.id, Unit.name)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id)
        .distinct()
        .order_by(Unit.name)
    )
    tasks = select(Task.id, Task.number, Task.title).where(Task.plan_id == plan_id)
    return (
        [(uid, name) for uid, name in session.execute(units)],
        list(session.execute(tasks.order_by(Task.seq))),
    )
