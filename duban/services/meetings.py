"""Joint meetings (联席会议): record a meeting, its decisions, attachments; circulate the minutes
for sign-off (会签) by the attending units' leaders.

A meeting's life: ``draft`` (recorded and edited; decisions added) → ``circulating`` (the minutes
are frozen and go round) → ``signed`` (every attending unit has signed). Each decision becomes a
task of the decisions plan — one published plan of kind ``meetings``, made with the first
decision — with lead and cooperating assignments and its deadline, so the status engine, the
dashboard, the task pages, the ledger export and the reports track it like any other task.
Units are named as people write them (registry names, aliases, short forms) or by key; a
collective stands for its members.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban import audit
from duban.config import Settings
from duban.domain import clock
from duban.domain.meetings import MeetingState
from duban.domain.registry import Registry
from duban.models import Assignment, Decision, Meeting, MeetingAttendee, MeetingFile, Plan, Task
from duban.models.base import utcnow
from duban.queries.meetings import highest_seq
from duban.queries.units import current_registry, unit_ids
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.evidence import keep_file

DECISIONS_PLAN = "联席会议议定事项"
MAX_TEXT = 20000
MAX_TITLE = 60


@dataclass
class MeetingInput:
    """What the convener records about a meeting; units by name or key."""

    held_on: dt.date
    convener: str
    attendees: Sequence[str]
    place: str = ""
    number: str = ""
    agenda: Sequence[str] = ()
    minutes: str = ""


@dataclass
class DecisionInput:
    text: str
    leads: Sequence[str]
    coops: Sequence[str] = field(default_factory=tuple)
    deadline: dt.date | None = None
    title: str = ""


def record_meeting(session: Session, entered: MeetingInput, *, actor: str) -> Meeting:
    """A new meeting in ``draft``, numbered after the last one recorded, deleted ones included
    (第N次联席会议 unless named)."""
    meeting = Meeting(seq=highest_seq(session) + 1, state=MeetingState.DRAFT, recorded_by=actor)
    _apply(session, meeting, entered)
    session.add(meeting)
    session.flush()
    _audit(session, meeting, "meeting.record", actor, None)
    return meeting


def edit_meeting(
    session: Session, meeting_id: int, entered: MeetingInput, *, actor: str
) -> Meeting:
    """Replace a draft meeting's record (date, convener, place, attendees, agenda, minutes)."""
    meeting = _draft(session, meeting_id)
    before = snapshot(meeting)
    _apply(session, meeting, entered)
    session.flush()
    _audit(session, meeting, "meeting.edit", actor, before)
    return meeting


def add_decision(
    session: Session, meeting_id: int, entered: DecisionInput, *, actor: str
) -> Decision:
    """A decision of a draft meeting, tracked from now on as a task of the decisions plan."""
    meeting = _draft(session, meeting_id)
    text = clean_text(entered.text, "议定事项内容", required=True)
    if entered.deadline is not None and entered.deadline < meeting.held_on:
        raise Invalid(f"完成时限 {entered.deadline.isoformat()} 早于会议日期")
    leads = named_units(session, entered.leads, "责任单位", required=True)
    coops = {
        u: n for u, n in named_units(session, entered.coops, "配合单位").items() if u not in leads
    }
    plan = _decisions_plan(session, meeting.held_on, actor)
    seq = len(meeting.decisions) + 1
    task = Task(
        plan_id=plan.id, seq=_next_task_seq(session, plan.id), number=f"{meeting.seq}-{seq}",
        title=(entered.title.strip() or _title(text))[:300], section=None,
        group_title=meeting.number, text=text, deadline=entered.deadline, ongoing=False,
        deadline_text=None, lead_names=list(entered.leads), coop_names=list(entered.coops),
        spans={},
    )  # fmt: skip
    parts = [(u, "lead", n) for u, n in leads.items()] + [(u, "coop", n) for u, n in coops.items()]
    task.assignments = [
        Assignment(unit_id=unit, role=role, seq=n, named_as=name)
        for n, (unit, role, name) in enumerate(parts)
    ]
    session.add(task)
    session.flush()
    decision = Decision(meeting_id=meeting.id, seq=seq, text=text, task_id=task.id)
    session.add(decision)
    session.flush()
    audit.record(
        session, actor=actor, action="meeting.decide", object_type="meeting",
        object_id=meeting.id, label=f"{meeting.number} 议定事项{task.number}",
        after={"task": task.number, "plan": plan.id, "deadline": entered.deadline,
               "leads": list(leads.values()), "coops": list(coops.values())},
    )  # fmt: skip
    return decision


