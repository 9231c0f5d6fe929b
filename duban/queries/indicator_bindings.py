"""The numeric targets of the published plans with the indicator bound to each, or proposed for
it (``duban.domain.binding``), and the indicators it could be bound to: the binding page's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.domain.binding import propose, units_agree
from duban.domain.indicators import Indicator
from duban.models import Plan, Target, Task
from duban.queries.indicators import catalogue
from duban.queries.status import goal_text


@dataclass(frozen=True)
class BindingRow:
    target_id: int
    plan_id: int
    plan_title: str
    task: str | None
    metric: str
    goal: str
    scope: str
    bound: Indicator | None
    proposed: Indicator | None
    """The proposal, for an unbound target only."""
    choices: list[Indicator]
    """The indicators whose unit agrees with the target's (the only ones it may be bound to)."""


def binding_rows(session: Session) -> list[BindingRow]:
    """Every target of a published plan, in plan and task order."""
    indicators = catalogue()
    by_key = {ind.key: ind for ind in indicators}
    query = (
        select(Target, Task.number, Plan.title)
        .join(Plan, Plan.id == Target.plan_id).outerjoin(Task, Task.id == Target.task_id)
        .where(Plan.state == "published").order_by(Plan.id, Task.seq, Target.seq)
    )  # fmt: skip
    rows = []
    for target, number, title in session.execute(query):
        bound = by_key.get(target.indicator or "")
        proposal = None if bound else propose(target.metric, target.unit, indicators)
        rows.append(BindingRow(
            target.id, target.plan_id, title, number, target.metric, goal_text(target),
            target.scope, bound, proposal,
            [ind for ind in indicators if units_agree(target.unit, ind)],
        ))  # fmt: skip
    return rows
