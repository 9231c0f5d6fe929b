"""导入校对: correct a draft plan's tasks before it is published, and settle its unknown units.

Only a draft may change: a published (or superseded) plan is the record units report against,
so every write here answers ``Conflict`` for it. A correction keeps the source spans of the unit
names it keeps (a name moved from 配合 to 责任 still points at its place in the text); a name the
importer did not find in the document has no span. After a correction the plan's unit proposals
follow its names: a name the registry does not know becomes an open proposal, and an open proposal
no task uses any more is dropped, so it no longer holds back publishing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain.choices import UNIT_KIND_LABELS, UnitKind
from duban.models import Plan, Task, Unit, UnitProposal
from duban.queries.units import current_registry
from duban.services import units
from duban.services.dates import parse_day
from duban.services.errors import Conflict, Invalid, NotFound

MAX_TITLE = 300
MAX_NAME = 200
CONFIRM_KIND_LABELS = {
    kind.value: label for kind, label in UNIT_KIND_LABELS.items() if kind is not UnitKind.COLLECTIVE
}
"""Kinds a new unit may be confirmed as: a collective needs members, which this form cannot give."""
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
FIELDS = ("title", "deadline", "ongoing", "lead_names", "coop_names")


def correct_task(
    session: Session,
    plan_id: int,
    number: str,
    *,
    title: str,
    deadline: str | dt.date | None,
    ongoing: bool,
    lead_names: Iterable[str],
    coop_names: Iterable[str],
    actor: str,
) -> Task:
    """Set a draft task's title, deadline, ongoing flag and unit names; audit what changed.

    ``deadline`` is a date, an ISO date string, or empty/``None`` for none. Unit names are one per
    item (blank items skipped, repeats dropped). Nothing is written when nothing changes.
    """
    plan = draft_plan(session, plan_id)
    task = _task(session, plan, number)
    wanted: dict[str, Any] = {
        "title": _title(title),
        "deadline": parse_day(deadline, "完成时限"),
        "ongoing": bool(ongoing),
        "lead_names": _names(lead_names, "责任单位"),
        "coop_names": _names(coop_names, "配合单位"),
    }
    _check_units(number, wanted["lead_names"], wanted["coop_names"])
    before = {key: getattr(task, key) for key in FIELDS}
    changed = [key for key in FIELDS if before[key] != wanted[key]]
    if not changed:
        return task
    task.spans = _realigned(task, wanted["lead_names"], wanted["coop_names"])
    for key in changed:
        setattr(task, key, wanted[key])
    session.flush()
    added, dropped = _follow_names(session, plan)
    after = {key: wanted[key] for key in changed}
    after |= {"proposals_added": added} if added else {}
    after |= {"proposals_dropped": dropped} if dropped else {}
    audit.record(
        session, actor=actor, action="task.correct", object_type="task", object_id=task.id,
        label=f"校正方案{plan.id}第{number}项任务", before={k: before[k] for k in changed},
        after=after,
    )  # fmt: skip
    return task


def map_plan_proposal(
    session: Session, plan_id: int, proposal_id: int, unit_key: str, *, actor: str
) -> Unit:
    """Settle an unknown name of a draft plan as another spelling of an existing unit."""
    _plan_proposal(session, plan_id, proposal_id)
    if not unit_key.strip():
        raise Invalid("请选择这个名称对应的单位")
    return units.map_proposal(session, proposal_id, unit_key.strip(), actor=actor)


def confirm_plan_proposal(
    session: Session, plan_id: int, proposal_id: int, *, key: str, kind: str, actor: str
) -> Unit:
    """Settle an unknown name of a draft plan as a new unit with ``key`` and ``kind``."""
    _plan_proposal(session, plan_id, proposal_id)
    key = key.strip()
    if not _KEY.fullmatch(key):
        raise Invalid("单位键只能由英文字母、数字和 . _ - 组成，以字母或数字开头，不超过64个字符")
    if kind not in CONFIRM_KIND_LABELS:
        raise Invalid("请选择单位类型（部门、县（区）人民政府、学校、企业或机构）")
    return units.confirm_proposal(session, proposal_id, key=key, kind=kind, actor=actor)


def draft_plan(session: Session, plan_id: int) -> Plan:
    """The plan, if it is still a draft: ``NotFound`` if there is none, ``Conflict`` otherwise."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的方案")
    if plan.state != "draft":
        raise Conflict(f"方案 {plan_id} 已发布，只能查看，不能再校正")
    return plan


def _task(session: Session, plan: Plan, number: str) -> Task:
    query = select(Task).where(Task.plan_id == plan.id, Task.number == number)
    task = session.scalars(query).first()
    if task is None:
        raise NotFound(f"方案 {plan.id} 没有第{number}项任务")
    return task


def _title(value: str) -> str:
    title = " ".join(value.split())
    if not title:
        raise Invalid("任务名称不能为空")
    if len(title) > MAX_TITLE:
        raise Invalid(f"任务名称过长（{len(title)}字，上限{MAX_TITLE}字）")
    return title


def _names(values: Iterable[str], label: str) -> list[str]:
    names = dict.fromkeys(n for n in (" ".join(v.split()) for v in values) if n)
    for name in names:
        if len(name) > MAX_NAME:
            raise Invalid(f"{label}“{name[:20]}…”过长（上限{MAX_NAME}字）")
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
            raise Invalid(f"{label}“{name}”含有不可见的控制字符")
    return list(names)


def _check_units(number: str, lead: list[str], coop: list[str]) -> None:
    if not lead:
        raise Invalid(f"第{number}项任务至少要有一个责任单位")
    both = [name for name in lead if name in coop]
    if both:
        raise Invalid(f"“{'、'.join(both)}”不能同时是责任单位和配合单位")


def _realigned(task: Task, lead: list[str], coop: list[str]) -> dict[str, Any]:
    """The task's spans with the unit spans following the names (``None``: not in the source)."""
    spans = dict(task.spans or {})
    by_name: dict[str, Any] = {}
    for key, names in (("lead_units", task.lead_names), ("coop_units", task.coop_names)):
        found = spans.get(key)
        for name, span in zip(names, found if isinstance(found, list) else [], strict=False):
            by_name.setdefault(name, span)
    spans["lead_units"] = [by_name.get(name) for name in lead]
    spans["coop_units"] = [by_name.get(name) for name in coop]
    return spans


def _follow_names(session: Session, plan: Plan) -> tuple[list[str], list[str]]:
    """Open proposals for the plan's names the registry does not know; drop unused open ones."""
    used = dict.fromkeys(n for t in plan.tasks for n in (*t.lead_names, *t.coop_names))
    registry = current_registry(session)
    query = select(UnitProposal).where(
        UnitProposal.plan_id == plan.id, UnitProposal.state == "open"
    )
    open_ = {p.name: p for p in session.scalars(query)}
    added = [n for n in used if n not in open_ and registry.match(n).entry is None]
    dropped = [name for name in open_ if name not in used]
    session.add_all(UnitProposal(plan_id=plan.id, name=name) for name in added)
    for name in dropped:
        session.delete(open_[name])
    session.flush()
    return added, dropped


def _plan_proposal(session: Session, plan_id: int, proposal_id: int) -> UnitProposal:
    draft_plan(session, plan_id)
    proposal = session.get(UnitProposal, proposal_id)
    if proposal is None or proposal.plan_id != plan_id or proposal.state != "open":
        raise NotFound(f"方案 {plan_id} 没有待确认的单位名称 #{proposal_id}")
    return proposal
