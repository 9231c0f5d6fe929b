"""Supervision actions (督办事项): issue, hold, withdraw, respond, close, reopen.

Each write is one step of the life in ``domain.actions`` (``TRANSITIONS``), applied in the
caller's transaction with its audit event and a dated ``ActionEvent`` (what "as of" reads). An
issued action gets the next document number of its year (``中卫督办〔2026〕3号``; writers are
serialised by ``Store.write``, so the count cannot race). Bad input raises ``Invalid`` with a
Chinese message; an action the actor may not touch is ``NotFound``, like a missing one.

What a new action says is checked in ``services.action_drafts``; the ladder's proposals become
actions through ``services.ladder_actions``. ``take_step`` is the one entry the pages, the API
and the CLI share for the supervisor's steps on a recorded action (``STEPS``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.config import Settings
from duban.domain import clock
from duban.domain.actions import (
    ACTION_STATE_LABELS,
    VERB_WORDS,
    ActionState,
    Colour,
    Verb,
    document_number,
    next_state,
)
from duban.domain.ladder import Ladder
from duban.models import Action, ActionEvent, ActionFile, ActionResponse
from duban.models.base import utcnow
from duban.services.action_drafts import ActionDraft, check_text, new_action
from duban.services.drafts import Upload, check_uploads
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.evidence import keep_file

__all__ = [
    "STEPS", "ActionDraft", "Step", "close_action", "hold_action", "issue_action",
    "issue_held_action", "reopen_action", "respond_action", "take_step", "withdraw_action",
]  # fmt: skip

STEPS = (Verb.ISSUE, Verb.WITHDRAW, Verb.CLOSE, Verb.REOPEN)
"""The supervisor's steps on an action already recorded, in the order the pages offer them."""


@dataclass(frozen=True)
class Step:
    """One of ``STEPS`` as a page, the API or the CLI asks for it: the reason (withdraw and reopen
    need one, close has a default), a new due date (issue, reopen; ignored by the others) and the
    version the actor saw (``None``: not checked; a stale one is a ``Conflict``)."""

    reason: str = ""
    due_on: dt.date | None = None
    expected_version: int | None = None


