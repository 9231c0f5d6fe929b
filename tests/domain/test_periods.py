"""Reporting periods: calendar alignment, labels, the grace days and which period is owed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.domain.choices import Cadence
from duban.domain.periods import (
    Period,
    counting_period,
    owed_period,
    parse_key,
    period_of,
    periods_between,
)

D = dt.date
Q = Cadence.QUARTERLY
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))
cadences = st.sampled_from(list(Cadence))
graces = st.integers(min_value=0, max_value=25)


@pytest.mark.parametrize(
    ("day", "cadence", "start", "end", "label", "key"),
    [
        (D(2021, 3, 15), Cadence.MONTHLY, D(2021, 3, 1), D(2021, 3, 31), "2021年3月", "2021-03"),
        (D(2024, 2, 29), Cadence.MONTHLY, D(2024, 2, 1), D(2024, 2, 29), "2024年2月", "2024-02"),
        (D(2021, 1, 1), Q, D(2021, 1, 1), D(2021, 3, 31), "2021年第1季度", "2021-Q1"),
        (D(2021, 6, 30), Q, D(2021, 4, 1), D(2021, 6, 30), "2021年第2季度", "2021-Q2"),
        (D(2021, 7, 1), Q, D(2021, 7, 1), D(2021, 9, 30), "2021年第3季度", "2021-Q3"),
        (D(2021, 12, 31), Q, D(2021, 10, 1), D(2021, 12, 31), "2021年第4季度", "2021-Q4"),
        (
            D(2021, 6, 30),
            Cadence.HALF_YEARLY,
            D(2021, 1, 1),
            D(2021, 6, 30),
            "2021年上半年",
            "2021-H1",
        ),
        (
            D(2021, 7, 1),
            Cadence.HALF_YEARLY,
            D(2021, 7, 1),
            D(2021, 12, 31),
            "2021年下半年",
            "2021-H2",
        ),
        (D(2021, 5, 5), Cadence.YEARLY, D(2021, 1, 1), D(2021, 12, 31), "2021年", "2021"),
    ],
)
def test_period_of_gives_calendar_period_with_label_and_key(
    day: dt.date, cadence: Cadence, start: dt.date, end: dt.date, label: str, key: str
) -> None:
    period = period_of(day, cadence)
    assert (period.start, period.end, period.label, period.key) == (start, end, label, key)
    assert period.cadence is cadence
    assert parse_key(key) == period


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2021, 1, 2), D(2021, 3, 31)),  # not the first of a month
        (D(2021, 1, 1), D(2021, 3, 30)),  # not the last of a month
        (D(2021, 2, 1), D(2021, 4, 30)),  # three months, but not a quarter
        (D(2021, 1, 1), D(2021, 4, 30)),  # four months
    ],
)
def test_period_rejects_ranges_that_are_no_calendar_period(start: dt.date, end: dt.date) -> None:
    with pytest.raises(ValueError):
        Period(start, end)


@pytest.mark.parametrize("key", ["2021-Q5", "2021-13", "21-Q1", "2021-H3", "Q1"])
def test_parse_key_rejects_garbage(key: str) -> None:
    with pytest.raises(ValueError):
        parse_key(key)


@pytest.mark.parametrize(
    ("submitted", "cadence", "grace", "key"),
    [
        (D(2021, 6, 30), Q, 10, "2021-Q2"),  # inside Q2
        (D(2021, 7, 5), Q, 10, "2021-Q2"),  # a Q2 report handed in on 5 July is Q2's
        (D(2021, 7, 10), Q, 10, "2021-Q2"),  # last grace day
        (D(2021, 7, 11), Q, 10, "2021-Q3"),  # the day after the grace days
        (D(2021, 4, 1), Q, 10, "2021-Q1"),
        (D(2022, 1, 10), Q, 10, "2021-Q4"),  # across the year end
        (D(2022, 1, 11), Q, 10, "2022-Q1"),
        (D(2021, 7, 1), Q, 0, "2021-Q3"),  # no grace days
        (D(2021, 3, 5), Cadence.MONTHLY, 5, "2021-02"),
        (D(2021, 3, 6), Cadence.MONTHLY, 5, "2021-03"),
        (D(2022, 1, 10), Cadence.YEARLY, 10, "2021"),
    ],
)
def test_report_counts_for_period_submitted_in_except_within_grace_days(
    submitted: dt.date, cadence: Cadence, grace: int, key: str
) -> None:
    assert counting_period(submitted, cadence, grace).key == key


@pytest.mark.parametrize(
    ("as_of", "effective", "cadence", "grace", "key"),
    [
        (D(2021, 4, 10), D(2021, 1, 1), Q, 10, None),  # Q1's last grace day: not yet owed
        (D(2021, 4, 11), D(2021, 1, 1), Q, 10, "2021-Q1"),  # end + grace + 1
        (D(2021, 7, 10), D(2021, 1, 1), Q, 10, "2021-Q1"),
        (D(2021, 7, 11), D(2021, 1, 1), Q, 10, "2021-Q2"),
        (D(2022, 1, 11), D(2021, 1, 1), Q, 10, "2021-Q4"),
        (D(2021, 7, 11), D(2021, 5, 15), Q, 10, "2021-Q2"),  # the period holding the effective day
        (D(2021, 7, 11), D(2021, 7, 1), Q, 10, None),  # before the plan took effect
        (D(2021, 4, 1), D(2021, 1, 1), Q, 0, "2021-Q1"),
        (D(2021, 3, 31), D(2021, 1, 1), Q, 0, None),
        (D(2021, 3, 6), D(2021, 1, 1), Cadence.MONTHLY, 5, "2021-02"),
        (D(2020, 1, 1), D(2021, 1, 1), Q, 10, None),  # long before
    ],
)
def test_period_is_owed_once_its_end_plus_grace_days_has_passed(
    as_of: dt.date, effective: dt.date, cadence: Cadence, grace: int, key: str | None
) -> None:
    owed = owed_period(as_of, effective, cadence, grace)
    assert (owed.key if owed else None) == key


def test_periods_between_covers_the_range_in_order() -> None:
    keys = [p.key for p in periods_between(D(2021, 2, 15), D(2021, 10, 1), Q)]
    assert keys == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
    assert periods_between(D(2021, 5, 1), D(2021, 4, 1), Q) == []


def test_due_on_next_and_previous() -> None:
    q2 = parse_key("2021-Q2")
    assert q2.due_on(10) == D(2021, 7, 10)
    assert q2.next().key == "2021-Q3"
    assert q2.previous().key == "2021-Q1"
    assert parse_key("2021-Q1").previous().key == "2020-Q4"


@given(days, cadences)
def test_period_of_holds_the_day(day: dt.date, cadence: Cadence) -> None:
    period = period_of(day, cadence)
    assert period.start <= day <= period.end
    assert parse_key(period.key) == period
    assert period.next().start == period.end + dt.timedelta(days=1)


@given(days, cadences, graces)
def test_counting_period_is_current_or_previous(day: dt.date, cadence: Cadence, grace: int) -> None:
    period = counting_period(day, cadence, grace)
    current = period_of(day, cadence)
    assert period in (current, current.previous())
    assert day <= period.due_on(grace)


@given(days, days, cadences, graces)
def test_owed_period_is_the_latest_closed_one(
    as_of: dt.date, effective: dt.date, cadence: Cadence, grace: int
) -> None:
    owed = owed_period(as_of, effective, cadence, grace)
    first = period_of(effective, cadence)
    if owed is None:
        assert first.due_on(grace) >= as_of
    else:
        assert owed >= first
        assert owed.due_on(grace) < as_of <= owed.next().due_on(grace)
