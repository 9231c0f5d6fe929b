"""The joint meeting rule (at least two meetings a year) and the draft agenda's order, one table
row per case: a year with 0, 1, 2 meetings, the year in progress on each side of 30 June."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from duban.domain.choices import Status
from duban.domain.meetings import (
    AgendaItem,
    MeetingPace,
    agenda_groups,
    check_year,
    expected_by,
    proposed_agenda,
    years_to_check,
)

D = dt.date
MARCH, SEPTEMBER, LAST_YEAR = D(2023, 3, 15), D(2023, 9, 20), D(2022, 11, 2)


class Row(NamedTuple):
    held: tuple[dt.date, ...]
    as_of: dt.date
    expected: int
    pace: MeetingPace
    reason: str


ROWS: dict[str, Row] = {
    "no meeting, first half in progress: nothing expected yet": Row(
        (), D(2023, 5, 1), 0, MeetingPace.ON_TRACK,
        "2023年截至5月1日召开联席会议0次，符合序时要求；年内还需召开2次",
    ),
    "no meeting on 30 June: the half-year is not over until the day ends": Row(
        (), D(2023, 6, 30), 0, MeetingPace.ON_TRACK,
        "2023年截至6月30日召开联席会议0次，符合序时要求；年内还需召开2次",
    ),
    "no meeting on 1 July: one was expected in the first half": Row(
        (), D(2023, 7, 1), 1, MeetingPace.BEHIND,
        "2023年截至7月1日召开联席会议0次，上半年应至少召开1次，未达序时要求；年内还需召开2次",
    ),
    "one meeting in March, seen in September: on track, one to go": Row(
        (MARCH,), SEPTEMBER, 1, MeetingPace.ON_TRACK,
        "2023年截至9月20日召开联席会议1次，符合序时要求；年内还需召开1次",
    ),
    "one meeting in September, seen on 31 December: still on track that day": Row(
        (SEPTEMBER,), D(2023, 12, 31), 1, MeetingPace.ON_TRACK,
        "2023年截至12月31日召开联席会议1次，符合序时要求；年内还需召开1次",
    ),
    "two meetings by September: met": Row(
        (MARCH, SEPTEMBER), D(2023, 10, 1), 1, MeetingPace.MET,
        "2023年截至10月1日召开联席会议2次，达到每年至少2次的要求",
    ),
    "a meeting planned later in the year does not count yet": Row(
        (MARCH, SEPTEMBER), D(2023, 8, 1), 1, MeetingPace.ON_TRACK,
        "2023年截至8月1日召开联席会议1次，符合序时要求；年内还需召开1次",
    ),
    "a finished year with one meeting: missed": Row(
        (MARCH,), D(2024, 2, 1), 2, MeetingPace.MISSED,
        "2023年召开联席会议1次，未达到每年至少2次的要求",
    ),
    "a finished year with none: missed (last year's meeting does not count)": Row(
        (LAST_YEAR,), D(2024, 1, 1), 2, MeetingPace.MISSED,
        "2023年召开联席会议0次，未达到每年至少2次的要求",
    ),
    "a finished year with three: met": Row(
        (MARCH, D(2023, 6, 1), SEPTEMBER), D(2024, 1, 1), 2, MeetingPace.MET,
        "2023年召开联席会议3次，达到每年至少2次的要求",
    ),
}  # fmt: skip


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_meeting_rule(row: Row) -> None:
    check = check_year(row.held, 2023, row.as_of)
    assert (check.expected, check.pace, check.reason) == (row.expected, row.pace, row.reason)
    assert check.ok == (row.pace in (MeetingPace.MET, MeetingPace.ON_TRACK))


def test_a_year_not_yet_begun_expects_nothing() -> None:
    assert expected_by(2024, D(2023, 12, 31)) == 0
    assert years_to_check(2021, D(2023, 3, 1)) == [2023, 2022, 2021]


def item(
    number: str, status: Status, deadline: dt.date | None, *, decision: bool = False
) -> AgendaItem:
    plan = "议定事项" if decision else "方案"
    return AgendaItem(plan, number, f"事项{number}", status, "", deadline, ("市教育局",), decision)


def test_agenda_puts_red_tasks_then_overdue_decisions_first_by_deadline() -> None:
    items = [
        item("9", Status.DUE_SOON, D(2023, 4, 1)),
        item("1-2", Status.OVERDUE, D(2023, 1, 1), decision=True),
        item("12", Status.OVERDUE, D(2022, 12, 31)),
        item("3", Status.OVERDUE, D(2022, 12, 31)),
        item("5", Status.ON_TRACK, D(2024, 1, 1)),
        item("2-1", Status.UNREPORTED, None, decision=True),
        item("7", Status.DONE, D(2022, 1, 1)),
    ]
    groups = agenda_groups(items)
    assert [(g.title, [i.number for i in g.items]) for g in groups] == [
        ("逾期未完成的重点任务", ["3", "12"]),
        ("逾期未落实的前次会议议定事项", ["1-2"]),
        ("即将到期的任务和议定事项", ["9"]),
        ("未按期报送进展的任务和议定事项", ["2-1"]),
    ]
    lines = proposed_agenda(groups, limit=1)
    assert lines[0] == "研究逾期未完成的重点任务：3. 事项3（市教育局）等2项"
    assert lines[-1] == "研究部署下一阶段重点工作"


def test_an_agenda_line_names_three_units_at_most() -> None:
    many = AgendaItem("方案", "24", "建立联席会议制度", Status.OVERDUE, "", None,
                      ("甲局", "乙局", "丙局", "丁局"))  # fmt: skip
    line = proposed_agenda(agenda_groups([many]))[0]
    assert line == "研究逾期未完成的重点任务：24. 建立联席会议制度（甲局、乙局、丙局等4个单位）"


def test_an_empty_ledger_proposes_only_the_next_steps() -> None:
    assert agenda_groups([]) == []
    assert proposed_agenda([]) == ["研究部署下一阶段重点工作"]
