"""Deadline extensions (延期申请) as table-driven rules over dates, and how status reads them.

The task is due 31 July 2021; the plan took effect on 1 January 2021 (quarterly, 10 grace days,
warn_days 30), as in ``test_status``.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from duban.domain.choices import ClaimedState, Role, Status
from duban.domain.extensions import (
    ExtensionFact,
    ExtensionState,
    applying,
    effective_deadline,
    grant_problem,
    request_problem,
    transition_problem,
)
from duban.domain.status import AssignmentFacts, ReportFact, Verdict, assignment_status, task_status

D = dt.date
DEADLINE = D(2021, 7, 31)
TO_SEPT = ExtensionFact(decided_on=D(2021, 7, 20), deadline=D(2021, 9, 30), seq=1)
TO_DEC = ExtensionFact(decided_on=D(2021, 9, 25), deadline=D(2021, 12, 31), seq=2)
Q1 = ReportFact(D(2021, 4, 2), ClaimedState.IN_PROGRESS, accepted_on=D(2021, 4, 6))
Q2 = ReportFact(D(2021, 7, 5), ClaimedState.IN_PROGRESS, accepted_on=D(2021, 7, 6))


class Applies(NamedTuple):
    extensions: tuple[ExtensionFact, ...]
    as_of: dt.date
    deadline: dt.date | None


SEPT, DEC, BOTH = D(2021, 9, 30), D(2021, 12, 31), (TO_DEC, TO_SEPT)
APPLIES: dict[str, Applies] = {
    "no extension: the original counts": Applies((), D(2021, 8, 1), DEADLINE),
    "the day before the decision: the original counts": Applies(
        (TO_SEPT,), D(2021, 7, 19), DEADLINE
    ),
    "the decision day itself: the extension counts": Applies((TO_SEPT,), D(2021, 7, 20), SEPT),
    "long after: the extension still counts": Applies((TO_SEPT,), D(2023, 1, 1), SEPT),
    "a second extension counts from its own decision": Applies(BOTH, D(2021, 9, 25), DEC),
    "before the second decision the first counts": Applies(BOTH, D(2021, 9, 24), SEPT),
    "same decision day: the later request (seq) counts": Applies(
        (ExtensionFact(D(2021, 7, 20), D(2021, 8, 31), 5), TO_SEPT), D(2021, 8, 1), D(2021, 8, 31)
    ),
}  # fmt: skip


@pytest.mark.parametrize("row", APPLIES.values(), ids=APPLIES.keys())
def test_which_extension_applies_as_of_a_date(row: Applies) -> None:
    assert effective_deadline(DEADLINE, row.extensions, row.as_of) == row.deadline


def test_no_extension_applies_before_any_decision() -> None:
    assert applying((TO_SEPT, TO_DEC), D(2021, 1, 1)) is None


class Ask(NamedTuple):
    deadline: dt.date | None
    requested_on: dt.date
    proposed: dt.date
    has_open: bool
    problem: str | None


ASKS: dict[str, Ask] = {
    "well before the deadline, a later date": Ask(DEADLINE, D(2021, 6, 1), SEPT, False, None),
    "on the deadline day itself": Ask(DEADLINE, DEADLINE, D(2021, 8, 1), False, None),
    "the day after the deadline": Ask(
        DEADLINE, D(2021, 8, 1), D(2021, 9, 30), False,
        "完成时限2021年7月31日已过，不能再申请延期（须在完成时限前提出）",
    ),
    "proposing the deadline itself": Ask(
        DEADLINE, D(2021, 6, 1), DEADLINE, False,
        "申请延期至2021年7月31日不晚于现行完成时限2021年7月31日，请填写更晚的日期",
    ),
    "proposing an earlier date": Ask(
        DEADLINE, D(2021, 6, 1), D(2021, 7, 1), False,
        "申请延期至2021年7月1日不晚于现行完成时限2021年7月31日，请填写更晚的日期",
    ),
    "a second open request": Ask(
        DEADLINE, D(2021, 6, 1), D(2021, 9, 30), True,
        "该分工已有一份尚未办结的延期申请，请等待审批结果或先撤回",
    ),
    "no deadline to extend": Ask(None, D(2021, 6, 1), D(2021, 9, 30), False,
                                 "该分工没有具体的完成时限，无需申请延期"),
    "after an extension, before the extended deadline": Ask(
        D(2021, 9, 30), D(2021, 9, 1), D(2021, 12, 31), False, None
    ),
}  # fmt: skip


@pytest.mark.parametrize("row", ASKS.values(), ids=ASKS.keys())
def test_when_a_request_may_be_made(row: Ask) -> None:
    problem = request_problem(row.deadline, row.requested_on, row.proposed, has_open=row.has_open)
    assert problem == row.problem


STEPS = {
    ("review", ExtensionState.REQUESTED): None,
    ("review", ExtensionState.REVIEWED): "该延期申请待审批，不能再审核",
    ("decide", ExtensionState.REQUESTED): "该延期申请尚未经督导室审核，不能审批",
    ("decide", ExtensionState.REVIEWED): None,
    ("decide", ExtensionState.APPROVED): "该延期申请已批准，不能再审批",
    ("withdraw", ExtensionState.REQUESTED): None,
    ("withdraw", ExtensionState.REVIEWED): None,
    ("withdraw", ExtensionState.REFUSED): "该延期申请未批准，不能撤回",
    ("withdraw", ExtensionState.WITHDRAWN): "该延期申请已撤回，不能撤回",
}


@pytest.mark.parametrize(("step", "problem"), STEPS.items(), ids=[f"{v}-{s}" for v, s in STEPS])
def test_the_steps_of_a_request(step: tuple[str, ExtensionState], problem: str | None) -> None:
    verb, state = step
    assert transition_problem(state, verb) == problem


def test_a_grant_must_be_later_than_the_deadline_asked_against() -> None:
    assert grant_problem(DEADLINE, D(2021, 8, 15)) is None
    assert grant_problem(DEADLINE, DEADLINE) == (
        "批准的完成时限2021年7月31日不晚于原完成时限2021年7月31日"
    )


# --- status ---------------------------------------------------------------------------------------


def facts(*reports: ReportFact, extensions: tuple[ExtensionFact, ...] = ()) -> AssignmentFacts:
    return AssignmentFacts(Role.LEAD, DEADLINE, False, D(2021, 1, 1), reports, extensions)


def done(day: dt.date) -> ReportFact:
    return ReportFact(day, ClaimedState.DONE, accepted_on=day + dt.timedelta(days=2))


class Row(NamedTuple):
    facts: AssignmentFacts
    as_of: dt.date
    status: Status
    reason: str


ROWS: dict[str, Row] = {
    "overdue without an extension": Row(
        facts(Q1, Q2), D(2021, 8, 5), Status.OVERDUE, "完成时限2021年7月31日，已逾期5天"
    ),
    "an approved extension turns overdue back to due soon": Row(
        facts(Q1, Q2, extensions=(TO_SEPT,)), D(2021, 9, 5), Status.DUE_SOON,
        "完成时限2021年7月31日（经批准延期至2021年9月30日），还剩25天",
    ),
    "before the decision the original counts (due soon on 19 July)": Row(
        facts(Q1, Q2, extensions=(TO_SEPT,)), D(2021, 7, 19), Status.DUE_SOON,
        "完成时限2021年7月31日，还剩12天",
    ),
    "from the decision on, far enough away to be on track": Row(
        facts(Q1, Q2, extensions=(TO_SEPT,)), D(2021, 7, 20), Status.ON_TRACK,
        "按期推进，最近一次报送2021年7月5日",
    ),
    "past the extended deadline: overdue counted from it": Row(
        facts(Q1, Q2, extensions=(TO_SEPT,)), D(2021, 10, 3), Status.OVERDUE,
        "完成时限2021年7月31日（经批准延期至2021年9月30日），已逾期3天",
    ),
    "done after the original, within the extension: on time": Row(
        facts(Q1, done(D(2021, 9, 1)), extensions=(TO_SEPT,)), D(2021, 9, 5), Status.DONE,
        "已于2021年9月1日报完成并通过审核，在经批准延期的完成时限2021年9月30日内（原定2021年7月31日）",
    ),
    "done after the extended deadline: late by the extension": Row(
        facts(Q1, done(D(2021, 10, 4)), extensions=(TO_SEPT,)), D(2021, 10, 8), Status.DONE_LATE,
        "已于2021年10月4日报完成并通过审核，超过完成时限2021年7月31日（经批准延期至2021年9月30日）4天",
    ),
    "done after the original, as of a day before the decision: late": Row(
        facts(Q1, done(D(2021, 8, 2)), extensions=(ExtensionFact(D(2021, 8, 10), D(2021, 9, 30)),)),
        D(2021, 8, 5), Status.DONE_LATE,
        "已于2021年8月2日报完成并通过审核，超过完成时限2021年7月31日2天",
    ),
}  # fmt: skip


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_status_reads_the_extension_in_force(row: Row) -> None:
    verdict = assignment_status(row.facts, row.as_of)
    assert (verdict.status, verdict.reason) == (row.status, row.reason)


def test_a_verdict_names_the_extended_deadline_only_once_one_applies() -> None:
    extended = facts(Q1, extensions=(TO_SEPT,))
    assert assignment_status(extended, D(2021, 7, 19)).extended_to is None
    assert assignment_status(extended, D(2021, 8, 1)).extended_to == D(2021, 9, 30)


def test_task_reason_names_the_extension_of_its_worst_lead() -> None:
    extended = assignment_status(facts(Q1, Q2, extensions=(TO_SEPT,)), D(2021, 9, 5))
    on_track = Verdict(Status.ON_TRACK, "按期推进，最近一次报送2021年7月5日")
    verdict = task_status([("中宁县", extended), ("海原县", on_track)], DEADLINE, D(2021, 9, 5))
    assert verdict.status is Status.DUE_SOON
    assert verdict.reason == (
        "完成时限2021年7月31日（经批准延期至2021年9月30日），还剩25天，"
        "2个责任单位中2个未报完成（中宁县、海原县）"
    )


def test_task_stays_overdue_while_one_lead_has_no_extension() -> None:
    day = D(2021, 8, 5)
    extended = assignment_status(facts(Q1, Q2, extensions=(TO_SEPT,)), day)
    overdue = assignment_status(facts(Q1, Q2), day)
    verdict = task_status([("中宁县", extended), ("海原县", overdue)], DEADLINE, day)
    assert verdict.status is Status.OVERDUE
    assert verdict.reason.startswith("完成时限2021年7月31日，已逾期5天")
