"""The joint meeting's read side: meetings with their sign-off and decisions, the meeting rule,
the draft agenda from the ledger, and the minutes' data.

Every role that may read the ledger (``plan.view``) reads the meetings: the minutes, the
attendance and the decisions are the joint meeting's record, not a unit's draft. A decision's
status is its task's, from the status engine over the decisions plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from duban.domain import clock
from duban.domain.choices import Role, Status
from duban.domain.meetings import (
    AgendaGroup,
    AgendaItem,
    MeetingCheck,
    agenda_groups,
    check_year,
    years_to_check,
)
from duban.exchange.minutes_docx import DecisionLine, Minutes, SignLine
from duban.models import (
    AuditEvent,
    Decision,
    Meeting,
    MeetingAttendee,
    MeetingFile,
    Plan,
    Task,
    Unit,
)
from duban.permissions import Actor
from duban.queries.status import TaskView, plan_status


@dataclass(frozen=True)
class MeetingRow:
    id: int
    number: str
    held_on: dt.date
    convener: str
    state: str
    attendees: int
    signed: int
    decisions: int


@dataclass(frozen=True)
class AttendeeView:
    unit_id: int
    unit: str
    signed_on: dt.date | None
    signed_by: str | None
    """The leader's account (on line) or the signer's name as written (on paper)."""
    opinion: str | None
    paper: bool = False
    """A paper sign-off (纸质会签) the supervision office recorded."""
    recorded_by: str | None = None
    file_id: int | None = None
    """The scan of the signed page, a meeting attachment."""

    @property
    def sign_note(self) -> str | None:
        """The opinion as the minutes print it: a paper sign-off says so and names the signer."""
        if not self.paper:
            return self.opinion
        head = f"纸质会签（签字人：{self.signed_by}）"
        return f"{head}；{self.opinion}" if self.opinion else head


@dataclass(frozen=True)
class DecisionView:
    number: str
    title: str
    text: str
    deadline: dt.date | None
    leads: list[str]
    coops: list[str]
    status: str
    reason: str


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    plan_id: int | None
    """The decisions plan, once a decision exists (its tasks are the decisions)."""
    attendees: list[AttendeeView]
    decisions: list[DecisionView]
    files: list[MeetingFile]


def meeting_rows(session: Session) -> list[MeetingRow]:
    """Every meeting, newest first, with its attendance, signatures and decisions counted."""
    signed = func.count(MeetingAttendee.signed_on)
    attendance = (
        select(MeetingAttendee.meeting_id, func.count(MeetingAttendee.id).label("n"),
               signed.label("s"))
        .group_by(MeetingAttendee.meeting_id)
        .subquery()
    )  # fmt: skip
    decided = (
        select(Decision.meeting_id, func.count(Decision.id).label("n"))
        .group_by(Decision.meeting_id)
        .subquery()
    )
    query = (
        select(Meeting, attendance.c.n, attendance.c.s, decided.c.n)
        .outerjoin(attendance, attendance.c.meeting_id == Meeting.id)
        .outerjoin(decided, decided.c.meeting_id == Meeting.id)
        .order_by(Meeting.held_on.desc(), Meeting.seq.desc())
    )
    return [
        MeetingRow(m.id, m.number, m.held_on, m.convener, m.state, n or 0, s or 0, d or 0)
        for m, n, s, d in session.execute(query)
    ]


def decisions_plan(session: Session) -> Plan | None:
    return session.scalars(select(Plan).where(Plan.kind == "meetings").limit(1)).first()


def highest_seq(session: Session) -> int:
    """The highest ordinal (第N次) ever given, deleted meetings' included: a deletion's audit
    event keeps the whole record, ordinal and all (``services.meeting_office``)."""
    highest = session.scalar(select(func.max(Meeting.seq))) or 0
    deleted = select(AuditEvent.before).where(
        AuditEvent.object_type == "meeting", AuditEvent.action == "meeting.delete"
    )
    for before in session.scalars(deleted):
        seq = (before or {}).get("seq")
        highest = max(highest, seq if isinstance(seq, int) else 0)
    return highest


def meeting_page(session: Session, meeting_id: int, as_of: dt.date) -> MeetingPage | None:
    """One meeting with its attendees' sign-off and its decisions' status as of ``as_of``."""
    meeting = session.scalars(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.decisions), selectinload(Meeting.files))
    ).first()
    if meeting is None:
        return None
    plan = decisions_plan(session)
    return MeetingPage(
        meeting, plan.id if plan else None, _attendees(session, meeting.id),
        _decisions(session, meeting, plan, as_of), list(meeting.files),
    )  # fmt: skip


def _attendees(session: Session, meeting_id: int) -> list[AttendeeView]:
    query = (
        select(MeetingAttendee, Unit.name)
        .join(Unit, Unit.id == MeetingAttendee.unit_id)
        .where(MeetingAttendee.meeting_id == meeting_id)
        .order_by(MeetingAttendee.id)
    )
    return [
        AttendeeView(a.unit_id, name, a.signed_on, a.signed_by, a.opinion, a.paper,
                     a.recorded_by, a.file_id)
        for a, name in session.execute(query)
    ]  # fmt: skip


def _decisions(
    session: Session, meeting: Meeting, plan: Plan | None, as_of: dt.date
) -> list[DecisionView]:
    if plan is None or not meeting.decisions:
        return []
    views = {t.number: t for t in plan_status(session, plan, as_of).tasks}
    tasks = {
        t.id: t
        for t in session.scalars(
            select(Task).where(Task.id.in_([d.task_id for d in meeting.decisions]))
        )
    }
    out = []
    for d in meeting.decisions:
        task = tasks[d.task_id]
        view = views[task.number]
        out.append(DecisionView(
            task.number, task.title, d.text, task.deadline, *_units(view), view.status,
            view.reason,
        ))  # fmt: skip
    return out


def _units(view: TaskView) -> tuple[list[str], list[str]]:
    leads = [a.unit for a in view.assignments if a.role == Role.LEAD]
    return leads, [a.unit for a in view.assignments if a.role == Role.COOP]


def meeting_of_task(session: Session, plan_id: int, number: str) -> tuple[int, str] | None:
    """``(meeting id, 第N次联席会议)`` of the decision a task tracks, or ``None``."""
    query = (
        select(Meeting.id, Meeting.number)
        .join(Decision, Decision.meeting_id == Meeting.id)
        .join(Task, Task.id == Decision.task_id)
        .where(Task.plan_id == plan_id, Task.number == number)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def meeting_file(session: Session, file_id: int) -> MeetingFile | None:
    return session.get(MeetingFile, file_id)


# --- the meeting rule -------------------------------------------------------------------------


def meeting_checks(session: Session, as_of: dt.date) -> list[MeetingCheck]:
    """The meeting rule for each year from the ledger's first (the earliest published plan's
    effective year, or the first meeting's) to ``as_of``'s, newest first."""
    held = list(session.scalars(select(Meeting.held_on).where(Meeting.held_on <= as_of)))
    first_plan = session.scalar(
        select(func.min(Plan.effective)).where(Plan.state == "published", Plan.kind == "plan")
    )
    first = min([d.year for d in held] + ([first_plan.year] if first_plan else [as_of.year]))
    return [check_year(held, year, as_of) for year in years_to_check(first, as_of)]


def meeting_check(session: Session, as_of: dt.date) -> MeetingCheck:
    """The meeting rule for ``as_of``'s year."""
    held = session.scalars(
        select(Meeting.held_on).where(
            Meeting.held_on >= dt.date(as_of.year, 1, 1), Meeting.held_on <= as_of
        )
    )
    return check_year(list(held), as_of.year, as_of)


