"""学校数据: a school's clerk downloads templates, uploads them filled, exports its rows as CSV;
the city (admin, supervisor, viewer) sees a read-only overview of every school's uploads.

The school is always the actor's own unit, never a parameter: a reporter whose unit is not a
school is told so, and its downloads answer 404. An upload is read in chunks and refused past the
size limit before it is parsed; it is checked whole (every problem shown by sheet, row and
column, nothing saved) and stored all or nothing by ``services.records.replace_records``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from duban.domain import clock
from duban.domain.records import RecordKind, school_year_label
from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.records_xlsx import read_records, write_csv, write_template
from duban.exchange.xlsxread import ReadLimits
from duban.models import Unit
from duban.permissions import Actor
from duban.queries.records import (
    OVERVIEW_LIMIT,
    BatchRow,
    actor_school,
    current_batches,
    current_school_year,
    kind_totals,
    record_rows,
)
from duban.services.errors import Invalid, ServiceError
from duban.services.records import FIRST_YEAR, record_kinds, replace_records
from duban.services.upload_checks import upload_name
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.downloads import download, xlsx_response
from duban.web.uploads import declared_too_big, read_bounded, too_big

router = APIRouter()

Submitter = Annotated[Actor, Depends(require("records.submit"))]
Overseer = Annotated[Actor, Depends(require("records.view_all"))]
Reader = Annotated[Session, Depends(read_session)]
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=2100)]
KindKey = Annotated[str, Path(max_length=32)]
_YEARS_SHOWN = 6


@dataclass(frozen=True)
class KindLine:
    """One kind on the school's page: its current upload for the chosen year, if any."""

    kind: RecordKind
    batch: BatchRow | None


def _years(chosen: int) -> list[int]:
    latest = current_school_year(clock.today())
    return sorted({chosen, *range(latest, latest - _YEARS_SHOWN, -1)}, reverse=True)


def _kind(key: str) -> RecordKind:
    kind = record_kinds().get(key)
    if kind is None:
        raise HTTPException(404, "没有这类学校数据")
    return kind


def _own_school(session: Session, actor: Actor) -> Unit:
    school = actor_school(session, actor)
    if school is None:
        raise HTTPException(404, "本单位不是学校，没有学校数据")
    return school


@router.get("/my/data")
def data_page(request: Request, actor: Submitter, session: Reader, year: Year = None) -> Response:
    return _page(request, actor, session, year or current_school_year(clock.today()),
                 result=_result(request))  # fmt: skip


@router.get("/my/data/{kind}.xlsx")
def template_download(
    request: Request, kind: KindKey, actor: Submitter, session: Reader, year: Year = None
) -> Response:
    chosen, school = _kind(kind), _own_school(session, actor)
    when = year or current_school_year(clock.today())
    data = write_template(chosen, school_name=school.name, year=when)
    name = f"{school.name}{school_year_label(when)}{chosen.label}数据模板.xlsx"
    return xlsx_response(data, name, fallback=f"{chosen.key}-{when}.xlsx")


@router.get("/my/data/{kind}.csv")
def csv_download(
    request: Request, kind: KindKey, actor: Submitter, session: Reader, year: Year = None
) -> Response:
    chosen, school = _kind(kind), _own_school(session, actor)
    when = year or current_school_year(clock.today())
    data = write_csv(chosen, record_rows(session, actor, chosen.key, school.id, when))
    name = f"{school.name}{school_year_label(when)}{chosen.label}数据.csv"
    return download(data, name, "text/csv; charset=utf-8", fallback=f"{chosen.key}-{when}.csv")


