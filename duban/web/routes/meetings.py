"""联席会议: the meetings, the meeting rule, the draft agenda; recording a meeting, its decisions
and attachments (admin); circulating the minutes and signing them (an attending unit's leader).

Everyone who reads the ledger reads the meetings. Writes go through ``services.meetings``; a
refusal (``Invalid``, ``Conflict``) is answered by the app's error page with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain.choices import STATUS_LABELS
from duban.domain.meetings import MEETING_STATE_LABELS, proposed_agenda
from duban.exchange.minutes_docx import minutes_docx
from duban.permissions import Actor
from duban.queries.meetings import (
    agenda_draft,
    meeting_checks,
    meeting_file,
    meeting_page,
    meeting_rows,
    minutes_of,
)
from duban.services import meetings
from duban.services.errors import Invalid
from duban.services.evidence import evidence_path
from duban.services.meetings import DecisionInput, MeetingInput
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.downloads import docx_response
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

Viewer = Annotated[Actor, Depends(require("plan.view"))]
Manager = Annotated[Actor, Depends(require("meeting.manage"))]
Signer = Annotated[Actor, Depends(require("meeting.sign"))]
Reader = Annotated[Session, Depends(read_session)]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID)]
Short = Annotated[str, Form(max_length=200, pattern=NO_NUL)]
Long = Annotated[str, Form(max_length=20000, pattern=NO_NUL)]
Csrf = Annotated[str, Form()]
LABELS = {
    "state": {s.value: label for s, label in MEETING_STATE_LABELS.items()},
    "status": {s.value: label for s, label in STATUS_LABELS.items()},
}
_SPLIT = re.compile(r"[、,，;；\n]+")


@router.get("/meetings")
def meetings_page(request: Request, actor: Viewer, session: Reader) -> Response:
    today = dt.date.today()
    groups = agenda_draft(session, today)
    return render(
        request, "meetings.html", rows=meeting_rows(session), checks=meeting_checks(session, today),
        groups=groups, proposed="\n".join(proposed_agenda(groups)), today=today, labels=LABELS,
    )  # fmt: skip


@router.post("/meetings")
def record(
    request: Request, actor: Manager, held_on: Annotated[dt.date, Form()], convener: Short,
    attendees: Long, csrf_token: Csrf = "", place: Short = "", number: Short = "",
    agenda: Long = "", minutes: Long = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    entered = _meeting_input(held_on, convener, attendees, place, number, agenda, minutes)
    with store(request).write() as session:
        meeting_id = meetings.record_meeting(session, entered, actor=actor.label).id
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.get("/meetings/{meeting_id}")
def meeting_detail(
    request: Request, meeting_id: MeetingId, actor: Viewer, session: Reader
) -> Response:
    page = meeting_page(session, meeting_id, dt.date.today())
    if page is None:
        raise HTTPException(404, f"没有编号为 {meeting_id} 的联席会议")
    own = next((a for a in page.attendees if a.unit_id == actor.unit_id), None)
    return render(request, "meeting.html", page=page, own=own, labels=LABELS,
                  attendee_text="、".join(a.unit for a in page.attendees))  # fmt: skip


@router.post("/meetings/{meeting_id}")
def edit(
    request: Request, meeting_id: MeetingId, actor: Manager, held_on: Annotated[dt.date, Form()],
    convener: Short, attendees: Long, csrf_token: Csrf = "", place: Short = "",
    number: Short = "", agenda: Long = "", minutes: Long = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    entered = _meeting_input(held_on, convener, attendees, place, number, agenda, minutes)
    with store(request).write() as session:
        meetings.edit_meeting(session, meeting_id, entered, actor=actor.label)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.post("/meetings/{meeting_id}/decisions")
def decide(
    request: Request, meeting_id: MeetingId, actor: Manager, text: Long, leads: Long,
    csrf_token: Csrf = "", coops: Long = "", title: Short = "",
    deadline: Annotated[dt.date | None, Form()] = None,
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    entered = DecisionInput(text, split_units(leads), split_units(coops), deadline, title)
    with store(request).write() as session:
        meetings.add_decision(session, meeting_id, entered, actor=actor.label)
    return RedirectResponse(f"/meetings/{meeting_id}#decisions", status_code=303)


@router.post("/meetings/{meeting_id}/files")
def upload(
    request: Request, meeting_id: MeetingId, actor: Manager,
    file: Annotated[UploadFile, File()], csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    settings = request.app.state.settings
    data = file.file.read(settings.evidence_max_bytes + 1)
    name = (file.filename or "file").replace("\x00", "")
    with store(request).write() as session:
        meetings.attach_file(session, settings, meeting_id, data, name, actor=actor.label)
    return RedirectResponse(f"/meetings/{meeting_id}#files", status_code=303)


@router.post("/meetings/{meeting_id}/circulate")
def circulate(
    request: Request, meeting_id: MeetingId, actor: Manager, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        meetings.circulate_minutes(session, meeting_id, actor=actor.label)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.post("/meetings/{meeting_id}/sign")
def sign(
    request: Request, meeting_id: MeetingId, actor: Signer, csrf_token: Csrf = "",
    opinion: Long = "",
) -> Response:  # fmt: skip
    """The signed-in leader signs for their own unit, never another's."""
    check_csrf(request, csrf_token)
    with store(request).write() as session:
        meetings.sign_minutes(session, meeting_id, actor.unit_id or -1, opinion=opinion,
                              actor=actor.label)  # fmt: skip
    return RedirectResponse(f"/meetings/{meeting_id}?signed=1", status_code=303)


@router.get("/meetings/{meeting_id}/minutes.docx")
def minutes_download(meeting_id: MeetingId, actor: Viewer, session: Reader) -> Response:
    minutes = minutes_of(session, meeting_id)
    if minutes is None:
        raise HTTPException(404, f"没有编号为 {meeting_id} 的联席会议")
    return docx_response(minutes_docx(minutes), f"{minutes.title}.docx", fallback="minutes.docx")


@router.get("/meetings/files/{file_id}")
def file_download(
    request: Request, file_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: Viewer,
    session: Reader,
) -> Response:  # fmt: skip
    row = meeting_file(session, file_id)
    path = evidence_path(request.app.state.settings, row.sha256) if row else None
    if row is None or path is None or not path.is_file():
        raise HTTPException(404, f"没有编号为 {file_id} 的会议附件")
    return FileResponse(path, media_type=row.content_type, filename=row.name)


def split_units(text: str) -> list[str]:
    """Unit names as typed: separated by 、 , ； or new lines."""
    return [name.strip() for name in _SPLIT.split(text) if name.strip()]


def _meeting_input(
    held_on: dt.date, convener: str, attendees: str, place: str, number: str, agenda: str,
    minutes: str,
) -> MeetingInput:  # fmt: skip
    if held_on.year < 1990:
        raise Invalid(f"会议日期 {held_on.isoformat()} 不合理")
    lines = [line.strip() for line in agenda.splitlines() if line.strip()]
    return MeetingInput(held_on, convener, split_units(attendees), place, number, lines, minutes)
