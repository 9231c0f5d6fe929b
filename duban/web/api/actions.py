"""Supervision actions (督办事项) and the escalation ladder's proposals, as JSON.

Reads are scoped to the reader in SQL (``queries.actions.visible``): a unit sees its own issued
actions only, the supervisor all. Writes need ``action.issue`` (supervisor, admin), except the
unit's answer (``action.respond``, own unit only: another unit's action is 404), which comes as
JSON (text) or as ``multipart/form-data`` (text and files, checked as on the page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from sqlalchemy.orm import Session

from duban.domain import clock
from duban.domain.actions import Verb
from duban.permissions import Actor
from duban.queries.action_pages import action_slice
from duban.queries.actions import ActionDetail, ActionFilter, action_for
from duban.queries.ladder import proposals
from duban.services import actions
from duban.services.actions import STEPS, ActionDraft, Step
from duban.services.drafts import Upload
from duban.services.ladder_actions import decide_proposal
from duban.web.action_deps import STEP_SUMMARIES, ladder_for, published_plan
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
from duban.web.api.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiRoute,
    AsOf,
    Csrf,
    Limit,
    Offset,
    Reader,
    SignedIn,
)
from duban.web.deps import require, store
from duban.web.schemas import MAX_ID, NO_NUL
from duban.web.uploads import MAX_FILES, files_of

router = APIRouter(route_class=ApiRoute)

Supervisor = Annotated[Actor, Depends(require("action.issue"))]
Responder = Annotated[Actor, Depends(require("action.respond"))]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID, description="督办事项 id")]
NO_ACTION = "没有这项督办事项，或您无权查看"


@router.get("/actions", response_model=ActionList, responses=READ_ERRORS, summary="督办事项列表")
def list_all(
    actor: SignedIn, session: Reader, as_of: AsOf = None,
    state: Annotated[str | None, Query(pattern="^(held|open|answered|closed|withdrawn)$")] = None,
    colour: Annotated[str | None, Query(pattern="^(blue|yellow|red)$")] = None,
    unit: Annotated[int | None, Query(ge=1, le=MAX_ID, description="单位 id")] = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = 100, offset: Offset = 0,
) -> ActionList:  # fmt: skip
    """The actions the reader may see, newest first, with their state as of ``as_of``:
    ``limit`` of them from ``offset`` on, and ``total``, how many match."""
    day = as_of or clock.today()
    wanted = ActionFilter(state, colour, unit, plan)
    rows, total = action_slice(session, actor, day, wanted, limit=limit, offset=offset)
    return ActionList(as_of=day, items=[ActionOut.of(r) for r in rows], total=total, limit=limit,
                      offset=offset)  # fmt: skip


@router.get("/actions/proposals", response_model=ProposalList, responses=READ_ERRORS,
            summary="督办阶梯建议")  # fmt: skip
def list_proposals(
    request: Request, actor: Supervisor, session: Reader, as_of: AsOf = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ProposalList:  # fmt: skip
    """The notices the three-colour ladder calls for and no one has issued, held or withdrawn."""
    day = as_of or clock.today()
    chosen = published_plan(session, plan)
    found = proposals(session, chosen, day, ladder_for(request)) if chosen else []
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
        made = actions.issue_action(session, draft, ladder=ladder_for(request), actor=actor.label)
        return ActionDetailOut.of_detail(_readable(session, actor, made.id))


@router.post("/actions/proposals", status_code=201, response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="处理督办阶梯建议")  # fmt: skip
def decide(request: Request, actor: Supervisor, _csrf: Csrf, body: ProposalIn) -> ActionDetailOut:
    """Issue, hold or withdraw one proposal (``key`` as listed); hold and withdraw need a reason."""
    with store(request).write() as session:
        made = decide_proposal(session, published_plan(session, body.plan), body.key,
                               body.decision, ladder=ladder_for(request), as_of=clock.today(),
                               reason=body.reason, due_on=body.due_on,
                               actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, made.id))


def step_operation(verb: Verb) -> Callable[..., ActionDetailOut]:
    """The operation that applies ``verb`` (one of ``services.actions.STEPS``) to an action."""

    def take(
        request: Request, action_id: ActionId, actor: Supervisor, _csrf: Csrf, body: StepIn
    ) -> ActionDetailOut:
        step = Step(body.reason, body.due_on, body.version)
        with store(request).write() as session:
            actions.take_step(session, action_id, verb, step, ladder=ladder_for(request),
                              actor=actor.label)  # fmt: skip
            return ActionDetailOut.of_detail(_readable(session, actor, action_id))

    take.__name__ = take.__qualname__ = f"{verb.value}_action"
    return take


for _verb in STEPS:
    router.add_api_route(
        f"/actions/{{action_id}}/{_verb.value}", step_operation(_verb), methods=["POST"],
        response_model=ActionDetailOut, responses=WRITE_ERRORS, summary=STEP_SUMMARIES[_verb],
    )  # fmt: skip


@router.post("/actions/{action_id}/responses", status_code=201, response_model=ActionDetailOut,
             responses=WRITE_ERRORS, summary="答复督办事项")  # fmt: skip
def respond(
    request: Request, action_id: ActionId, actor: Responder, _csrf: Csrf, body: ResponseIn
) -> ActionDetailOut:
    """The signed-in unit's answer to an action addressed to it; with files: ``…/multipart``."""
    return _answer(request, actor, action_id, body.text, [])


@router.post("/actions/{action_id}/responses/multipart", status_code=201,
             response_model=ActionDetailOut, responses=WRITE_ERRORS,
             summary="答复督办事项（含附件）",
             form_limits={"max_files": MAX_FILES, "max_fields": 4})  # fmt: skip
def respond_with_files(
    request: Request, action_id: ActionId, actor: Responder, _csrf: Csrf,
    text: Annotated[str, Form(min_length=1, max_length=20000, pattern=NO_NUL,
                              description="答复内容")],
    files: Annotated[list[UploadFile] | None, File(
        description=f"附件（PDF、Word、Excel、图片或文本），至多 {MAX_FILES} 个")] = None,
) -> ActionDetailOut:  # fmt: skip
    """The signed-in unit's answer with files, as ``multipart/form-data``: the same checks as the
    page's form (each file's size, its type by content, hostile containers and file names); one
    file refused and nothing is kept."""
    uploads = files_of(files or [], request.app.state.settings.evidence_max_bytes)
    return _answer(request, actor, action_id, text, uploads)


def _answer(
    request: Request, actor: Actor, action_id: int, text: str, uploads: Sequence[Upload]
) -> ActionDetailOut:
    with store(request).write() as session:
        _readable(session, actor, action_id)
        actions.respond_action(session, request.app.state.settings, action_id, text=text,
                               uploads=uploads, unit_id=actor.unit_id,
                               actor=actor.label)  # fmt: skip
        return ActionDetailOut.of_detail(_readable(session, actor, action_id))


def _readable(session: Session, actor: Actor, action_id: int) -> ActionDetail:
    found = action_for(session, actor, action_id)
    if found is None:
        raise HTTPException(404, NO_ACTION)
    return found
