"""Word reports for download: the supervision report (督导报告) of a plan as of a day.

``GET /export/report.docx?plan=&as_of=``: ``plan`` defaults to the latest published plan and
``as_of`` to today, as on the dashboard; a plan that is missing or not published is a 404. Only
actors holding ``ledger.export`` may download it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.exchange.supervision_docx import supervision_docx
from duban.models import Plan
from duban.permissions import Actor
from duban.queries.dashboard import published_plans
from duban.queries.supervision import supervision_report
from duban.web.deps import read_session, require
from duban.web.downloads import docx_response

router = APIRouter()


@router.get("/export/report.docx")
def supervision_report_docx(
    actor: Annotated[Actor, Depends(require("ledger.export"))],
    session: Annotated[Session, Depends(read_session)],
    plan: Annotated[int | None, Query()] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    chosen = _published_plan(session, plan)
    day = as_of or clock.today()
    data = supervision_docx(supervision_report(session, chosen, day))
    return docx_response(data, f"督导报告_{day.isoformat()}.docx")


def _published_plan(session: Session, plan_id: int | None) -> Plan:
    """The plan asked for, or the latest published one; 404 unless it is published."""
    if plan_id is None:
        plans = published_plans(session)
        plan_id = plans[-1][0] if plans else None
    chosen = session.get(Plan, plan_id) if plan_id is not None else None
    if chosen is None or chosen.state != "published":
        raise HTTPException(404, "没有这个已发布的方案")
    return chosen
