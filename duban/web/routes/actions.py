"""督办事项 for supervisors: the list (filters: state, colour, unit; the ladder's proposals with
issue / hold / withdraw), a new action, one action (responses, history, close / reopen) and its
numbered document. Every route needs ``action.issue``; the unit's side is ``my_actions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain.actions import (
    ACTION_STATE_LABELS,
    COLOUR_LABELS,
    KIND_LABELS,
    VERB_WORDS,
    ActionState,
    Colour,
)
from duban.domain.ladder import Ladder, LadderError
from duban.exchange.action_docx import action_docx
from duban.models import Plan
from duban.permissions import Actor
from duban.queries.actions import (
    ActionFilter,
    action_document,
    action_for,
    form_choices,
    list_actions,
    state_counts,
    units_with_actions,
)
from duban.queries.dashboard import published_plans
from duban.queries.ladder import find_proposal, load_ladder, proposals
from duban.services import actions
from duban.services.actions import ActionDraft, proposal_draft
from duban.services.errors import Invalid
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.downloads import docx_response
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

LABELS = {
    "state": {s.value: label for s, label in ACTION_STATE_LABELS.items()},
    "colour": {c.value: label for c, label in COLOUR_LABELS.items()},
    "kind": {k.value: label for k, label in KIND_LABELS.items()},
    "verb": {v.value: label for v, label in VERB_WORDS.items()},
}

Supervisor = Annotated[Actor, Depends(require("action.issue"))]
Reader = Annotated[Session, Depends(read_session)]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID)]
Csrf = Annotated[str, Form()]
Text = Annotated[str, Form(max_length=20000, pattern=NO_NUL)]
Day = Annotated[str, Form(max_length=10, pattern=NO_NUL)]
Version = Annotated[int | None, Form(ge=1, le=MAX_ID)]
Short = Annotated[str, Query(max_length=16, pattern=NO_NUL)]


def ladder_for(request: Request) -> Ladder:
    try:
        return load_ladder(request.app.state.settings)
    except (LadderError, OSError) as exc:
        raise HTTPException(500, f"督办阶梯配置有误：{exc}") from None


@router.get("/actions")
def actions_page(
    request: Request, actor: Supervisor, session: Reader,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    state: Short = "", colour: Short = "",
    unit: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
    done: Short = "",
) -> Response:  # fmt: skip
    if state and state not in {s.value for s in ActionState} | {"overdue"}:
        raise HTTPException(400, f"没有“{state}”这种办理状态")
    if colour and colour not in {c.value for c in Colour}:
        raise HTTPException(400, f"没有“{colour}”这种督办单颜色")
    day = as_of or dt.date.today()
    chosen = _plan(session, plan)
    wanted = ActionFilter(None if state in ("", "overdue") else state, colour or None, unit)
    rows = list_actions(session, actor, day, wanted)
    counts = state_counts(list_actions(session, actor, day))
    if state == "overdue":
        rows = [r for r in rows if r.overdue]
    found = proposals(session, chosen, day, ladder_for(request)) if chosen else []
    return render(
        request, "actions.html", rows=rows, counts=counts, proposals=found, plan=chosen,
        as_of=day, labels=LABELS, units=units_with_actions(session), done=done,
        chosen={"state": state, "colour": colour, "unit": unit},
        choices=form_choices(session, chosen.id) if chosen else ([], []),
        plans=published_plans(session),
    )  # fmt: skip


@router.post("/actions/proposals")
def decide_proposal(
    request: Request, actor: Supervisor,
    key: Annotated[str, Form(max_length=64, pattern=NO_NUL)],
    plan: Annotated[int, Form(ge=1, le=MAX_ID)],
    decision: Annotated[str, Form(max_length=16, pattern=NO_NUL)],
    reason: Text = "", due_on: Day = "",
    as_of: Day = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    """Issue, hold or withdraw one of the ladder's proposals (hold and withdraw need a reason)."""
    check_csrf(request, csrf_token)
    if decision not in ("issue", "hold", "withdraw"):
        raise HTTPException(400, f"没有“{decision}”这种处理方式")
    ladder, day = ladder_for(request), form_day(as_of, "截至日期") or dt.date.today()
    with store(request).write() as session:
        chosen = _plan(session, plan)
        found = find_proposal(session, chosen, day, ladder, key) if chosen else None
        if found is None:
            raise Invalid(f"督办阶梯当前没有建议“{key}”，可能已被他人处理，请刷新后重试")
        draft = proposal_draft(found, form_day(due_on, "答复期限"))
        if decision == "issue":
            made = actions.issue_action(session, draft, ladder=ladder, actor=actor.label)
        else:
            aside = decision == "withdraw"
            made = actions.hold_action(session, draft, reason=reason, withdraw=aside,
                                       actor=actor.label)  # fmt: skip
        made_id = made.id
    return RedirectResponse(f"/actions/{made_id}?done={decision}", status_code=303)


