"""Scorecards per unit and year, the score formula and the ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.domain.scorecard import (
    SCORE_FORMULA,
    AssignmentRow,
    ReportRow,
    Scorecard,
    TargetRow,
    rank,
    scorecard,
    scorecards,
)

D = dt.date
A = "中宁县"


def quarter_reports(unit: str, year: int, sent: list[dt.date | None]) -> list[ReportRow]:
    ends = [D(year, 3, 31), D(year, 6, 30), D(year, 9, 30), D(year, 12, 31)]
    return [
        ReportRow(unit, end, end + dt.timedelta(days=10), day)
        for end, day in zip(ends, sent, strict=True)
    ]


ASSIGNMENTS = [
    AssignmentRow(A, D(2021, 7, 31), D(2021, 7, 31)),  # on time: the deadline day
    AssignmentRow(A, D(2021, 7, 31), D(2021, 8, 1)),  # late
    AssignmentRow(A, D(2021, 12, 31), None),  # overdue
    AssignmentRow(A, D(2021, 12, 31), D(2022, 1, 5)),  # done in January: late
    AssignmentRow(A, D(2022, 6, 30), D(2021, 5, 1)),  # due next year: not in 2021
    AssignmentRow(A, None, None),  # ongoing without deadline: not scored for completion
    AssignmentRow("海原县", D(2021, 7, 31), None),  # another unit
]
REPORTS = quarter_reports(A, 2021, [D(2021, 4, 10), D(2021, 7, 11), None, D(2021, 12, 20)])
TARGETS = [TargetRow(A, True), TargetRow(A, False), TargetRow("海原县", True)]


def test_card_counts_assignments_reports_and_targets() -> None:
    card = scorecard(A, 2021, ASSIGNMENTS, REPORTS, TARGETS)
    assert card == Scorecard(
        unit=A,
        year=2021,
        due=4,
        done_on_time=1,
        done_late=2,
        overdue=1,
        reports_on_time=2,
        reports_late=1,
        reports_missing=1,
        targets=2,
        targets_met=1,
    )
    assert card.reports_due == 4
    assert card.completion_rate == pytest.approx(2 / 4)
    assert card.reporting_rate == pytest.approx(0.75)
    assert card.on_time_rate == pytest.approx(0.5)
    assert card.target_rate == pytest.approx(0.5)
    # 100 × (0.4 × 0.5 + 0.3 × 0.5 + 0.2 × 0.75 + 0.1 × 0.5) = 55
    assert card.score == 55.0


def test_a_card_as_of_the_year_end_leaves_january_completions_out() -> None:
    card = scorecard(A, 2021, ASSIGNMENTS, [], [], as_of=D(2022, 1, 1))
    assert (card.due, card.done_on_time, card.done_late, card.overdue) == (4, 1, 1, 2)


def test_a_q4_report_due_in_january_counts_for_the_year_its_period_ends_in() -> None:
    reports = [ReportRow(A, D(2021, 12, 31), D(2022, 1, 10), D(2022, 1, 8))]
    assert scorecard(A, 2021, [], reports, []).reports_on_time == 1
    assert scorecard(A, 2022, [], reports, []).reports_due == 0


def test_as_of_counts_only_what_is_decided() -> None:
    card = scorecard(A, 2021, ASSIGNMENTS, REPORTS, [], as_of=D(2021, 7, 31))
    # the deadline day itself: the on-time completion counts, the open ones are not yet due
    assert (card.due, card.done_on_time, card.done_late, card.overdue) == (1, 1, 0, 0)
    # Q1 and Q2 owed (Q2 due 10 July, its report came on 11 July); Q3, Q4 not yet
    assert (card.reports_on_time, card.reports_late, card.reports_missing) == (1, 1, 0)
    later = scorecard(A, 2021, ASSIGNMENTS, REPORTS, [], as_of=D(2021, 8, 1))
    assert (later.due, later.done_late) == (2, 1)


def test_parts_without_anything_to_count_are_left_out() -> None:
    only_reports = Scorecard(A, 2021, reports_on_time=3, reports_late=1)
    # (0.3 × 0.75 + 0.2 × 1) / 0.5 = 0.85
    assert only_reports.score == 85.0
    assert Scorecard(A, 2021).score is None


def test_scorecards_one_per_unit_in_order() -> None:
    cards = scorecards(2021, ASSIGNMENTS, REPORTS, TARGETS)
    assert [c.unit for c in cards] == sorted([A, "海原县"])
    assert cards[[c.unit for c in cards].index(A)] == scorecard(
        A, 2021, ASSIGNMENTS, REPORTS, TARGETS
    )


def test_rank_shares_places_between_equal_scores() -> None:
    cards = [
        Scorecard("甲", 2021, due=2, done_on_time=1, overdue=1),  # 50
        Scorecard("乙", 2021, due=1, done_on_time=1),  # 100
        Scorecard("丙", 2021, due=2, done_on_time=1, overdue=1),  # 50
        Scorecard("丁", 2021, due=4, done_on_time=1, overdue=3),  # 25
        Scorecard("戊", 2021),  # nothing to score
    ]
    ranked = [(r.rank, r.card.unit) for r in rank(cards)]
    assert ranked == [(1, "乙"), (2, "丙"), (2, "甲"), (4, "丁"), (None, "戊")]


def test_formula_is_shown_in_chinese() -> None:
    assert SCORE_FORMULA.startswith("综合得分 = 100 ×")
    for part in ("0.4×任务完成率", "0.3×按时报送率", "0.2×报送率", "0.1×目标达成率"):
        assert part in SCORE_FORMULA
