"""审核: the queue of submitted reports for supervisors; accept, or return with a reason.

Each decision names the version of the report the reviewer saw: if the report changed since
(a newer submission, another reviewer's decision), the service refuses it with 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain.choices import CLAIMED_LABELS
from duban.permissions import Actor
from duban.queries.workspace import REVIEW_PAGE, review_queue
from duban.services.reports import accept_report, return_report
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

Reviewer = Annotated[Actor, Depends(require("report.review"))]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID)]
Version = Annotated[int, Form(ge=1, le=MAX_ID)]
CLAIMED = {c.value: label for c, label in CLAIMED_LABELS.items()}
ROLES = {"lead": "责任单位", "coop": "配合单位（配合情况）"}


@router.get("/review")
def review_page(
    request: Request,
    actor: Reviewer,
    session: Annotated[Session, Depends(read_session)],
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    unit: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    queue = review_queue(session, plan_id=plan, unit_id=unit)
    return render(
        request, "review.html", queue=queue, claimed=CLAIMED, roles=ROLES, page=REVIEW_PAGE,
        chosen={"plan": plan, "unit": unit}, done=done, back=_back(plan, unit),
    )  # fmt: skip


@router.post("/review/{report_id}/accept")
def accept(
    request: Request,
    report_id: ReportId,
    actor: Reviewer,
    version: Version,
    csrf_token: Annotated[str, Form()] = "",
    back: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        accept_report(session, report_id, expected_version=version, actor=actor.label)
    return _after(back, "accepted")


@router.post("/review/{report_id}/return")
def send_back(
    request: Request,
    report_id: ReportId,
    actor: Reviewer,
    version: Version,
    reason: Annotated[str, Form(max_length=2000, pattern=NO_NUL)] = "",
    csrf_token: Annotated[str, Form()] = "",
    back: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        return_report(
            session, report_id, reason=reason.strip(), expected_version=version, actor=actor.label
        )
    return _after(back, "returned")


def _back(plan: int | None, unit: int | None) -> str:
    """The queue's query string, so a decision returns to the same filtered view."""
    parts = [f"plan={plan}" if plan is not None else "", f"unit={unit}" if unit is not None else ""]
    return "&".join(p for p in parts if p)


def _after(back: str, done: str) -> Response:
    pairs = [p.partition("=") for p in back.split("&")]
    ok = [(k, v) for k, _, v in pairs if k in ("plan", "unit") and v.isascii() and v.isdigit()]
    keep = "&".join(f"{k}={v}" for k, v in ok)
    query = f"{keep}&done={done}" if keep else f"done={done}"
    return RedirectResponse(f"/review?{query}", status_code=303)
