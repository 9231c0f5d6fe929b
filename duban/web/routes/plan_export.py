"""Downloads of the plan and of the annual quality report draft.

- ``GET /export/plan/{plan_id}.docx`` and ``.xlsx``: the plan as it stands after review, in
  official style or as the 分工表 workbook, for anyone who may view plans (``plan.view``); a
  draft only for those who publish plans (admins), as everywhere else — for others it is a 404.
- ``GET /export/quality.docx?year=&school=&plan=``: the 质量年度报告 draft of ``year`` (default:
  this year) for the city, or for the school with unit key ``school``; ``plan`` defaults to the
  latest published plan. Guarded by ``ledger.export``. A unit that is not a school is a 404, a
  year not begun or before the plan a 400, with the reason in Chinese.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.exchange.plan_files import plan_docx, plan_xlsx
from duban.exchange.quality_docx import quality_docx
from duban.models import Plan
from duban.permissions import Actor
from duban.queries.access import VISIBLE_PLANS, plan_for
from duban.queries.dashboard import published_plans
from duban.queries.plan_export import export_name, plan_file
from duban.queries.quality import QualityRefused, quality_report
from duban.web.deps import read_session, require
from duban.web.downloads import docx_response, xlsx_response
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

PlanId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/export/plan/{plan_id}.docx")
def plan_as_docx(
    actor: Annotated[Actor, Depends(require("plan.view"))],
    session: Annotated[Session, Depends(read_session)],
    plan_id: PlanId,
) -> Response:
    plan = _readable_plan(session, actor, plan_id)
    return docx_response(plan_docx(plan_file(session, plan)), export_name(plan, "docx"))


@router.get("/export/plan/{plan_id}.xlsx")
def plan_as_xlsx(
    actor: Annotated[Actor, Depends(require("plan.view"))],
    session: Annotated[Session, Depends(read_session)],
    plan_id: PlanId,
) -> Response:
    plan = _readable_plan(session, actor, plan_id)
    return xlsx_response(plan_xlsx(plan_file(session, plan)), export_name(plan, "xlsx"))


@router.get("/export/quality.docx")
def quality_report_docx(
    actor: Annotated[Actor, Depends(require("ledger.export"))],
    session: Annotated[Session, Depends(read_session)],
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    school: Annotated[str, Query(max_length=64, pattern=NO_NUL)] = "",
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    chosen = _reported_plan(session, plan)
    try:
        found = quality_report(session, chosen, year or clock.today().year,
                               school_key=school.strip() or None)  # fmt: skip
    except QualityRefused as exc:
        raise HTTPException(404 if exc.missing else 400, exc.message) from None
    return docx_response(quality_docx(found), f"{found.title}（初稿）.docx")


def _readable_plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    plan = plan_for(session, actor, plan_id)
    if plan is None:
        raise HTTPException(404, "没有这个方案")
    return plan


def _reported_plan(session: Session, plan_id: int | None) -> Plan:
    """The plan asked for, or the latest published one; 404 unless units report on it."""
    if plan_id is None:
        plans = published_plans(session)
        plan_id = plans[-1][0] if plans else None
    chosen = session.get(Plan, plan_id) if plan_id is not None else None
    if chosen is None or chosen.state not in VISIBLE_PLANS:
        raise HTTPException(404, "没有这个已发布的方案")
    return chosen
