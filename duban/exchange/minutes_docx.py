"""The minutes of a joint meeting (联席会议纪要) as a Word document with the sign-off table.

Contract: ``minutes_docx(minutes) -> bytes``. ``Minutes`` is plain data gathered by
``duban.queries.meetings.minutes_of``; nothing here reads a database. The document
(``officedoc`` layout, GB/T 9704) is titled “第N次联席会议纪要” with the meeting's date, and has
five parts: 一、会议基本情况 (time, place, convener, attending units), 二、会议议程, 三、会议
纪要 (the minutes, one paragraph per line), 四、议定事项 (a table: number, decision, lead and
cooperating units, deadline) and 五、会签情况 (a table: each attending unit, the day it signed and
its opinion; 未会签 while it has not). The 落款 is 联席会议办公室 and the meeting's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from duban.domain.reasons import day
from duban.exchange.officedoc import OfficialDocument

SIGNED_BY = "联席会议办公室"
DECISION_HEADERS = ("编号", "议定事项", "责任单位", "配合单位", "完成时限")
SIGN_HEADERS = ("参会单位", "会签日期", "会签意见")
STATE_NOTES = {
    "draft": "（纪要稿，尚未送会签）",
    "circulating": "（纪要送会签中）",
    "signed": "",
}


@dataclass(frozen=True)
class DecisionLine:
    number: str
    text: str
    leads: Sequence[str]
    coops: Sequence[str]
    deadline: dt.date | None


@dataclass(frozen=True)
class SignLine:
    unit: str
    signed_on: dt.date | None
    opinion: str | None


@dataclass(frozen=True)
class Minutes:
    number: str
    held_on: dt.date
    convener: str
    place: str
    agenda: Sequence[str]
    minutes: str
    state: str = "draft"
    decisions: Sequence[DecisionLine] = field(default_factory=list)
    signatures: Sequence[SignLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.number}纪要"


def minutes_docx(minutes: Minutes) -> bytes:
    """The minutes as ``.docx`` bytes (module docstring)."""
    subtitle = f"（{day(minutes.held_on)}）{STATE_NOTES.get(minutes.state, '')}"
    doc = OfficialDocument(minutes.title, subtitle=subtitle, author=SIGNED_BY)
    _basics(doc, minutes)
    _agenda(doc, minutes)
    doc.heading("三、会议纪要", 1)
    lines = [line.strip() for line in minutes.minutes.splitlines() if line.strip()]
    for line in lines or ["（纪要尚未填写。）"]:
        doc.paragraph(line)
    _decisions(doc, minutes)
    _signatures(doc, minutes)
    doc.signature(SIGNED_BY, minutes.held_on)
    return doc.to_bytes()


def _basics(doc: OfficialDocument, minutes: Minutes) -> None:
    doc.heading("一、会议基本情况", 1)
    place = f"在{minutes.place}" if minutes.place else ""
    units = "、".join(s.unit for s in minutes.signatures) or "（未登记）"
    doc.paragraph(
        f"{day(minutes.held_on)}，{minutes.convener}{place}主持召开{minutes.number}。"
        f"参会单位：{units}。"
    )


def _agenda(doc: OfficialDocument, minutes: Minutes) -> None:
    doc.heading("二、会议议程", 1)
    if not minutes.agenda:
        doc.paragraph("（议程未登记。）")
    for n, item in enumerate(minutes.agenda, start=1):
        doc.paragraph(f"{n}. {item}")


def _decisions(doc: OfficialDocument, minutes: Minutes) -> None:
    doc.heading("四、议定事项", 1)
    if not minutes.decisions:
        doc.paragraph("本次会议没有形成需跟踪落实的议定事项。")
        return
    doc.paragraph(
        f"会议议定事项{len(minutes.decisions)}项，纳入督办台账跟踪落实，由责任单位按期报送进展。"
    )
    rows = [
        [d.number, d.text, "、".join(d.leads), "、".join(d.coops) or "—",
         day(d.deadline) if d.deadline else "—"]
        for d in minutes.decisions
    ]  # fmt: skip
    doc.table(DECISION_HEADERS, rows, [14, 62, 30, 26, 24])


def _signatures(doc: OfficialDocument, minutes: Minutes) -> None:
    doc.heading("五、会签情况", 1)
    signed = sum(1 for s in minutes.signatures if s.signed_on)
    doc.paragraph(f"参会单位{len(minutes.signatures)}个，已会签{signed}个。")
    rows = [
        [s.unit, day(s.signed_on) if s.signed_on else "未会签", s.opinion or ("无" if s.signed_on
                                                                               else "")]
        for s in minutes.signatures
    ]  # fmt: skip
    if rows:
        doc.table(SIGN_HEADERS, rows, [50, 36, 70])
