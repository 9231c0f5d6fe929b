"""Supervision actions (督办事项): their vocabulary, their life, and where one stands on a day.

An action's life::

    held ──issue──▶ open ──respond──▶ answered ──close──▶ closed
      │               ▲                  │  ▲                │
      └──withdraw──▶ withdrawn ◀──withdraw┘  └─────reopen─────┘ (reopen: back to open)

``open`` means the target unit owes an answer. An action is **overdue** (red) on a day D when it
was open at the end of D and its due date is before D (the due day itself is not overdue, as for
deadlines). "As of" D reads only what had happened by then: the state is the one its last event
on or before D left it in; an action with no event by D did not exist yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ActionKind(StrEnum):
    REMINDER = "reminder"
    NOTICE = "notice"
    INTERVIEW = "interview"
    RECTIFICATION = "rectification"


class ActionState(StrEnum):
    HELD = "held"
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Colour(StrEnum):
    """The three colours of a supervision notice (三色督办单), mildest first."""

    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"


class Verb(StrEnum):
    ISSUE = "issue"
    HOLD = "hold"
    WITHDRAW = "withdraw"
    RESPOND = "respond"
    CLOSE = "close"
    REOPEN = "reopen"


KIND_LABELS: dict[ActionKind, str] = {
    ActionKind.REMINDER: "催办",
    ActionKind.NOTICE: "督办通知",
    ActionKind.INTERVIEW: "约谈",
    ActionKind.RECTIFICATION: "限期整改",
}
ACTION_STATE_LABELS: dict[ActionState, str] = {
    ActionState.HELD: "暂缓",
    ActionState.OPEN: "待答复",
    ActionState.ANSWERED: "已答复",
    ActionState.CLOSED: "已办结",
    ActionState.WITHDRAWN: "已撤回",
}
COLOUR_LABELS: dict[Colour, str] = {
    Colour.BLUE: "蓝色督办单",
    Colour.YELLOW: "黄色督办单",
    Colour.RED: "红色督办单",
}
SEVERITY: dict[Colour, int] = {Colour.BLUE: 1, Colour.YELLOW: 2, Colour.RED: 3}

TRANSITIONS: dict[Verb, tuple[frozenset[ActionState], ActionState]] = {
    Verb.ISSUE: (frozenset({ActionState.HELD}), ActionState.OPEN),
    Verb.HOLD: (frozenset(), ActionState.HELD),  # only a new proposal is held
    Verb.WITHDRAW: (
        frozenset({ActionState.HELD, ActionState.OPEN, ActionState.ANSWERED}),
        ActionState.WITHDRAWN,
    ),
    Verb.RESPOND: (frozenset({ActionState.OPEN}), ActionState.ANSWERED),
    Verb.CLOSE: (frozenset({ActionState.OPEN, ActionState.ANSWERED}), ActionState.CLOSED),
    Verb.REOPEN: (frozenset({ActionState.ANSWERED, ActionState.CLOSED}), ActionState.OPEN),
}
"""Verb → (states it may be applied in, state it leads to)."""

VERB_WORDS: dict[Verb, str] = {
    Verb.ISSUE: "发出",
    Verb.HOLD: "暂缓",
    Verb.WITHDRAW: "撤回",
    Verb.RESPOND: "答复",
    Verb.CLOSE: "办结",
    Verb.REOPEN: "重新打开",
}


def next_state(state: ActionState, verb: Verb) -> ActionState | None:
    """The state ``verb`` leads to from ``state``, or ``None`` when it may not be applied."""
    allowed, target = TRANSITIONS[verb]
    return target if state in allowed else None


@dataclass(frozen=True)
class ActionFacts:
    """What the overdue rule reads: the due date and the dated states (``(day, state after)`` in
    the order they happened)."""

    due_on: dt.date | None
    events: Sequence[tuple[dt.date, ActionState]]


def state_on(facts: ActionFacts, day: dt.date) -> ActionState | None:
    """The state at the end of ``day``; ``None`` when nothing had happened to it by then."""
    state = None
    for when, after in facts.events:
        if when <= day:
            state = after
    return state


def is_overdue(facts: ActionFacts, day: dt.date) -> bool:
    """Open (awaiting the unit) at the end of ``day`` and due before ``day``."""
    return (
        state_on(facts, day) is ActionState.OPEN and facts.due_on is not None and facts.due_on < day
    )


def overdue_reason(due_on: dt.date, day: dt.date) -> str:
    """The one-line Chinese reason, as the status views give it."""
    late = (day - due_on).days
    return f"答复期限{due_on.year}年{due_on.month}月{due_on.day}日，已逾期{late}天未答复"


def document_number(prefix: str, year: int, serial: int) -> str:
    """``中卫督办〔2026〕3号``: the official-document number (发文字号) of an action."""
    return f"{prefix}〔{year}〕{serial}号"
