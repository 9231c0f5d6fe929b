"""Parsing time limits (完成时限) into the last day of the named period."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.plandoc.deadlines import parse_deadline
from tests.conftest import GOLD
from tests.plandoc.test_units import sample_fields

D = dt.date


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("2021年7月前", D(2021, 7, 31)),
        ("2023年6月底前", D(2023, 6, 30)),
        ("2023年6月", D(2023, 6, 30)),
        ("2024年2月底前", D(2024, 2, 29)),
        ("2021年底", D(2021, 12, 31)),
        ("2021年年底前", D(2021, 12, 31)),
        ("2021年末", D(2021, 12, 31)),
        ("2021年内", D(2021, 12, 31)),
        ("2022年12月31日前", D(2022, 12, 31)),
        ("2022年3月15号前", D(2022, 3, 15)),
        ("2021 年 6 月前", D(2021, 6, 30)),
        ("２０２１年７月", D(2021, 7, 31)),
        ("2021年上半年", D(2021, 6, 30)),
        ("2021年下半年", D(2021, 12, 31)),
        ("2021年第三季度", D(2021, 9, 30)),
        ("2022年一季度末", D(2022, 3, 31)),
        ("2021年", D(2021, 12, 31)),
        ("2021—2023年", D(2023, 12, 31)),
        ("2021-2023年", D(2023, 12, 31)),
        ("2021年至2023年", D(2023, 12, 31)),
        ("二〇二一年十月", D(2021, 10, 31)),
        ("二〇二二年十二月三十一日前", D(2022, 12, 31)),
        ("2021.7", D(2021, 7, 31)),
        ("2021.07.31", D(2021, 7, 31)),
        ("2021/7/31", D(2021, 7, 31)),
        ("2021-07-31", D(2021, 7, 31)),
        ("2021年12月上旬", D(2021, 12, 10)),
        ("2021年12月下旬", D(2021, 12, 31)),
        ("“十四五”期间", D(2025, 12, 31)),
    ],
)
def test_date_is_the_last_day_of_the_named_period(phrase: str, date: dt.date) -> None:
    parsed = parse_deadline(phrase)
    assert parsed.date == date
    assert parsed.phrase == phrase.strip()


@pytest.mark.parametrize(
    "phrase",
    ["长期坚持", "持续推进", "长期", "常态化推进", "持续开展", "定期开展", "逐年推进"],
)
def test_continuing_work_has_no_date_and_is_ongoing(phrase: str) -> None:
    parsed = parse_deadline(phrase)
    assert (parsed.date, parsed.ongoing, parsed.recurring) == (None, True, None)


def test_date_followed_by_continuing_work_is_ongoing() -> None:
    parsed = parse_deadline("2023年6月完成并长期坚持")
    assert (parsed.date, parsed.ongoing) == (D(2023, 6, 30), True)


def test_plain_date_is_not_ongoing() -> None:
    assert parse_deadline("2021年12月底前").ongoing is False


@pytest.mark.parametrize(
    ("phrase", "recurring"),
    [
        ("2021年起每年", "每年"),
        ("每年12月底前", "每年"),
        ("每季度", "每季度"),
        ("每季末", "每季度"),
    ],
)
def test_recurring_date_is_no_deadline(phrase: str, recurring: str) -> None:
    parsed = parse_deadline(phrase)
    assert (parsed.date, parsed.ongoing, parsed.recurring) == (None, True, recurring)


def test_recurring_work_after_a_first_deadline_keeps_that_deadline() -> None:
    parsed = parse_deadline("2021年底前建立，此后每年更新")
    assert (parsed.date, parsed.ongoing, parsed.recurring) == (D(2021, 12, 31), True, "每年")


def test_year_marked_as_start_is_no_deadline() -> None:
    assert parse_deadline("自2022年起实施").date is None


@pytest.mark.parametrize(
    ("phrase", "date", "milestones"),
    [
        ("2021年底前出台，2022年底前全面完成", D(2022, 12, 31), (D(2021, 12, 31),)),
        ("2022年底前全面完成（2021年6月前出台方案）", D(2022, 12, 31), (D(2021, 6, 30),)),
        ("2021年6月底前出台，12月底前完成", D(2021, 12, 31), (D(2021, 6, 30),)),
        ("2021年10月启动，3月底前完成", D(2022, 3, 31), (D(2021, 10, 31),)),
        ("2021年底前", D(2021, 12, 31), ()),
    ],
)
def test_latest_date_is_the_deadline_and_earlier_ones_are_milestones(
    phrase: str, date: dt.date, milestones: tuple[dt.date, ...]
) -> None:
    parsed = parse_deadline(phrase)
    assert (parsed.date, parsed.milestones) == (date, milestones)


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("年内", D(2024, 12, 31)),
        ("年底前", D(2024, 12, 31)),
        ("6月底前", D(2024, 6, 30)),
        ("三季度", D(2024, 9, 30)),
        ("下半年", D(2024, 12, 31)),
    ],
)
def test_relative_forms_need_a_default_year(phrase: str, date: dt.date) -> None:
    assert parse_deadline(phrase).date is None
    assert parse_deadline(phrase).phrase == phrase
    assert parse_deadline(phrase, default_year=2024).date == date


def test_written_year_wins_over_default_year() -> None:
    assert parse_deadline("2021年6月", default_year=2024).date == D(2021, 6, 30)


@pytest.mark.parametrize(
    "phrase",
    ["根据工作需要", "", "按上级要求", "2021年13月", "9999年", "2021年2月0日", "第30页"],
)
def test_unparseable_phrase_gives_no_date_and_keeps_the_phrase(phrase: str) -> None:
    parsed = parse_deadline(phrase)
    assert (parsed.date, parsed.ongoing, parsed.phrase) == (None, False, phrase)


def test_impossible_day_is_read_as_the_month_end() -> None:
    assert parse_deadline("2021年2月30日前").date == D(2021, 2, 28)


# --- the sample plan ------------------------------------------------------------------------------

GOLD_TASKS: dict[str, dict[str, Any]] = {
    t["number"]: t for t in json.loads(GOLD.read_text(encoding="utf-8"))["tasks"]
}
NUMBERS = sorted(GOLD_TASKS, key=int)
DEADLINES = sample_fields("完成时限")


def test_sample_has_a_time_limit_for_every_task() -> None:
    assert sorted(DEADLINES, key=int) == NUMBERS


@pytest.mark.parametrize("number", NUMBERS)
def test_sample_deadlines_match_gold(number: str) -> None:
    parsed = parse_deadline(DEADLINES[number][0])
    found = (parsed.date.isoformat() if parsed.date else None, parsed.ongoing)
    assert found == (GOLD_TASKS[number]["deadline"], GOLD_TASKS[number]["ongoing"])


# --- robustness -----------------------------------------------------------------------------------

_DATEISH = st.text(
    alphabet="0123456789年月日底前上下半季度第一二三十〇每起长期.-/—至 ", max_size=30
)


@given(st.one_of(st.text(max_size=60), _DATEISH), st.one_of(st.none(), st.integers(-5, 10_000)))
def test_parse_deadline_never_raises(text: str, default_year: int | None) -> None:
    parsed = parse_deadline(text, default_year=default_year)
    assert parsed.phrase == text.strip()
    assert all(m < parsed.date for m in parsed.milestones if parsed.date)
    if parsed.date is None:
        assert parsed.milestones == ()