def attach_file(
    session: Session, settings: Settings, meeting_id: int, data: bytes, name: str, *, actor: str
) -> MeetingFile:
    """Keep a file (会议材料) with the meeting, content-addressed like evidence."""
    meeting = get_meeting(session, meeting_id)
    kept = keep_file(settings, data, name, what="会议附件")
    row = MeetingFile(meeting_id=meeting.id, sha256=kept.sha256, name=kept.name, size=kept.size,
                      content_type=kept.content_type)  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="meeting.attach", object_type="meeting",
        object_id=meeting.id, label=kept.name, after={"sha256": kept.sha256, "size": kept.size},
    )  # fmt: skip
    return row


def circulate_minutes(
    session: Session, meeting_id: int, *, at: dt.date | None = None, actor: str
) -> Meeting:
    """Send a draft meeting's minutes round the attending units for sign-off; they freeze."""
    meeting = _draft(session, meeting_id)
    if not meeting.minutes.strip():
        raise Invalid(f"{meeting.number}还没有会议纪要，不能送会签")
    if not meeting.attendees:
        raise Invalid(f"{meeting.number}没有参会单位，不能送会签")
    before = snapshot(meeting)
    meeting.state, meeting.circulated_on = MeetingState.CIRCULATING, at or clock.today()
    _audit(session, meeting, "meeting.circulate", actor, before)
    return meeting


def sign_minutes(
    session: Session, meeting_id: int, unit_id: int, *, opinion: str = "",
    at: dt.date | None = None, actor: str,
) -> MeetingAttendee:  # fmt: skip
    """The attending unit ``unit_id`` signs the circulating minutes (会签), with an optional
    opinion; the meeting is ``signed`` when the last attending unit has signed."""
    meeting = get_meeting(session, meeting_id, lock=True)
    attendee = next((a for a in meeting.attendees if a.unit_id == unit_id), None)
    if attendee is None:
        raise NotFound(f"本单位不是{meeting.number}的参会单位")
    if meeting.state != MeetingState.CIRCULATING:
        raise Conflict(f"{meeting.number}的纪要不在会签中，不能会签")
    if attendee.signed_on is not None:
        raise Conflict(f"本单位已于 {attendee.signed_on.isoformat()} 会签{meeting.number}的纪要")
    day = at or clock.today()
    if meeting.circulated_on and day < meeting.circulated_on:
        raise Invalid(f"会签日期 {day.isoformat()} 早于纪要送签日期")
    attendee.signed_on, attendee.signed_by = day, actor
    attendee.opinion = clean_text(opinion, "会签意见") or None
    if all(a.signed_on is not None for a in meeting.attendees):
        meeting.state = MeetingState.SIGNED
    session.flush()
    audit.record(
        session, actor=actor, action="meeting.sign", object_type="meeting", object_id=meeting.id,
        label=meeting.number, after={"unit": unit_id, "opinion": attendee.opinion,
                                     "state": meeting.state},
    )  # fmt: skip
    return attendee


# --- helpers (shared with services.meeting_office) -------------------------------------------


def get_meeting(session: Session, meeting_id: int, *, lock: bool = False) -> Meeting:
    meeting = session.get(Meeting, meeting_id, with_for_update=lock)
    if meeting is None:
        raise NotFound(f"没有编号为 {meeting_id} 的联席会议")
    return meeting


def _draft(session: Session, meeting_id: int) -> Meeting:
    meeting = get_meeting(session, meeting_id, lock=True)
    if meeting.state != MeetingState.DRAFT:
        raise Conflict(f"{meeting.number}的纪要已送会签，不能再修改")
    return meeting


