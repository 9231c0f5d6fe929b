"""Sign-in and sign-out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from duban.models.base import utcnow
from duban.queries.sessions import rotation_user
from duban.services.errors import Invalid
from duban.services.passwords import rotate_password
from duban.services.sessions import end_session
from duban.services.users import sign_in_session
from duban.web.deps import SESSION_TOKEN, check_csrf, render, store
from duban.web.i18n import LANGUAGES

router = APIRouter()


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, csrf_token)
    max_age = request.app.state.settings.password_max_age_days
    result = sign_in_session(store(request), username.strip(), password,
                             address=address_of(request), user_agent=user_agent_of(request),
                             lifetime=_lifetime(request), max_age_days=max_age)  # fmt: skip
    if result.actor is None:
        return render(request, "login.html", 400, next=_safe_next(next), error=result.message)
    _end_own_session(request)  # a new session on sign-in: no fixation
    if result.ticket is not None:  # not signed in until the password is changed
        request.session[TICKET] = result.ticket
        return RedirectResponse("/password", status_code=303)
    request.session[SESSION_TOKEN] = result.token
    return RedirectResponse(_safe_next(next), status_code=303)


TICKET = "rotation"
"""Session-cookie key: the ticket of a right but expired password's sign-in (rotation). It names
no user: the server looks it up, once, within minutes (``duban.services.sessions``)."""


@router.get("/password")
def password_page(request: Request) -> Response:
    """The form asking a user whose password expired for a new one."""
    username = _ticket_user(request)
    if username is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "password.html", username=username, error=None)


@router.post("/password")
def change_password(
    request: Request,
    old_password: Annotated[str, Form(max_length=256)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
    confirm: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    username, ticket = _ticket_user(request), request.session.get(TICKET)
    if username is None or not isinstance(ticket, str):
        return RedirectResponse("/login", status_code=303)
    try:
        token = rotate_password(store(request), ticket, old_password, new_password,
                                confirm=confirm, address=address_of(request),
                                user_agent=user_agent_of(request),
                                lifetime=_lifetime(request))  # fmt: skip
    except Invalid as exc:
        return render(request, "password.html", 400, username=username, error=exc.message)
    request.session.clear()
    request.session[SESSION_TOKEN] = token
    return RedirectResponse("/", status_code=303)


def _ticket_user(request: Request) -> str | None:
    """The account the cookie's rotation ticket names while it may be used; a ticket used up
    or too old is dropped from the cookie."""
    ticket = request.session.get(TICKET)
    if not isinstance(ticket, str):
        return None
    with store(request).read() as session:
        username = rotation_user(session, ticket, utcnow())
    if username is None:
        request.session.pop(TICKET, None)
    return username


def _lifetime(request: Request) -> dt.timedelta:
    return dt.timedelta(hours=request.app.state.settings.session_max_hours)


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def user_agent_of(request: Request) -> str:
    return request.headers.get("user-agent", "")


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Sign out: the session ends on the server (a copy of the cookie signs nobody in)."""
    check_csrf(request, csrf_token)
    _end_own_session(request)
    return RedirectResponse("/login", status_code=303)


def _end_own_session(request: Request) -> None:
    """End the session the cookie names, if any, and empty the cookie."""
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str):
        with store(request).write() as session:
            end_session(session, token, reason="signout")
    request.session.clear()


def _safe_next(target: str) -> str:
    """Only local paths: never redirect off-site after sign-in."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/language")
def choose_language(lang: str = "zh", next: str = "/") -> Response:
    """Remember the chosen UI language in a cookie (中文 by default)."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
