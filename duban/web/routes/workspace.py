"""我的任务: the signed-in unit's assignments, the report form (new report or saved draft), and
evidence downloads.

Reporters and leaders reach their own unit's assignments and drafts only: another unit's is
answered 404 like a missing one, before anything is read from the form or written.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from duban.config import Settings
from duban.domain import clock
from duban.domain.choices import CLAIMED_LABELS, REPORT_STATE_LABELS, STATUS_LABELS
from duban.permissions import Actor
from duban.queries.action_pages import action_list_page, state_counts
from duban.queries.actions import ActionFilter
from duban.queries.extensions import workspace_extensions
from duban.queries.meetings import to_sign
from duban.queries.records import actor_school
from duban.queries.workspace import (
    ReportForm,
    evidence_for,
    own_assignment,
    own_report,
    report_form,
    workspace,
)
from duban.services.drafts import ReportInput, edit_draft, file_report
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.evidence import evidence_path
from duban.web.action_deps import PageNumber
from duban.web.deps import check_csrf, read_session, render, require, signed_in, store
from duban.web.routes.actions import LABELS as ACTION_LABELS
from duban.web.schemas import MAX_ID
from duban.web.uploads import MAX_FILES, files_of

router = APIRouter()

LABELS = {
    "status": {s.value: label for s, label in STATUS_LABELS.items()},
    "claimed": {c.value: label for c, label in CLAIMED_LABELS.items()},
    "report": {s.value: label for s, label in REPORT_STATE_LABELS.items()},
    "role": {"lead": "责任", "coop": "配合"},
}
_EMPTY: dict[str, Any] = {"claimed": "", "narrative": "", "late_reason": "", "figures": {}}
MAX_TEXT = 20000
MAX_FIGURE = 1e12

Submitter = Annotated[Actor, Depends(require("report.submit"))]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Reader = Annotated[Session, Depends(read_session)]


async def form_data(request: Request) -> FormData:
    """The posted form (multipart), parsed once; sync routes then run off the event loop."""
    return await request.form(max_files=MAX_FILES, max_fields=200)


Form = Annotated[FormData, Depends(form_data)]


@router.get("/my")
def my_page(
    request: Request, actor: Submitter, session: Reader, page: PageNumber = None
) -> Response:
    """``page`` pages the unit's 督办事项 (most urgent first, 50 to a page)."""
    sent = request.query_params.get("sent")
    board = workspace(session, actor, clock.today())
    school = actor_school(session, actor) is not None
    signing = to_sign(session, actor)
    actions = action_list_page(session, actor, board.today, ActionFilter(), page=page or 1)
    waiting = state_counts(session, actor, board.today).get("open", 0)
    ids = [i.assignment_id for i in board.items]
    extensions = workspace_extensions(session, ids, board.today)  # 延期申请, per assignment
    return render(request, "my.html", ws=board, labels=LABELS, sent=sent, school=school,
                  signing=signing, actions=actions, waiting=waiting, action_labels=ACTION_LABELS,
                  page_href=lambda _, n: "/my" if n == 1 else f"/my?page={n}",
                  extensions=extensions)  # fmt: skip


@router.get("/my/report/{assignment_id}")
def new_report_page(
    request: Request, assignment_id: Id, actor: Submitter, session: Reader
) -> Response:
    return _form_page(request, _form(session, actor, assignment_id))


@router.post("/my/report/{assignment_id}")
def post_report(request: Request, assignment_id: Id, actor: Submitter, form: Form) -> Response:
    check_csrf(request, _text(form, "csrf_token"))
    settings: Settings = request.app.state.settings
    entered, draft = None, False
    try:
        with store(request).write() as session:
            if own_assignment(session, actor, assignment_id) is None:
                raise NotFound(f"没有编号为 {assignment_id} 的分工")
            entered = _report_input(form)
            draft = _text(form, "action") == "draft"
            uploads = files_of(form.getlist("evidence"), settings.evidence_max_bytes)
            report = file_report(session, settings, assignment_id, entered, uploads, draft=draft,
                                 actor=actor.label)  # fmt: skip
            report_id = report.id
    except Invalid as exc:
        return _refill(request, actor, assignment_id, exc, entered)
    if draft:
        return RedirectResponse(f"/my/draft/{report_id}?saved=1", status_code=303)
    return RedirectResponse(f"/my?sent={report_id}#a{assignment_id}", status_code=303)


@router.get("/my/draft/{report_id}")
def draft_page(request: Request, report_id: Id, actor: Submitter, session: Reader) -> Response:
    draft = _own_draft(session, actor, report_id)
    form = _form(session, actor, draft.assignment_id, draft)
    return _form_page(request, form, saved=bool(request.query_params.get("saved")))


