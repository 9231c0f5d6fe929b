"""Where a supervision action stands on a day: its state as of then, and when it is overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.domain.actions import (
    ActionFacts,
    ActionState,
    Verb,
    document_number,
    is_overdue,
    next_state,
    overdue_reason,
    state_on,
)

D = dt.date
OPEN, ANSWERED, CLOSED = ActionState.OPEN, ActionState.ANSWERED, ActionState.CLOSED
HELD, WITHDRAWN = ActionState.HELD, ActionState.WITHDRAWN

# Issued 1 March, due 10 March; answered 15 March; reopened 20 March; closed 1 April.
LIFE = ActionFacts(
    D(2026, 3, 10),
    ((D(2026, 3, 1), OPEN), (D(2026, 3, 15), ANSWERED), (D(2026, 3, 20), OPEN),
     (D(2026, 4, 1), CLOSED)),
)  # fmt: skip


@pytest.mark.parametrize(
    ("day", "state", "overdue"),
    [
        (D(2026, 2, 28), None, False),  # not issued yet: it did not exist
        (D(2026, 3, 1), OPEN, False),  # issued that day
        (D(2026, 3, 10), OPEN, False),  # the due day itself is not overdue
        (D(2026, 3, 11), OPEN, True),  # a day past due, still awaiting the unit
        (D(2026, 3, 14), OPEN, True),
        (D(2026, 3, 15), ANSWERED, False),  # answered late: the supervisor's turn now
        (D(2026, 3, 19), ANSWERED, False),
        (D(2026, 3, 20), OPEN, True),  # reopened after the due date: overdue again
        (D(2026, 3, 31), OPEN, True),
        (D(2026, 4, 1), CLOSED, False),
        (D(2027, 1, 1), CLOSED, False),
    ],
)
def test_state_and_overdue_as_of_a_day(
    day: dt.date, state: ActionState | None, overdue: bool
) -> None:
    assert state_on(LIFE, day) == state
    assert is_overdue(LIFE, day) is overdue


@pytest.mark.parametrize(
    ("facts", "day", "overdue"),
    [
        (ActionFacts(None, ((D(2026, 3, 1), OPEN),)), D(2030, 1, 1), False),  # no due date
        (ActionFacts(D(2026, 3, 5), ((D(2026, 3, 1), HELD),)), D(2026, 3, 9), False),  # held
        (ActionFacts(D(2026, 3, 5), ((D(2026, 3, 1), OPEN), (D(2026, 3, 2), WITHDRAWN))),
         D(2026, 3, 9), False),  # withdrawn
        (ActionFacts(D(2026, 3, 5), ((D(2026, 3, 1), OPEN), (D(2026, 3, 9), WITHDRAWN))),
         D(2026, 3, 8), True),  # withdrawn later: on 8 March it was still overdue
    ],
)  # fmt: skip
def test_only_an_open_action_with_a_past_due_date_is_overdue(
    facts: ActionFacts, day: dt.date, overdue: bool
) -> None:
    assert is_overdue(facts, day) is overdue


@pytest.mark.parametrize(
    ("state", "verb", "after"),
    [
        (HELD, Verb.ISSUE, OPEN),
        (OPEN, Verb.ISSUE, None),
        (OPEN, Verb.RESPOND, ANSWERED),
        (ANSWERED, Verb.RESPOND, None),
        (CLOSED, Verb.RESPOND, None),
        (ANSWERED, Verb.CLOSE, CLOSED),
        (OPEN, Verb.CLOSE, CLOSED),
        (CLOSED, Verb.REOPEN, OPEN),
        (OPEN, Verb.REOPEN, None),
        (HELD, Verb.WITHDRAW, WITHDRAWN),
        (CLOSED, Verb.WITHDRAW, None),
        (WITHDRAWN, Verb.ISSUE, None),
    ],
)
def test_the_life_of_an_action(state: ActionState, verb: Verb, after: ActionState | None) -> None:
    assert next_state(state, verb) == after


def test_words() -> None:
    assert document_number("中卫督办", 2026, 3) == "中卫督办〔2026〕3号"
    assert (
        overdue_reason(D(2026, 3, 10), D(2026, 3, 15)) == "答复期限2026年3月10日，已逾期5天未答复"
    )
