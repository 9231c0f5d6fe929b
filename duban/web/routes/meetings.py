"""联席会议: the meetings, the meeting rule, the draft agenda; recording a meeting, its decisions
and attachments, deleting one recorded by mistake (admin); circulating the minutes and signing
them (an attending unit's leader); recording a sign-off that came back on paper (督导室).

Everyone who reads the ledger reads the meetings. Writes go through ``services.meetings`` and
``services.meeting_office``. Bad input (``Invalid``) shows the form again with what was typed and
the reason, status 400 (``routes.meeting_pages``); a refusal of the state (``Conflict``) or a
missing meeting is answered by the app's error page with its reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as PostedFile
from starlette.responses import Response

from duban.exchange.minutes_docx import minutes_docx
from duban.permissions import Actor
from duban.queries.meetings import meeting_file, minutes_of
from duban.services import meeting_office, meetings
from duban.services.dates import parse_day
from duban.services.drafts import Upload
from duban.services.errors import Invalid
from duban.services.evidence import evidence_path
from duban.services.meeting_office import PaperSignoff
from duban.services.meetings import DecisionInput
from duban.web.deps import check_csrf, read_session, require, store
from duban.web.downloads import docx_response
from duban.web.routes.meeting_pages import detail_page, list_page, meeting_input, split_units
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

Viewer = Annotated[Actor, Depends(require("plan.view"))]
Manager = Annotated[Actor, Depends(require("meeting.manage"))]
Signer = Annotated[Actor, Depends(require("meeting.sign"))]
PaperSigner = Annotated[Actor, Depends(require("meeting.sign_paper"))]
Reader = Annotated[Session, Depends(read_session)]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID)]
Short = Annotated[str, Form(max_length=200, pattern=NO_NUL)]
Long = Annotated[str, Form(max_length=20000, pattern=NO_NUL)]
Csrf = Annotated[str, Form()]


async def form_data(request: Request) -> FormData:
    """The posted form (multipart, one file at most), parsed once."""
    return await request.form(max_files=1, max_fields=20)


Posted = Annotated[FormData, Depends(form_data)]


@router.get("/meetings")
def meetings_page(request: Request, actor: Viewer, session: Reader) -> Response:
    return list_page(request, session)


@router.post("/meetings")
def record(
    request: Request, actor: Manager, csrf_token: Csrf = "", held_on: Short = "",
    convener: Short = "", attendees: Long = "", place: Short = "", number: Short = "",
    agenda: Long = "", minutes: Long = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    values = {"held_on": held_on, "convener": convener, "attendees": attendees, "place": place,
              "number": number, "agenda": agenda, "minutes": minutes}  # fmt: skip
    try:
        entered = meeting_input(values)
        with store(request).write() as session:
            meeting_id = meetings.record_meeting(session, entered, actor=actor.label).id
    except Invalid as exc:
        with store(request).read() as session:
            return list_page(request, session, status=400, error=exc.message, values=values)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.get("/meetings/{meeting_id}")
def meeting_detail(
    request: Request, meeting_id: MeetingId, actor: Viewer, session: Reader
) -> Response:
    return detail_page(request, session, actor, meeting_id)


@router.post("/meetings/{meeting_id}")
def edit(
    request: Request, meeting_id: MeetingId, actor: Manager, csrf_token: Csrf = "",
    held_on: Short = "", convener: Short = "", attendees: Long = "", place: Short = "",
    number: Short = "", agenda: Long = "", minutes: Long = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    values = {"held_on": held_on, "convener": convener, "attendees": attendees, "place": place,
              "number": number, "agenda": agenda, "minutes": minutes}  # fmt: skip
    try:
        entered = meeting_input(values)
        with store(request).write() as session:
            meetings.edit_meeting(session, meeting_id, entered, actor=actor.label)
    except Invalid as exc:
        return _again(request, actor, meeting_id, "edit", exc, values)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.post("/meetings/{meeting_id}/decisions")
def decide(
    request: Request, meeting_id: MeetingId, actor: Manager, csrf_token: Csrf = "",
    text: Long = "", leads: Long = "", coops: Long = "", title: Short = "", deadline: Short = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    values = {"text": text, "leads": leads, "coops": coops, "title": title, "deadline": deadline}
    try:
        day = parse_day(deadline, "完成时限")
        entered = DecisionInput(text, split_units(leads), split_units(coops), day, title)
        with store(request).write() as session:
            meetings.add_decision(session, meeting_id, entered, actor=actor.label)
    except Invalid as exc:
        return _again(request, actor, meeting_id, "decision", exc, values)
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
    try:
        with store(request).write() as session:
            meetings.attach_file(session, settings, meeting_id, data, name, actor=actor.label)
    except Invalid as exc:
        return _again(request, actor, meeting_id, "files", exc)
    return RedirectResponse(f"/meetings/{meeting_id}#files", status_code=303)


@router.post("/meetings/{meeting_id}/circulate")
def circulate(
    request: Request, meeting_id: MeetingId, actor: Manager, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            meetings.circulate_minutes(session, meeting_id, actor=actor.label)
    except Invalid as exc:
        return _again(request, actor, meeting_id, "circulate", exc)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.post("/meetings/{meeting_id}/sign")
def sign(
    request: Request, meeting_id: MeetingId, actor: Signer, csrf_token: Csrf = "",
    opinion: Long = "",
) -> Response:  # fmt: skip
    """The signed-in leader signs for their own unit, never another's."""
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            meetings.sign_minutes(session, meeting_id, actor.unit_id or -1, opinion=opinion,
                                  actor=actor.label)  # fmt: skip
    except Invalid as exc:
        return _again(request, actor, meeting_id, "sign", exc, {"opinion": opinion})
    return RedirectResponse(f"/meetings/{meeting_id}?signed=1", status_code=303)


