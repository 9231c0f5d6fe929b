"""绑定指标: the numeric targets of the published plans, each with the indicator bound to it or
proposed for it; an admin binds, changes or unbinds (``services.targets.bind_target``, audited
``target.bind`` as ``duban targets bind`` is). Registered before ``routes.indicators`` so that
``/indicators/bindings`` is not read as an indicator's key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.permissions import Actor
from duban.queries.indicator_bindings import binding_rows
from duban.services.errors import Invalid
from duban.services.targets import bind_target
from duban.web.deps import check_csrf, read_session, render, require, store
from duban.web.schemas import MAX_ID, NO_NUL

router = APIRouter()

Binder = Annotated[Actor, Depends(require("indicators.bind"))]


@router.get("/indicators/bindings")
def bindings_page(
    request: Request, actor: Binder, session: Annotated[Session, Depends(read_session)],
    done: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:  # fmt: skip
    return render(request, "indicator_bindings.html", rows=binding_rows(session), done=done)


@router.post("/indicators/bindings/{target_id}")
def bind(
    request: Request, actor: Binder,
    target_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    indicator: Annotated[str, Form(max_length=64, pattern=NO_NUL)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """Bind the target to ``indicator``; an empty ``indicator`` unbinds it."""
    check_csrf(request, csrf_token)
    try:
        with store(request).write() as session:
            bind_target(session, target_id, indicator or None, actor=actor.label)
    except Invalid as exc:
        with store(request).read() as session:
            return render(request, "indicator_bindings.html", 400, rows=binding_rows(session),
                          done=None, problem=exc.message, problem_target=target_id)  # fmt: skip
    return RedirectResponse(f"/indicators/bindings?done={target_id}#t{target_id}", 303)
