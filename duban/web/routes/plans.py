"""导入校对: import a plan file, review it beside its source, correct it, settle units, publish."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from duban.permissions import Actor
from duban.plandoc.readers import MAX_BYTES
from duban.queries.plan_review import plan_review, plan_rows
from duban.services import plan_review as review
from duban.services.dates import parse_day
from duban.services.errors import Invalid
from duban.services.plans import import_plan, publish_plan
from duban.services.upload_checks import upload_name
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.uploads import declared_over, read_bounded

router = APIRouter()

Importer = Annotated[Actor, Depends(require("plan.import"))]
Reviewer = Annotated[Actor, Depends(require("plan.publish"))]
UnitKeeper = Annotated[Actor, Depends(require("units.manage"))]
Csrf = Annotated[str | None, Form()]
Text = Annotated[str, Form()]
NOTICES = ("imported", "existing", "published", "settled")
"""Flags a redirect back to the review page carries, each shown as a notice there."""
KINDS = list(review.CONFIRM_KIND_LABELS.items())


@router.get("/plans")
def plans_page(
    request: Request, actor: Importer, session: Annotated[Session, Depends(read_session)]
) -> Response:
    return render(request, "plans.html", plans=plan_rows(session), error=None, effective="")


@router.post("/plans/import")
async def import_page(request: Request, actor: Importer) -> Response:
    """Refused by its declared size before the form is parsed, then read no further than the
    limit; the plan reader checks the rest (type by content, containers, XML)."""
    if declared_over(request, MAX_BYTES):
        return await run_in_threadpool(_refused, request, _TOO_BIG, "", 413)
    form = await request.form(max_files=1, max_fields=10)
    check_csrf(request, _field(form, "csrf_token"))
    upload, effective = form.get("file"), _field(form, "effective")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(_refused, request, "请选择要导入的方案文件", effective)
    data = await read_bounded(upload, MAX_BYTES)
    if data is None:
        return await run_in_threadpool(_refused, request, _TOO_BIG, effective, 413)
    return await run_in_threadpool(_import, request, actor, data, upload.filename, effective)


_TOO_BIG = f"文件过大，上限 {MAX_BYTES // 2**20} MB，未导入任何内容"


def _import(request: Request, actor: Actor, data: bytes, filename: str, effective: str) -> Response:
    try:
        name = upload_name(filename, "方案文件")
        day = parse_day(effective, "生效日期")
        with store(request).write() as session:
            result = import_plan(session, data, name, effective=day, actor=actor.label)
            plan_id, created = result.plan.id, result.created
    except Invalid as exc:
        return _refused(request, exc.message, effective)
    return _back(plan_id, "imported" if created else "existing")


def _refused(request: Request, message: str, effective: str, status: int = 400) -> Response:
    with store(request).read() as session:
        rows = plan_rows(session)
    return render(request, "plans.html", status, plans=rows, error=message, effective=effective)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.get("/plans/{plan_id}/review")
def review_page(request: Request, plan_id: int, actor: Reviewer) -> Response:
    return _review(request, plan_id)


@router.post("/plans/{plan_id}/tasks/{number}")
def correct_page(
    request: Request,
    plan_id: int,
    number: str,
    actor: Reviewer,
    title: Text = "",
    deadline: Text = "",
    ongoing: Annotated[str | None, Form()] = None,
    lead_names: Text = "",
    coop_names: Text = "",
    csrf_token: Csrf = None,
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            review.correct_task(
                session, plan_id, number, title=title, deadline=deadline, ongoing=bool(ongoing),
                lead_names=lead_names.splitlines(), coop_names=coop_names.splitlines(),
                actor=actor.label,
            )  # fmt: skip
    except Invalid as exc:
        typed = {"title": title, "deadline": deadline, "ongoing": bool(ongoing),
                 "lead_names": lead_names, "coop_names": coop_names}  # fmt: skip
        return _review(request, plan_id, 400, error=exc.message, failed=f"task-{number}",
                       typed=typed)  # fmt: skip
    return _back(plan_id, f"saved={quote(number)}", f"task-{number}")


@router.post("/plans/{plan_id}/proposals/{proposal_id}/map")
def map_page(
    request: Request,
    plan_id: int,
    proposal_id: int,
    actor: UnitKeeper,
    unit_key: Text = "",
    csrf_token: Csrf = None,
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            review.map_plan_proposal(session, plan_id, proposal_id, unit_key, actor=actor.label)
    except Invalid as exc:
        return _review(request, plan_id, 400, error=exc.message, failed=f"proposal-{proposal_id}")
    return _back(plan_id, "settled", "proposals")


@router.post("/plans/{plan_id}/proposals/{proposal_id}/confirm")
def confirm_page(
    request: Request,
    plan_id: int,
    proposal_id: int,
    actor: UnitKeeper,
    key: Text = "",
    kind: Text = "",
    csrf_token: Csrf = None,
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            review.confirm_plan_proposal(
                session, plan_id, proposal_id, key=key, kind=kind, actor=actor.label
            )
    except Invalid as exc:
        typed = {"key": key, "kind": kind}
        return _review(request, plan_id, 400, error=exc.message, failed=f"proposal-{proposal_id}",
                       typed=typed)  # fmt: skip
    return _back(plan_id, "settled", "proposals")


@router.post("/plans/{plan_id}/publish")
def publish_page(
    request: Request, plan_id: int, actor: Reviewer, csrf_token: Csrf = None
) -> Response:
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        publish_plan(session, plan_id, actor=actor.label)
    return _back(plan_id, "published")


def _review(request: Request, plan_id: int, status: int = 200, **values: Any) -> Response:
    with store(request).read() as session:
        found = plan_review(session, plan_id)
    if found is None:
        raise HTTPException(404, "没有这个方案")
    notice = next((k for k in NOTICES if k in request.query_params), None)
    return render(
        request, "plan_review.html", status, r=found, notice=notice,
        saved=request.query_params.get("saved"), kinds=KINDS,
        **({"error": None, "failed": None, "typed": {}} | values),
    )  # fmt: skip


def _back(plan_id: int, flag: str, fragment: str = "") -> Response:
    url = f"/plans/{plan_id}/review?{flag}" + (f"#{quote(fragment)}" if fragment else "")
    return RedirectResponse(url, status_code=303)
