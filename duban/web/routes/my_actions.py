"""督办事项 on the unit's side: an action addressed to the signed-in unit, its document, and the
answer form (text and files); plus the download of an answer's file for whoever may see it.

Another unit's action is answered 404 like a missing one, before the form is read or anything
written (the service checks the unit again inside the write).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from duban.config import Settings
from duban.exchange.action_docx import action_docx
from duban.permissions import Actor
from duban.queries.action_documents import action_document
from duban.queries.actions import action_file_for, action_for
from duban.services.actions import respond_action
from duban.services.errors import Invalid
from duban.services.evidence import evidence_path
from duban.web.deps import check_csrf, read_session, render, require, signed_in, store
from duban.web.downloads import docx_response
from duban.web.routes.actions import LABELS
from duban.web.routes.workspace import form_data
from duban.web.schemas import MAX_ID
from duban.web.uploads import files_of

router = APIRouter()

Responder = Annotated[Actor, Depends(require("action.respond"))]
Reader = Annotated[Session, Depends(read_session)]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID)]
Posted = Annotated[FormData, Depends(form_data)]


@router.get("/my/actions/{action_id}")
def my_action_page(
    request: Request, action_id: ActionId, actor: Responder, session: Reader
) -> Response:
    return _page(request, session, actor, action_id, sent=bool(request.query_params.get("sent")))


@router.post("/my/actions/{action_id}/respond")
def respond(request: Request, action_id: ActionId, actor: Responder, form: Posted) -> Response:
    check_csrf(request, _text(form, "csrf_token"))
    settings: Settings = request.app.state.settings
    text = _text(form, "text")
    try:
        with store(request).write() as session:
            if action_for(session, actor, action_id) is None:
                raise HTTPException(404, f"没有编号为 {action_id} 的督办事项")
            uploads = files_of(form.getlist("files"), settings.evidence_max_bytes)
            respond_action(session, settings, action_id, text=text, uploads=uploads,
                           unit_id=actor.unit_id, actor=actor.label)  # fmt: skip
    except Invalid as exc:
        with store(request).read() as session:
            return _page(request, session, actor, action_id, error=exc.message, text=text)
    return RedirectResponse(f"/my/actions/{action_id}?sent=1", status_code=303)


@router.get("/my/actions/{action_id}/docx")
def my_action_docx(action_id: ActionId, actor: Responder, session: Reader) -> Response:
    found = action_document(session, actor, action_id)
    if found is None:
        raise HTTPException(404, f"没有编号为 {action_id} 的督办事项")
    return docx_response(action_docx(found), f"{found.number}.docx", fallback="action.docx")


@router.get("/action-files/{file_id}")
def action_file(
    request: Request,
    file_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    actor: Annotated[Actor, Depends(signed_in)],
    session: Reader,
) -> Response:
    kept = action_file_for(session, actor, file_id)
    path = evidence_path(request.app.state.settings, kept.sha256) if kept else None
    if kept is None or path is None or not path.is_file():
        raise HTTPException(404, f"没有编号为 {file_id} 的附件")
    return FileResponse(path, media_type=kept.content_type, filename=kept.name)


def _page(
    request: Request, session: Session, actor: Actor, action_id: int, *, sent: bool = False,
    error: str | None = None, text: str = "",
) -> Response:  # fmt: skip
    detail = action_for(session, actor, action_id)
    if detail is None:
        raise HTTPException(404, f"没有编号为 {action_id} 的督办事项")
    return render(request, "action.html", 400 if error else 200, a=detail, labels=LABELS,
                  unit_side=True, sent=sent, error=error, text=text, done="")  # fmt: skip


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