@router.post("/meetings/{meeting_id}/paper-sign")
def sign_on_paper(
    request: Request, meeting_id: MeetingId, actor: PaperSigner, form: Posted
) -> Response:
    """The supervision office records a unit's sign-off that came back on paper (纸质会签)."""
    check_csrf(request, _field(form, "csrf_token"))
    settings = request.app.state.settings
    values = {k: _field(form, k) for k in ("unit", "signer", "signed_on", "opinion")}
    entered = PaperSignoff(values["unit"], values["signer"], values["signed_on"],
                           values["opinion"], _scan(form, settings.evidence_max_bytes))  # fmt: skip
    try:
        with store(request).write() as session:
            meeting_office.record_paper_signoff(session, settings, meeting_id, entered,
                                                actor=actor.label)  # fmt: skip
    except Invalid as exc:
        return _again(request, actor, meeting_id, "paper", exc, values)
    return RedirectResponse(f"/meetings/{meeting_id}?paper=1#attendees", status_code=303)


@router.post("/meetings/{meeting_id}/delete")
def delete(
    request: Request, meeting_id: MeetingId, actor: Manager, csrf_token: Csrf = "",
    reason: Long = "",
) -> Response:  # fmt: skip
    """Delete a meeting recorded by mistake; refused once decisions or sign-offs hang on it."""
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            meeting_office.delete_meeting(session, meeting_id, reason=reason, actor=actor.label)
    except Invalid as exc:
        return _again(request, actor, meeting_id, "delete", exc, {"reason": reason})
    return RedirectResponse("/meetings?deleted=1", status_code=303)


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


def _again(
    request: Request, actor: Actor, meeting_id: int, failed: str, exc: Invalid,
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """The meeting's page again: the refused form with what was typed and why (nothing saved)."""
    with store(request).read() as session:
        return detail_page(request, session, actor, meeting_id, status=400, failed=failed,
                           error=exc.message, values=values)  # fmt: skip


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _scan(form: FormData, limit: int) -> Upload | None:
    """The scan chosen, read up to one byte past the limit (the size check needs no more)."""
    item = form.get("scan")
    if not isinstance(item, PostedFile) or not item.filename:
        return None
    data = item.file.read(limit + 1)
    return Upload(item.filename.replace("\x00", ""), data, len(data))
