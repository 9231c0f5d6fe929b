"""Admin pages: users (add, reset password, disable, enable, see and end their sessions) and the
unit registry (aliases, download and upload of the registry file).

Every write goes through ``duban.services``; a refused write shows the page again with the
service's Chinese message, nothing written. Success redirects (303) with a ``done`` code the page
turns into a message.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from duban.domain import clock
from duban.domain.registry import dump_registry
from duban.models.base import utcnow
from duban.permissions import ROLE_LABELS, ROLES, Actor
from duban.queries.admin import unit_choices, unit_rows, user_rows
from duban.queries.sessions import Limits, sessions_in_force
from duban.queries.units import current_registry
from duban.services import admin, users
from duban.services.admin import MAX_REGISTRY_BYTES
from duban.services.errors import Conflict, NotFound, ServiceError
from duban.web.deps import SESSION_TOKEN, check_csrf, render, require, store

router = APIRouter(prefix="/admin")
UserAdmin = Annotated[Actor, Depends(require("users.manage"))]
UnitAdmin = Annotated[Actor, Depends(require("units.manage"))]
Csrf = Annotated[str, Form()]
LIST_LIMIT = {"users": 200, "units": 300}
KIND_LABELS = {
    "department": "部门",
    "county_government": "县（区）政府",
    "school": "学校",
    "enterprise": "企业",
    "body": "机构",
    "collective": "集合单位",
    "place": "地区",
}
DONE = {
    "add": "已添加用户",
    "password": "已重置密码的用户",
    "disable": "已停用用户",
    "enable": "已启用用户",
    "sessions": "已结束会话的用户",
    "alias": "已添加别名",
}


# --- users ---------------------------------------------------------------------------------------


@router.get("/users")
def users_page(
    request: Request, actor: UserAdmin, q: Annotated[str, Query(max_length=64)] = "",
    done: str = "", who: Annotated[str, Query(max_length=64)] = "",
) -> Response:  # fmt: skip
    return _users_page(request, search=q, done=done, who=who)


@router.post("/users")
def add_user(
    request: Request,
    actor: UserAdmin,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[str, Form(max_length=16)],
    display_name: Annotated[str, Form(max_length=100)] = "",
    unit: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    name = username.strip()
    try:
        with store(request).write() as session:
            users.add_user(session, name, password, role=role, unit_key=unit or None,
                           display_name=display_name.strip(), actor=actor.label)  # fmt: skip
    except ServiceError as exc:
        form = {"username": name, "display_name": display_name, "role": role, "unit": unit}
        return _users_page(request, error=exc, form=form)
    return _back("/admin/users", "add", name)


@router.post("/users/{username}/password")
def reset_password(
    request: Request, actor: UserAdmin, username: str,
    password: Annotated[str, Form(max_length=256)], csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            own = request.session.get(SESSION_TOKEN) if username == actor.username else None
            users.set_password(session, username, password, actor=actor.label, keep=own)
    except ServiceError as exc:
        return _users_page(request, error=exc)
    return _back("/admin/users", "password", username)


@router.post("/users/{username}/disable")
def disable_user(
    request: Request, actor: UserAdmin, username: str, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            admin.disable_user(session, username, actor=actor.label)
    except ServiceError as exc:
        return _users_page(request, error=exc)
    return _back("/admin/users", "disable", username)


@router.post("/users/{username}/enable")
def enable_user(
    request: Request, actor: UserAdmin, username: str, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            admin.enable_user(session, username, actor=actor.label)
    except ServiceError as exc:
        return _users_page(request, error=exc)
    return _back("/admin/users", "enable", username)


@router.post("/users/{username}/sessions/end")
def end_sessions(
    request: Request, actor: UserAdmin, username: str, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            admin.end_sessions(session, username, actor=actor.label)
    except ServiceError as exc:
        return _users_page(request, error=exc)
    return _back("/admin/users", "sessions", username)


def _users_page(
    request: Request, *, search: str = "", done: str = "", who: str = "",
    error: ServiceError | None = None, form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    settings = request.app.state.settings
    limits = Limits.of(settings.session_idle_minutes, settings.session_max_hours)
    with store(request).read() as session:
        rows = user_rows(session, search, limit=LIST_LIMIT["users"])
        shown = rows[: LIST_LIMIT["users"]]
        units = unit_choices(session, bodies_only=True)
        open_sessions = sessions_in_force(session, [r.username for r in shown], now=utcnow(),
                                          limits=limits)  # fmt: skip
    return render(
        request, "admin_users.html", _status(error), rows=shown, sessions=open_sessions,
        more=len(rows) > LIST_LIMIT["users"], units=units, search=search,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES], form=form or {}, **_messages(done, who, error),
    )  # fmt: skip


# --- units ---------------------------------------------------------------------------------------


@router.get("/units")
def units_page(
    request: Request, actor: UnitAdmin, q: Annotated[str, Query(max_length=64)] = "",
    done: str = "", who: Annotated[str, Query(max_length=200)] = "",
    created: int = 0, updated: int = 0, unchanged: int = 0,
) -> Response:  # fmt: skip
    loaded = (created, updated, unchanged) if done == "load" else None
    return _units_page(request, search=q, done=done, who=who, loaded=loaded)


@router.get("/units/registry.yaml")
def download_registry(request: Request, actor: UnitAdmin) -> Response:
    with store(request).read() as session:
        text = dump_registry(current_registry(session))
    name = f"units-{clock.today().isoformat()}.yaml"
    return Response(text, media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/units/alias")
def add_alias(
    request: Request, actor: UnitAdmin, unit: Annotated[str, Form(max_length=64)],
    alias: Annotated[str, Form(max_length=400)], csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            admin.add_alias(session, unit, alias, actor=actor.label)
    except ServiceError as exc:
        return _units_page(request, error=exc, form={"unit": unit, "alias": alias})
    return _back("/admin/units", "alias", alias.strip())


@router.post("/units/upload")
def upload_registry(
    request: Request, actor: UnitAdmin, file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    data = file.file.read(MAX_REGISTRY_BYTES + 1) if file is not None else b""
    try:
        with store(request).write() as session:
            result = admin.load_units_file(session, data, actor=actor.label)
    except ServiceError as exc:
        return _units_page(request, error=exc)
    counts = f"created={result.created}&updated={result.updated}&unchanged={result.unchanged}"
    return RedirectResponse(f"/admin/units?done=load&{counts}", status_code=303)


def _units_page(
    request: Request, *, search: str = "", done: str = "", who: str = "",
    loaded: tuple[int, int, int] | None = None, error: ServiceError | None = None,
    form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    with store(request).read() as session:
        rows = unit_rows(session, search, limit=LIST_LIMIT["units"])
        choices = unit_choices(session)
    return render(
        request, "admin_units.html", _status(error), rows=rows[: LIST_LIMIT["units"]],
        more=len(rows) > LIST_LIMIT["units"], choices=choices, search=search, kinds=KIND_LABELS,
        loaded=loaded, form=form or {}, max_mb=MAX_REGISTRY_BYTES // 2**20,
        **_messages(done, who, error),
    )  # fmt: skip


# --- shared --------------------------------------------------------------------------------------


def _back(path: str, done: str, who: str) -> Response:
    return RedirectResponse(f"{path}?{urlencode({'done': done, 'who': who})}", status_code=303)


def _messages(done: str, who: str, error: ServiceError | None) -> dict[str, Any]:
    notice = (DONE[done], who) if done in DONE else None
    return {"notice": notice, "error": error.message if error else None}


def _status(error: ServiceError | None) -> int:
    if error is None:
        return 200
    return 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 400
