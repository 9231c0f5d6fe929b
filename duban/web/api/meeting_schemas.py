"""The JSON shapes of the joint meeting API (``/api/v1/meetings``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StrictInt

from duban.domain.meetings import MeetingCheck
from duban.queries.meetings import MeetingPage, MeetingRow
from duban.web.schemas import MAX_ID, In, Out, Text

UnitName = Annotated[Text, Field(min_length=1, max_length=200)]
Line = Annotated[Text, Field(max_length=2000)]
UnitId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


class MeetingCheckOut(Out):
    year: int
    as_of: dt.date
    held: int
    expected: int = Field(description="按序时应已召开的次数：上半年结束后1次，全年结束后2次")
    pace: str = Field(description="met | on_track | behind | missed")
    reason: str

    @classmethod
    def of(cls, c: MeetingCheck) -> MeetingCheckOut:
        return cls(year=c.year, as_of=c.as_of, held=c.held, expected=c.expected,
                   pace=c.pace.value, reason=c.reason)  # fmt: skip


class MeetingBrief(Out):
    id: int
    number: str
    held_on: dt.date
    convener: str
    state: str = Field(description="draft（记录中）| circulating（会签中）| signed（已会签）")
    attendees: int
    signed: int
    decisions: int

    @classmethod
    def of(cls, r: MeetingRow) -> MeetingBrief:
        return cls(id=r.id, number=r.number, held_on=r.held_on, convener=r.convener,
                   state=r.state, attendees=r.attendees, signed=r.signed,
                   decisions=r.decisions)  # fmt: skip


class MeetingList(Out):
    items: list[MeetingBrief]
    check: MeetingCheckOut


class AttendeeOut(Out):
    unit: str
    signed_on: dt.date | None
    opinion: str | None


class DecisionOut(Out):
    number: str = Field(description="议定事项的任务序号（会议次序-事项序号），见 plan")
    title: str
    text: str
    deadline: dt.date | None
    leads: list[str]
    coops: list[str]
    status: str
    reason: str


class MeetingOut(MeetingBrief):
    place: str
    agenda: list[str]
    minutes: str
    plan: int | None = Field(description="议定事项所在的方案（联席会议议定事项）id")
    attendance: list[AttendeeOut]
    decision_items: list[DecisionOut]

    @classmethod
    def of(cls, page: MeetingPage) -> MeetingOut:  # type: ignore[override]
        m = page.meeting
        return cls(
            id=m.id, number=m.number, held_on=m.held_on, convener=m.convener, state=m.state,
            attendees=len(page.attendees), signed=sum(1 for a in page.attendees if a.signed_on),
            decisions=len(page.decisions), place=m.place, agenda=list(m.agenda),
            minutes=m.minutes, plan=page.plan_id,
            attendance=[AttendeeOut(unit=a.unit, signed_on=a.signed_on, opinion=a.opinion)
                        for a in page.attendees],
            decision_items=[DecisionOut(number=d.number, title=d.title, text=d.text,
                                        deadline=d.deadline, leads=d.leads, coops=d.coops,
                                        status=d.status, reason=d.reason)
                            for d in page.decisions],
        )  # fmt: skip


class MeetingIn(In):
    held_on: dt.date = Field(ge=dt.date(1990, 1, 1), le=dt.date(2199, 12, 31))
    convener: Text = Field(min_length=1, max_length=100)
    attendees: list[UnitName] = Field(
        min_length=1, max_length=200, description="参会单位名称或 key"
    )
    place: Text = Field("", max_length=200)
    number: Text = Field("", max_length=64, description="会议名称，默认“第N次联席会议”")
    agenda: list[Line] = Field(default_factory=list, max_length=100)
    minutes: Text = Field("", max_length=20000)


class DecisionIn(In):
    text: Text = Field(min_length=1, max_length=20000)
    leads: list[UnitName] = Field(min_length=1, max_length=100, description="责任单位名称或 key")
    coops: list[UnitName] = Field(default_factory=list, max_length=100)
    deadline: dt.date | None = Field(None, ge=dt.date(1990, 1, 1), le=dt.date(2199, 12, 31))
    title: Text = Field("", max_length=60)


class SignIn(In):
    opinion: Text = Field("", max_length=2000)


class PaperSignoffIn(In):
    unit: UnitId | UnitName = Field(description="参会单位：id，或单位名称、key")
    signer: Text = Field(min_length=1, max_length=100, description="签字人（纸面所签姓名）")
    signed_on: dt.date = Field(
        ge=dt.date(1990, 1, 1), le=dt.date(2199, 12, 31), description="会签日期，不晚于今天"
    )
    opinion: Text = Field("", max_length=2000, description="会签意见（如有）")


class DeleteIn(In):
    reason: Text = Field(min_length=1, max_length=2000, description="删除原因，记入操作日志")