@router.post("/my/draft/{report_id}")
def post_draft(request: Request, report_id: Id, actor: Submitter, form: Form) -> Response:
    check_csrf(request, _text(form, "csrf_token"))
    settings: Settings = request.app.state.settings
    entered, assignment_id, send = None, 0, False
    try:
        with store(request).write() as session:
            report = own_report(session, actor, report_id)
            if report is None:
                raise NotFound(f"没有编号为 {report_id} 的草稿")
            assignment_id = report.assignment_id
            entered, version = _report_input(form), _version(form)
            send = _text(form, "action") == "submit"
            uploads = files_of(form.getlist("evidence"), settings.evidence_max_bytes)
            edit_draft(session, settings, report_id, entered, uploads, expected_version=version,
                       send=send, actor=actor.label)  # fmt: skip
    except Invalid as exc:
        return _refill(request, actor, assignment_id, exc, entered, report_id)
    if send:
        return RedirectResponse(f"/my?sent={report_id}#a{assignment_id}", status_code=303)
    return RedirectResponse(f"/my/draft/{report_id}?saved=1", status_code=303)


@router.get("/evidence/{evidence_id}")
def download_evidence(
    request: Request, evidence_id: Id, actor: Annotated[Actor, Depends(signed_in)], session: Reader
) -> Response:
    evidence = evidence_for(session, actor, evidence_id)
    path = evidence_path(request.app.state.settings, evidence.sha256) if evidence else None
    if evidence is None or path is None or not path.is_file():
        raise HTTPException(404, f"没有编号为 {evidence_id} 的佐证材料")
    return FileResponse(path, media_type=evidence.content_type, filename=evidence.name)


# --- helpers ------------------------------------------------------------------------------------


def _form(session: Session, actor: Actor, assignment_id: int, draft: Any = None) -> ReportForm:
    form = report_form(session, actor, assignment_id, clock.today(), draft)
    if form is None:
        raise HTTPException(404, f"没有编号为 {assignment_id} 的分工")
    return form


def _own_draft(session: Session, actor: Actor, report_id: int) -> Any:
    report = own_report(session, actor, report_id)
    if report is None:
        raise HTTPException(404, f"没有编号为 {report_id} 的草稿")
    if report.state != "draft":
        raise Conflict(f"报告 #{report_id} 已报送，不能再作为草稿修改；如需更正，请重新填报")
    return report


def _form_page(
    request: Request, form: ReportForm, status: int = 200, *, error: str | None = None,
    values: dict[str, Any] | None = None, saved: bool = False,
) -> Response:  # fmt: skip
    if values is None and form.draft is not None:
        figures = {t.id: t.value for t in form.targets if t.value is not None}
        d = form.draft
        values = _values(ReportInput(d.claimed, d.narrative, d.late_reason, figures))
    if values is None:  # a new report starts from the claimed state of the last one sent
        values = _EMPTY | {"claimed": form.item.latest.claimed if form.item.latest else ""}
    return render(request, "report_form.html", status, form=form, labels=LABELS, error=error,
                  values=values, saved=saved)  # fmt: skip


def _refill(
    request: Request, actor: Actor, assignment_id: int, exc: Invalid,
    entered: ReportInput | None, report_id: int | None = None,
) -> Response:  # fmt: skip
    """The form again with what was typed and the reason it was refused (nothing was saved)."""
    with store(request).read() as session:
        draft = _own_draft(session, actor, report_id) if report_id is not None else None
        form = _form(session, actor, assignment_id, draft)
        values = _values(entered) if entered is not None else None
        return _form_page(request, form, 400, error=exc.message, values=values)


def _values(entered: ReportInput) -> dict[str, Any]:
    return {
        "claimed": entered.claimed,
        "narrative": entered.narrative,
        "late_reason": entered.late_reason or "",
        "figures": dict(entered.figures),
    }


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _report_input(form: FormData) -> ReportInput:
    claimed = _text(form, "claimed")
    if claimed not in LABELS["claimed"]:
        raise Invalid("请选择进展状态：未启动、推进中或已完成")
    narrative, late = _text(form, "narrative").strip(), _text(form, "late_reason").strip()
    if len(narrative) > MAX_TEXT or len(late) > MAX_TEXT:
        raise Invalid(f"进展情况和逾期原因各不超过 {MAX_TEXT} 字")
    if "\x00" in narrative + late:
        raise Invalid("进展情况和逾期原因不能包含空字符（NUL）")
    return ReportInput(claimed, narrative, late or None, _figures(form))


def _figures(form: FormData) -> dict[int, float]:
    figures: dict[int, float] = {}
    for key, value in form.multi_items():
        if not key.startswith("figure_") or not isinstance(value, str) or not value.strip():
            continue
        try:
            target_id, number = int(key.removeprefix("figure_")), float(value)
        except ValueError:
            raise Invalid(f"填写的数值“{value.strip()[:20]}”不是有效的数字") from None
        if not math.isfinite(number) or abs(number) > MAX_FIGURE:
            raise Invalid(f"填写的数值“{value.strip()[:20]}”不是有效的数字")
        figures[target_id] = number
    return figures


def _version(form: FormData) -> int:
    try:
        return int(_text(form, "version"))
    except ValueError:
        raise Invalid("表单缺少版本号，请刷新页面后重试") from None