@router.post("/my/data")
async def upload(request: Request, actor: Submitter) -> Response:
    limits = ReadLimits()
    if (refusal := declared_too_big(request, limits)) is not None:
        return await _refused(request, actor, None, refusal, 413)
    form = await request.form(max_files=1, max_fields=10)
    check_csrf(request, _field(form, "csrf_token"))
    kind, year = record_kinds().get(_field(form, "kind")), _year(_field(form, "year"))
    file = form.get("file")
    if kind is None or year is None or not isinstance(file, UploadFile) or not file.filename:
        problem = Problem("请选择数据类别、学年和要上传的文件（.xlsx）")
        return await _refused(request, actor, year, [problem], 400)
    try:
        filename = upload_name(file.filename, "数据文件")
    except Invalid as exc:
        return await _refused(request, actor, year, [Problem(exc.message)], 400)
    data = await read_bounded(file, limits.max_bytes)
    if data is None:
        return await _refused(request, actor, year, too_big(limits.max_bytes + 1, limits), 413)
    return await run_in_threadpool(_import, request, actor, kind, year, data, filename)


def _import(
    request: Request, actor: Actor, kind: RecordKind, year: int, data: bytes, filename: str
) -> Response:
    with store(request).read() as session:
        school = actor_school(session, actor)
    if school is None:
        return _refused_sync(request, actor, year, [Problem(_NOT_SCHOOL)], 400)
    try:
        rows = read_records(data, kind)
        with store(request).write() as session:
            result = replace_records(
                session, kind.key, school.key, year, rows,
                sha256=hashlib.sha256(data).hexdigest(), source_name=filename, actor=actor.label,
            )  # fmt: skip
    except ExchangeError as exc:
        return _refused_sync(request, actor, year, exc.problems, 400)
    except ServiceError as exc:
        return _refused_sync(request, actor, year, [Problem(exc.message)], 400)
    query = (f"year={year}&kind={kind.key}&rows={result.rows}&replaced={result.replaced}"
             f"&unchanged={int(result.unchanged)}")  # fmt: skip
    return RedirectResponse(f"/my/data?{query}", status_code=303)


_NOT_SCHOOL = "本单位不是学校：学校数据由各职业学校上传，本单位无需上传"


def _year(text: str) -> int | None:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    return int(text) if FIRST_YEAR <= int(text) <= clock.today().year else None


def _result(request: Request) -> dict[str, object] | None:
    """The outcome of the upload just made, from the redirect's query (numbers only)."""
    params = request.query_params
    kind = record_kinds().get(params.get("kind", ""))
    numbers = [params.get(k, "") for k in ("rows", "replaced", "unchanged")]
    if kind is None or not all(n.isascii() and n.isdigit() and len(n) < 10 for n in numbers):
        return None
    rows, replaced, unchanged = (int(n) for n in numbers)
    return {"kind": kind.label, "rows": rows, "replaced": replaced, "unchanged": bool(unchanged)}


async def _refused(
    request: Request, actor: Actor, year: int | None, problems: list[Problem], status: int
) -> Response:
    return await run_in_threadpool(_refused_sync, request, actor, year, problems, status)


def _refused_sync(
    request: Request, actor: Actor, year: int | None, problems: list[Problem], status: int
) -> Response:
    with store(request).read() as session:
        return _page(request, actor, session, year or current_school_year(clock.today()),
                     problems=problems, status=status)  # fmt: skip


def _page(
    request: Request, actor: Actor, session: Session, year: int, *,
    result: dict[str, object] | None = None, problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    school = actor_school(session, actor)
    lines = []
    if school is not None:
        current = {b.kind: b for b in current_batches(session, actor, year=year)}
        lines = [KindLine(kind, current.get(kind.key)) for kind in record_kinds().values()]
    return render(
        request, "records.html", status, mode="school" if school else "not_school",
        school=school.name if school else "", year=year, years=_years(year),
        year_label=school_year_label, lines=lines, result=result, problems=problems or [],
    )  # fmt: skip


@router.get("/data")
def overview(request: Request, actor: Overseer, session: Reader, year: Year = None) -> Response:
    when = year or current_school_year(clock.today())
    kinds = record_kinds()
    labels = {key: kind.label for key, kind in kinds.items()}
    return render(
        request, "records.html", mode="overview", year=when, years=_years(when),
        year_label=school_year_label, labels=labels, totals=kind_totals(session, actor, year=when),
        batches=current_batches(session, actor, year=when), limit=OVERVIEW_LIMIT,
    )  # fmt: skip


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
