"""The ledger (台账) as an Excel download.

- ``GET /export/ledger.xlsx?plan=&as_of=&unit=&per_unit=``: the whole ledger, or one unit's part
  of it; for actors holding ``ledger.export`` (admin, supervisor, viewer).
- ``GET /my/ledger.xlsx?plan=&as_of=``: for reporters and leaders (``report.submit``), the same
  ledger scoped to the actor's own unit, with that unit's sheet. The unit is the actor's, never a
  parameter: no other unit's progress is in the file.

``plan`` defaults to the latest published plan and ``as_of`` to today, as on the dashboard; a plan
that is missing or not published, or an unknown unit, is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.exchange.ledger_xlsx import write_ledger
from duban.models import Plan, Unit
from duban.permissions import Actor
from duban.queries.dashboard import published_plans
from duban.queries.ledger import ledger
from duban.web.deps import read_session, require
from duban.web.downloads import xlsx_response
from duban.web.schemas import MAX_ID

router = APIRouter()

Reader = Annotated[Session, Depends(read_session)]
PlanId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
AsOf = Annotated[dt.date | None, Query()]


@router.get("/export/ledger.xlsx")
def ledger_xlsx(
    actor: Annotated[Actor, Depends(require("ledger.export"))],
    session: Reader,
    plan: PlanId = None,
    as_of: AsOf = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    per_unit: bool = False,
) -> Response:
    chosen, day = published_plan(session, plan), as_of or clock.today()
    key = _known_unit(session, unit) if unit else None
    found = ledger(session, chosen, day, unit_key=key)
    return _download(write_ledger(found, per_unit=per_unit), day, found.unit)


@router.get("/my/ledger.xlsx")
def my_ledger_xlsx(
    actor: Annotated[Actor, Depends(require("report.submit"))],
    session: Reader,
    plan: PlanId = None,
    as_of: AsOf = None,
) -> Response:
    chosen, day = published_plan(session, plan), as_of or clock.today()
    unit = session.get(Unit, actor.unit_id) if actor.unit_id is not None else None
    if unit is None:
        raise HTTPException(403, "您的账号没有所属单位，不能导出本单位台账")
    found = ledger(session, chosen, day, unit_key=unit.key)
    return _download(write_ledger(found), day, found.unit)


def published_plan(session: Session, plan_id: int | None) -> Plan:
    """The plan asked for, or the latest published one; 404 unless it is published."""
    if plan_id is None:
        plans = published_plans(session)
        plan_id = plans[-1][0] if plans else None
    chosen = session.get(Plan, plan_id) if plan_id is not None else None
    if chosen is None or chosen.state != "published":
        raise HTTPException(404, "没有这个已发布的方案")
    return chosen


def _known_unit(session: Session, key: str) -> str:
    if session.scalars(select(Unit.id).where(Unit.key == key)).first() is None:
        raise HTTPException(404, f"单位名录中没有“{key}”")
    return key


def _download(data: bytes, day: dt.date, unit: str | None) -> Response:
    """Saved as ``重点任务推进台账_市教育局_2023-06-10.xlsx`` (old clients: ``ledger_…``)."""
    name = f"重点任务推进台账_{unit + '_' if unit else ''}{day.isoformat()}.xlsx"
    return xlsx_response(data, name, fallback=f"ledger_{day.isoformat()}.xlsx")
