"""The joint meeting's rules (联席会议): how often it must meet, and the order of a draft agenda.

**The meeting rule.** The plan asks the joint meeting to meet at least twice a year
(``REQUIRED``). Measured per calendar year, by the meetings held (``held_on``) on or before the
day looked at:

- once the first half-year is over (from 1 July) at least one meeting is expected, once the year
  is over (from 1 January of the next) two — a year in progress is never blamed for the half-year
  it is still in;
- ``met`` — two or more held in the year;
- ``missed`` — the year is over with fewer than two;
- ``behind`` — the year is in progress and fewer were held than expected by now (none by the end
  of June);
- ``on_track`` — otherwise (the year in progress, as many as expected so far); the reason says
  how many are still to be held.

**The draft agenda.** What the ledger says the meeting should hear, most pressing first: overdue
tasks of the plans (red), then overdue decisions of earlier meetings, then tasks and decisions due
soon, then those whose latest report is missing; within a group by deadline, then number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from duban.domain.choices import Status

REQUIRED = 2
"""Meetings a year the plan asks for (task 24: 联席会议每年至少召开2次)."""


class MeetingPace(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"


MEETING_PACE_LABELS = {
    MeetingPace.MET: "已达标",
    MeetingPace.ON_TRACK: "符合序时要求",
    MeetingPace.BEHIND: "未达序时要求",
    MeetingPace.MISSED: "未达标",
}


class MeetingState(StrEnum):
    DRAFT = "draft"
    CIRCULATING = "circulating"
    SIGNED = "signed"


MEETING_STATE_LABELS = {
    MeetingState.DRAFT: "记录中",
    MeetingState.CIRCULATING: "会签中",
    MeetingState.SIGNED: "已会签",
}


@dataclass(frozen=True)
class MeetingCheck:
    """The rule's verdict on ``year`` as of ``as_of``."""

    year: int
    as_of: dt.date
    held: int
    expected: int
    pace: MeetingPace
    reason: str

    @property
    def label(self) -> str:
        return MEETING_PACE_LABELS[self.pace]

    @property
    def ok(self) -> bool:
        return self.pace in (MeetingPace.MET, MeetingPace.ON_TRACK)


def expected_by(year: int, as_of: dt.date) -> int:
    """Meetings ``year`` should have had by the end of ``as_of`` (module docstring)."""
    if as_of.year < year or as_of < dt.date(year, 7, 1):
        return 0
    return 1 if as_of.year == year else REQUIRED


def check_year(held_on: Iterable[dt.date], year: int, as_of: dt.date) -> MeetingCheck:
    """The meeting rule for ``year`` over the days meetings were held, as of ``as_of``."""
    held = sum(1 for d in held_on if d.year == year and d <= as_of)
    expected = expected_by(year, as_of)
    over = as_of >= dt.date(year + 1, 1, 1)
    if held >= REQUIRED:
        pace = MeetingPace.MET
    elif over:
        pace = MeetingPace.MISSED
    elif held < expected:
        pace = MeetingPace.BEHIND
    else:
        pace = MeetingPace.ON_TRACK
    return MeetingCheck(year, as_of, held, expected, pace, _reason(year, as_of, held, pace, over))


def _reason(year: int, as_of: dt.date, held: int, pace: MeetingPace, over: bool) -> str:
    when = f"{year}年" if over else f"{year}年截至{as_of.month}月{as_of.day}日"
    head = f"{when}召开联席会议{held}次"
    if pace is MeetingPace.MET:
        return f"{head}，达到每年至少{REQUIRED}次的要求"
    if pace is MeetingPace.MISSED:
        return f"{head}，未达到每年至少{REQUIRED}次的要求"
    if pace is MeetingPace.BEHIND:
        return f"{head}，上半年应至少召开1次，未达序时要求；年内还需召开{REQUIRED - held}次"
    return f"{head}，符合序时要求；年内还需召开{REQUIRED - held}次"


def years_to_check(first: int, as_of: dt.date) -> list[int]:
    """The years from ``first`` to ``as_of``'s, newest first."""
    return list(range(as_of.year, first - 1, -1))


# --- the draft agenda -----------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    """A task or decision of the ledger the meeting might hear, with its status as of the day."""

    plan_title: str
    number: str
    title: str
    status: Status
    reason: str
    deadline: dt.date | None
    units: tuple[str, ...] = ()
    decision: bool = False
    """A decision of an earlier meeting (a task of the decisions plan)."""


@dataclass(frozen=True)
class AgendaGroup:
    title: str
    items: tuple[AgendaItem, ...]


GROUPS: tuple[tuple[str, Status, bool | None], ...] = (
    ("逾期未完成的重点任务", Status.OVERDUE, False),
    ("逾期未落实的前次会议议定事项", Status.OVERDUE, True),
    ("即将到期的任务和议定事项", Status.DUE_SOON, None),
    ("未按期报送进展的任务和议定事项", Status.UNREPORTED, None),
)
"""(heading, status, decisions only / plan tasks only / both) in the order the agenda takes."""


def agenda_groups(items: Iterable[AgendaItem]) -> list[AgendaGroup]:
    """The items sorted into ``GROUPS`` (empty groups left out); others are not on the agenda."""
    items = list(items)
    out = []
    for title, status, decision in GROUPS:
        chosen = [
            i for i in items if i.status is status and (decision is None or i.decision is decision)
        ]
        if chosen:
            out.append(AgendaGroup(title, tuple(sorted(chosen, key=_order))))
    return out


def _order(item: AgendaItem) -> tuple[dt.date, tuple[int, ...], str]:
    numbers = tuple(int(p) for p in item.number.split("-") if p.isdigit())
    return (item.deadline or dt.date.max, numbers, item.number)


def proposed_agenda(groups: Sequence[AgendaGroup], *, limit: int = 8) -> list[str]:
    """Agenda lines the convener starts from: one per group naming its first ``limit`` items."""
    lines = []
    for group in groups:
        names = "；".join(_item_text(i) for i in group.items[:limit])
        more = f"等{len(group.items)}项" if len(group.items) > limit else ""
        lines.append(f"研究{group.title}：{names}{more}")
    lines.append("研究部署下一阶段重点工作")
    return lines


UNITS_SHOWN = 3
"""An agenda line names at most this many units of an item, then 等N个单位."""


def _item_text(item: AgendaItem) -> str:
    shown = "、".join(item.units[:UNITS_SHOWN])
    more = f"等{len(item.units)}个单位" if len(item.units) > UNITS_SHOWN else ""
    units = f"（{shown}{more}）" if item.units else ""
    return f"{item.number}. {item.title}{units}"
