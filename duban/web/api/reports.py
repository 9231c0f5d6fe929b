"""Progress reports: read (scoped to the reader in SQL), file, accept, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session

from duban.domain.choices import ReportState
from duban.permissions import Actor
from duban.queries import access
from duban.queries.workspace import own_assignment
from duban.services.reports import accept_report, return_report, submit_report
from duban.web.api.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiRoute,
    Csrf,
    Limit,
    Offset,
    Reader,
    ReportId,
    Reviewer,
    SignedIn,
    Submitter,
    TaskFilter,
    UnitKey,
)
from duban.web.deps import store
from duban.web.schemas import MAX_ID, AcceptIn, ReportIn, ReportList, ReportOut, ReturnIn

router = APIRouter(route_class=ApiRoute)

NO_REPORT = "没有这份报告，或您无权查看"
NO_ASSIGNMENT = "没有这项分工，或它不属于您的单位"


@router.get("/reports", response_model=ReportList, responses=READ_ERRORS, summary="报告列表")
def list_reports(
    actor: SignedIn,
    session: Reader,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    task: TaskFilter = None,
    unit: UnitKey = None,
    state: Annotated[ReportState | None, Query()] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ReportList:
    """Reports the signed-in user may read, newest first: a unit's own (drafts too) and the other
    units' accepted ones; for readers of all reports, every report that was sent."""
    wanted = access.ReportFilter(plan, task, unit, state.value if state else None)
    rows, total = access.reports_for(session, actor, wanted, limit=limit, offset=offset)
    return ReportList(items=[ReportOut.of(r) for r in rows], total=total, limit=limit,
                      offset=offset)  # fmt: skip


@router.get("/reports/{report_id}", response_model=ReportOut, responses=READ_ERRORS,
            summary="报告详情")  # fmt: skip
def get_report(report_id: ReportId, actor: SignedIn, session: Reader) -> ReportOut:
    return ReportOut.of(_readable(session, actor, report_id))


@router.post("/reports", status_code=201, response_model=ReportOut, responses=WRITE_ERRORS,
             summary="报送进展（或保存草稿）")  # fmt: skip
def create_report(request: Request, actor: Submitter, _csrf: Csrf, body: ReportIn) -> ReportOut:
    """A report on one of the signed-in unit's assignments; ``draft`` only saves it. After the
    task's deadline a report on unfinished work must give ``late_reason``."""
    with store(request).write() as session:
        if own_assignment(session, actor, body.assignment) is None:
            raise HTTPException(404, NO_ASSIGNMENT)
        report = submit_report(
            session, body.assignment, claimed=body.claimed.value, narrative=body.narrative,
            late_reason=body.late_reason, figures=body.figures, draft=body.draft,
            actor=actor.label,
        )  # fmt: skip
        return ReportOut.of(_readable(session, actor, report.id))


@router.post("/reports/{report_id}/accept", response_model=ReportOut, responses=WRITE_ERRORS,
             summary="审核通过")  # fmt: skip
def accept(
    request: Request, report_id: ReportId, actor: Reviewer, _csrf: Csrf, body: AcceptIn
) -> ReportOut:
    """Accept a submitted report from the ``version`` the reviewer saw (409 if it changed)."""
    with store(request).write() as session:
        _readable(session, actor, report_id)
        accept_report(session, report_id, expected_version=body.version, actor=actor.label)
        return ReportOut.of(_readable(session, actor, report_id))


@router.post("/reports/{report_id}/return", response_model=ReportOut, responses=WRITE_ERRORS,
             summary="退回")  # fmt: skip
def send_back(
    request: Request, report_id: ReportId, actor: Reviewer, _csrf: Csrf, body: ReturnIn
) -> ReportOut:
    """Return a submitted report to its unit with a reason, from the ``version`` seen."""
    with store(request).write() as session:
        _readable(session, actor, report_id)
        return_report(session, report_id, reason=body.reason.strip(),
                      expected_version=body.version, actor=actor.label)  # fmt: skip
        return ReportOut.of(_readable(session, actor, report_id))


def _readable(session: Session, actor: Actor, report_id: int) -> access.ReportRecord:
    found = access.report_for(session, actor, report_id)
    if found is None:
        raise HTTPException(404, NO_REPORT)
    return found
