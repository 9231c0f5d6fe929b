"""导入校对: import a plan file, review it beside its source, correct it, settle units, publish."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.permissions import Actor
from duban.plandoc.readers import MAX_BYTES
from duban.queries.plan_review import plan_review, plan_rows
from duban.services import plan_review as review
from duban.services.errors import Invalid
from duban.services.plans import import_plan, publish_plan
from duban.web.deps import check_csrf, read_session, render, require, store

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
def import_page(
    request: Request,
    actor: Importer,
    file: Annotated[UploadFile, File()],
    effective: Text = "",
    csrf_token: Csrf = None,
) -> Response:
    check_csrf(request, csrf_token)
    name = file.filename or "上传的文件"
    try:
        day = review.parse_day(effective, "生效日期")
        data = file.file.read(MAX_BYTES + 1)  # the importer refuses anything larger
        with store(request).write() as session:
            result = import_plan(session, data, name, effective=day, actor=actor.label)
            plan_id, created = result.plan.id, result.created
    except Invalid as exc:
        with store(request).read() as session:
            rows = plan_rows(session)
        return render(request, "plans.html", 400, plans=rows, error=exc.message,
                      effective=effective)  # fmt: skip
    return _back(plan_id, "imported" if created else "existing")


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
