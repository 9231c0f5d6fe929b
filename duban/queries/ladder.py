"""The notices the escalation ladder (三色督办单) calls for on a day, from the status engine.

``proposals(session, plan, as_of, ladder)`` evaluates the plan once with ``queries.status``
(the status engine, as of ``as_of``), adds per assignment the worst pace of its task's targets
and whether a late reason is on record, and asks ``domain.ladder.ladder_call`` for each. A notice
already recorded for that task, unit and colour by ``as_of`` (issued, held or withdrawn) is not
proposed again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from duban.catalogue import text
from duban.config import Settings
from duban.domain.actions import SEVERITY, Colour
from duban.domain.choices import Pace, Role, Status
from duban.domain.ladder import Ladder, LadderFacts, ladder_call, parse_ladder
from duban.models import Action, ActionEvent, Assignment, Plan, Report, Task, Unit
from duban.queries.status import TaskView, plan_status

_PACE_ORDER = (Pace.FAR_BEHIND, Pace.BEHIND, Pace.NO_DATA, Pace.ON_PACE, Pace.MET)


def load_ladder(settings: Settings) -> Ladder:
    """The ladder of ``settings.ladder_path``, or the shipped ``catalogue/ladder.yaml``.
    Raises ``LadderError`` (or ``OSError`` for a file that cannot be read)."""
    if settings.ladder_path is not None:
        return parse_ladder(settings.ladder_path.read_text(encoding="utf-8"))
    return parse_ladder(text("ladder.yaml"))


@dataclass(frozen=True)
class Proposal:
    """A notice the ladder calls for: which colour, to which unit, about which task, and why."""

    plan_id: int
    task_id: int
    task_number: str
    task_title: str
    deadline: dt.date | None
    unit_id: int
    unit: str
    colour: Colour
    rule: str

    @property
    def key(self) -> str:
        """``task:unit:colour``, how pages and the CLI name a proposal."""
        return f"{self.task_id}:{self.unit_id}:{self.colour.value}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "plan": self.plan_id, "task_id": self.task_id,
            "task": self.task_number, "task_title": self.task_title,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "unit_id": self.unit_id, "unit": self.unit, "colour": self.colour.value,
            "rule": self.rule,
        }  # fmt: skip


def proposals(session: Session, plan: Plan, as_of: dt.date, ladder: Ladder) -> list[Proposal]:
    """The notices called for on ``as_of`` and not yet recorded, in task order, red first."""
    status = plan_status(session, plan, as_of)
    tasks = {number: tid for tid, number in session.execute(
        select(Task.id, Task.number).where(Task.plan_id == plan.id))}  # fmt: skip
    unit_ids = {key: uid for uid, key in session.execute(select(Unit.id, Unit.key))}
    justified = late_reasons_on_record(session, plan.id, as_of)
    done = existing_notices(session, as_of)
    out: list[Proposal] = []
    for task in status.tasks:
        task_id, pace = tasks[task.number], _worst_pace(task)
        for a in task.assignments:
            unit_id = unit_ids[a.unit_key]
            deadline = a.extended_to or task.deadline  # an approved extension's date counts
            facts = LadderFacts(Role(a.role), Status(a.status), a.reason, deadline, pace,
                                (task_id, unit_id) in justified)  # fmt: skip
            call = ladder_call(facts, as_of, ladder)
            if call is None or (task_id, unit_id, call.colour.value) in done:
                continue
            out.append(Proposal(plan.id, task_id, task.number, task.title, deadline,
                                unit_id, a.unit, call.colour, call.rule))  # fmt: skip
    return sorted(out, key=lambda p: -SEVERITY[p.colour])


def _worst_pace(task: TaskView) -> Pace | None:
    paces = {Pace(t.pace) for t in task.targets}
    return next((p for p in _PACE_ORDER if p in paces), None)


def find_proposal(
    session: Session, plan: Plan, as_of: dt.date, ladder: Ladder, key: str
) -> Proposal | None:
    """The proposal named ``key`` (``task:unit:colour``) if the ladder still calls for it."""
    return next((p for p in proposals(session, plan, as_of, ladder) if p.key == key), None)


def existing_notices(session: Session, as_of: dt.date) -> set[tuple[int, int, str]]:
    """``(task id, unit id, colour)`` of every notice recorded by ``as_of`` (held, withdrawn or
    issued): the ladder does not propose one of these again."""
    first = select(ActionEvent.action_id).where(ActionEvent.day <= as_of)
    query = select(Action.task_id, Action.unit_id, Action.colour).where(
        Action.colour.is_not(None), Action.task_id.is_not(None), Action.id.in_(first)
    )
    return {(t, u, c) for t, u, c in session.execute(query) if t is not None and c is not None}


def late_reasons_on_record(session: Session, plan_id: int, as_of: dt.date) -> set[tuple[int, int]]:
    """``(task id, unit id)`` of assignments with a report giving a late reason, submitted by
    ``as_of`` and not returned by then (what the red rule counts as a justified delay)."""
    query = (
        select(Assignment.task_id, Assignment.unit_id)
        .join(Report, Report.assignment_id == Assignment.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id, Report.late_reason.is_not(None))
        .where(Report.submitted_on <= as_of)
        .where(or_(Report.returned_on.is_(None), Report.returned_on > as_of))
        .distinct()
    )
    return {(t, u) for t, u in session.execute(query)}
