"""The admin page of reminder channels (提醒渠道): list, add, remove; failed deliveries shown.

``duban remind`` (cron or a systemd timer) does the sending; this page only configures where to.
Writes go through ``services.reminder_channels``; a refused one shows the page again with the
service's Chinese message.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from duban.domain.reminders import CHANNEL_KINDS, CHANNEL_LABELS
from duban.permissions import Actor
from duban.queries.admin import unit_choices
from duban.queries.reminders import channel_rows, failed_deliveries
from duban.services import reminder_channels
from duban.services.errors import Conflict, NotFound, ServiceError
from duban.web.deps import check_csrf, render, require, store

router = APIRouter(prefix="/admin/reminders")
Manager = Annotated[Actor, Depends(require("reminders.manage"))]
Csrf = Annotated[str, Form()]
DONE = {"add": "已添加提醒渠道", "remove": "已删除提醒渠道"}


@router.get("")
def channels_page(request: Request, actor: Manager, done: str = "") -> Response:
    return _page(request, done=done)


@router.post("")
def add_channel(
    request: Request, actor: Manager,
    unit: Annotated[str, Form(max_length=64)], kind: Annotated[str, Form(max_length=16)],
    target: Annotated[str, Form(max_length=500)], secret: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=200)] = "", csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            reminder_channels.add_channel(session, unit, kind, target, secret=secret or None,
                                          note=note, actor=actor.label)  # fmt: skip
    except ServiceError as exc:
        form = {"unit": unit, "kind": kind, "target": target, "note": note}
        return _page(request, error=exc, form=form)
    return RedirectResponse(f"/admin/reminders?{urlencode({'done': 'add'})}", status_code=303)


@router.post("/{channel_id}/remove")
def remove_channel(
    request: Request, actor: Manager, channel_id: int, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            reminder_channels.remove_channel(session, channel_id, actor=actor.label)
    except ServiceError as exc:
        return _page(request, error=exc)
    return RedirectResponse(f"/admin/reminders?{urlencode({'done': 'remove'})}", status_code=303)


def _page(
    request: Request, *, done: str = "", error: ServiceError | None = None,
    form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    with store(request).read() as session:
        rows = channel_rows(session)
        failures = failed_deliveries(session)
        units = unit_choices(session, bodies_only=True)
    status = 200 if error is None else 404 if isinstance(error, NotFound) else (
        409 if isinstance(error, Conflict) else 400)  # fmt: skip
    return render(
        request, "admin_reminders.html", status, rows=rows, failures=failures, units=units,
        kinds=[(k, CHANNEL_LABELS[k]) for k in CHANNEL_KINDS], form=form or {},
        notice=DONE.get(done), error=error.message if error else None,
    )  # fmt: skip