# --- the draft agenda -------------------------------------------------------------------------

AGENDA_STATUSES = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.UNREPORTED})


def agenda_draft(session: Session, as_of: dt.date) -> list[AgendaGroup]:
    """What the ledger says the next meeting should hear (``domain.meetings.agenda_groups``):
    the tasks of every published plan and the decisions of earlier meetings."""
    plans = session.scalars(select(Plan).where(Plan.state == "published").order_by(Plan.id))
    items = []
    for plan in plans:
        for task in plan_status(session, plan, as_of).tasks:
            if task.status in AGENDA_STATUSES:
                items.append(_agenda_item(plan, task))
    return agenda_groups(items)


def _agenda_item(plan: Plan, task: TaskView) -> AgendaItem:
    """The task with the lead units that make it late (all its leads if none is singled out)."""
    leads = [a for a in task.assignments if a.role == Role.LEAD]
    worst = [a.unit for a in leads if a.status == task.status] or [a.unit for a in leads]
    return AgendaItem(
        plan.title, task.number, task.title, Status(task.status), task.reason, task.deadline,
        tuple(worst), decision=plan.kind == "meetings",
    )  # fmt: skip


# --- sign-off and minutes ---------------------------------------------------------------------


def to_sign(session: Session, actor: Actor) -> list[Meeting]:
    """Circulating meetings the actor's unit attends and has not signed yet."""
    if actor.unit_id is None:
        return []
    query = (
        select(Meeting)
        .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
        .where(Meeting.state == "circulating", MeetingAttendee.unit_id == actor.unit_id)
        .where(MeetingAttendee.signed_on.is_(None))
        .order_by(Meeting.held_on)
    )
    return list(session.scalars(query))


def minutes_of(session: Session, meeting_id: int) -> Minutes | None:
    """The data of the meeting's minutes document (decisions' units from their assignments)."""
    page = meeting_page(session, meeting_id, clock.today())
    if page is None:
        return None
    m = page.meeting
    return Minutes(
        number=m.number, held_on=m.held_on, convener=m.convener, place=m.place,
        agenda=list(m.agenda), minutes=m.minutes, state=m.state,
        decisions=[DecisionLine(d.number, d.text, d.leads, d.coops, d.deadline)
                   for d in page.decisions],
        signatures=[SignLine(a.unit, a.signed_on, a.sign_note) for a in page.attendees],
    )  # fmt: skip


def decisions_by_meeting(session: Session) -> dict[int, list[str]]:
    """Task numbers of each meeting's decisions (for lists)."""
    out: dict[int, list[str]] = defaultdict(list)
    query = select(Decision.meeting_id, Task.number).join(Task, Task.id == Decision.task_id)
    for meeting_id, number in session.execute(query.order_by(Decision.seq)):
        out[meeting_id].append(number)
    return out
