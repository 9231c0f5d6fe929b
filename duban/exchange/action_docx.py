"""One issued supervision action (督办通知、三色督办单、限期整改通知…) as a Word document.

Contract: ``action_docx(doc) -> bytes`` from the plain ``ActionDocument``; nothing here reads a
database. The layout is ``officedoc``'s (GB/T 9704): the title (the kind, or the colour of a
notice: “红色督办单”), the document number (发文字号) centred under it, the addressee (主送:
the unit, flush left, ending with a colon), the body, a table of the particulars (督办单号,
责任单位, 涉及任务, 完成时限, 督办缘由, 答复要求, 答复期限), a closing line asking for the answer
by the due date, and the 落款 (督导室 and the issue date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duban.domain.reasons import day
from duban.exchange.officedoc import OfficialDocument

PARTICULARS = ("项目", "内容")
SIGNED_BY = "督导室"


@dataclass(frozen=True)
class ActionDocument:
    """What the document says; ``heading`` is the kind or colour in words (红色督办单)."""

    number: str
    heading: str
    title: str
    unit: str
    body: str
    required_response: str
    issued_on: dt.date
    due_on: dt.date | None
    task: str | None = None
    deadline: dt.date | None = None
    rule: str | None = None
    signed_by: str = SIGNED_BY


def action_docx(doc: ActionDocument) -> bytes:
    """The action as ``.docx`` bytes (module docstring)."""
    out = OfficialDocument(doc.heading, subtitle=doc.number, author=doc.signed_by)
    out.paragraph(f"{doc.unit}：", indent=False, align="left")
    out.paragraph(doc.title, bold=True)
    for line in (p.strip() for p in doc.body.splitlines()):
        if line:
            out.paragraph(line)
    out.table(PARTICULARS, _particulars(doc), [36, 120], align=["center", "left"])
    due = f"请于{day(doc.due_on)}前" if doc.due_on else "请及时"
    out.paragraph(f"{due}将办理情况书面答复督导室。逾期未答复的，将按程序升级督办。")
    out.signature(doc.signed_by, doc.issued_on)
    return out.to_bytes()


def _particulars(doc: ActionDocument) -> list[list[object]]:
    rows: list[list[object]] = [["督办单号", doc.number], ["责任单位", doc.unit]]
    if doc.task:
        rows.append(["涉及任务", doc.task])
    if doc.deadline:
        rows.append(["完成时限", day(doc.deadline)])
    if doc.rule:
        rows.append(["督办缘由", doc.rule])
    rows.append(["答复要求", doc.required_response])
    rows.append(["发文日期", day(doc.issued_on)])
    rows.append(["答复期限", day(doc.due_on) if doc.due_on else "—"])
    return rows
