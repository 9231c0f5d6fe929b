"""The ledger (台账) of a plan as of a date: every task with its status, progress and targets.

Contract: ``ledger(session, plan, as_of, *, unit_key=None) -> Ledger`` (plain data from
``duban.exchange.ledger_model``). Statuses and target paces come from ``plan_status`` (the same
evaluation as the dashboard); the rest is gathered set-based, a fixed number of queries whatever
the plan's size:

- the tasks' own wording (full text, section, group, the plan's unit names, deadline as written);
- the units of the assignments (short names for people to read);
- each assignment's latest progress as of ``as_of``: one window query over the reports submitted
  at or before that day and not returned by then (a report returned later still stood that day);
- the unit of measure of each target, so an actual reads ``46%``.

``unit_key`` scopes the ledger to one unit: only the tasks where it has a part, and only its own
parts and progress (never another unit's narrative). Sections and groups keep the numbering the
plan gave them (``三、``, ``（一）``), recovered from the plan text at their recorded spans.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from duban.exchange.ledger_model import Ledger, LedgerRow, Progress, TargetLine, UnitPart
from duban.models import Assignment, Plan, Report, Target, Task, Unit
from duban.queries.status import AssignmentView, TaskView, plan_status

_NUMBERING = re.compile(r"\s*([一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）)")


def ledger(session: Session, plan: Plan, as_of: dt.date, *, unit_key: str | None = None) -> Ledger:
    """The ledger of ``plan`` as of ``as_of`` (only ``unit_key``'s part of it, if given)."""
    status = plan_status(session, plan, as_of, unit_key=unit_key)
    tasks = _tasks(session, plan)
    names = _unit_names(session, plan.id)
    progress = _latest_progress(session, plan.id, as_of, unit_key)
    units = _target_units(session, plan.id)
    rows = []
    for view in status.tasks:
        standing, measures = progress.get(view.number, {}), units.get(view.number, [])
        rows.append(_row(view, tasks[view.number], names, standing, measures))
    seen = {part.unit_key: part.unit for row in rows for part in row.parts}
    return Ledger(
        plan_title=plan.title,
        as_of=as_of,
        rows=tuple(rows),
        unit=_unit_name(session, unit_key) if unit_key else None,
        units=tuple(seen.items()),
    )


def _row(
    view: TaskView, task: dict[str, Any], names: dict[str, str],
    progress: dict[str, Progress], target_units: list[str | None],
) -> LedgerRow:  # fmt: skip
    parts = tuple(_part(a, names, progress) for a in view.assignments)
    targets = tuple(
        TargetLine(t.metric, t.goal, t.actual, unit, t.pace, t.scope)
        for t, unit in zip(view.targets, target_units, strict=False)
    )
    return LedgerRow(
        number=view.number, title=view.title, text=task["text"], section=task["section"],
        group=task["group"], lead_names=task["lead_names"], coop_names=task["coop_names"],
        deadline=view.deadline, ongoing=view.ongoing, deadline_text=task["deadline_text"],
        status=view.status, reason=view.reason, parts=parts, targets=targets,
    )  # fmt: skip


def _part(a: AssignmentView, names: dict[str, str], progress: dict[str, Progress]) -> UnitPart:
    name = names.get(a.unit_key, a.unit)
    return UnitPart(a.unit_key, name, a.role, a.status, a.reason, progress.get(a.unit_key),
                    a.extended_to)  # fmt: skip


def _tasks(session: Session, plan: Plan) -> dict[str, dict[str, Any]]:
    """The tasks' own wording by number; sections and groups with the plan's numbering."""
    query = select(
        Task.number, Task.text, Task.section, Task.group_title, Task.lead_names,
        Task.coop_names, Task.deadline_text, Task.spans,
    ).where(Task.plan_id == plan.id)  # fmt: skip
    out = {}
    for number, text, section, group, leads, coops, deadline_text, spans in session.execute(query):
        spans = spans if isinstance(spans, dict) else {}
        out[number] = {
            "text": text,
            "section": numbered(plan.text, spans.get("section"), section),
            "group": numbered(plan.text, spans.get("group"), group),
            "lead_names": tuple(str(n) for n in leads or ()),
            "coop_names": tuple(str(n) for n in coops or ()),
            "deadline_text": deadline_text,
        }
    return out


def numbered(text: str, span: Any, title: str | None) -> str | None:
    """``title`` with the numbering (``三、``, ``（一）``) that opens its line in the plan text."""
    if not title or not isinstance(span, list) or len(span) != 2:
        return title
    start, end = span
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        return title
    line = text[text.rfind("\n", 0, start) + 1 : end]
    found = _NUMBERING.match(line)
    return found.group(1) + title if found and not title.startswith(found.group(1)) else title


def _unit_names(session: Session, plan_id: int) -> dict[str, str]:
    """The readable name (short name, else full name) of every unit with a part in the plan."""
    query = (
        select(Unit.key, Unit.short, Unit.name)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id)
        .distinct()
    )
    return {key: short or name for key, short, name in session.execute(query)}


def _unit_name(session: Session, key: str) -> str | None:
    found = session.execute(select(Unit.short, Unit.name).where(Unit.key == key)).first()
    return (found[0] or found[1]) if found else None


def _latest_progress(
    session: Session, plan_id: int, as_of: dt.date, unit_key: str | None
) -> dict[str, dict[str, Progress]]:
    """Each assignment's latest report standing at ``as_of``, by task number and unit key."""
    rank = func.row_number().over(
        partition_by=Report.assignment_id,
        order_by=(Report.submitted_on.desc(), Report.id.desc()),
    )
    standing = (
        select(Task.number, Unit.key, Report.submitted_on, Report.claimed, Report.narrative)
        .add_columns(rank.label("rank"))
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan_id, Report.submitted_on.is_not(None))
        .where(Report.submitted_on <= as_of)
        .where(or_(Report.returned_on.is_(None), Report.returned_on > as_of))
    )
    if unit_key is not None:
        standing = standing.where(Unit.key == unit_key)
    ranked = standing.subquery("ranked")
    query = select(ranked.c.number, ranked.c.key, ranked.c.submitted_on, ranked.c.claimed,
                   ranked.c.narrative).where(ranked.c.rank == 1)  # fmt: skip
    out: dict[str, dict[str, Progress]] = defaultdict(dict)
    for number, key, day, claimed, narrative in session.execute(query):
        out[number][key] = Progress(day, claimed, (narrative or "").strip())
    return out


def _target_units(session: Session, plan_id: int) -> dict[str, list[str | None]]:
    """The unit of measure of each task's targets, in the order ``plan_status`` lists them."""
    query = (
        select(Task.number, Target.unit)
        .join(Task, Task.id == Target.task_id)
        .where(Target.plan_id == plan_id)
        .order_by(Target.task_id, Target.seq)
    )
    out: dict[str, list[str | None]] = defaultdict(list)
    for number, unit in session.execute(query):
        out[number].append(unit)
    return out
