"""The status rules of design.md, one table row per rule and per boundary.

The plan took effect on 1 January 2021 and reports quarterly with 10 grace days; warn_days is 30.
The task is due 31 July 2021 (``2021年7月前完成``) unless a row says otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duban.domain.choices import DONE_STATUSES, SEVERITY, Cadence, ClaimedState, Role, Status
from duban.domain.status import (
    AssignmentFacts,
    ReportFact,
    Rules,
    Verdict,
    assignment_status,
    task_status,
)

D = dt.date
DONE, PROGRESS = ClaimedState.DONE, ClaimedState.IN_PROGRESS
EFFECTIVE = D(2021, 1, 1)
DEADLINE = D(2021, 7, 31)
Q1_REPORT = ReportFact(D(2021, 4, 2), PROGRESS, accepted_on=D(2021, 4, 6))


def facts(
    *reports: ReportFact,
    deadline: dt.date | None = DEADLINE,
    ongoing: bool = False,
    effective: dt.date = EFFECTIVE,
    role: Role = Role.LEAD,
) -> AssignmentFacts:
    return AssignmentFacts(role, deadline, ongoing, effective, tuple(reports))


def done_report(submitted: dt.date, accepted: dt.date | None = None) -> ReportFact:
    return ReportFact(submitted, DONE, accepted_on=accepted or submitted + dt.timedelta(days=2))


class Row(NamedTuple):
    facts: AssignmentFacts
    as_of: dt.date
    status: Status
    reason: str
    rules: Rules = Rules()


ROWS: dict[str, Row] = {
    # --- done / done late
    "done: latest accepted report claims done": Row(
        facts(Q1_REPORT, done_report(D(2021, 6, 20))),
        D(2021, 7, 1),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
    "done: reported on the deadline day itself is on time": Row(
        facts(Q1_REPORT, done_report(D(2021, 7, 31))),
        D(2021, 8, 3),
        Status.DONE,
        "已于2021年7月31日报完成并通过审核",
    ),
    "done late: reported the day after the deadline": Row(
        facts(Q1_REPORT, done_report(D(2021, 8, 1))),
        D(2021, 8, 5),
        Status.DONE_LATE,
        "已于2021年8月1日报完成并通过审核，超过完成时限2021年7月31日1天",
    ),
    "done: stays done long after, when not ongoing": Row(
        facts(done_report(D(2021, 6, 20))),
        D(2023, 1, 1),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
    "done: without a deadline is never late": Row(
        facts(done_report(D(2025, 6, 20)), deadline=None),
        D(2025, 7, 1),
        Status.DONE,
        "已于2025年6月20日报完成并通过审核",
    ),
    "not done: done claim not yet accepted is still due soon": Row(
        facts(Q1_REPORT, ReportFact(D(2021, 7, 20), DONE)),
        D(2021, 7, 25),
        Status.DUE_SOON,
        "完成时限2021年7月31日，还剩6天",
    ),
    "not done: acceptance after D has not happened": Row(
        facts(Q1_REPORT, done_report(D(2021, 7, 20), accepted=D(2021, 8, 2))),
        D(2021, 8, 1),
        Status.OVERDUE,
        "完成时限2021年7月31日，已逾期1天",
    ),
    "done: on the day of acceptance": Row(
        facts(Q1_REPORT, done_report(D(2021, 7, 20), accepted=D(2021, 8, 2))),
        D(2021, 8, 2),
        Status.DONE,
        "已于2021年7月20日报完成并通过审核",
    ),
    "not done: a later accepted report no longer claims done": Row(
        facts(done_report(D(2021, 6, 20)), ReportFact(D(2021, 7, 5), PROGRESS, D(2021, 7, 6))),
        D(2021, 7, 7),
        Status.DUE_SOON,
        "完成时限2021年7月31日，还剩24天",
    ),
    "not done: same-day reports are ordered by seq": Row(
        facts(
            Q1_REPORT,
            ReportFact(D(2021, 6, 20), DONE, D(2021, 6, 21), seq=2),
            ReportFact(D(2021, 6, 20), PROGRESS, D(2021, 6, 21), seq=3),
        ),
        D(2021, 6, 25),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年6月20日",
    ),
    "done: same-day reports, the done one has the higher seq": Row(
        facts(
            ReportFact(D(2021, 6, 20), DONE, D(2021, 6, 21), seq=3),
            ReportFact(D(2021, 6, 20), PROGRESS, D(2021, 6, 21), seq=2),
        ),
        D(2021, 6, 25),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
    "time travel: a done report submitted after D does not exist": Row(
        facts(Q1_REPORT, done_report(D(2021, 6, 20), accepted=D(2021, 6, 20))),
        D(2021, 6, 19),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年4月2日",
    ),
    # --- overdue: the deadline day itself and the day after
    "due soon: on the deadline day itself": Row(
        facts(Q1_REPORT), D(2021, 7, 31), Status.DUE_SOON, "完成时限2021年7月31日，今日到期"
    ),
    "overdue: the day after the deadline": Row(
        facts(Q1_REPORT), D(2021, 8, 1), Status.OVERDUE, "完成时限2021年7月31日，已逾期1天"
    ),
    "overdue: beats unreported": Row(
        facts(), D(2021, 8, 5), Status.OVERDUE, "完成时限2021年7月31日，已逾期5天"
    ),
    "overdue: coop assignments follow the same rules": Row(
        facts(role=Role.COOP), D(2021, 8, 5), Status.OVERDUE, "完成时限2021年7月31日，已逾期5天"
    ),
    # --- due soon: warn-window edges
    "due soon: deadline is D + 30": Row(
        facts(Q1_REPORT), D(2021, 7, 1), Status.DUE_SOON, "完成时限2021年7月31日，还剩30天"
    ),
    "on track: deadline is D + 31": Row(
        facts(Q1_REPORT), D(2021, 6, 30), Status.ON_TRACK, "按期推进，最近一次报送2021年4月2日"
    ),
    "due soon: beats unreported (Q2 owed, none sent)": Row(
        facts(Q1_REPORT), D(2021, 7, 12), Status.DUE_SOON, "完成时限2021年7月31日，还剩19天"
    ),
    "due soon: a custom warning window of 7 days, edge": Row(
        facts(Q1_REPORT),
        D(2021, 7, 24),
        Status.DUE_SOON,
        "完成时限2021年7月31日，还剩7天",
        Rules(7),
    ),
    "unreported: a custom warning window of 7 days, one day before": Row(
        facts(Q1_REPORT),
        D(2021, 7, 23),
        Status.UNREPORTED,
        "2021年第2季度进展未报送（应于2021年7月10日前报送）",
        Rules(7),
    ),
    # --- unreported: quarter ends and grace days
    "on track: Q1 is not owed on its last grace day": Row(
        facts(deadline=D(2022, 12, 31)),
        D(2021, 4, 10),
        Status.ON_TRACK,
        "按期推进，首次进展（2021年第1季度）应于2021年4月10日前报送",
    ),
    "unreported: Q1 owed on end + grace + 1": Row(
        facts(deadline=D(2022, 12, 31)),
        D(2021, 4, 11),
        Status.UNREPORTED,
        "2021年第1季度进展未报送（应于2021年4月10日前报送）",
    ),
    "on track: a report on 10 July counts for Q2": Row(
        facts(Q1_REPORT, ReportFact(D(2021, 7, 10), PROGRESS), deadline=D(2022, 12, 31)),
        D(2021, 7, 11),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年7月10日",
    ),
    "unreported: a report on 11 July counts for Q3, not Q2": Row(
        facts(Q1_REPORT, ReportFact(D(2021, 7, 11), PROGRESS), deadline=D(2022, 12, 31)),
        D(2021, 7, 11),
        Status.UNREPORTED,
        "2021年第2季度进展未报送（应于2021年7月10日前报送）",
    ),
    "on track: the 11 July report covers Q3 when Q3 is owed": Row(
        facts(ReportFact(D(2021, 7, 11), PROGRESS), deadline=D(2022, 12, 31)),
        D(2021, 10, 11),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年7月11日",
    ),
    "on track: a report need not be accepted to count": Row(
        facts(ReportFact(D(2021, 6, 30), PROGRESS), deadline=D(2022, 12, 31)),
        D(2021, 7, 11),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年6月30日",
    ),
    "unreported: only the latest owed period matters": Row(
        facts(Q1_REPORT, deadline=D(2022, 12, 31)),
        D(2021, 10, 11),
        Status.UNREPORTED,
        "2021年第3季度进展未报送（应于2021年10月10日前报送）",
    ),
    "unreported: across the year end, Q4 owed on 11 January": Row(
        facts(ReportFact(D(2021, 10, 5), PROGRESS), deadline=D(2022, 12, 31)),
        D(2022, 1, 11),
        Status.UNREPORTED,
        "2021年第4季度进展未报送（应于2022年1月10日前报送）",
    ),
    "unreported: a returned report does not count": Row(
        facts(
            Q1_REPORT,
            ReportFact(D(2021, 7, 5), PROGRESS, returned_on=D(2021, 7, 8)),
            deadline=D(2022, 12, 31),
        ),
        D(2021, 7, 11),
        Status.UNREPORTED,
        "2021年第2季度进展未报送（应于2021年7月10日前报送）",
    ),
    "on track: a return after D has not happened": Row(
        facts(
            Q1_REPORT,
            ReportFact(D(2021, 7, 5), PROGRESS, returned_on=D(2021, 7, 15)),
            deadline=D(2022, 12, 31),
        ),
        D(2021, 7, 11),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年7月5日",
    ),
    "unreported: time travel, a report submitted after D does not exist": Row(
        facts(Q1_REPORT, ReportFact(D(2021, 7, 9), PROGRESS), deadline=D(2022, 12, 31)),
        D(2021, 7, 8),
        Status.ON_TRACK,
        "按期推进，最近一次报送2021年4月2日",
    ),
    "on track: the first period is the one holding the effective date": Row(
        facts(deadline=D(2022, 12, 31), effective=D(2021, 7, 1)),
        D(2021, 7, 11),
        Status.ON_TRACK,
        "按期推进，首次进展（2021年第3季度）应于2021年10月10日前报送",
    ),
    "unreported: effective mid-quarter, that quarter is owed": Row(
        facts(deadline=D(2022, 12, 31), effective=D(2021, 5, 15)),
        D(2021, 7, 11),
        Status.UNREPORTED,
        "2021年第2季度进展未报送（应于2021年7月10日前报送）",
    ),
    "unreported: monthly cadence with 5 grace days": Row(
        facts(ReportFact(D(2021, 3, 6), PROGRESS), deadline=D(2022, 12, 31)),
        D(2021, 3, 6),
        Status.UNREPORTED,
        "2021年2月进展未报送（应于2021年3月5日前报送）",
        Rules(cadence=Cadence.MONTHLY, grace_days=5),
    ),
    "on track: no deadline is never overdue": Row(
        facts(ReportFact(D(2030, 1, 5), PROGRESS), deadline=None),
        D(2030, 1, 11),
        Status.ON_TRACK,
        "按期推进，最近一次报送2030年1月5日",
    ),
    # --- ongoing (长期坚持) after completion
    "ongoing done: the completion report covers its own quarter": Row(
        facts(Q1_REPORT, done_report(D(2021, 6, 20)), ongoing=True),
        D(2021, 7, 11),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
    "ongoing done: next quarter not yet owed on its last grace day": Row(
        facts(Q1_REPORT, done_report(D(2021, 6, 20)), ongoing=True),
        D(2021, 10, 10),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
    "ongoing done: a period after completion closes without a report": Row(
        facts(Q1_REPORT, done_report(D(2021, 6, 20)), ongoing=True),
        D(2021, 10, 11),
        Status.UNREPORTED,
        "长期坚持任务，已于2021年6月20日报完成，2021年第3季度进展未报送（应于2021年10月10日前报送）",
    ),
    "ongoing done: reported after completion stays done": Row(
        facts(done_report(D(2021, 6, 20)), ReportFact(D(2021, 9, 30), DONE), ongoing=True),
        D(2021, 10, 11),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
    "ongoing done late: a missing period after completion": Row(
        facts(done_report(D(2021, 8, 20)), ongoing=True),
        D(2022, 1, 11),
        Status.UNREPORTED,
        "长期坚持任务，已于2021年8月20日报完成，2021年第4季度进展未报送（应于2022年1月10日前报送）",
    ),
    "ongoing done: a missing period before completion is forgiven": Row(
        facts(done_report(D(2021, 7, 20)), ongoing=True),
        D(2021, 7, 25),
        Status.DONE,
        "已于2021年7月20日报完成并通过审核",
    ),
    "not ongoing done: later missing periods do not matter": Row(
        facts(Q1_REPORT, done_report(D(2021, 6, 20))),
        D(2021, 10, 11),
        Status.DONE,
        "已于2021年6月20日报完成并通过审核",
    ),
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_assignment_status_rules(row: Row) -> None:
    verdict = assignment_status(row.facts, row.as_of, row.rules)
    assert (verdict.status, verdict.reason) == (row.status, row.reason)


def test_done_verdicts_carry_the_completion_day() -> None:
    late = facts(done_report(D(2021, 8, 20)), ongoing=True)
    assert assignment_status(late, D(2021, 9, 1)).done_on == D(2021, 8, 20)
    assert assignment_status(late, D(2022, 1, 11)).done_on == D(2021, 8, 20)  # shown unreported
    assert assignment_status(facts(), D(2021, 9, 1)).done_on is None


# --- tasks ----------------------------------------------------------------------------------------

UNITS = ("沙坡头区", "中宁县", "海原县", "市教育局")
AS_OF = D(2021, 8, 5)


def leads(*verdicts: Verdict) -> list[tuple[str, Verdict]]:
    return list(zip(UNITS, verdicts, strict=False))


def done_v(day: int) -> Verdict:
    return Verdict(Status.DONE, "…", D(2021, 7, day))


def test_task_done_late_when_one_of_four_leads_is_late() -> None:
    late = Verdict(Status.DONE_LATE, "…", D(2021, 8, 2))
    verdict = task_status(leads(done_v(1), done_v(2), late, done_v(3)), DEADLINE, AS_OF)
    assert verdict.status is Status.DONE_LATE
    assert verdict.reason == "4个责任单位均已报完成并通过审核，其中1个逾期完成（海原县）"
    assert verdict.done_on == D(2021, 8, 2)


def test_task_done_when_all_four_leads_are_done() -> None:
    verdict = task_status(leads(done_v(1), done_v(9), done_v(2), done_v(3)), DEADLINE, AS_OF)
    assert verdict == Verdict(
        Status.DONE, "4个责任单位均已报完成并通过审核，最后一个于2021年7月9日", D(2021, 7, 9)
    )


def test_task_overdue_names_the_deadline_and_the_leads_not_done() -> None:
    overdue = Verdict(Status.OVERDUE, "完成时限2021年7月31日，已逾期5天")
    verdict = task_status(leads(done_v(1), overdue, overdue, done_v(3)), DEADLINE, AS_OF)
    assert verdict.status is Status.OVERDUE
    assert (
        verdict.reason
        == "完成时限2021年7月31日，已逾期5天，4个责任单位中2个未报完成（中宁县、海原县）"
    )
    assert verdict.done_on is None


def test_task_overdue_when_one_of_four_leads_is_overdue_from_real_facts() -> None:
    on_time = facts(Q1_REPORT, done_report(D(2021, 7, 1)))
    all_facts = [on_time, on_time, facts(Q1_REPORT), on_time]
    verdicts = [assignment_status(f, AS_OF) for f in all_facts]
    verdict = task_status(leads(*verdicts), DEADLINE, AS_OF)
    assert verdict.status is Status.OVERDUE
    assert verdict.reason == "完成时限2021年7月31日，已逾期5天，4个责任单位中1个未报完成（海原县）"


def test_task_unreported_and_on_track_reasons() -> None:
    unreported = Verdict(Status.UNREPORTED, "2021年第2季度进展未报送（应于2021年7月10日前报送）")
    on_track = Verdict(Status.ON_TRACK, "按期推进，最近一次报送2021年7月3日")
    task = task_status(leads(on_track, unreported, done_v(1)), D(2022, 12, 31), AS_OF)
    assert task.status is Status.UNREPORTED
    assert task.reason == (
        "2021年第2季度进展未报送（应于2021年7月10日前报送），3个责任单位中1个未报送（中宁县）"
    )
    task = task_status(leads(on_track, done_v(1)), D(2022, 12, 31), AS_OF)
    assert task == Verdict(Status.ON_TRACK, "2个责任单位均按期推进，其中1个已报完成（中宁县）")


def test_task_due_soon_uses_the_task_deadline() -> None:
    soon = Verdict(Status.DUE_SOON, "完成时限2021年8月20日，还剩15天")
    task = task_status(leads(soon, done_v(1)), D(2021, 8, 20), AS_OF)
    assert task.reason == "完成时限2021年8月20日，还剩15天，2个责任单位中1个未报完成（沙坡头区）"


def test_task_with_one_lead_takes_its_verdict() -> None:
    lead = Verdict(Status.ON_TRACK, "按期推进，最近一次报送2021年7月3日")
    assert task_status(leads(lead), DEADLINE, AS_OF) == lead
    overdue = Verdict(Status.OVERDUE, "完成时限2021年7月31日，已逾期5天")
    assert task_status(leads(overdue), DEADLINE, AS_OF) == overdue


def test_task_names_at_most_three_units() -> None:
    overdue = Verdict(Status.OVERDUE, "")
    task = task_status(leads(overdue, overdue, overdue, overdue), DEADLINE, AS_OF)
    assert task.reason.endswith("4个责任单位中4个未报完成（沙坡头区、中宁县、海原县等）")


def test_task_without_leads_is_on_track() -> None:
    assert task_status([], DEADLINE, AS_OF) == Verdict(Status.ON_TRACK, "尚无责任单位")


# --- properties -----------------------------------------------------------------------------------

dates = st.dates(min_value=D(2019, 1, 1), max_value=D(2024, 12, 31))
maybe_dates = st.none() | dates
reports = st.builds(
    ReportFact,
    submitted_on=dates,
    claimed=st.sampled_from(list(ClaimedState)),
    accepted_on=maybe_dates,
    returned_on=maybe_dates,
    seq=st.integers(0, 5),
)
all_facts = st.builds(
    AssignmentFacts,
    role=st.sampled_from(list(Role)),
    deadline=maybe_dates,
    ongoing=st.booleans(),
    effective=dates,
    reports=st.lists(reports, max_size=6).map(tuple),
)
all_rules = st.builds(
    Rules,
    warn_days=st.integers(0, 60),
    cadence=st.sampled_from(list(Cadence)),
    grace_days=st.integers(0, 20),
)


def as_known_at(f: AssignmentFacts, day: dt.date) -> AssignmentFacts:
    """The facts as they stood at ``day``: later reports, acceptances and returns removed."""
    kept = tuple(
        replace(
            r,
            accepted_on=r.accepted_on if r.accepted_on and r.accepted_on <= day else None,
            returned_on=r.returned_on if r.returned_on and r.returned_on <= day else None,
        )
        for r in f.reports
        if r.submitted_on <= day
    )
    return replace(f, reports=kept)


@settings(max_examples=300)
@given(all_facts, dates, all_rules)
def test_status_never_raises_and_always_explains(
    f: AssignmentFacts, day: dt.date, r: Rules
) -> None:
    verdict = assignment_status(f, day, r)
    assert verdict.reason
    assert (verdict.done_on is not None) >= (verdict.status in DONE_STATUSES)


@settings(max_examples=300)
@given(all_facts, dates, all_rules)
def test_time_travel_only_facts_known_at_d_matter(
    f: AssignmentFacts, day: dt.date, r: Rules
) -> None:
    assert assignment_status(f, day, r) == assignment_status(as_known_at(f, day), day, r)


@given(all_facts, dates, dates, all_rules)
def test_later_facts_never_change_the_past(
    f: AssignmentFacts, day: dt.date, later: dt.date, r: Rules
) -> None:
    future = ReportFact(day + dt.timedelta(days=1), ClaimedState.DONE, later, later)
    grown = replace(f, reports=(*f.reports, future))
    assert assignment_status(grown, day, r) == assignment_status(f, day, r)


@given(st.lists(dates, min_size=1, max_size=4), dates, dates, all_rules)
def test_done_stays_done_when_not_ongoing(
    submissions: list[dt.date], first: dt.date, second: dt.date, r: Rules
) -> None:
    f = facts(*(done_report(s) for s in submissions), deadline=D(2021, 7, 31))
    early, late = sorted((first, second))
    if assignment_status(f, early, r).status in DONE_STATUSES:
        assert assignment_status(f, late, r).status in DONE_STATUSES


verdicts = st.builds(
    Verdict, status=st.sampled_from(list(Status)), reason=st.just("…"), done_on=maybe_dates
)


@given(st.lists(st.tuples(st.sampled_from(UNITS), verdicts), min_size=1, max_size=5), dates)
def test_task_is_its_most_severe_lead_and_done_only_when_all_are(
    lead_verdicts: list[tuple[str, Verdict]], day: dt.date
) -> None:
    task = task_status(lead_verdicts, DEADLINE, day)
    statuses = [v.status for _, v in lead_verdicts]
    assert SEVERITY[task.status] == max(SEVERITY[s] for s in statuses)
    assert (task.status in DONE_STATUSES) == all(s in DONE_STATUSES for s in statuses)
    assert task.reason


def test_later_still_done_reports_do_not_make_an_ongoing_completion_late() -> None:
    history = facts(
        done_report(D(2021, 6, 20)),  # done in time for the 2021-07-31 deadline
        done_report(D(2021, 10, 5)),  # and reported as still done every quarter after it
        done_report(D(2022, 1, 6)),
        ongoing=True,
    )
    verdict = assignment_status(history, D(2022, 1, 20))
    assert (verdict.status, verdict.done_on) == (Status.DONE, D(2021, 6, 20))


def test_a_done_claim_after_a_reopened_one_dates_the_completion_anew() -> None:
    history = facts(
        done_report(D(2021, 6, 20)),
        ReportFact(D(2021, 7, 5), PROGRESS, accepted_on=D(2021, 7, 6)),  # reopened
        done_report(D(2021, 9, 2)),
    )
    verdict = assignment_status(history, D(2021, 10, 1))
    assert (verdict.status, verdict.done_on) == (Status.DONE_LATE, D(2021, 9, 2))