def _apply(session: Session, meeting: Meeting, entered: MeetingInput) -> None:
    convener = entered.convener.strip()
    if not convener:
        raise Invalid("请填写会议召集人")
    if len(convener) > 100 or len(entered.place.strip()) > 200:
        raise Invalid("召集人不超过 100 字，会议地点不超过 200 字")
    if entered.held_on > clock.today() + dt.timedelta(days=366):
        raise Invalid(f"会议日期 {entered.held_on.isoformat()} 不合理")
    number = entered.number.strip() or f"第{meeting.seq}次联席会议"
    if len(number) > 64:
        raise Invalid("会议名称不超过 64 字")
    units = named_units(session, entered.attendees, "参会单位", required=True)
    meeting.number, meeting.held_on, meeting.convener = number, entered.held_on, convener
    meeting.place = entered.place.strip()
    meeting.agenda = [line for a in entered.agenda if (line := clean_text(a, "议程").strip())]
    meeting.minutes = clean_text(entered.minutes, "会议纪要")
    keep = {a.unit_id: a for a in meeting.attendees}
    meeting.attendees = [keep.get(uid) or MeetingAttendee(unit_id=uid) for uid in units]


def named_units(
    session: Session, names: Sequence[str], what: str, *, required: bool = False
) -> dict[int, str]:
    """Unit id → the name written, for names (or keys) as written; collectives expanded."""
    registry, ids = current_registry(session), unit_ids(session)
    out: dict[int, str] = {}
    for name in (n.strip() for n in names):
        if not name:
            continue
        keys = [name] if name in ids else _resolve(registry, name)
        if not keys:
            raise Invalid(f"{what}“{name}”不在单位名录中")
        for key in keys:
            out.setdefault(ids[key], name)
    if required and not out:
        raise Invalid(f"请填写{what}")
    return out


def _resolve(registry: Registry, name: str) -> list[str]:
    entry = registry.match(name).entry
    return [m.key for m in registry.resolve(entry.key)] if entry else []


def clean_text(value: str, what: str, *, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        raise Invalid(f"请填写{what}")
    if len(text) > MAX_TEXT:
        raise Invalid(f"{what}不超过 {MAX_TEXT} 字")
    if "\x00" in text:
        raise Invalid(f"{what}不能包含空字符（NUL）")
    return text


def _title(text: str) -> str:
    first = text.split("。")[0].split("\n")[0]
    return first if len(first) <= MAX_TITLE else first[: MAX_TITLE - 1] + "…"


def _decisions_plan(session: Session, held_on: dt.date, actor: str) -> Plan:
    """The published plan the decisions are tasks of, made with the first decision (effective
    from its meeting's day: reporting periods count from there)."""
    found = session.scalars(select(Plan).where(Plan.kind == "meetings").limit(1)).first()
    if found is not None:
        return found
    plan = Plan(
        title=DECISIONS_PLAN, basis=[], kind="meetings", state="published",
        sha256=hashlib.sha256(b"duban:meetings-plan").hexdigest(), source_name=DECISIONS_PLAN,
        source_format="meetings", source=b"", text="", effective=held_on, published_at=utcnow(),
    )  # fmt: skip
    session.add(plan)
    session.flush()
    audit.record(
        session, actor=actor, action="plan.publish", object_type="plan", object_id=plan.id,
        label=plan.title, after={"state": "published", "kind": "meetings"},
    )  # fmt: skip
    return plan


def _next_task_seq(session: Session, plan_id: int) -> int:
    return (session.scalar(select(func.max(Task.seq)).where(Task.plan_id == plan_id)) or 0) + 1


def snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "number": meeting.number,
        "held_on": meeting.held_on,
        "convener": meeting.convener,
        "place": meeting.place,
        "state": meeting.state,
        "attendees": [a.unit_id for a in meeting.attendees],
        "agenda": list(meeting.agenda),
        "minutes_chars": len(meeting.minutes),
    }


def _audit(
    session: Session, meeting: Meeting, action: str, actor: str, before: dict[str, Any] | None
) -> None:
    audit.record(
        session, actor=actor, action=action, object_type="meeting", object_id=meeting.id,
        label=meeting.number, before=before, after=snapshot(meeting),
    )  # fmt: skip
