"""Supervision actions (督办事项) and the escalation ladder's proposals, as JSON.

Reads are scoped to the reader in SQL (``queries.actions.visible``): a unit sees its own issued
actions only, the supervisor all. Writes need ``action.issue`` (supervisor, admin), except the
unit's answer (``action.respond``, own unit only: another unit's action is 404).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session

from duban.domain.ladder import Ladder, LadderError
from duban.models import Plan
from duban.permissions import Actor
from duban.queries.actions import ActionDetail, ActionFilter, action_for, list_actions
from duban.queries.dashboard import published_plans
from duban.queries.ladder import find_proposal, load_ladder, proposals
from duban.services import actions
from duban.services.actions import ActionDraft, proposal_draft
from duban.services.errors import Invalid
from duban.web.api.action_schemas import (
    ActionDetailOut,
    ActionIn,
    ActionList,
    ActionOut,
    ProposalIn,
    ProposalList,
    ProposalOut,
    ResponseIn,
    StepIn,
)
from duban.web.api.common import READ_ERRORS, WRITE_ERRORS, ApiRoute, AsOf, Csrf, Reader, SignedIn
from duban.web.deps import require, store
from duban.web.schemas import MAX_ID

router = APIRouter(route_class=ApiRoute)

Supervisor = Annotated[Actor, Depends(require("action.issue"))]
Responder = Annotated[Actor, Depends(require("action.respond"))]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID, description="督办事项 id")]
NO_ACTION = "没有这项督办事项，或您无权查看"


def _ladder(request: Request) -> Ladder:
    try:
        return load_ladder(request.app.state.settings)
    except (LadderError, OSError) as exc:
        raise HTTPException(500, f"督办阶梯配置有误：{exc}") from None


@router.get("/actions", response_model=ActionList, responses=READ_ERRORS, summary="督办事项列表")
def list_all(
    actor: SignedIn, session: Reader, as_of: AsOf = None,
    state: Annotated[str | None, Query(pattern="^(held|open|answered|closed|withdrawn)$")] = None,
    colour: Annotated[str | None, Query(pattern="^(blue|yellow|red)$")] = None,
    unit: Annotated[int | None, Query(ge=1, le=MAX_ID, description="单位 id")] = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ActionList:  # fmt: skip
    """The actions the reader may see, newest first, with their state as of ``as_of``."""
    day = as_of or dt.date.today()
    rows = list_actions(session, actor, day, ActionFilter(state, colour, unit, plan))
    return ActionList(as_of=day, items=[ActionOut.of(r) for r in rows])


@router.get("/actions/proposals", response_model=ProposalList, responses=READ_ERRORS,
            summary="督办阶梯建议")  # fmt: skip
def list_proposals(
    request: Request, actor: Supervisor, session: Reader, as_of: AsOf = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ProposalList:  # fmt: skip
    """The notices the three-colour ladder calls for and no one has issued, held or withdrawn."""
    day = as_of or dt.date.today()
    chosen = _plan(session, plan)
    found = proposals(session, chosen, day, _ladder(request)) if chosen else []
    return ProposalList(as_of=day, items=[ProposalOut.of(p) for p in found])


@router.get("/actions/{action_id}", response_model=ActionDetailOut, responses=READ_ERRORS,
            summary="督办事项详情")  # fmt: skip
def get_one(action_id: ActionId, actor: SignedIn, session: Reader) -> ActionDetailOut:
    return ActionDetailOut.of_detail(_readable(session, actor, action_id))


@router.post("/actions", status_code=201, response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="发出督办事项")  # fmt: skip
def create(request: Request, actor: Supervisor, _csrf: Csrf, body: ActionIn) -> ActionDetailOut:
    """Issue a new action; a notice may carry a colour (三色督办单)."""
    draft = ActionDraft(body.plan, body.unit, body.kind, body.title, body.task, body.colour,
                        body.body, body.required_response, body.due_on)  # fmt: skip
    with store(request).write() as session:
        made = actions.issue_action(session, draft, ladder=_ladder(request), actor=actor.label)
        return ActionDetailOut.of_detail(_readable(session, actor, made.id))


@router.post("/actions/proposals", status_code=201, response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="处理督办阶梯建议")  # fmt: skip
def decide(request: Request, actor: Supervisor, _csrf: Csrf, body: ProposalIn) -> ActionDetailOut:
    """Issue, hold or withdraw one proposal (``key`` as listed); hold and withdraw need a reason."""
    ladder, day = _ladder(request), dt.date.today()
    with store(request).write() as session:
        chosen = _plan(session, body.plan)
        found = find_proposal(session, chosen, day, ladder, body.key) if chosen else None
        if found is None:
            raise Invalid(f"督办阶梯当前没有建议“{body.key}”")
        draft = proposal_draft(found, body.due_on)
        if body.decision == "issue":
            made = actions.issue_action(session, draft, ladder=ladder, actor=actor.label)
        else:
            made = actions.hold_action(session, draft, reason=body.reason, actor=actor.label,
                                       withdraw=body.decision == "withdraw")  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, made.id))


@router.post("/actions/{action_id}/issue", response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="发出暂缓的督办事项")  # fmt: skip
def issue(
    request: Request, action_id: ActionId, actor: Supervisor, _csrf: Csrf, body: StepIn
) -> ActionDetailOut:
    with store(request).write() as session:
        actions.issue_held_action(session, action_id, ladder=_ladder(request), due_on=body.due_on,
                                  expected_version=body.version, actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, action_id))


@router.post("/actions/{action_id}/withdraw", response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="撤回")  # fmt: skip
def withdraw(
    request: Request, action_id: ActionId, actor: Supervisor, _csrf: Csrf, body: StepIn
) -> ActionDetailOut:
    with store(request).write() as session:
        actions.withdraw_action(session, action_id, reason=body.reason,
                                expected_version=body.version, actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, action_id))


@router.post("/actions/{action_id}/close", response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="办结")  # fmt: skip
def close(
    request: Request, action_id: ActionId, actor: Supervisor, _csrf: Csrf, body: StepIn
) -> ActionDetailOut:
    with store(request).write() as session:
        actions.close_action(session, action_id, reason=body.reason,
                             expected_version=body.version, actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, action_id))


@router.post("/actions/{action_id}/reopen", response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="重新打开")  # fmt: skip
def reopen(
    request: Request, action_id: ActionId, actor: Supervisor, _csrf: Csrf, body: StepIn
) -> ActionDetailOut:
    with store(request).write() as session:
        actions.reopen_action(session, action_id, reason=body.reason, due_on=body.due_on,
                              expected_version=body.version, actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, action_id))


@router.post("/actions/{action_id}/responses", status_code=201, response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="答复督办事项")  # fmt: skip
def respond(
    request: Request, action_id: ActionId, actor: Responder, _csrf: Csrf, body: ResponseIn
) -> ActionDetailOut:
    """The signed-in unit's answer to an action addressed to it."""
    with store(request).write() as session:
        _readable(session, actor, action_id)
        actions.respond_action(session, request.app.state.settings, action_id, text=body.text,
                               unit_id=actor.unit_id, actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, action_id))


def _readable(session: Session, actor: Actor, action_id: int) -> ActionDetail:
    found = action_for(session, actor, action_id)
    if found is None:
        raise HTTPException(404, NO_ACTION)
    return found


def _plan(session: Session, plan_id: int | None) -> Plan | None:
    if plan_id is None:
        plans = published_plans(session)
        plan_id = plans[-1][0] if plans else None
    chosen = session.get(Plan, plan_id) if plan_id is not None else None
    if plan_id is not None and (chosen is None or chosen.state != "published"):
        raise HTTPException(404, "没有这个已发布的方案")
    return chosen
