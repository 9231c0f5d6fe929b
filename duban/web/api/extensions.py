"""Deadline extensions (延期申请) in the API: read (scoped in SQL), request, withdraw, review,
decide. The same services and rules as the pages and the command line."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import Field
from sqlalchemy.orm import Session

from duban.domain.extensions import ExtensionState
from duban.permissions import Actor
from duban.queries.extensions import (
    ExtensionFilter,
    extension_for,
    extension_json,
    extensions_for,
)
from duban.services import extensions
from duban.web.api.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiRoute,
    Csrf,
    Limit,
    Offset,
    Reader,
    SignedIn,
    UnitKey,
)
from duban.web.deps import require, store
from duban.web.schemas import MAX_ID, Id, In, Out, Text

router = APIRouter(route_class=ApiRoute)

NOT_FOUND = "没有这份延期申请，或您无权查看"
ExtensionId = Annotated[int, Path(ge=1, le=MAX_ID, description="延期申请 id")]
Requester = Annotated[Actor, Depends(require("extension.request"))]
Reviewer = Annotated[Actor, Depends(require("extension.review"))]
Decider = Annotated[Actor, Depends(require("extension.decide"))]
Day = Annotated[dt.date, Field(ge=dt.date(1990, 1, 1), le=dt.date(2199, 12, 31))]


class ReviewOut(Out):
    agrees: bool | None = Field(description="督导室意见：同意 true，不同意 false")
    opinion: str | None
    by: str | None
    on: dt.date


class DecisionOut(Out):
    approved: bool
    reason: str | None
    by: str | None
    on: dt.date
    deadline: dt.date | None = Field(description="批准延期至（不予批准为 null）")


class ExtensionOut(Out):
    id: int
    version: int
    state: ExtensionState
    plan: int
    task: str
    unit: str
    unit_name: str
    role: str
    assignment: int
    task_deadline: dt.date | None = Field(description="任务原定完成时限")
    original_deadline: dt.date = Field(description="申请时的现行完成时限")
    requested_on: dt.date
    reason: str
    proposed_deadline: dt.date
    author: str
    review: ReviewOut | None
    decision: DecisionOut | None


class ExtensionList(Out):
    items: list[ExtensionOut]
    total: int
    limit: int
    offset: int


class ExtensionIn(In):
    """A request on one of the signed-in unit's assignments, made today."""

    assignment: Id
    proposed_deadline: Day
    reason: Text = Field(min_length=1, max_length=2000)


class ReviewIn(In):
    agrees: bool
    opinion: Text = Field(min_length=1, max_length=2000)


class DecideIn(In):
    approve: bool
    reason: Text = Field("", max_length=2000, description="说明（不予批准时必填）")
    deadline: Day | None = Field(None, description="批准延期至（默认为申请的日期）")


@router.get("/extensions", response_model=ExtensionList, responses=READ_ERRORS,
            summary="延期申请列表")  # fmt: skip
def list_extensions(
    actor: SignedIn,
    session: Reader,
    state: Annotated[ExtensionState | None, Query()] = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    unit: UnitKey = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ExtensionList:
    """A unit's own requests; all of them for 督导室 and admins; approved ones for others."""
    wanted = ExtensionFilter(state.value if state else None, plan, unit)
    rows, total = extensions_for(session, actor, wanted, limit=limit, offset=offset)
    items = [ExtensionOut.model_validate(extension_json(r)) for r in rows]
    return ExtensionList(items=items, total=total, limit=limit, offset=offset)


@router.get("/extensions/{extension_id}", response_model=ExtensionOut, responses=READ_ERRORS,
            summary="延期申请详情")  # fmt: skip
def get_extension(extension_id: ExtensionId, actor: SignedIn, session: Reader) -> ExtensionOut:
    return _out(session, actor, extension_id)


@router.post("/extensions", status_code=201, response_model=ExtensionOut,
             responses=WRITE_ERRORS, summary="申请延期")  # fmt: skip
def request_extension(
    request: Request, actor: Requester, _csrf: Csrf, body: ExtensionIn
) -> ExtensionOut:
    """Ask, before the deadline in force, to move it to a later ``proposed_deadline``."""
    with store(request).write() as session:
        made = extensions.request_extension(
            session, body.assignment, proposed=body.proposed_deadline, reason=body.reason,
            own_unit=actor.unit_id if actor.unit_id is not None else -1, actor=actor.label,
        )  # fmt: skip
        return _out(session, actor, made.id)


@router.post("/extensions/{extension_id}/withdraw", response_model=ExtensionOut,
             responses=WRITE_ERRORS, summary="撤回延期申请")  # fmt: skip
def withdraw(
    request: Request, extension_id: ExtensionId, actor: Requester, _csrf: Csrf
) -> ExtensionOut:
    with store(request).write() as session:
        extensions.withdraw_extension(
            session, extension_id, own_unit=actor.unit_id if actor.unit_id is not None else -1,
            actor=actor.label,
        )  # fmt: skip
        return _out(session, actor, extension_id)


@router.post("/extensions/{extension_id}/review", response_model=ExtensionOut,
             responses=WRITE_ERRORS, summary="审核延期申请（督导室）")  # fmt: skip
def review(
    request: Request, extension_id: ExtensionId, actor: Reviewer, _csrf: Csrf, body: ReviewIn
) -> ExtensionOut:
    with store(request).write() as session:
        extensions.review_extension(session, extension_id, agrees=body.agrees,
                                    opinion=body.opinion, actor=actor.label)  # fmt: skip
        return _out(session, actor, extension_id)


@router.post("/extensions/{extension_id}/decide", response_model=ExtensionOut,
             responses=WRITE_ERRORS, summary="审批延期申请（管理员）")  # fmt: skip
def decide(
    request: Request, extension_id: ExtensionId, actor: Decider, _csrf: Csrf, body: DecideIn
) -> ExtensionOut:
    """Approve (granting ``deadline``, by default the proposed date) or refuse with a reason;
    only a request the supervisor has reviewed can be decided (409 otherwise)."""
    with store(request).write() as session:
        extensions.decide_extension(session, extension_id, approve=body.approve,
                                    reason=body.reason, deadline=body.deadline,
                                    actor=actor.label)  # fmt: skip
        return _out(session, actor, extension_id)


def _out(session: Session, actor: Actor, extension_id: int) -> ExtensionOut:
    found = extension_for(session, actor, extension_id)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    data: dict[str, Any] = extension_json(found)
    return ExtensionOut.model_validate(data)
