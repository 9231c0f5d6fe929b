"""延期申请 pages: a unit asks from 我的任务 (one form per assignment, also on a page of its
own) or withdraws; the 督导室 and the admin see the queue at /extensions, review (supervisor)
and decide (admin).

A unit's clerk reaches its own unit's assignments and requests only: another unit's is answered
404 like a missing one (the service checks it in the same transaction as the write). Bad input
(``Invalid``: a bad date, a missing reason) shows the form again with what was typed and why,
status 400 — the request form on its own page, the review and decision forms in the queue.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.domain.extensions import EXTENSION_STATE_LABELS, OPEN_STATES
from duban.permissions import Actor
from duban.queries.extensions import ExtensionFilter, extensions_for, workspace_extensions
from duban.queries.workspace import own_assignment
from duban.services import extensions
from duban.services.errors import Invalid
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

Requester = Annotated[Actor, Depends(require("extension.request"))]
Reviewer = Annotated[Actor, Depends(require("extension.review"))]
Decider = Annotated[Actor, Depends(require("extension.decide"))]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, Form(max_length=2000, pattern=NO_NUL)]
Csrf = Annotated[str, Form()]
STATES = {s.value: label for s, label in EXTENSION_STATE_LABELS.items()}
FILTERS = ("open", *STATES)
DONE = {"reviewed", "approved", "refused"}


@router.get("/my/extensions/{assignment_id}")
def request_page(
    request: Request, assignment_id: Id, actor: Requester,
    session: Annotated[Session, Depends(read_session)],
) -> Response:  # fmt: skip
    """The request form for one of the unit's own assignments, with its deadline in force."""
    return _request_page(request, session, actor, assignment_id)


@router.post("/my/extensions/{assignment_id}")
def request_extension(
    request: Request, assignment_id: Id, actor: Requester,
    proposed: Annotated[str, Form(max_length=10)] = "", reason: Text = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    """Ask for a later deadline for one of the unit's own assignments, today."""
    check_csrf(request, csrf_token)
    try:
        day = _date(proposed, "申请延期至的日期")
        with store(request).write() as session:
            extensions.request_extension(session, assignment_id, proposed=day, reason=reason,
                                         own_unit=_unit(actor), actor=actor.label)  # fmt: skip
    except Invalid as exc:
        with store(request).read() as session:
            return _request_page(request, session, actor, assignment_id, status=400,
                                 error=exc.message,
                                 values={"proposed": proposed, "reason": reason})  # fmt: skip
    return RedirectResponse(f"/my?extension=requested#a{assignment_id}", status_code=303)


@router.post("/my/extensions/{extension_id}/withdraw")
def withdraw_extension(
    request: Request, extension_id: Id, actor: Requester, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        ext = extensions.withdraw_extension(session, extension_id, own_unit=_unit(actor),
                                            actor=actor.label)  # fmt: skip
        anchor = ext.assignment_id
    return RedirectResponse(f"/my?extension=withdrawn#a{anchor}", status_code=303)


@router.get("/extensions")
def queue_page(
    request: Request,
    actor: Reviewer,
    session: Annotated[Session, Depends(read_session)],
    state: Annotated[str, Query(max_length=16, pattern=NO_NUL)] = "open",
    done: Annotated[str, Query(max_length=16, pattern=NO_NUL)] = "",
) -> Response:
    return _queue_page(request, session, actor, state, done=done)


@router.post("/extensions/{extension_id}/review")
def review(
    request: Request, extension_id: Id, actor: Reviewer,
    agrees: Annotated[str, Form(max_length=8)] = "", opinion: Text = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    try:
        if agrees not in ("yes", "no"):
            raise Invalid("请选择审核意见：同意或不同意")
        with store(request).write() as session:
            extensions.review_extension(session, extension_id, agrees=agrees == "yes",
                                        opinion=opinion, actor=actor.label)  # fmt: skip
    except Invalid as exc:
        values = {"agrees": agrees, "opinion": opinion}
        return _queue_again(request, actor, extension_id, exc, values)
    return RedirectResponse("/extensions?done=reviewed", status_code=303)


@router.post("/extensions/{extension_id}/decide")
def decide(
    request: Request, extension_id: Id, actor: Decider,
    decision: Annotated[str, Form(max_length=8)] = "", reason: Text = "",
    deadline: Annotated[str, Form(max_length=10)] = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    try:
        if decision not in ("approve", "refuse"):
            raise Invalid("请选择审批结果：批准或不予批准")
        granted = _date(deadline, "批准延期至的日期") if deadline.strip() else None
        with store(request).write() as session:
            extensions.decide_extension(session, extension_id, approve=decision == "approve",
                                        reason=reason, deadline=granted,
                                        actor=actor.label)  # fmt: skip
    except Invalid as exc:
        values = {"decision": decision, "reason": reason, "deadline": deadline}
        return _queue_again(request, actor, extension_id, exc, values)
    done = "approved" if decision == "approve" else "refused"
    return RedirectResponse(f"/extensions?state=all&done={done}", status_code=303)


def _request_page(
    request: Request, session: Session, actor: Actor, assignment_id: int, *, status: int = 200,
    error: str | None = None, values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    assignment = own_assignment(session, actor, assignment_id)
    if assignment is None:
        raise HTTPException(404, "没有这项分工，或它不属于您的单位")
    today = clock.today()
    x = workspace_extensions(session, [assignment.id], today)[assignment.id]
    return render(
        request, "extension_form.html", status, a=assignment, task=assignment.task,
        plan=assignment.task.plan, x=x, today=today, error=error,
        values=values or {"proposed": "", "reason": ""},
    )  # fmt: skip


def _queue_page(
    request: Request, session: Session, actor: Actor, state: str, *, status: int = 200,
    done: str = "", failed: int | None = None, error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    wanted = ExtensionFilter(state=state if state in STATES or state == "open" else None)
    rows, total = extensions_for(session, actor, wanted)
    return render(
        request, "extensions.html", status, rows=rows, total=total, states=STATES,
        filters=FILTERS, chosen=wanted.state or "", done=done if done in DONE else "",
        today=clock.today(), open_states={s.value for s in OPEN_STATES}, failed=failed,
        error=error, values=values or {},
    )  # fmt: skip


def _queue_again(
    request: Request, actor: Actor, extension_id: int, exc: Invalid, values: dict[str, str]
) -> Response:
    """The queue again, the refused form with what was typed and why (nothing saved)."""
    with store(request).read() as session:
        return _queue_page(request, session, actor, "open", status=400, failed=extension_id,
                           error=exc.message, values=values)  # fmt: skip


def _date(value: str, what: str) -> dt.date:
    if not value.strip():
        raise Invalid(f"请填写{what}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{what}“{value.strip()[:10]}”无效，应为 年-月-日（如 2021-09-30）") from None


def _unit(actor: Actor) -> int:
    """The unit a clerk acts for (-1, matching nothing, for a clerk without one)."""
    return actor.unit_id if actor.unit_id is not None else -1
