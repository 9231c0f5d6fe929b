"""Bind a plan's targets to catalogue indicators (their actuals then come from school records)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain.binding import propose, units_agree
from duban.models import Target, Task
from duban.queries.indicators import UnknownIndicator, catalogue, indicator
from duban.services.errors import Invalid, NotFound


@dataclass(frozen=True)
class Binding:
    target_id: int
    task: str | None
    metric: str
    indicator: str | None
    name: str | None


def bind_target(
    session: Session, target_id: int, indicator_key: str | None, *, actor: str
) -> Binding:
    """Bind target ``target_id`` to ``indicator_key`` (``None`` unbinds it)."""
    target = session.get(Target, target_id)
    if target is None:
        raise NotFound(f"没有编号为 {target_id} 的目标")
    name = None
    if indicator_key is not None:
        try:
            found = indicator(indicator_key)
        except UnknownIndicator as exc:
            raise Invalid(str(exc)) from None
        if not units_agree(target.unit, found):
            raise Invalid(f"目标“{target.metric}”的单位是“{target.unit or '无'}”，"
                          f"指标“{found.name}”的单位是“{found.unit}”，不能绑定")  # fmt: skip
        name = found.name
    before = {"indicator": target.indicator}
    target.indicator = indicator_key
    audit.record(
        session, actor=actor, action="target.bind", object_type="target", object_id=target.id,
        label=f"目标“{target.metric}”", before=before, after={"indicator": indicator_key},
    )  # fmt: skip
    number = target.task.number if target.task else None
    return Binding(target.id, number, target.metric, indicator_key, name)


def bind_proposed(session: Session, plan_id: int, *, actor: str) -> list[Binding]:
    """Bind every unbound target of the plan that has a proposal (``duban.domain.binding``)."""
    query = (
        select(Target).outerjoin(Task, Task.id == Target.task_id)
        .where(Target.plan_id == plan_id, Target.indicator.is_(None))
        .order_by(Task.seq, Target.seq)
    )  # fmt: skip
    made = []
    for target in session.scalars(query):
        found = propose(target.metric, target.unit, catalogue())
        if found is not None:
            made.append(bind_target(session, target.id, found.key, actor=actor))
    return made
