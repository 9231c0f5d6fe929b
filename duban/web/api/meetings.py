"""Joint meetings (联席会议): read them, with sign-off and decisions; record a meeting and its
decisions, circulate the minutes, delete one recorded by mistake (admin); sign them for one's
own unit (a unit's leader); record a sign-off that came back on paper (督导室, admin). The
same services as the pages (``services.meetings``, ``services.meeting_office``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from duban.domain import clock
from duban.permissions import Actor
from duban.queries.meetings import meeting_check, meeting_page, meeting_rows
from duban.services import meeting_office, meetings
from duban.services.meeting_office import PaperSignoff
from duban.services.meetings import DecisionInput, MeetingInput
from duban.web.api.common import READ_ERRORS, WRITE_ERRORS, ApiRoute, AsOf, Csrf, PlanViewer, Reader
from duban.web.api.meeting_schemas import (
    DecisionIn,
    DeleteIn,
    MeetingBrief,
    MeetingCheckOut,
    MeetingIn,
    MeetingList,
    MeetingOut,
    PaperSignoffIn,
    SignIn,
)
from duban.web.deps import require, store
from duban.web.schemas import MAX_ID

router = APIRouter(route_class=ApiRoute)

Manager = Annotated[Actor, Depends(require("meeting.manage"))]
Signer = Annotated[Actor, Depends(require("meeting.sign"))]
PaperSigner = Annotated[Actor, Depends(require("meeting.sign_paper"))]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID, description="联席会议 id")]
NO_MEETING = "没有这次联席会议"


@router.get("/meetings", response_model=MeetingList, responses=READ_ERRORS, summary="联席会议列表")
def list_meetings(actor: PlanViewer, session: Reader, as_of: AsOf = None) -> MeetingList:
    """Every meeting, newest first, and the rule “at least two meetings a year” for the year."""
    check = meeting_check(session, as_of or clock.today())
    return MeetingList(items=[MeetingBrief.of(r) for r in meeting_rows(session)],
                       check=MeetingCheckOut.of(check))  # fmt: skip


@router.get("/meetings/{meeting_id}", response_model=MeetingOut, responses=READ_ERRORS,
            summary="联席会议详情")  # fmt: skip
def get_meeting(
    meeting_id: MeetingId, actor: PlanViewer, session: Reader, as_of: AsOf = None
) -> MeetingOut:
    """A meeting with its agenda, minutes, attendees' sign-off and decisions (each a task of the
    decisions plan ``plan``, with its status as of ``as_of``)."""
    page = meeting_page(session, meeting_id, as_of or clock.today())
    if page is None:
        raise HTTPException(404, NO_MEETING)
    return MeetingOut.of(page)


@router.post("/meetings", response_model=MeetingOut, status_code=201, responses=WRITE_ERRORS,
             summary="登记联席会议")  # fmt: skip
def post_meeting(request: Request, body: MeetingIn, actor: Manager, _csrf: Csrf) -> MeetingOut:
    entered = MeetingInput(body.held_on, body.convener, body.attendees, body.place, body.number,
                           body.agenda, body.minutes)  # fmt: skip
    with store(request).write() as session:
        meeting_id = meetings.record_meeting(session, entered, actor=actor.label).id
    return _answer(request, meeting_id)


@router.post("/meetings/{meeting_id}/decisions", response_model=MeetingOut, status_code=201,
             responses=WRITE_ERRORS, summary="登记议定事项")  # fmt: skip
def post_decision(
    request: Request, meeting_id: MeetingId, body: DecisionIn, actor: Manager, _csrf: Csrf
) -> MeetingOut:
    """The decision becomes a task of the decisions plan with its lead and cooperating units."""
    entered = DecisionInput(body.text, body.leads, body.coops, body.deadline, body.title)
    with store(request).write() as session:
        meetings.add_decision(session, meeting_id, entered, actor=actor.label)
    return _answer(request, meeting_id)


@router.post("/meetings/{meeting_id}/circulate", response_model=MeetingOut,
             responses=WRITE_ERRORS, summary="纪要送会签")  # fmt: skip
def post_circulate(
    request: Request, meeting_id: MeetingId, actor: Manager, _csrf: Csrf
) -> MeetingOut:
    with store(request).write() as session:
        meetings.circulate_minutes(session, meeting_id, actor=actor.label)
    return _answer(request, meeting_id)


@router.post("/meetings/{meeting_id}/sign", response_model=MeetingOut, responses=WRITE_ERRORS,
             summary="会签纪要")  # fmt: skip
def post_sign(
    request: Request, meeting_id: MeetingId, body: SignIn, actor: Signer, _csrf: Csrf
) -> MeetingOut:
    """The signed-in leader signs for their own unit."""
    with store(request).write() as session:
        meetings.sign_minutes(session, meeting_id, actor.unit_id or -1, opinion=body.opinion,
                              actor=actor.label)  # fmt: skip
    return _answer(request, meeting_id)


@router.post("/meetings/{meeting_id}/paper-signoffs", response_model=MeetingOut,
             status_code=201, responses=WRITE_ERRORS, summary="登记纸质会签")  # fmt: skip
def post_paper_signoff(
    request: Request, meeting_id: MeetingId, body: PaperSignoffIn, actor: PaperSigner, _csrf: Csrf
) -> MeetingOut:
    """Record an attending unit's sign-off of the circulating minutes that came back on paper
    (纸质会签): it counts like one signed on line. One with the scan of the signed page is
    recorded on the meeting's page or with ``duban meetings sign-paper --scan``."""
    settings = request.app.state.settings
    entered = PaperSignoff(body.unit, body.signer, body.signed_on, body.opinion)
    with store(request).write() as session:
        meeting_office.record_paper_signoff(session, settings, meeting_id, entered,
                                            actor=actor.label)  # fmt: skip
    return _answer(request, meeting_id)


@router.delete("/meetings/{meeting_id}", status_code=204, response_class=Response,
               responses=WRITE_ERRORS, summary="删除误录的联席会议")  # fmt: skip
def delete_meeting(
    request: Request, meeting_id: MeetingId, body: DeleteIn, actor: Manager, _csrf: Csrf
) -> Response:
    """Delete a meeting recorded by mistake, with the reason (kept in the audit log). Refused
    (409) once a decision is tracked as a task or an attending unit has signed."""
    with store(request).write() as session:
        meeting_office.delete_meeting(session, meeting_id, reason=body.reason, actor=actor.label)
    return Response(status_code=204)


def _answer(request: Request, meeting_id: int) -> MeetingOut:
    with store(request).read() as session:
        page = meeting_page(session, meeting_id, clock.today())
        if page is None:
            raise HTTPException(404, NO_MEETING)
        return MeetingOut.of(page)
