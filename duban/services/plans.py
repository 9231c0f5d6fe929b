"""Plans: import a plan document as a draft (by hash, with versions); publish with assignments."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain import clock
from duban.domain.registry import Registry
from duban.models import Assignment, Plan, Target, Task, UnitProposal
from duban.models.base import utcnow
from duban.plandoc import PlanDoc, PlanReadError, parse_bytes
from duban.plandoc.model import Target as ParsedTarget
from duban.plandoc.model import Task as ParsedTask
from duban.queries.units import current_registry, unit_ids
from duban.services.errors import Conflict, Invalid, NotFound


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    unknown_units: list[str] = field(default_factory=list)
    diff: dict[str, list[str]] = field(default_factory=dict)
    """For a revised document: task numbers ``added``, ``removed`` and ``changed``."""


def import_plan(
    session: Session, data: bytes, name: str, *, effective: dt.date | None = None, actor: str
) -> ImportResult:
    """Store a plan document as a draft; the same bytes again return the plan already stored."""
    digest = hashlib.sha256(data).hexdigest()
    known = session.scalars(select(Plan).where(Plan.sha256 == digest)).first()
    if known is not None:
        return ImportResult(known, created=False, unknown_units=_open_names(session, known))
    try:
        parsed = parse_bytes(data, name)
    except PlanReadError as exc:
        raise Invalid(f"{name}：{exc.reason}") from None
    if not parsed.tasks:
        raise Invalid(f"{name}：未找到带责任单位的任务，不是任务分工方案")
    previous = _latest_version(session, parsed.title)
    plan = _store_plan(session, parsed, data, name, effective or clock.today(), previous)
    unknown = _propose_unknown(session, plan, parsed, current_registry(session))
    diff = _diff(session, previous, plan) if previous else {}
    after = {"sha256": digest, "tasks": len(parsed.tasks), "version": plan.version}
    audit.record(
        session, actor=actor, action="plan.import", object_type="plan", object_id=plan.id,
        label=plan.title, after=after | {"unknown_units": unknown, "diff": diff},
    )  # fmt: skip
    return ImportResult(plan, created=True, unknown_units=unknown, diff=diff)


def _store_plan(
    session: Session,
    parsed: PlanDoc,
    data: bytes,
    name: str,
    effective: dt.date,
    previous: Plan | None,
) -> Plan:
    plan = Plan(
        title=parsed.title or name,
        basis=list(parsed.basis),
        sha256=hashlib.sha256(data).hexdigest(),
        source_name=name[:300],
        source_format=parsed.format,
        source=data,
        text=parsed.text,
        effective=effective,
        version=previous.version + 1 if previous else 1,
        previous_id=previous.id if previous else None,
    )
    plan.tasks = [_task_row(task, seq) for seq, task in enumerate(parsed.tasks)]
    session.add(plan)
    session.flush()
    rows = [_target_row(t, seq, plan.id, None) for seq, t in enumerate(parsed.objectives)]
    for task, parsed_task in zip(plan.tasks, parsed.tasks, strict=True):
        rows += [_target_row(t, seq, plan.id, task.id) for seq, t in enumerate(parsed_task.targets)]
    session.add_all(rows)
    session.flush()
    return plan


def _task_row(task: ParsedTask, seq: int) -> Task:
    return Task(
        seq=seq,
        number=task.number,
        title=task.title[:300],
        section=task.section,
        group_title=task.group,
        text=task.text,
        deadline=task.deadline,
        ongoing=task.ongoing,
        deadline_text=task.deadline_text,
        lead_names=list(task.lead_units),
        coop_names=list(task.coop_units),
        spans=audit.jsonable(task.spans),
    )


def _target_row(target: ParsedTarget, seq: int, plan_id: int, task_id: int | None) -> Target:
    return Target(
        plan_id=plan_id,
        task_id=task_id,
        seq=seq,
        quote=target.quote,
        metric=target.metric[:200],
        op=target.op,
        value=target.value,
        value_max=target.value_max,
        unit=target.unit,
        scope=target.scope[:100],
        period=target.period,
        span=list(target.span) if target.span else None,
    )


def _latest_version(session: Session, title: str) -> Plan | None:
    query = select(Plan).where(Plan.title == title).order_by(Plan.version.desc()).limit(1)
    return session.scalars(query).first()


def _propose_unknown(
    session: Session, plan: Plan, parsed: PlanDoc, registry: Registry
) -> list[str]:
    names = dict.fromkeys(n for t in parsed.tasks for n in (*t.lead_units, *t.coop_units))
    unknown = [n for n in names if registry.match(n).entry is None]
    session.add_all(UnitProposal(plan_id=plan.id, name=n) for n in unknown)
    return unknown


def _open_names(session: Session, plan: Plan) -> list[str]:
    query = select(UnitProposal.name).where(
        UnitProposal.plan_id == plan.id, UnitProposal.state == "open"
    )
    return list(session.scalars(query.order_by(UnitProposal.id)))


def _diff(session: Session, previous: Plan, plan: Plan) -> dict[str, list[str]]:
    """Which task numbers a revision added, removed or changed (title, text, units, deadline)."""
    old = {t.number: _task_key(t) for t in previous.tasks}
    new = {t.number: _task_key(t) for t in plan.tasks}
    return {
        "added": [n for n in new if n not in old],
        "removed": [n for n in old if n not in new],
        "changed": [n for n in new if n in old and new[n] != old[n]],
    }


def _task_key(task: Task) -> tuple[object, ...]:
    return (task.title, task.text, task.lead_names, task.coop_names, task.deadline, task.ongoing)


def publish_plan(session: Session, plan_id: int, *, actor: str) -> Plan:
    """Publish a draft: every unit name must be known; assignments are created from the names."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的方案")
    if plan.state != "draft":
        raise Conflict(f"方案 {plan_id} 已发布，不能重复发布")
    pending = _open_names(session, plan)
    if pending:
        raise Conflict(
            f"方案 {plan_id} 还有 {len(pending)} 个未确认的单位名称：{'、'.join(pending)}"
        )
    registry, ids = current_registry(session), unit_ids(session)
    for task in plan.tasks:
        task.assignments = _assignments(task, registry, ids)
    _supersede_previous(session, plan)
    plan.state, plan.published_at = "published", utcnow()
    count = sum(len(t.assignments) for t in plan.tasks)
    audit.record(
        session, actor=actor, action="plan.publish", object_type="plan", object_id=plan.id,
        label=plan.title, before={"state": "draft"},
        after={"state": "published", "assignments": count},
    )  # fmt: skip
    return plan


def _assignments(task: Task, registry: Registry, ids: dict[str, int]) -> list[Assignment]:
    """One assignment per unit; a collective's members each get one; lead wins over coop."""
    chosen: dict[int, Assignment] = {}
    for role, names in (("lead", task.lead_names), ("coop", task.coop_names)):
        for name in names:
            entry = registry.match(name).entry
            if entry is None:
                raise Conflict(f"任务{task.number}的单位“{name}”不在单位名录中")
            for member in registry.resolve(entry.key):
                unit_id = ids[member.key]
                if unit_id not in chosen:
                    chosen[unit_id] = Assignment(
                        unit_id=unit_id, role=role, seq=len(chosen), named_as=name
                    )
    return list(chosen.values())


def _supersede_previous(session: Session, plan: Plan) -> None:
    if plan.previous_id is not None:
        previous = session.get(Plan, plan.previous_id)
        if previous is not None and previous.state == "published":
            previous.state = "superseded"
