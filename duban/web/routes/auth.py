"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from duban.services.users import sign_in
from duban.web.deps import check_csrf, render, store
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
    address = request.client.host if request.client else "unknown"
    with store(request).write() as session:
        result = sign_in(session, username.strip(), password, address=address)
    if result.actor is None:
        return render(request, "login.html", 400, next=_safe_next(next), error=result.message)
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user_id"] = result.actor.user_id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


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
