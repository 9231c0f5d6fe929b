"""公开页: a read-only page of published plans and task statuses, with no sign-in.

Served only when ``settings.public_page`` is set (404 otherwise). It shows what the published plan
itself says (tasks, lead units, deadlines) and each task's status today — never reports, their
figures or narratives, status reasons (they quote reports), or who did what.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from duban.domain import clock
from duban.domain.choices import STATUS_LABELS, Status
from duban.models import Plan
from duban.queries.dashboard import ORDER, published_plans
from duban.queries.status import plan_status
from duban.web.deps import render, store

router = APIRouter()


@router.get("/public")
def public_page(request: Request, plan: Annotated[int | None, Query(ge=1)] = None) -> Response:
    if not request.app.state.settings.public_page:
        raise HTTPException(404, "未找到该页面")
    today = clock.today()
    with store(request).read() as session:
        plans = published_plans(session)
        chosen = session.get(Plan, plan if plan is not None else plans[-1][0]) if plans else None
        if plans and (chosen is None or chosen.state != "published"):
            raise HTTPException(404, "没有这个已发布的方案")
        status = plan_status(session, chosen, today) if chosen is not None else None
    tasks = status.tasks if status else []
    leads = {t.number: "、".join(a.unit for a in t.assignments if a.role == "lead") for t in tasks}
    return render(
        request, "public.html", plans=plans, plan=chosen, tasks=tasks, leads=leads,
        today=today, counts=Counter(t.status for t in tasks), order=[s.value for s in ORDER],
        labels={s.value: STATUS_LABELS[s] for s in Status},
    )  # fmt: skip
