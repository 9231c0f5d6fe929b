"""督办事项 for supervisors: the list (filters: state, kind, colour, unit, task; most urgent
first, 50 to a page), the ladder's proposals under the same filters, grouped by unit or by task
with counts and 50 to a page (issue / hold / withdraw, then back to the same page), a new
action, one action (responses, history, and the steps: issue a held one, withdraw, close,
reopen) and its numbered document. Every route needs ``action.issue``; the unit's side is
``my_actions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.domain.actions import (
    ACTION_STATE_LABELS,
    COLOUR_LABELS,
    KIND_LABELS,
    VERB_WORDS,
    ActionKind,
    ActionState,
    Colour,
    Verb,
)
from duban.exchange.action_docx import action_docx
from duban.permissions import Actor
from duban.queries.action_documents import action_document
from duban.queries.action_pages import (
    GROUPINGS,
    ProposalFilter,
    action_list_page,
    form_choices,
    proposal_page,
    state_counts,
    units_with_actions,
)
from duban.queries.actions import ActionFilter, action_for
from duban.queries.ladder import proposals
from duban.services import actions
from duban.services.actions import STEPS, ActionDraft, Step
from duban.services.ladder_actions import decide_proposal
from duban.web.action_deps import PageNumber, blank, form_day, ladder_for, published_plan
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
PAGES = ("page", "list_page")
"""The page numbers: of the proposals, of the list of actions."""
KEPT = ("plan", "state", "kind", "colour", "unit", "task", "group", "as_of", *PAGES)
"""The list's query parameters that its links and a decision on a proposal keep."""

Supervisor = Annotated[Actor, Depends(require("action.issue"))]
Reader = Annotated[Session, Depends(read_session)]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID)]


OptionalId = Annotated[Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(blank),
                       Query()]  # fmt: skip
OptionalDay = Annotated[dt.date | None, BeforeValidator(blank), Query()]
Csrf = Annotated[str, Form()]
Text = Annotated[str, Form(max_length=20000, pattern=NO_NUL)]
Day = Annotated[str, Form(max_length=10, pattern=NO_NUL)]
Version = Annotated[int | None, Form(ge=1, le=MAX_ID)]
Short = Annotated[str, Query(max_length=16, pattern=NO_NUL)]


@router.get("/actions")
def actions_page(
    request: Request, actor: Supervisor, session: Reader, plan: OptionalId = None,
    state: Short = "", kind: Short = "", colour: Short = "", unit: OptionalId = None,
    task: OptionalId = None, group: Short = "", page: PageNumber = None,
    list_page: PageNumber = None, as_of: OptionalDay = None, done: Short = "",
    made: OptionalId = None,
) -> Response:  # fmt: skip
    """``page`` pages the proposals, ``list_page`` the list of actions (50 each)."""
    _check_filters(state, kind, colour, group)
    day, chosen = as_of or clock.today(), published_plan(session, plan)
    wanted = ActionFilter(state or None, colour or None, unit, task_id=task, kind=kind or None)
    listed = action_list_page(session, actor, day, wanted, page=list_page or 1)
    found = proposals(session, chosen, day, ladder_for(request)) if chosen else []
    offered = proposal_page(found, ProposalFilter(colour or None, unit, task, kind or None),
                            by=group or "unit", page=page or 1)  # fmt: skip
    filters = {"plan": plan, "state": state, "kind": kind, "colour": colour, "unit": unit,
               "task": task, "group": group, "as_of": as_of or ""}  # fmt: skip
    at = {"page": offered.paging.page, "list_page": listed.paging.page}
    return render(
        request, "actions.html", listed=listed, counts=state_counts(session, actor, day),
        offered=offered, by=group or "unit", plan=chosen, as_of=day, labels=LABELS,
        units=sorted(set(units_with_actions(session)) | set(offered.units), key=lambda u: u[1]),
        chosen=filters, done=done if done in LABELS["verb"] else "", made=made,
        link=lambda **changes: _link(filters, changes),
        page_href=lambda param, number: _link(filters, at | {param: number}),
        back=_link(filters, at),
        choices=form_choices(session, chosen.id) if chosen else ([], []),
    )  # fmt: skip


@router.post("/actions/proposals")
def decide(
    request: Request, actor: Supervisor,
    key: Annotated[str, Form(max_length=64, pattern=NO_NUL)],
    plan: Annotated[int, Form(ge=1, le=MAX_ID)],
    decision: Annotated[str, Form(max_length=16, pattern=NO_NUL)],
    reason: Text = "", due_on: Day = "", as_of: Day = "",
    back: Annotated[str, Form(max_length=1000, pattern=NO_NUL)] = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    """Issue, hold or withdraw one of the ladder's proposals (hold and withdraw need a reason).
    From the list (``back``: its address) it returns to the same page with the same filters."""
    check_csrf(request, csrf_token)
    ladder, day = ladder_for(request), form_day(as_of, "截至日期") or clock.today()
    due = form_day(due_on, "答复期限")
    with store(request).write() as session:
        made = decide_proposal(session, published_plan(session, plan), key, decision,
                               ladder=ladder, as_of=day, reason=reason, due_on=due,
                               actor=actor.label)  # fmt: skip
        made_id = made.id
    if back:
        kept = dict(parse_qsl(urlsplit(back).query))
        target = _link(kept, {"done": decision, "made": made_id})
        return RedirectResponse(f"{target}#h-proposals", status_code=303)
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
    return _back(made_id, "issue")


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


def step_route(verb: Verb) -> Callable[..., Response]:
    """The form that applies ``verb`` to an action (reason, new due date, the version seen),
    then back to the action's page."""

    def take(
        request: Request, action_id: ActionId, actor: Supervisor, reason: Text = "",
        version: Version = None, due_on: Day = "", csrf_token: Csrf = "",
    ) -> Response:  # fmt: skip
        check_csrf(request, csrf_token)
        step = Step(reason, form_day(due_on, "答复期限"), version)
        with store(request).write() as session:
            actions.take_step(session, action_id, verb, step, ladder=ladder_for(request),
                              actor=actor.label)  # fmt: skip
        return _back(action_id, verb.value)

    take.__name__ = take.__qualname__ = f"{verb.value}_action"
    return take


for _verb in STEPS:
    router.add_api_route(f"/actions/{{action_id}}/{_verb.value}", step_route(_verb),
                         methods=["POST"])  # fmt: skip


def _check_filters(state: str, kind: str, colour: str, group: str) -> None:
    for value, allowed, words in (
        (state, {s.value for s in ActionState} | {"overdue"}, "办理状态"),
        (kind, {k.value for k in ActionKind}, "督办事项类别"),
        (colour, {c.value for c in Colour}, "督办单颜色"),
        (group, set(GROUPINGS), "分组方式"),
    ):
        if value and value not in allowed:
            raise HTTPException(400, f"没有“{value}”这种{words}")


def _link(filters: Mapping[str, Any], changes: Mapping[str, Any]) -> str:
    """The list's address with ``filters`` (only the list's own: ``KEPT``) and ``changes``;
    page 1 and empty values are left out. A filter changed goes back to page 1 of both lists
    (the page numbers are not among the filters the page links with)."""
    merged = {k: v for k, v in filters.items() if k in KEPT} | dict(changes)
    first = {k for k in PAGES if str(merged.get(k)) == "1"}
    query = {k: str(v) for k, v in merged.items() if v not in ("", None) and k not in first}
    return "/actions" + (f"?{urlencode(query)}" if query else "")


def _back(action_id: int, done: str) -> Response:
    return RedirectResponse(f"/actions/{action_id}?done={done}", status_code=303)
