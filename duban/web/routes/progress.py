"""离线填报: a unit downloads its pre-filled progress workbook and uploads it filled in.

Reporters and leaders only, for their own unit: the workbook is built from the actor's unit, and
an upload of another unit's workbook is refused by the import service. The upload is read in
chunks and refused past the size limit before it is parsed; the workbook is checked whole, and
every problem is shown by sheet, row and column with nothing saved.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from duban.domain import clock
from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.progress_read import read_progress
from duban.exchange.progress_xlsx import write_progress
from duban.exchange.xlsxread import ReadLimits
from duban.models import Plan, Unit
from duban.permissions import Actor
from duban.queries.progress import progress_sheet, unit_plans
from duban.services.errors import Invalid, ServiceError
from duban.services.progress import InvalidRows, import_progress
from duban.services.upload_checks import upload_name
from duban.web.deps import check_csrf, render, require, store
from duban.web.downloads import xlsx_response
from duban.web.schemas import MAX_ID
from duban.web.uploads import declared_too_big, read_bounded, too_big

router = APIRouter()

Submitter = Annotated[Actor, Depends(require("report.submit"))]


@router.get("/my/progress")
def progress_page(request: Request, actor: Submitter) -> Response:
    done = {k: request.query_params.get(k, "") for k in ("submitted", "unchanged", "blank")}
    return _page(request, actor, result=done if done["submitted"] else None)


@router.get("/my/progress/{plan_id}.xlsx")
def download_workbook(
    request: Request, plan_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: Submitter
) -> Response:
    with store(request).read() as session:
        unit = session.get(Unit, actor.unit_id) if actor.unit_id is not None else None
        plan = session.get(Plan, plan_id)
        if unit is None or plan is None or plan_id not in dict(unit_plans(session, unit.id)):
            raise HTTPException(404, f"本单位在编号为 {plan_id} 的方案中没有任务")
        sheet = progress_sheet(session, unit, plan, clock.today())
    name = f"{sheet.unit_name}{sheet.period_label}进展填报表.xlsx"
    return xlsx_response(write_progress(sheet), name)


@router.post("/my/progress")
async def upload_workbook(request: Request, actor: Submitter) -> Response:
    limits = ReadLimits()
    if (refusal := declared_too_big(request, limits)) is not None:
        return _refused(request, actor, refusal, 413)
    form = await request.form(max_files=1, max_fields=10)
    check_csrf(request, _field(form, "csrf_token"))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _refused(request, actor, [Problem("请选择要上传的填报表文件（.xlsx）")], 400)
    try:
        upload_name(upload.filename, "填报表")
    except Invalid as exc:
        return _refused(request, actor, [Problem(exc.message)], 400)
    data = await read_bounded(upload, limits.max_bytes)
    if data is None:
        return _refused(request, actor, too_big(limits.max_bytes + 1, limits), 413)
    return await run_in_threadpool(_import, request, actor, data)  # off the event loop


def _import(request: Request, actor: Actor, data: bytes) -> Response:
    try:
        parsed = read_progress(data)
        with store(request).write() as session:
            result = import_progress(session, parsed, data, unit_id=actor.unit_id or -1,
                                     actor=actor.label)  # fmt: skip
    except (ExchangeError, InvalidRows) as exc:
        return _refused(request, actor, exc.problems, 400)
    except ServiceError as exc:
        return _refused(request, actor, [Problem(exc.message)], 409 if exc.code == "conflict"
                        else 400)  # fmt: skip
    query = f"submitted={result.submitted}&unchanged={result.unchanged}&blank={result.blank}"
    return RedirectResponse(f"/my/progress?{query}", status_code=303)


def _refused(request: Request, actor: Actor, problems: list[Problem], status: int) -> Response:
    return _page(request, actor, problems=problems, status=status)


def _page(
    request: Request, actor: Actor, *, result: dict[str, str] | None = None,
    problems: list[Problem] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    with store(request).read() as session:
        plans = unit_plans(session, actor.unit_id) if actor.unit_id is not None else []
    return render(request, "progress.html", status, plans=plans, result=result,
                  problems=problems or [])  # fmt: skip


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
