"""Many supervision actions in every state, made through the services like real use, for the
pages that list them a page at a time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.db import Store
from duban.domain import clock
from duban.domain.ladder import Ladder
from duban.models import Plan, Unit
from duban.services import actions
from duban.services.actions import ActionDraft
from tests.factories import SUPERVISOR

LADDER = Ladder(number_prefix="中卫督办")
STATES = ("overdue", "open", "answered", "held", "closed", "withdrawn")
"""The states ``spread_actions`` makes in turn; ``overdue`` is open and past its due date."""
UNIT_CLERK = "reporter:jyj"


def published_plan_id(store: Store) -> int:
    with store.read() as session:
        found = session.scalars(select(Plan.id).where(Plan.state == "published")).first()
        assert found is not None
        return found


def unit_id(store: Store, key: str) -> int:
    with store.read() as session:
        found = session.scalars(select(Unit.id).where(Unit.key == key)).first()
        assert found is not None, key
        return found


def spread_actions(
    store: Store, plan_id: int, count: int = 120, *, unit_key: str = "zw-edu",
    today: dt.date | None = None,
) -> dict[str, list[int]]:  # fmt: skip
    """``count`` reminders (催办) to the unit, issued 30 days before ``today`` and made in turn
    overdue (due 10 days ago), open (due in 30 days), answered, held (never issued), closed and
    withdrawn (those steps taken ``today``). Each title names its state and its place:
    ``overdue-007``. Returns the ids per state, oldest first."""
    today = today or clock.today()
    made: dict[str, list[int]] = {state: [] for state in STATES}
    target = unit_id(store, unit_key)
    with store.write() as session:
        for n in range(count):
            state = STATES[n % len(STATES)]
            late = state == "overdue"
            due = today + dt.timedelta(days=-10 if late else 30)
            draft = ActionDraft(plan_id, target, "reminder", f"{state}-{n:03d}", due_on=due)
            if state == "held":
                action = actions.hold_action(session, draft, reason="待核实", on=today,
                                             actor=SUPERVISOR)  # fmt: skip
            else:
                issued = today - dt.timedelta(days=30)
                action = actions.issue_action(session, draft, ladder=LADDER, on=issued,
                                              actor=SUPERVISOR)  # fmt: skip
                _settle(store, session, action.id, state, target, today)
            made[state].append(action.id)
    return made


def _settle(
    store: Store, session: Session, action_id: int, state: str, target: int, today: dt.date
) -> None:
    if state == "answered":
        actions.respond_action(session, store.settings, action_id, text="已整改。",
                               unit_id=target, on=today, actor=UNIT_CLERK)  # fmt: skip
    elif state == "closed":
        actions.close_action(session, action_id, on=today, actor=SUPERVISOR)
    elif state == "withdrawn":
        actions.withdraw_action(session, action_id, reason="重复发文", on=today,
                                actor=SUPERVISOR)  # fmt: skip
