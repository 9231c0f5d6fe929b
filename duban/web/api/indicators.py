"""Indicators (指标): every figure for a scope and school year, and the rows behind one figure.

The same reach as the pages (``queries.indicator_views``): a scope out of the reader's reach is
404, as one that does not exist; the rows are 403 for a unit that is no school (it reads the
city's figures only).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import Field
from sqlalchemy.orm import Session

from duban.domain import clock
from duban.domain.indicators import current_school_year
from duban.permissions import Actor
from duban.queries.indicator_views import (
    IndicatorLine,
    chosen_scope,
    drill_page,
    indicator_line,
    indicator_lines,
    may_see_rows,
)
from duban.queries.indicators import Scope, UnknownScope, indicator
from duban.services.records import FIRST_YEAR
from duban.web.api.common import READ_ERRORS, ApiRoute, Limit, Offset, Reader
from duban.web.deps import require
from duban.web.schemas import NO_NUL, Out

router = APIRouter(route_class=ApiRoute)

Viewer = Annotated[Actor, Depends(require("indicators.view"))]
Year = Annotated[
    int | None,
    Query(ge=FIRST_YEAR, le=2100, description="学年，以起始年份表示（2022：2022—2023学年）"),
]
ScopeKey = Annotated[
    str | None,
    Query(min_length=1, max_length=64, pattern=NO_NUL,
          description="范围：city（全市）、县（区）政府或学校的单位 key，默认读者可见的第一个"),
]  # fmt: skip
IndicatorKey = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_NUL,
                                   description="指标代码，如 double_qualified_share")]  # fmt: skip
Cell = str | int | float | bool | None


class ScopeOut(Out):
    key: str
    name: str
    kind: str = Field(description="city、county 或 school")


class IndicatorOut(Out):
    key: str
    name: str
    value: float | None = Field(description="数值；分母为空（没有记录）时为 null：暂无数据")
    unit: str
    percent: bool
    numerator: float
    denominator: float
    formula: str = Field(description="计算方法（中文）")


class IndicatorList(Out):
    year: int
    scope: ScopeOut
    items: list[IndicatorOut]


class RowOut(Out):
    school: str
    row: int = Field(description="上传表中的行号")
    counted: bool = Field(description="是否计入分子（占比类指标列出分母的全部记录）")
    data: dict[str, Cell]


class RowList(Out):
    indicator: IndicatorOut
    year: int
    scope: ScopeOut
    total: int
    counted: int
    limit: int
    offset: int
    items: list[RowOut]


def _scope(session: Session, actor: Actor, wanted: str | None) -> Scope:
    try:
        return chosen_scope(session, actor, wanted)
    except UnknownScope as exc:
        raise HTTPException(404, exc.message) from None


def _out(line: IndicatorLine) -> IndicatorOut:
    v = line.value
    return IndicatorOut(key=v.key, name=v.name, value=v.value, unit=v.unit, percent=v.percent,
                        numerator=v.numerator, denominator=v.denominator,
                        formula=line.formula.text)  # fmt: skip


def _scope_out(scope: Scope) -> ScopeOut:
    return ScopeOut(key=scope.key, name=scope.name, kind=scope.kind)


@router.get("/indicators", response_model=IndicatorList, responses=READ_ERRORS,
            summary="指标数值")  # fmt: skip
def list_indicators(
    actor: Viewer, session: Reader, scope: ScopeKey = None, year: Year = None
) -> IndicatorList:
    """Every indicator for one scope and school year, with numerator, denominator and formula."""
    when = year or current_school_year(clock.today())
    chosen = _scope(session, actor, scope)
    items = [_out(line) for line in indicator_lines(session, when, chosen)]
    return IndicatorList(year=when, scope=_scope_out(chosen), items=items)


@router.get("/indicators/{key}/rows", response_model=RowList, responses=READ_ERRORS,
            summary="指标明细记录")  # fmt: skip
def indicator_rows(
    actor: Viewer, session: Reader, key: IndicatorKey, scope: ScopeKey = None,
    year: Year = None, limit: Limit = 100, offset: Offset = 0,
) -> RowList:  # fmt: skip
    """The rows behind the figure, by school and sheet row: for a share its denominator's rows
    with ``counted`` marking the numerator's, otherwise exactly the rows counted."""
    try:
        indicator(key)
    except UnknownScope as exc:
        raise HTTPException(404, exc.message) from None
    when = year or current_school_year(clock.today())
    chosen = _scope(session, actor, scope)
    if not may_see_rows(session, actor):
        raise HTTPException(403, "明细只对学校本身和市级督导人员开放")
    line = indicator_line(session, key, when, chosen)
    page = drill_page(session, key, when, chosen, limit=limit, offset=offset)
    rows = [RowOut(school=r.school, row=r.row, counted=r.counted, data=r.data) for r in page.rows]
    return RowList(indicator=_out(line), year=when, scope=_scope_out(chosen),
                   total=page.total, counted=page.counted, limit=limit, offset=offset,
                   items=rows)  # fmt: skip
