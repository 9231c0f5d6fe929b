"""任务: the task list of a plan (filterable by status, unit and text) and the task page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.domain.choices import (
    CLAIMED_LABELS,
    PACE_LABELS,
    REPORT_STATE_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)
from duban.models import Plan
from duban.permissions import Actor
from duban.queries.actions import ActionFilter, list_actions
from duban.queries.dashboard import ORDER, published_plans
from duban.queries.indicator_views import target_links
from duban.queries.meetings import meeting_of_task
from duban.queries.task_detail import by_group, plan_units, task_list, task_page, visible_plan
from duban.web.deps import fragment, reading, render
from duban.web.routes.actions import LABELS as ACTION_LABELS
from duban.web.schemas import MAX_ID, NO_NUL
from duban.web.task_charts import marked_excerpt, number, target_bar

router = APIRouter()

LABELS = {
    "status": {s.value: label for s, label in STATUS_LABELS.items()},
    "pace": {p.value: label for p, label in PACE_LABELS.items()},
    "role": {r.value: label for r, label in ROLE_LABELS.items()},
    "claimed": {c.value: label for c, label in CLAIMED_LABELS.items()},
    "report": {s.value: label for s, label in REPORT_STATE_LABELS.items()},
}


@router.get("/tasks")
async def tasks_page(
    request: Request,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
    status: Annotated[str, Query(max_length=16, pattern=NO_NUL)] = "",
    unit: Annotated[str, Query(max_length=64, pattern=NO_NUL)] = "",
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
) -> Response:
    def build(session: Session, actor: Actor) -> Response:
        if status and status not in LABELS["status"]:
            raise HTTPException(400, f"没有“{status}”这种状态")
        plans = published_plans(session)
        if plan is None and not plans:
            return render(request, "empty.html")
        plan_id = plan if plan is not None else plans[-1][0]
        day = as_of or clock.today()

        def values() -> dict[str, object]:
            shown = _plan(session, plan_id)
            rows = task_list(session, shown, day, status=status or None, unit_key=unit or None,
                             text=q)  # fmt: skip
            return dict(
                plan=shown, plans=plans, as_of=day, groups=by_group(rows), count=len(rows),
                units=plan_units(session, shown.id), order=ORDER_VALUES, labels=LABELS,
                chosen=Chosen(status, unit, q),
            )  # fmt: skip

        body = fragment(request, session, (plan_id, day, status, unit, q), "_tasks_body.html",
                        values)  # fmt: skip
        return render(request, "tasks.html", body=body)

    return await reading(request, "plan.view", build)


@dataclass(frozen=True)
class Chosen:
    """The filters the list was asked for (attributes, not a dict: the template reads them in
    loops, and Jinja tries an attribute before an item)."""

    status: str
    unit: str
    q: str


ORDER_VALUES = tuple(s.value for s in ORDER)


@router.get("/tasks/{plan_id}/{task_number}")
async def task_detail_page(
    request: Request,
    plan_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    task_number: Annotated[str, Path(max_length=16, pattern=NO_NUL)],
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    def build(session: Session, actor: Actor) -> Response:
        plan = _plan(session, plan_id)
        page = task_page(session, actor, plan, task_number, as_of or clock.today())
        if page is None:
            raise HTTPException(404, f"方案中没有第 {task_number} 项任务")
        links = target_links(session, actor, [bar.view for bar in page.targets], page.as_of)
        bars = [(bar, target_bar(bar), link) for bar, link in zip(page.targets, links, strict=True)]
        return render(
            request, "task.html", page=page, bars=bars, labels=LABELS, number=number,
            source=marked_excerpt(page.plan.text, page.task.spans),
            latest=next((v for v in reversed(page.versions) if v.state == "published"), None),
            meeting=(meeting_of_task(session, plan.id, task_number)
                     if plan.kind == "meetings" else None),
            actions=list_actions(session, actor, page.as_of, ActionFilter(task_id=page.task.id)),
            action_labels=ACTION_LABELS,
        )  # fmt: skip

    return await reading(request, "plan.view", build)


def _plan(session: Session, plan_id: int) -> Plan:
    plan = visible_plan(session, plan_id)
    if plan is None:
        raise HTTPException(404, "没有这个已发布的方案")
    return plan
