"""What a new supervision action (督办事项) says, checked before anything is written: its kind
(and the colour of a notice), its target (plan, unit, and a task the unit has a part in), its
title, body and the answer required; empty texts are written for it from the task and the rule.

``new_action`` adds the action unnumbered and without events; ``services.actions`` then issues
or holds it (its first event). Bad input raises ``Invalid`` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.domain.actions import COLOUR_LABELS, KIND_LABELS, ActionKind, ActionState, Colour
from duban.domain.reasons import day
from duban.models import Action, Assignment, Plan, Task, Unit
from duban.services.errors import Invalid

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


def new_action(session: Session, draft: ActionDraft, actor: str) -> Action:
    """The action ``draft`` describes, added (held, no number, no event yet) and flushed."""
    kind, colour = _kind(draft.kind, draft.colour)
    plan, task, unit = _target(session, draft)
    title = draft.title.strip() or _title(kind, colour, task)
    for words, value in (("标题", title), ("正文", draft.body),
                         ("答复要求", draft.required_response)):  # fmt: skip
        check_text(words, value)
    action = Action(
        kind=kind, colour=colour, plan_id=plan.id, task_id=task.id if task else None,
        unit_id=unit.id, title=title[:300], body=draft.body.strip() or _body(task, draft.rule),
        required_response=draft.required_response.strip() or DEFAULT_RESPONSE,
        state=ActionState.HELD, rule=draft.rule, created_by=actor,
    )  # fmt: skip
    session.add(action)
    session.flush()
    return action


def check_text(words: str, value: str) -> None:
    """Refuse a text longer than ``MAX_TEXT`` or holding a NUL (PostgreSQL cannot store it)."""
    if len(value) > MAX_TEXT or "\x00" in value:
        raise Invalid(f"{words}不超过 {MAX_TEXT} 字，且不能包含空字符")


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


def _title(kind: str, colour: str | None, task: Task | None) -> str:
    what = COLOUR_LABELS[Colour(colour)] if colour else KIND_LABELS[ActionKind(kind)]
    return f"关于任务{task.number}“{task.title}”的{what}" if task else what


def _body(task: Task | None, rule: str | None) -> str:
    if task is None:
        return rule or ""
    deadline = f"（完成时限{day(task.deadline)}）" if task.deadline and not rule else ""
    found = f"经督导，{rule}。" if rule else ""
    return f"你单位承担的第{task.number}项任务“{task.title}”{deadline}，{found}请抓紧推进。"
