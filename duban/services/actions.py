"""Supervision actions (督办事项): issue, hold, withdraw, respond, close, reopen.

Each write is one step of the life in ``domain.actions`` (``TRANSITIONS``), applied in the
caller's transaction with its audit event and a dated ``ActionEvent`` (what "as of" reads). An
issued action gets the next document number of its year (``中卫督办〔2026〕3号``; writers are
serialised by ``Store.write``, so the count cannot race). Bad input raises ``Invalid`` with a
Chinese message; an action the actor may not touch is ``NotFound``, like a missing one.
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
from duban.domain.actions import (
    ACTION_STATE_LABELS,
    COLOUR_LABELS,
    KIND_LABELS,
    VERB_WORDS,
    ActionKind,
    ActionState,
    Colour,
    Verb,
    document_number,
    next_state,
)
from duban.domain.ladder import Ladder
from duban.domain.reasons import day
from duban.models import (
    Action,
    ActionEvent,
    ActionFile,
    ActionResponse,
    Assignment,
    Plan,
    Task,
    Unit,
)
from duban.models.base import utcnow
from duban.queries.ladder import Proposal
from duban.services.drafts import Upload, check_uploads
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.evidence import keep_file

MAX_TEXT = 20000
DEFAULT_RESPONSE = "书面答复推进情况、存在问题、原因分析和整改措施及完成时限，并附佐证材料。"


@dataclass(frozen=True)
class ActionDraft:
    """What the supervisor writes: the target, the kind (and colour of a notice), the text and
    the answer required; ``due_on`` left out takes the ladder's answer days for the colour."""

    plan_id: int
    unit_id: int
    kind: str
    title: str = ""
    task_id: int | None = None
    colour: str | None = None
    body: str = ""
    required_response: str = ""
    due_on: dt.date | None = None
    rule: str | None = None


def proposal_draft(p: Proposal, due_on: dt.date | None = None) -> ActionDraft:
    """The notice a ladder proposal calls for, as a draft (title and body written for it)."""
    return ActionDraft(p.plan_id, p.unit_id, "notice", "", p.task_id, p.colour.value,
                       due_on=due_on, rule=p.rule)  # fmt: skip


def issue_action(
    session: Session, draft: ActionDraft, *, ladder: Ladder, on: dt.date | None = None,
    actor: str,
) -> Action:  # fmt: skip
    """Issue a new action: numbered, open, awaiting the unit's answer by its due date."""
    action = _new(session, draft, on or dt.date.today(), actor)
    _issue(session, action, draft.due_on, ladder, on or dt.date.today(), actor)
    return action


def hold_action(
    session: Session, draft: ActionDraft, *, reason: str, withdraw: bool = False,
    on: dt.date | None = None, actor: str,
) -> Action:  # fmt: skip
    """Record a proposed action without issuing it: held (暂缓) for later, or, with ``withdraw``,
    set aside for good (撤回). Either needs a reason; it has no number."""
    day_ = on or dt.date.today()
    action = _new(session, draft, day_, actor)
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
    _issue(session, action, due_on or action.due_on, ladder, on or dt.date.today(), actor)
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
    day_ = on or dt.date.today()
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
    if len(text) > MAX_TEXT or "\x00" in text:
        raise Invalid(f"答复内容不超过 {MAX_TEXT} 字，且不能包含空字符")
    _allowed(action, Verb.RESPOND)
    check_uploads(settings, uploads)
    day_ = on or dt.date.today()
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


def _new(session: Session, draft: ActionDraft, on: dt.date, actor: str) -> Action:
    kind, colour = _kind(draft.kind, draft.colour)
    plan, task, unit = _target(session, draft)
    title = draft.title.strip() or _title(kind, colour, task)
    for words, value in (
        ("标题", title),
        ("正文", draft.body),
        ("答复要求", draft.required_response),
    ):
        if "\x00" in value or len(value) > MAX_TEXT:
            raise Invalid(f"{words}不超过 {MAX_TEXT} 字，且不能包含空字符")
    action = Action(
        kind=kind, colour=colour, plan_id=plan.id, task_id=task.id if task else None,
        unit_id=unit.id, title=title[:300], body=draft.body.strip() or _body(task, draft.rule),
        required_response=draft.required_response.strip() or DEFAULT_RESPONSE,
        state=ActionState.HELD, rule=draft.rule, created_by=actor,
    )  # fmt: skip
    session.add(action)
    session.flush()
    return action


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
    _event(session, action, verb, target, on or dt.date.today(), _reason(reason, verb), actor)
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


