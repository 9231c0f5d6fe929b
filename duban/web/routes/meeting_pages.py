"""The meetings pages' view models: the list page (with the form to record a meeting) and one
meeting's page (with its forms), each either fresh or again after a refusal — the form that was
refused keeps what the user typed and the page says why, with status 400.

``routes.meetings`` answers the requests; this module builds what the templates show.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain import clock
from duban.domain.choices import STATUS_LABELS
from duban.domain.meetings import MEETING_STATE_LABELS, proposed_agenda
from duban.models import Meeting
from duban.permissions import Actor
from duban.queries.meetings import (
    MeetingPage,
    agenda_draft,
    meeting_checks,
    meeting_page,
    meeting_rows,
)
from duban.services.dates import required_day
from duban.services.meetings import MeetingInput
from duban.web.deps import render

LABELS = {
    "state": {s.value: label for s, label in MEETING_STATE_LABELS.items()},
    "status": {s.value: label for s, label in STATUS_LABELS.items()},
}
MEETING_FIELDS = ("held_on", "number", "convener", "place", "attendees", "agenda", "minutes")
FORMS = ("edit", "decision", "files", "circulate", "sign", "paper", "delete")
"""The forms of a meeting's page; a refused one is shown again with its values and message."""
_SPLIT = re.compile(r"[、,，;；\n]+")


def split_units(text: str) -> list[str]:
    """Unit names as typed: separated by 、 , ； or new lines."""
    return [name.strip() for name in _SPLIT.split(text) if name.strip()]


def meeting_input(values: dict[str, str]) -> MeetingInput:
    """The meeting form's values as the service takes them."""
    held_on = required_day(values["held_on"], "会议日期")
    agenda = [line.strip() for line in values["agenda"].splitlines() if line.strip()]
    return MeetingInput(held_on, values["convener"], split_units(values["attendees"]),
                        values["place"], values["number"], agenda, values["minutes"])  # fmt: skip


def meeting_values(meeting: Meeting, attendees: str) -> dict[str, str]:
    """The meeting form filled from the record (to edit it)."""
    return {
        "held_on": meeting.held_on.isoformat(), "number": meeting.number,
        "convener": meeting.convener, "place": meeting.place, "attendees": attendees,
        "agenda": "\n".join(meeting.agenda), "minutes": meeting.minutes,
    }  # fmt: skip


def list_page(
    request: Request, session: Session, *, status: int = 200, error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """/meetings: the yearly rule, the meetings, the draft agenda and the form to record one."""
    today = clock.today()
    groups = agenda_draft(session, today)
    proposed = "\n".join(proposed_agenda(groups))
    fresh = dict.fromkeys(MEETING_FIELDS, "") | {"held_on": today.isoformat(), "agenda": proposed}
    return render(
        request, "meetings.html", status, rows=meeting_rows(session),
        checks=meeting_checks(session, today), groups=groups, today=today, labels=LABELS,
        values=values or fresh, error=error, deleted=request.query_params.get("deleted"),
    )  # fmt: skip


def detail_page(
    request: Request, session: Session, actor: Actor, meeting_id: int, *, status: int = 200,
    failed: str | None = None, error: str | None = None, values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """/meetings/{id}; after a refusal, the ``failed`` form with ``values`` and ``error``."""
    page = meeting_page(session, meeting_id, clock.today())
    if page is None:
        raise HTTPException(404, f"没有编号为 {meeting_id} 的联席会议")
    own = next((a for a in page.attendees if a.unit_id == actor.unit_id), None)
    forms = _fresh_forms(page)
    if failed in forms and values is not None:
        forms[failed] = forms[failed] | values
    return render(
        request, "meeting.html", status, page=page, own=own, labels=LABELS, forms=forms,
        failed=failed, error=error, unsigned=[a for a in page.attendees if not a.signed_on],
        files={f.id: f for f in page.files},
    )  # fmt: skip


def _fresh_forms(page: MeetingPage) -> dict[str, dict[str, Any]]:
    attendees = "、".join(a.unit for a in page.attendees)
    return {
        "edit": meeting_values(page.meeting, attendees),
        "decision": {"text": "", "leads": "", "coops": "", "deadline": "", "title": ""},
        "sign": {"opinion": ""},
        "paper": {"unit": "", "signer": "", "signed_on": clock.today().isoformat(),
                  "opinion": ""},
        "delete": {"reason": ""},
        "files": {},
        "circulate": {},
    }  # fmt: skip
