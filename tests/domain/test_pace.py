"""Target pace (序时进度): met, on pace, behind, far behind, no data — and the boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.domain.choices import Op, Pace
from duban.domain.pace import TargetFacts, target_pace

D = dt.date
EFFECTIVE = D(2021, 1, 1)
DEADLINE = D(2023, 1, 1)  # 730 days after EFFECTIVE
HALFWAY = D(2022, 1, 1)  # 365 days: half the goal is due


def target(
    op: Op = ">=",
    value: float = 50,
    *actuals: tuple[dt.date, float],
    period: str | None = None,
    deadline: dt.date | None = DEADLINE,
    unit: str | None = "%",
    value_max: float | None = None,
) -> TargetFacts:
    return TargetFacts(op, value, value_max, period, deadline, EFFECTIVE, tuple(actuals), unit)


@pytest.mark.parametrize(
    ("actual", "pace"),
    [
        (25, Pace.ON_PACE),  # exactly on pace
        (20, Pace.ON_PACE),  # exactly 10 points behind
        (19.995, Pace.BEHIND),  # 10.01 points behind
        (10, Pace.BEHIND),  # exactly 30 points behind
        (9.995, Pace.FAR_BEHIND),  # 30.01 points behind
        (0, Pace.FAR_BEHIND),
        (40, Pace.ON_PACE),  # ahead of pace, not yet met
        (50, Pace.MET),
        (60, Pace.MET),
    ],
)
def test_stock_pace_halfway_boundaries(actual: float, pace: Pace) -> None:
    verdict = target_pace(target(">=", 50, (D(2021, 12, 1), actual)), HALFWAY)
    assert verdict.pace is pace
    assert verdict.expected == pytest.approx(25)
    assert verdict.actual == actual


def test_thresholds_are_configurable() -> None:
    facts = target(">=", 50, (D(2021, 12, 1), 20))
    assert target_pace(facts, HALFWAY, behind=5, far_behind=9).pace is Pace.FAR_BEHIND
    assert target_pace(facts, HALFWAY, behind=15, far_behind=40).pace is Pace.ON_PACE


def test_reasons_name_target_actual_and_expected() -> None:
    on_pace = target_pace(target(">=", 50, (D(2021, 12, 1), 21)), HALFWAY)
    assert on_pace.reason == "目标≥50%，当前21%，按序时进度应达25%"
    behind = target_pace(target(">=", 50, (D(2021, 12, 1), 15)), HALFWAY)
    assert behind.reason == "目标≥50%，当前15%，按序时进度应达25%，落后序时进度20个百分点"
    assert behind.points == pytest.approx(20)
    met = target_pace(target(">=", 50, (D(2021, 12, 1), 52)), HALFWAY)
    assert met.reason == "目标≥50%，当前52%，已达成"
    no_data = target_pace(target(">=", 50), HALFWAY)
    assert no_data.reason == "目标≥50%，暂无数据，按序时进度应达25%"


def test_latest_actual_at_or_before_d_counts() -> None:
    facts = target(">=", 50, (D(2021, 6, 1), 10), (D(2021, 12, 1), 30), (D(2022, 2, 1), 55))
    assert target_pace(facts, HALFWAY).actual == 30  # the February figure is not known yet
    assert target_pace(facts, D(2022, 2, 1)).pace is Pace.MET
    assert target_pace(facts, D(2021, 5, 31)).pace is Pace.NO_DATA


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2020, 6, 1), 0),  # before the plan took effect
        (EFFECTIVE, 0),
        (HALFWAY, 25),
        (DEADLINE, 50),  # at the deadline the whole goal
        (D(2025, 1, 1), 50),  # and after it, capped
    ],
)
def test_stock_expected_is_pro_rata_and_capped(as_of: dt.date, expected: float) -> None:
    assert target_pace(target(">=", 50), as_of).expected == pytest.approx(expected)


def test_stock_without_deadline_expects_the_whole_goal() -> None:
    verdict = target_pace(target(">=", 50, (D(2021, 2, 1), 40), deadline=None), D(2021, 3, 1))
    assert (verdict.expected, verdict.pace) == (50, Pace.BEHIND)


def test_within_n_years_sets_the_horizon_without_deadline() -> None:
    facts = target(">=", 10, period="5年内", deadline=None, unit="次")
    assert target_pace(facts, D(2023, 7, 2)).expected == pytest.approx(5, abs=0.01)


def test_yearly_rate_is_judged_within_the_current_year() -> None:
    facts = target(
        ">=", 10000, (D(2021, 12, 20), 12000), (D(2022, 7, 2), 4000), period="每年", unit="人次"
    )
    assert target_pace(facts, D(2021, 12, 31)).pace is Pace.MET
    assert target_pace(facts, D(2022, 3, 1)).pace is Pace.NO_DATA  # last year's figure is old
    mid = target_pace(facts, D(2022, 7, 2))  # 182 of 364 days: half the year's goal
    assert mid.expected == pytest.approx(5000)
    assert mid.pace is Pace.ON_PACE
    assert mid.reason == "目标每年≥10000人次，当前4000人次，按序时进度应达5000人次"


def test_semester_rate_is_judged_per_half_year() -> None:
    facts = target(">=", 2, (D(2021, 5, 1), 1), period="每学期", unit="次")
    first = target_pace(facts, D(2021, 6, 30))
    assert (first.expected, first.pace) == (2, Pace.FAR_BEHIND)
    assert target_pace(facts, D(2021, 7, 1)).pace is Pace.NO_DATA


def test_rate_starts_at_the_effective_date() -> None:
    facts = TargetFacts(">=", 12, None, "每年", None, D(2021, 7, 1), ((D(2021, 6, 30), 99),))
    verdict = target_pace(facts, D(2021, 7, 1))
    assert (verdict.expected, verdict.pace) == (0, Pace.NO_DATA)  # the June figure predates it


@pytest.mark.parametrize(
    ("actual", "pace"),
    [
        (18, Pace.MET),
        (21, Pace.ON_PACE),  # expected 20: 5.6 points over
        (21.8, Pace.ON_PACE),  # exactly 10 points over
        (21.81, Pace.BEHIND),
        (25.4, Pace.BEHIND),  # exactly 30 points over
        (26, Pace.FAR_BEHIND),  # 33.3 points over
    ],
)
def test_ceiling_stock_moves_from_first_actual_to_goal(actual: float, pace: Pace) -> None:
    # 22 at the start, to be brought down to 18 by the deadline: 20 expected halfway.
    facts = target("<=", 18, (EFFECTIVE, 22), (D(2021, 12, 1), actual), unit=None)
    verdict = target_pace(facts, HALFWAY)
    assert verdict.expected == pytest.approx(20)
    assert verdict.pace is pace


def test_ceiling_reason_and_rate() -> None:
    facts = target("<=", 18, (EFFECTIVE, 22), (D(2021, 12, 1), 24), unit=None)
    assert target_pace(facts, HALFWAY).reason == (
        "目标≤18，当前24，按序时进度应不高于20，落后序时进度22.2个百分点"
    )
    rate = target("<=", 2, (D(2021, 3, 1), 3), period="每年", unit="起")
    verdict = target_pace(rate, D(2021, 3, 2))
    assert (verdict.expected, verdict.pace) == (2, Pace.FAR_BEHIND)


@pytest.mark.parametrize(
    ("actual", "pace"),
    [
        (1.0, Pace.MET),
        (0.9, Pace.MET),
        (1.1, Pace.MET),
        (0.85, Pace.BEHIND),
        (0.6, Pace.FAR_BEHIND),
    ],
)
def test_about_equal_is_met_within_ten_percent(actual: float, pace: Pace) -> None:
    facts = target("~", 1, (D(2021, 6, 1), actual), deadline=None, unit=None)
    assert target_pace(facts, D(2021, 7, 1)).pace is pace


def test_about_equal_reason_has_no_pace_to_keep() -> None:
    facts = target("~", 1, (D(2021, 6, 1), 0.8), deadline=None, unit=None)
    assert target_pace(facts, D(2021, 7, 1)).reason == "目标约1，当前0.8，偏离目标20个百分点"


def test_exact_figure_is_met_once_reached() -> None:
    facts = target("=", 2, (D(2021, 6, 1), 2), unit="个")
    assert target_pace(facts, HALFWAY).pace is Pace.MET
    more = target("=", 2, (D(2021, 6, 1), 3), unit="个")
    assert target_pace(more, HALFWAY).pace is Pace.MET
    fewer = target("=", 2, (D(2021, 6, 1), 0), unit="个")
    assert target_pace(fewer, DEADLINE).reason == (
        "目标2个，当前0个，按序时进度应达2个，落后序时进度100个百分点"
    )


def test_range_is_met_from_its_lower_bound() -> None:
    facts = target(">=", 3, (D(2021, 6, 1), 4), value_max=5, unit="名")
    verdict = target_pace(facts, HALFWAY)
    assert (verdict.pace, verdict.reason) == (Pace.MET, "目标3～5名，当前4名，已达成")


def test_zero_goal_does_not_divide_by_zero() -> None:
    facts = target("<=", 0, (D(2021, 6, 1), 1), period="每年", unit="起")
    assert target_pace(facts, D(2021, 7, 1)).pace is Pace.FAR_BEHIND


ops = st.sampled_from([">=", "<=", "=", "~"])
dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))
figures = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
periods = st.sampled_from([None, "每年", "每学期", "每月", "5年内", "三年内", "每届"])


@given(ops, figures, periods, st.none() | dates, dates, st.lists(st.tuples(dates, figures)), dates)
def test_pace_never_raises(
    op: Op,
    value: float,
    period: str | None,
    deadline: dt.date | None,
    effective: dt.date,
    actuals: list[tuple[dt.date, float]],
    as_of: dt.date,
) -> None:
    facts = TargetFacts(op, value, None, period, deadline, effective, tuple(actuals))
    verdict = target_pace(facts, as_of)
    assert verdict.reason.startswith("目标")
    assert (verdict.actual is None) == (verdict.pace is Pace.NO_DATA)
