"""The supervision office's hand work on a joint meeting's record: a sign-off that came back on
paper (纸质会签), and removing a meeting recorded by mistake.

**Paper sign-off.** A unit without a leader account cannot sign the circulating minutes on line,
and offices often send the signed page back instead. The office records it for the unit: who
signed (as written on the paper), the day, an optional opinion and, optionally, the scan — kept
as a meeting attachment through the same checks as any evidence file. It counts as the unit's
sign-off: the meeting is ``signed`` once every attending unit has signed, on line or on paper.

**Deleting a meeting.** A meeting recorded by mistake may be deleted while nothing hangs on it:
no decision (a decision is a task of the ledger, with assignments, reports and status) and no
unit's sign-off (another unit's act). Otherwise the deletion is refused, saying why. The audit
event keeps the whole record (minutes included) and the reason; the attachments' rows go with
the meeting, their files stay in the store until ``evidence sweep`` quarantines the ones no row
refers to any more. Neither the deleted meeting's id nor its ordinal (第N次) is given again: ids
never go back (migration 0015), and the next ordinal counts the deleted ones
(``queries.meetings.highest_seq`` reads them from their audit events).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.config import Settings
from duban.domain import clock
from duban.domain.meetings import MeetingState
from duban.models import Meeting, MeetingAttendee, MeetingFile, Task, Unit
from duban.services.dates import required_day
from duban.services.drafts import Upload
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.evidence import keep_file
from duban.services.meetings import clean_text, get_meeting, named_units, snapshot

MAX_SIGNER = 100
MAX_UNIT = 200
MAX_REASON = 2000


@dataclass
class PaperSignoff:
    """A sign-off that came back on paper, as a form, the API or the command line gives it: the
    attending unit (its id — a number, or its digits as a form sends them — or its name or key
    as people write it), the signer's name as written, the day signed (a date or its ISO text),
    an optional opinion and an optional scan of the signed page."""

    unit: int | str
    signer: str
    signed_on: dt.date | str
    opinion: str = ""
    scan: Upload | None = None


def record_paper_signoff(
    session: Session, settings: Settings, meeting_id: int, entered: PaperSignoff, *,
    today: dt.date | None = None, actor: str,
) -> MeetingAttendee:  # fmt: skip
    """Record the paper sign-off (纸质会签) of an attending unit of a circulating meeting."""
    chosen = _unit_choice(entered.unit)
    signed_on = required_day(entered.signed_on, "会签日期")
    meeting = get_meeting(session, meeting_id, lock=True)
    attendee = _attendee(session, meeting, chosen)
    unit = session.get(Unit, attendee.unit_id)
    name = unit.name if unit else str(attendee.unit_id)
    if meeting.state != MeetingState.CIRCULATING:
        raise Conflict(f"{meeting.number}的纪要不在会签中，不能登记会签")
    if attendee.signed_on is not None:
        raise Conflict(f"{name}已于 {attendee.signed_on.isoformat()} 会签{meeting.number}的纪要")
    signer = clean_text(entered.signer, "签字人", required=True)
    if len(signer) > MAX_SIGNER:
        raise Invalid(f"签字人不超过 {MAX_SIGNER} 字")
    _check_day(signed_on, meeting, today or clock.today())
    opinion = clean_text(entered.opinion, "会签意见") or None
    scan = _keep_scan(session, settings, meeting, entered.scan)
    attendee.signed_on, attendee.signed_by, attendee.opinion = signed_on, signer, opinion
    attendee.paper, attendee.recorded_by, attendee.file = True, actor, scan
    if all(a.signed_on is not None for a in meeting.attendees):
        meeting.state = MeetingState.SIGNED
    session.flush()
    audit.record(
        session, actor=actor, action="meeting.sign_paper", object_type="meeting",
        object_id=meeting.id, label=f"{meeting.number} {name}",
        after={"unit": attendee.unit_id, "unit_name": name, "signer": signer,
               "signed_on": signed_on, "opinion": opinion, "state": meeting.state,
               "scan": {"sha256": scan.sha256, "name": scan.name} if scan else None},
    )  # fmt: skip
    return attendee


def delete_meeting(session: Session, meeting_id: int, *, reason: str, actor: str) -> str:
    """Delete a meeting recorded by mistake (see the module docstring); returns its name."""
    meeting = get_meeting(session, meeting_id, lock=True)
    if meeting.decisions:
        numbers = "、".join(_task_numbers(session, meeting))
        raise Conflict(
            f"{meeting.number}的议定事项已作为任务纳入督办台账（{numbers}），"
            "删除会议会使这些任务失去来源，不能删除"
        )
    signed = [a for a in meeting.attendees if a.signed_on is not None]
    if signed:
        names = "、".join(_unit_names(session, [a.unit_id for a in signed]))
        raise Conflict(f"{meeting.number}的纪要已有单位会签（{names}），不能删除")
    why = clean_text(reason, "删除原因", required=True)
    if len(why) > MAX_REASON:
        raise Invalid(f"删除原因不超过 {MAX_REASON} 字")
    before = _record(meeting)
    audit.record(
        session, actor=actor, action="meeting.delete", object_type="meeting",
        object_id=meeting.id, label=meeting.number, before=before, after={"reason": why},
    )  # fmt: skip
    session.delete(meeting)
    session.flush()
    return str(before["number"])


# --- helpers ----------------------------------------------------------------------------------


def _unit_choice(unit: int | str) -> int | str:
    """The unit chosen: an id (a number, or ASCII digits) or a name or key as written."""
    if isinstance(unit, int):
        return unit
    text = unit.strip()
    if not text:
        raise Invalid("请选择会签单位")
    if len(text) > MAX_UNIT:
        raise Invalid(f"会签单位不超过 {MAX_UNIT} 字（收到“{text[:20]}…”）")
    return int(text) if text.isascii() and text.isdigit() else text


def _attendee(session: Session, meeting: Meeting, unit: int | str) -> MeetingAttendee:
    if isinstance(unit, str):
        ids = list(named_units(session, [unit], "会签单位", required=True))
    else:
        ids = [unit]
    found = [a for a in meeting.attendees if a.unit_id in ids]
    if len(found) > 1:
        raise Invalid(f"“{unit}”包含{len(found)}个参会单位，请逐个登记会签")
    if not found:
        raise NotFound(f"所选单位不是{meeting.number}的参会单位")
    return found[0]


def _check_day(day: dt.date, meeting: Meeting, today: dt.date) -> None:
    if meeting.circulated_on and day < meeting.circulated_on:
        raise Invalid(
            f"会签日期 {day.isoformat()} 早于纪要送签日期 {meeting.circulated_on.isoformat()}"
        )
    if day > today:
        raise Invalid(f"会签日期 {day.isoformat()} 晚于今天")


def _keep_scan(
    session: Session, settings: Settings, meeting: Meeting, scan: Upload | None
) -> MeetingFile | None:
    """The scan kept as a meeting attachment (checked like evidence), or ``None``."""
    if scan is None:
        return None
    kept = keep_file(settings, scan.data, scan.name, what="纸质会签扫描件")
    row = MeetingFile(meeting_id=meeting.id, sha256=kept.sha256, name=kept.name, size=kept.size,
                      content_type=kept.content_type)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _task_numbers(session: Session, meeting: Meeting) -> list[str]:
    ids = [d.task_id for d in meeting.decisions]
    return list(session.scalars(select(Task.number).where(Task.id.in_(ids)).order_by(Task.seq)))


def _unit_names(session: Session, ids: list[int]) -> list[str]:
    return list(session.scalars(select(Unit.name).where(Unit.id.in_(ids)).order_by(Unit.id)))


def _record(meeting: Meeting) -> dict[str, Any]:
    """The whole record, for the audit event that outlives it."""
    return snapshot(meeting) | {
        "seq": meeting.seq,
        "minutes": meeting.minutes,
        "recorded_by": meeting.recorded_by,
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in meeting.files],
    }
