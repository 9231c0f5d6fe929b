"""The escalation ladder (三色督办单) over dates: which colour an assignment calls for, and its
configuration."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.catalogue import text
from duban.domain.actions import Colour
from duban.domain.choices import Pace, Role, Status
from duban.domain.ladder import Ladder, LadderError, LadderFacts, ladder_call, parse_ladder

D = dt.date
DEADLINE = D(2026, 6, 30)
LADDER = Ladder()


def facts(status: Status, *, pace: Pace | None = None, late_reason: bool = False,
          role: Role = Role.LEAD, deadline: dt.date | None = DEADLINE) -> LadderFacts:  # fmt: skip
    return LadderFacts(role, status, "状态引擎的理由", deadline, pace, late_reason)


@pytest.mark.parametrize(
    ("status", "day", "extra", "colour"),
    [
        (Status.ON_TRACK, D(2026, 5, 30), {}, None),  # 31 days before: not yet
        (Status.DUE_SOON, D(2026, 5, 31), {}, Colour.BLUE),  # 30 days before
        (Status.DUE_SOON, D(2026, 6, 30), {}, Colour.BLUE),  # the deadline day itself
        (Status.DONE, D(2026, 6, 20), {}, None),  # done: nothing to chase
        (Status.DONE_LATE, D(2026, 8, 1), {}, None),
        (Status.UNREPORTED, D(2026, 4, 15), {}, Colour.YELLOW),
        (Status.UNREPORTED, D(2026, 6, 15), {}, Colour.YELLOW),  # yellow beats blue
        (Status.ON_TRACK, D(2026, 1, 15), {"pace": Pace.BEHIND}, Colour.YELLOW),
        (Status.ON_TRACK, D(2026, 1, 15), {"pace": Pace.FAR_BEHIND}, Colour.YELLOW),
        (Status.ON_TRACK, D(2026, 1, 15), {"pace": Pace.ON_PACE}, None),
        (Status.ON_TRACK, D(2026, 1, 15), {"pace": Pace.NO_DATA}, None),
        (Status.OVERDUE, D(2026, 7, 1), {}, Colour.RED),  # a day late, no reason given
        (Status.OVERDUE, D(2026, 7, 1), {"late_reason": True}, None),  # justified delay
        (Status.OVERDUE, D(2026, 7, 1), {"late_reason": True, "pace": Pace.BEHIND}, Colour.YELLOW),
        (Status.OVERDUE, D(2026, 7, 1), {"role": Role.COOP}, None),  # the ladder watches leads
        (Status.UNREPORTED, D(2026, 4, 15), {"deadline": None}, Colour.YELLOW),
        (Status.ON_TRACK, D(2026, 4, 15), {"deadline": None}, None),
    ],
)
def test_the_colour_called_for_on_a_day(
    status: Status, day: dt.date, extra: dict[str, object], colour: Colour | None
) -> None:
    call = ladder_call(facts(status, **extra), day, LADDER)  # type: ignore[arg-type]
    assert (call.colour if call else None) == colour


@pytest.mark.parametrize(
    ("yaml", "status", "day", "colour"),
    [
        ("blue: {days_before_deadline: 10}", Status.DUE_SOON, D(2026, 6, 19), None),
        ("blue: {days_before_deadline: 10}", Status.DUE_SOON, D(2026, 6, 20), Colour.BLUE),
        ("red: {days_overdue: 5}", Status.OVERDUE, D(2026, 7, 5), None),  # 5 days: not yet
        ("red: {days_overdue: 5}", Status.OVERDUE, D(2026, 7, 6), Colour.RED),
        ("red: {enabled: false}", Status.OVERDUE, D(2026, 7, 6), None),
        ("yellow: {unreported: false}", Status.UNREPORTED, D(2026, 4, 15), None),
        ("roles: [lead, coop]", Status.OVERDUE, D(2026, 7, 6), Colour.RED),
    ],
)
def test_thresholds_are_configuration(
    yaml: str, status: Status, day: dt.date, colour: Colour | None
) -> None:
    ladder = parse_ladder(yaml)
    call = ladder_call(facts(status, role=Role.LEAD), day, ladder)
    assert (call.colour if call else None) == colour


def test_a_late_reason_does_not_justify_when_configured_so() -> None:
    ladder = parse_ladder("red: {late_reason_justifies: false}")
    call = ladder_call(facts(Status.OVERDUE, late_reason=True), D(2026, 7, 2), ladder)
    assert call is not None and call.colour is Colour.RED


def test_the_reason_names_the_rule_and_figures() -> None:
    blue = ladder_call(facts(Status.DUE_SOON), D(2026, 6, 20), LADDER)
    assert blue is not None and blue.rule == "完成时限2026年6月30日，还剩10天，尚未报完成"
    red = ladder_call(facts(Status.OVERDUE), D(2026, 7, 2), LADDER)
    assert red is not None and "未说明逾期原因" in red.rule


def test_the_shipped_ladder_parses_with_its_documented_values() -> None:
    ladder = parse_ladder(text("ladder.yaml"))
    assert ladder.number_prefix == "中卫督办"
    assert ladder.blue_days == 30 and ladder.red_after_days == 0
    assert ladder.colours == frozenset(Colour)
    assert dict(ladder.answer_days) == {Colour.BLUE: 15, Colour.YELLOW: 10, Colour.RED: 7}


@pytest.mark.parametrize(
    "yaml",
    ["[1, 2]", "blue: 3", "blue: {days_before_deadline: -1}", "red: {answer_days: x}",
     "roles: [boss]", "yellow: {pace: [slow]}", "blue: {days_before_deadline: true}", "a: [b"],
)  # fmt: skip
def test_a_bad_ladder_is_refused_with_the_key_named(yaml: str) -> None:
    with pytest.raises(LadderError, match="督办阶梯配置"):
        parse_ladder(yaml)
