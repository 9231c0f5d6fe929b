"""指标: every indicator's figure for a scope and school year, and the drill-down to the rows
behind one figure (paged, and as CSV).

Who may open which scope is decided by ``queries.indicator_views`` (a school only its own, a
unit that is no school the city's figures without rows); a scope out of reach answers 404, the
same as one that does not exist.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.domain.indicators import current_school_year
from duban.domain.records import Field, RecordKind, school_year_label
from duban.exchange.records_xlsx import write_csv
from duban.permissions import Actor
from duban.queries.indicator_views import (
    chosen_scope,
    drill_page,
    drill_rows,
    indicator_line,
    indicator_lines,
    may_see_rows,
    record_kind,
    visible_scopes,
)
from duban.queries.indicators import IndicatorValue, Scope, UnknownScope, indicator
from duban.queries.paging import paging
from duban.services.records import FIRST_YEAR
from duban.web.deps import read_session, render, require
from duban.web.downloads import download
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

Viewer = Annotated[Actor, Depends(require("indicators.view"))]
Reader = Annotated[Session, Depends(read_session)]
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=2100)]
ScopeKey = Annotated[str | None, Query(min_length=1, max_length=64, pattern=NO_NUL)]
IndicatorKey = Annotated[str, Path(max_length=64, pattern=NO_NUL)]
PageNo = Annotated[int, Query(ge=1, le=MAX_ID)]
PAGE_SIZE = 100
_YEARS_SHOWN = 6


def shown(value: IndicatorValue) -> str:
    """``66.67%``, ``2人``, ``暂无数据``: a figure as the pages write it."""
    if value.value is None:
        return "暂无数据"
    return f"{value.value:,.2f}".rstrip("0").rstrip(".") + value.unit


def cell(value: object) -> str:
    """A record's value in a drill-down cell: 是/否, ``6`` rather than ``6.0``, blank for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _years(chosen: int) -> list[int]:
    latest = current_school_year(clock.today())
    return sorted({chosen, *range(latest, latest - _YEARS_SHOWN, -1)}, reverse=True)


def _scope(session: Session, actor: Actor, wanted: str | None) -> Scope:
    try:
        return chosen_scope(session, actor, wanted)
    except UnknownScope as exc:
        raise HTTPException(404, exc.message) from None


def _known(key: str) -> None:
    try:
        indicator(key)
    except UnknownScope as exc:
        raise HTTPException(404, exc.message) from None


@router.get("/indicators")
def indicators_page(
    request: Request, actor: Viewer, session: Reader, year: Year = None, scope: ScopeKey = None
) -> Response:
    when = year or current_school_year(clock.today())
    chosen = _scope(session, actor, scope)
    return render(
        request, "indicators.html", year=when, years=_years(when), year_label=school_year_label,
        scope=chosen, scopes=visible_scopes(session, actor),
        lines=indicator_lines(session, when, chosen), shown=shown,
    )  # fmt: skip


@router.get("/indicators/{key}")
def drill_down_page(
    request: Request, actor: Viewer, session: Reader, key: IndicatorKey, year: Year = None,
    scope: ScopeKey = None, page: PageNo = 1,
) -> Response:  # fmt: skip
    _known(key)
    when = year or current_school_year(clock.today())
    chosen = _scope(session, actor, scope)
    rows = may_see_rows(session, actor)
    found = drill_page(session, key, when, chosen, limit=PAGE_SIZE,
                       offset=(page - 1) * PAGE_SIZE) if rows else None  # fmt: skip
    return render(
        request, "indicator.html", line=indicator_line(session, key, when, chosen),
        kind=record_kind(indicator(key)), year=when, years=_years(when),
        year_label=school_year_label, scope=chosen, scopes=visible_scopes(session, actor),
        found=found, paging=paging(found.total if found else 0, page, PAGE_SIZE), shown=shown,
        cell=cell, page_href=lambda _, n: _drill_href(key, chosen, when, n),
    )  # fmt: skip


def _drill_href(key: str, scope: Scope, year: int, page: int) -> str:
    """The address of page ``page`` of the rows behind ``key``'s figure for ``scope``, ``year``."""
    return f"/indicators/{key}?" + urlencode({"scope": scope.key, "year": year, "page": page})


@router.get("/indicators/{key}/rows.csv")
def rows_csv(
    request: Request, actor: Viewer, session: Reader, key: IndicatorKey, year: Year = None,
    scope: ScopeKey = None,
) -> Response:  # fmt: skip
    _known(key)
    when = year or current_school_year(clock.today())
    chosen = _scope(session, actor, scope)
    if not may_see_rows(session, actor):
        raise HTTPException(404, "明细只对学校本身和市级督导人员开放")
    ind = indicator(key)
    kind = _csv_kind(record_kind(ind))
    rows = ({**r.data, "_school": r.school, "_row": r.row, "_counted": r.counted}
            for r in drill_rows(session, key, when, chosen))  # fmt: skip
    name = f"{ind.name}{chosen.name}{school_year_label(when)}明细.csv"
    return download(write_csv(kind, rows), name, "text/csv; charset=utf-8",
                    fallback=f"{key}-{chosen.key}-{when}.csv")  # fmt: skip


def _csv_kind(kind: RecordKind) -> RecordKind:
    """The kind's columns behind the school, the sheet row and whether the row was counted."""
    extra = (Field("_school", "学校", "text"), Field("_row", "表中行号", "integer"),
             Field("_counted", "计入分子", "boolean"))  # fmt: skip
    return RecordKind(kind.key, kind.label, extra + kind.fields, kind.identity)
