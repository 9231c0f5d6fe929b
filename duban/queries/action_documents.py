"""The document of one issued action (督办通知书) as its Word file says it, for the reader who may
see the action (``queries.actions.visible``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.domain.actions import COLOUR_LABELS, ActionKind, Colour
from duban.exchange.action_docx import ActionDocument
from duban.models import Action, Task, Unit
from duban.permissions import Actor
from duban.queries.actions import visible

DOC_HEADINGS = {
    ActionKind.REMINDER: "催办通知",
    ActionKind.NOTICE: "督办通知",
    ActionKind.INTERVIEW: "约谈通知",
    ActionKind.RECTIFICATION: "限期整改通知",
}


def action_document(session: Session, actor: Actor, action_id: int) -> ActionDocument | None:
    """The issued action as its document says it, or ``None`` when it is missing, not issued
    or not the reader's to see."""
    query = (
        select(Action, Unit.name, Task)
        .join(Unit, Unit.id == Action.unit_id)
        .outerjoin(Task, Task.id == Action.task_id)
        .where(Action.id == action_id, Action.number.is_not(None), visible(actor))
    )
    found = session.execute(query).first()
    if found is None:
        return None
    action, unit, task = found
    assert action.number is not None and action.issued_on is not None  # issued: both set
    heading = (
        COLOUR_LABELS[Colour(action.colour)] if action.colour
        else DOC_HEADINGS[ActionKind(action.kind)]
    )  # fmt: skip
    return ActionDocument(
        action.number, heading, action.title, unit, action.body, action.required_response,
        action.issued_on, action.due_on, f"{task.number}. {task.title}" if task else None,
        task.deadline if task else None, action.rule,
    )  # fmt: skip
