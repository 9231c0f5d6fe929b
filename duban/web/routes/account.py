"""The signed-in user's own account: 修改密码 (change one's password)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from duban.permissions import Actor
from duban.services.errors import Invalid
from duban.services.passwords import change_own_password
from duban.web.deps import SESSION_TOKEN, check_csrf, render, signed_in, store
from duban.web.routes.auth import address_of

router = APIRouter()

Me = Annotated[Actor, Depends(signed_in)]
Secret = Annotated[str, Form(max_length=256)]


@router.get("/account/password")
def password_page(request: Request, actor: Me, done: str = "") -> Response:
    return render(request, "account_password.html", done=done == "1", error=None)


@router.post("/account/password")
def change_password(
    request: Request, actor: Me, current_password: Secret = "", new_password: Secret = "",
    confirm: Secret = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """Change the password: the current one checked and throttled like a sign-in; every other
    session of the user ends, this one goes on."""
    check_csrf(request, csrf_token)
    try:
        change_own_password(store(request), actor.username, current_password, new_password,
                            confirm=confirm, address=address_of(request),
                            keep=request.session.get(SESSION_TOKEN, ""))  # fmt: skip
    except Invalid as exc:
        return render(request, "account_password.html", 400, done=False, error=exc.message)
    return RedirectResponse("/account/password?done=1", status_code=303)
