"""The one date parser every form and service uses (``services.dates``): ISO dates, empty as
none unless required, and a refusal that names the field and what was typed."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.services.dates import parse_day, required_day
from duban.services.errors import Invalid


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2021-07-31", dt.date(2021, 7, 31)),
        (" 2021-07-31\n", dt.date(2021, 7, 31)),
        (dt.date(2022, 1, 5), dt.date(2022, 1, 5)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_an_iso_date_or_nothing(value: str | dt.date | None, day: dt.date | None) -> None:
    assert parse_day(value, "完成时限") == day


@pytest.mark.parametrize(
    ("value", "required", "message"),
    [
        ("2021-02-30", False, "完成时限应为日期，如 2021-07-31，或留空（收到“2021-02-30”）"),
        ("昨天", True, "完成时限应为日期，如 2021-07-31（收到“昨天”）"),
        ("", True, "请填写完成时限"),
        (None, True, "请填写完成时限"),
        ("1989-12-31", False, "完成时限 1989-12-31 不合理"),
        ("2200-01-01", False, "完成时限 2200-01-01 不合理"),
        (dt.date(1900, 1, 1), False, "完成时限 1900-01-01 不合理"),
        ("x" * 500, False, "（收到“" + "x" * 20 + "”）"),
    ],
)
def test_a_refusal_names_the_field_and_what_was_typed(
    value: str | dt.date | None, required: bool, message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        parse_day(value, "完成时限", required=required)
    assert message in caught.value.message


def test_a_required_day_is_a_date() -> None:
    assert required_day("2021-09-10", "会议日期") == dt.date(2021, 9, 10)
    with pytest.raises(Invalid, match="请填写会议日期"):
        required_day(" ", "会议日期")
