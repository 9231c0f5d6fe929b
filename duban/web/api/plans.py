"""Plans, their tasks and status, the unit registry and the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from duban.domain import clock
from duban.models import Plan
from duban.permissions import Actor
from duban.queries import access
from duban.queries.status import plan_status
from duban.web.api.common import (
    READ_ERRORS,
    ApiRoute,
    AsOf,
    Limit,
    Offset,
    PlanId,
    PlanViewer,
    Reader,
    SignedIn,
    TaskNumber,
    UnitKey,
    UnitKind,
)
from duban.web.schemas import (
    MeOut,
    PlanDetailOut,
    PlanOut,
    PlanStatusOut,
    TaskBrief,
    TaskOut,
    UnitOut,
)

router = APIRouter(responses=READ_ERRORS, route_class=ApiRoute)

NO_PLAN = "没有这个方案，或您无权查看"


@router.get("/plans", response_model=list[PlanOut], summary="方案列表")
def list_plans(actor: PlanViewer, session: Reader) -> list[PlanOut]:
    """Published plans and their earlier versions; admins also see drafts."""
    return [PlanOut.of(plan, n) for plan, n in access.plans_for(session, actor)]


@router.get("/plans/{plan_id}", response_model=PlanDetailOut, summary="方案及其任务")
def get_plan(plan_id: PlanId, actor: PlanViewer, session: Reader) -> PlanDetailOut:
    plan = _plan(session, actor, plan_id)
    tasks = access.plan_tasks(session, plan)
    return PlanDetailOut(
        **PlanOut.of(plan, len(tasks)).model_dump(), basis=plan.basis,
        source_name=plan.source_name, source_format=plan.source_format, sha256=plan.sha256,
        tasks=[TaskBrief.of(t) for t in tasks],
    )  # fmt: skip


@router.get("/plans/{plan_id}/status", response_model=PlanStatusOut, summary="方案状态")
def get_status(
    plan_id: PlanId,
    actor: PlanViewer,
    session: Reader,
    as_of: AsOf = None,
    unit: UnitKey = None,
) -> PlanStatusOut:
    """Every task's and assignment's status as of a date (``duban status --json``); with ``unit``
    only the tasks where that unit has a part, and only its own rows."""
    plan = _plan(session, actor, plan_id)
    if unit is not None and access.unit_by_key(session, unit) is None:
        raise HTTPException(404, "没有这个单位")
    status = plan_status(session, plan, as_of or clock.today(), unit_key=unit)
    return PlanStatusOut.model_validate(status.to_json())


@router.get("/plans/{plan_id}/tasks/{number}", response_model=TaskOut, summary="任务详情")
def get_task(
    plan_id: PlanId, number: TaskNumber, actor: PlanViewer, session: Reader, as_of: AsOf = None
) -> TaskOut:
    """A task with its units (and the assignment ids to report on), targets and status."""
    plan = _plan(session, actor, plan_id)
    day = as_of or clock.today()
    found = access.task_detail(session, plan, number, day)
    if found is None:
        raise HTTPException(404, "该方案没有这个任务")
    return TaskOut.detail(plan.id, found, day)


@router.get("/units", response_model=list[UnitOut], summary="单位名录")
def list_units(
    actor: PlanViewer,
    session: Reader,
    kind: UnitKind = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> list[UnitOut]:
    rows = access.units(session, kind=kind, limit=limit, offset=offset)
    keys = access.unit_keys(session, {u.parent_id for u in rows if u.parent_id})
    return [UnitOut.of(u, keys) for u in rows]


@router.get("/me", response_model=MeOut, summary="当前用户")
def me(actor: SignedIn, session: Reader) -> MeOut:
    found = access.profile(session, actor)
    if found is None:
        raise HTTPException(401, "请先登录")
    return MeOut.of(actor, *found)


def _plan(session: Reader, actor: Actor, plan_id: int) -> Plan:
    plan = access.plan_for(session, actor, plan_id)
    if plan is None:
        raise HTTPException(404, NO_PLAN)
    return plan
