"""驾驶舱: the dashboard of a plan as of any date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.domain.choices import STATUS_LABELS, Status
from duban.domain.scorecard import SCORE_FORMULA
from duban.models import Plan
from duban.permissions import Actor
from duban.queries.actions import overdue_count
from duban.queries.dashboard import ORDER, dashboard, published_plans
from duban.queries.meetings import meeting_check
from duban.queries.scorecard import unit_scorecards
from duban.web.charts import stacked_bar, timeline
from duban.web.deps import reading, render

router = APIRouter()


@router.get("/")
async def dashboard_page(
    request: Request,
    plan: Annotated[int | None, Query()] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    def build(session: Session, actor: Actor) -> Response:
        plans = published_plans(session)
        if not plans:
            return render(request, "empty.html")
        chosen = session.get(Plan, plan if plan is not None else plans[-1][0])
        if chosen is None or chosen.state != "published":
            raise HTTPException(404, "没有这个已发布的方案")
        day = as_of or clock.today()
        board = dashboard(session, chosen, day)
        ranking = unit_scorecards(session, day.year, as_of=day, plan_id=chosen.id)
        labels = {s.value: STATUS_LABELS[s] for s in Status}

        def bar(counts: dict[str, int]) -> str:
            return stacked_bar([(s.value, counts.get(s.value, 0), labels[s.value]) for s in ORDER])

        overall = bar(board.counts)
        groups = [(g, bar(g.counts)) for g in board.groups]
        return render(
            request, "dashboard.html", board=board, order=[s.value for s in ORDER], labels=labels,
            overall=overall, groups=groups, timeline=timeline(board.timeline), ranking=ranking,
            formula=SCORE_FORMULA, meetings=meeting_check(session, day),
            overdue_actions=overdue_count(session, actor, day, chosen.id),
        )  # fmt: skip

    return await reading(request, "plan.view", build)