def take_step(
    session: Session, action_id: int, verb: Verb, step: Step, *, ladder: Ladder,
    on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Apply ``verb`` (one of ``STEPS``) to the action: issue it if held, withdraw, close or
    reopen it."""
    version = step.expected_version
    if verb is Verb.ISSUE:
        return issue_held_action(session, action_id, ladder=ladder, due_on=step.due_on,
                                 expected_version=version, on=on, actor=actor)  # fmt: skip
    if verb is Verb.REOPEN:
        return reopen_action(session, action_id, reason=step.reason, due_on=step.due_on,
                             expected_version=version, on=on, actor=actor)  # fmt: skip
    if verb is Verb.CLOSE:
        return close_action(session, action_id, reason=step.reason, expected_version=version,
                            on=on, actor=actor)  # fmt: skip
    if verb is Verb.WITHDRAW:
        return withdraw_action(session, action_id, reason=step.reason, expected_version=version,
                               on=on, actor=actor)  # fmt: skip
    raise Invalid(f"“{VERB_WORDS[verb]}”不是督导室对已登记督办事项的办理步骤")


def issue_action(
    session: Session, draft: ActionDraft, *, ladder: Ladder, on: dt.date | None = None,
    actor: str,
) -> Action:  # fmt: skip
    """Issue a new action: numbered, open, awaiting the unit's answer by its due date."""
    action = new_action(session, draft, actor)
    _issue(session, action, draft.due_on, ladder, on or clock.today(), actor)
    return action


def hold_action(
    session: Session, draft: ActionDraft, *, reason: str, withdraw: bool = False,
    on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Record a proposed action without issuing it: held (暂缓) for later, or, with ``withdraw``,
    set aside for good (撤回). Either needs a reason; it has no number."""
    day_ = on or clock.today()
    action = new_action(session, draft, actor)
    action.due_on = draft.due_on
    verb = Verb.WITHDRAW if withdraw else Verb.HOLD
    target = ActionState.WITHDRAWN if withdraw else ActionState.HELD
    _event(session, action, verb, target, day_, _reason(reason, verb), actor)
    return action


def issue_held_action(
    session: Session, action_id: int, *, ladder: Ladder, due_on: dt.date | None = None,
    expected_version: int | None = None, on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Issue an action that was held."""
    action = _action(session, action_id, expected_version)
    _allowed(action, Verb.ISSUE)
    _issue(session, action, due_on or action.due_on, ladder, on or clock.today(), actor)
    return action


def withdraw_action(
    session: Session, action_id: int, *, reason: str, expected_version: int | None = None,
    on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Withdraw a held or issued action (it stays on record with the reason)."""
    return _step(session, action_id, Verb.WITHDRAW, reason, expected_version, on, actor)


def close_action(
    session: Session, action_id: int, *, reason: str = "", expected_version: int | None = None,
    on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Close (办结) an open or answered action; the reason says why it is settled."""
    return _step(session, action_id, Verb.CLOSE, reason or "办结", expected_version, on, actor)


def reopen_action(
    session: Session, action_id: int, *, reason: str, due_on: dt.date | None = None,
    expected_version: int | None = None, on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Send an answered or closed action back to the unit, with a reason and maybe a new due
    date: it is open again."""
    day_ = on or clock.today()
    action = _action(session, action_id, expected_version)
    if due_on is not None:
        _check_due(action.issued_on or day_, due_on)
        action.due_on = due_on
    return _step(session, action_id, Verb.REOPEN, reason, None, day_, actor)


def respond_action(
    session: Session, settings: Settings, action_id: int, *, text: str,
    uploads: Sequence[Upload] = (), unit_id: int | None, on: dt.date | None = None, actor: str,
) -> ActionResponse:  # fmt: skip
    """The target unit's answer, with files. ``unit_id`` is the answering unit: another unit's
    action (or one not issued) is not found."""
    action = session.get(Action, action_id, with_for_update=True)
    if action is None or action.number is None or action.unit_id != unit_id:
        raise NotFound(f"没有编号为 {action_id} 的督办事项")
    if not text.strip():
        raise Invalid("请填写答复内容")
    check_text("答复内容", text)
    _allowed(action, Verb.RESPOND)
    check_uploads(settings, uploads)
    day_ = on or clock.today()
    response = ActionResponse(action_id=action.id, text=text.strip(), author=actor,
                              responded_on=day_)  # fmt: skip
    for upload in uploads:
        kept = keep_file(settings, upload.data, upload.name, what="附件")
        response.files.append(ActionFile(sha256=kept.sha256, name=kept.name, size=kept.size,
                                         content_type=kept.content_type))  # fmt: skip
    action.responses.append(response)
    _event(session, action, Verb.RESPOND, ActionState.ANSWERED, day_, None, actor,
           files=[f.name for f in response.files])  # fmt: skip
    return response


# --- the steps ---------------------------------------------------------------------------------


def _issue(
    session: Session, action: Action, due_on: dt.date | None, ladder: Ladder, on: dt.date,
    actor: str,
) -> None:  # fmt: skip
    if due_on is None:
        colour = Colour(action.colour) if action.colour else Colour.YELLOW
        due_on = on + dt.timedelta(days=ladder.answer_days[colour])
    _check_due(on, due_on)
    action.number = _next_number(session, ladder.number_prefix, on.year)
    action.issued_on, action.due_on = on, due_on
    _event(session, action, Verb.ISSUE, ActionState.OPEN, on, None, actor)


def _step(
    session: Session, action_id: int, verb: Verb, reason: str, expected_version: int | None,
    on: dt.date | None, actor: str,
) -> Action:  # fmt: skip
    action = _action(session, action_id, expected_version)
    target = _allowed(action, verb)
    _event(session, action, verb, target, on or clock.today(), _reason(reason, verb), actor)
    return action


def _event(
    session: Session, action: Action, verb: Verb, state: ActionState, on: dt.date,
    reason: str | None, actor: str, **extra: Any,
) -> None:  # fmt: skip
    """Apply the step: new state, the dated event and the audit record, in one transaction."""
    last = max((e.day for e in action.events), default=None)
    if last is not None and on < last:
        raise Invalid(f"日期 {on.isoformat()} 早于该督办事项上一次办理的日期 {last.isoformat()}")
    before = _snapshot(action) if action.events else None
    action.state = state.value
    if reason is not None:
        action.reason = reason
    action.version += 1
    action.events.append(ActionEvent(day=on, verb=verb.value, state=state.value, reason=reason,
                                     actor=actor, at=utcnow()))  # fmt: skip
    session.flush()
    after = _snapshot(action) | ({"reason": reason} if reason else {}) | extra
    audit.record(
        session, actor=actor, action=f"action.{verb.value}", object_type="action",
        object_id=action.id, label=_label(action), before=before, after=after,
    )  # fmt: skip


def _allowed(action: Action, verb: Verb) -> ActionState:
    target = next_state(ActionState(action.state), verb)
    if target is None:
        state = ACTION_STATE_LABELS[ActionState(action.state)]
        raise Conflict(f"督办事项 #{action.id} 当前为“{state}”，不能{VERB_WORDS[verb]}")
    return target


def _action(session: Session, action_id: int, expected_version: int | None) -> Action:
    action = session.get(Action, action_id, with_for_update=True)
    if action is None:
        raise NotFound(f"没有编号为 {action_id} 的督办事项")
    if expected_version is not None and action.version != expected_version:
        raise Conflict(f"督办事项 #{action_id} 已被他人办理，请刷新后重试")
    return action


def _check_due(issued_on: dt.date, due_on: dt.date) -> None:
    if due_on < issued_on:
        raise Invalid(f"答复期限 {due_on.isoformat()} 早于发文日期 {issued_on.isoformat()}")


def _reason(reason: str, verb: Verb) -> str:
    text = reason.strip()
    if not text:
        raise Invalid(f"{VERB_WORDS[verb]}督办事项须写明理由")
    check_text("理由", text)
    return text


def _next_number(session: Session, prefix: str, year: int) -> str:
    """The next number of ``year``: one more than the highest given so far."""
    head = f"{prefix}〔{year}〕"
    taken = session.scalars(select(Action.number).where(Action.number.like(f"{head}%")))
    serials = [int(m.group(1)) for n in taken if n and (m := re.search(r"(\d+)号$", n))]
    return document_number(prefix, year, max(serials, default=0) + 1)


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "state": action.state, "number": action.number, "kind": action.kind,
        "colour": action.colour, "unit_id": action.unit_id, "task_id": action.task_id,
        "issued_on": action.issued_on, "due_on": action.due_on, "version": action.version,
    }  # fmt: skip


def _label(action: Action) -> str:
    return f"{action.number or f'督办事项 #{action.id}'} {action.title}"