@router.post("/actions")
def new_action(
    request: Request, actor: Supervisor,
    plan: Annotated[int, Form(ge=1, le=MAX_ID)],
    unit: Annotated[int, Form(ge=1, le=MAX_ID)],
    kind: Annotated[str, Form(max_length=16, pattern=NO_NUL)],
    title: Annotated[str, Form(max_length=300, pattern=NO_NUL)] = "",
    task: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    body: Text = "", required_response: Text = "", due_on: Day = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    """Issue a new action (催办, 督办通知, 约谈, 限期整改) to a unit."""
    check_csrf(request, csrf_token)
    due = form_day(due_on, "答复期限")
    draft = ActionDraft(plan, unit, kind, title, task, None, body, required_response, due)
    with store(request).write() as session:
        made = actions.issue_action(session, draft, ladder=ladder_for(request), actor=actor.label)
        made_id = made.id
    return RedirectResponse(f"/actions/{made_id}?done=issue", status_code=303)


@router.get("/actions/{action_id}")
def action_page(
    request: Request, action_id: ActionId, actor: Supervisor, session: Reader, done: Short = ""
) -> Response:
    detail = action_for(session, actor, action_id)
    if detail is None:
        raise HTTPException(404, f"没有编号为 {action_id} 的督办事项")
    return render(request, "action.html", a=detail, labels=LABELS, done=done, unit_side=False)


@router.get("/actions/{action_id}/docx")
def action_docx_download(action_id: ActionId, actor: Supervisor, session: Reader) -> Response:
    found = action_document(session, actor, action_id)
    if found is None:
        raise HTTPException(404, f"没有编号为 {action_id} 的已发出督办事项")
    return docx_response(action_docx(found), f"{found.number}.docx", fallback="action.docx")


@router.post("/actions/{action_id}/issue")
def issue_held(
    request: Request, action_id: ActionId, actor: Supervisor,
    version: Version = None, due_on: Day = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    due = form_day(due_on, "答复期限")
    with store(request).write() as session:
        actions.issue_held_action(session, action_id, ladder=ladder_for(request), due_on=due,
                                  expected_version=version, actor=actor.label)  # fmt: skip
    return _back(action_id, "issue")


@router.post("/actions/{action_id}/withdraw")
def withdraw(
    request: Request, action_id: ActionId, actor: Supervisor,
    reason: Text = "", version: Version = None, csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        actions.withdraw_action(session, action_id, reason=reason, expected_version=version,
                                actor=actor.label)  # fmt: skip
    return _back(action_id, "withdraw")


@router.post("/actions/{action_id}/close")
def close(
    request: Request, action_id: ActionId, actor: Supervisor,
    reason: Text = "", version: Version = None, csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        actions.close_action(session, action_id, reason=reason, expected_version=version,
                             actor=actor.label)  # fmt: skip
    return _back(action_id, "close")


@router.post("/actions/{action_id}/reopen")
def reopen(
    request: Request, action_id: ActionId, actor: Supervisor,
    reason: Text = "", version: Version = None, due_on: Day = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    due = form_day(due_on, "答复期限")
    with store(request).write() as session:
        actions.reopen_action(session, action_id, reason=reason, due_on=due,
                              expected_version=version, actor=actor.label)  # fmt: skip
    return _back(action_id, "reopen")


def form_day(text: str, words: str) -> dt.date | None:
    """A date field of a form: empty is ``None``; anything but YYYY-MM-DD is refused."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{words}“{text.strip()}”不是有效日期，应为 YYYY-MM-DD") from None


def _back(action_id: int, done: str) -> Response:
    return RedirectResponse(f"/actions/{action_id}?done={done}", status_code=303)


def _plan(session: Session, plan_id: int | None) -> Plan | None:
    """The published plan asked for, or the latest; ``None`` when there is none."""
    if plan_id is None:
        plans = published_plans(session)
        plan_id = plans[-1][0] if plans else None
    chosen = session.get(Plan, plan_id) if plan_id is not None else None
    if plan_id is not None and (chosen is None or chosen.state != "published"):
        raise HTTPException(404, "没有这个已发布的方案")
    return chosen