def _kind(kind: str, colour: str | None) -> tuple[str, str | None]:
    try:
        ActionKind(kind)
    except ValueError:
        raise Invalid(
            f"督办事项类别“{kind}”无效，应为 reminder、notice、interview 或 rectification"
        ) from None
    if colour in (None, ""):
        return kind, None
    if colour not in {c.value for c in Colour}:
        raise Invalid(f"督办单颜色“{colour}”无效，应为 blue、yellow 或 red")
    if kind != ActionKind.NOTICE:
        raise Invalid("只有督办通知（notice）才分蓝、黄、红三色")
    return kind, colour


def _target(session: Session, draft: ActionDraft) -> tuple[Plan, Task | None, Unit]:
    plan, unit = session.get(Plan, draft.plan_id), session.get(Unit, draft.unit_id)
    if plan is None:
        raise Invalid(f"没有编号为 {draft.plan_id} 的方案")
    if unit is None:
        raise Invalid(f"没有编号为 {draft.unit_id} 的单位")
    if draft.task_id is None:
        return plan, None, unit
    task = session.get(Task, draft.task_id)
    if task is None or task.plan_id != plan.id:
        raise Invalid(f"方案“{plan.title}”中没有编号为 {draft.task_id} 的任务")
    part = select(Assignment.id).where(Assignment.task_id == task.id, Assignment.unit_id == unit.id)
    if session.scalars(part).first() is None:
        raise Invalid(f"{unit.name}在任务{task.number}中没有分工")
    return plan, task, unit


def _check_due(issued_on: dt.date, due_on: dt.date) -> None:
    if due_on < issued_on:
        raise Invalid(f"答复期限 {due_on.isoformat()} 早于发文日期 {issued_on.isoformat()}")


def _reason(reason: str, verb: Verb) -> str:
    text = reason.strip()
    if not text:
        raise Invalid(f"{VERB_WORDS[verb]}督办事项须写明理由")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise Invalid(f"理由不超过 {MAX_TEXT} 字，且不能包含空字符")
    return text


def _next_number(session: Session, prefix: str, year: int) -> str:
    """The next number of ``year``: one more than the highest given so far."""
    head = f"{prefix}〔{year}〕"
    taken = session.scalars(select(Action.number).where(Action.number.like(f"{head}%")))
    serials = [int(m.group(1)) for n in taken if n and (m := re.search(r"(\d+)号$", n))]
    return document_number(prefix, year, max(serials, default=0) + 1)


def _title(kind: str, colour: str | None, task: Task | None) -> str:
    what = COLOUR_LABELS[Colour(colour)] if colour else KIND_LABELS[ActionKind(kind)]
    return f"关于任务{task.number}“{task.title}”的{what}" if task else what


def _body(task: Task | None, rule: str | None) -> str:
    if task is None:
        return rule or ""
    deadline = f"（完成时限{day(task.deadline)}）" if task.deadline and not rule else ""
    found = f"经督导，{rule}。" if rule else ""
    return f"你单位承担的第{task.number}项任务“{task.title}”{deadline}，{found}请抓紧推进。"


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "state": action.state, "number": action.number, "kind": action.kind,
        "colour": action.colour, "unit_id": action.unit_id, "task_id": action.task_id,
        "issued_on": action.issued_on, "due_on": action.due_on, "version": action.version,
    }  # fmt: skip


def _label(action: Action) -> str:
    return f"{action.number or f'督办事项 #{action.id}'} {action.title}"
