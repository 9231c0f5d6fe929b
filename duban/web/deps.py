"""Request dependencies: the store, the signed-in actor, permissions, CSRF, rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Hashable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from duban.db import Store
from duban.domain.choices import UnitKind
from duban.domain.clock import SHANGHAI
from duban.models import Unit
from duban.models.base import utcnow
from duban.permissions import ACTIONS, ROLE_LABELS, Actor, can
from duban.queries.memo import remembered
from duban.queries.sessions import Limits, find_session
from duban.services import sessions
from duban.web.i18n import pick_language, translations
from duban.web.security import csrf_ok, csrf_token
from duban.web.task_charts import number


def store(request: Request) -> Store:
    result: Store = request.app.state.store
    return result


def read_session(request: Request) -> Iterator[Session]:
    """A read-only transaction for the request (the page's own reads use it too: the unit name
    in the header)."""
    with store(request).read() as session:
        request.state.reader = session
        try:
            yield session
        finally:
            request.state.reader = None


def current_actor(request: Request) -> Actor | None:
    """The signed-in actor, looked up in a read transaction of its own (see ``_actor_in``)."""
    if not isinstance(request.session.get(SESSION_TOKEN), str):
        return None
    with store(request).read() as session:
        return _actor_in(request, session)


def _actor_in(request: Request, session: Session) -> Actor | None:
    """The signed-in actor: the cookie's session token looked up in the database each request
    (one indexed read), so a session ended by sign-out, a password change, a disabled account or
    an admin signs nobody in, nor does one idle or older than the settings allow."""
    token = request.session.get(SESSION_TOKEN)
    if not isinstance(token, str):
        return None
    settings = request.app.state.settings
    limits = Limits.of(settings.session_idle_minutes, settings.session_max_hours)
    found = find_session(session, token)
    now = utcnow()
    if found is None or found.expired(now, limits):
        if found is not None:
            _bookkeeping(request, lambda s: sessions.end_session(s, token, reason="expired"))
        request.session.clear()
        return None
    if found.stale(now, limits):
        _bookkeeping(request, lambda s: sessions.touch_session(s, found.session_id, now))
    return found.actor


SESSION_TOKEN = "token"
"""Session-cookie key: the server-side session's token (the cookie holds no user id)."""


def _bookkeeping(request: Request, write: Callable[[Session], object]) -> None:
    """A small write on a request's way (a session's last use, its expiry). When the write lock
    is busy past the timeout it is skipped, not the request: the next request writes it."""
    try:
        with store(request).write() as session:
            write(session)
    except OperationalError:
        pass


class SignInRequired(Exception):
    """Raised for a page that needs a signed-in user; answered with a redirect to /login."""


def signed_in(request: Request) -> Actor:
    return _admitted(request, current_actor(request))


def _admitted(request: Request, actor: Actor | None) -> Actor:
    """``actor``, or the refusal of a request nobody signed: 401 from the API, else the login
    page."""
    if actor is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "请先登录")
        raise SignInRequired()
    request.state.actor = actor
    return actor


def _permitted(actor: Actor, action: str) -> Actor:
    if not can(actor, action):
        raise HTTPException(403, "您没有权限执行此操作")
    return actor


def require(action: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that lets only actors holding ``action`` through (403 otherwise)."""
    assert action in ACTIONS, action

    async def check(actor: Annotated[Actor, Depends(signed_in)]) -> Actor:
        # async: no I/O here, so FastAPI calls it on the event loop, not through a thread
        return _permitted(actor, action)

    return check


async def reading(
    request: Request, action: str, build: Callable[[Session, Actor], Response]
) -> Response:
    """A read-only page in one read transaction and one trip to a worker thread: the signed-in
    actor looked up, ``action`` checked and the page built by ``build(session, actor)``, all in
    the transaction the page reads. The same answers as ``require(action)`` with ``read_session``
    (401, the login page, 403), at about half the cost for the busiest pages: each dependency
    that does I/O is a thread trip of its own, and each transaction a checkout, BEGIN and COMMIT.
    The connection is taken in the thread that uses it, never held while waiting for one."""
    assert action in ACTIONS, action

    def work() -> Response:
        with store(request).read() as session:
            request.state.reader = session
            try:
                actor = _permitted(_admitted(request, _actor_in(request, session)), action)
                return build(session, actor)
            finally:
                request.state.reader = None

    return await run_in_threadpool(work)


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse a state-changing request without the session's CSRF token (form or header)."""
    submitted = token or request.headers.get("x-csrf-token")
    if not csrf_ok(request, submitted):
        raise HTTPException(403, "页面已过期或来源不明（CSRF 校验失败），请刷新后重试")


def language(request: Request) -> str:
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get("lang"),
        request.headers.get("accept-language"),
    )


def context(request: Request) -> dict[str, Any]:
    """What every template may use: ``_``, the actor, CSRF token, dates as the UI writes them."""
    lang = language(request)
    tr = translations(lang)
    actor = getattr(request.state, "actor", None)
    return {
        "_": tr.gettext,
        "lang": lang,
        "actor": actor,
        "can": lambda action: can(actor, action),
        "csrf_token": csrf_token(request),
        "cn_date": cn_date,
        "cn_time": cn_time,
        "number": number,
        "role_label": lambda role: tr.gettext(ROLE_LABELS.get(role) or str(role)),
        "settings": request.app.state.settings,
        "unit_name": lambda: _unit_name(request, actor),
        "in_school": lambda: _in_school(request, actor),
    }


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_time(at: dt.datetime | None) -> str:
    """An instant (stored UTC; a naive one is UTC) as the UI writes it, in Asia/Shanghai:
    ``2021年7月31日 08:05``."""
    if at is None:
        return ""
    local = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(SHANGHAI)
    return f"{cn_date(local.date())} {local:%H:%M}"


def _in_school(request: Request, actor: Actor | None) -> bool:
    """Whether the actor's unit is a school (the navigation links a school to its data)."""
    if actor is None or actor.unit_id is None:
        return False
    unit = _unit(request, actor.unit_id)
    return unit is not None and unit.kind == UnitKind.SCHOOL


def _unit_name(request: Request, actor: Actor | None) -> str:
    if actor is None or actor.unit_id is None:
        return ""
    unit = _unit(request, actor.unit_id)
    return unit.name if unit else ""


def _unit(request: Request, unit_id: int) -> Unit | None:
    """The unit, read in the request's read transaction when it has one."""
    reader: Session | None = getattr(request.state, "reader", None)
    if reader is not None:
        return reader.get(Unit, unit_id)
    with store(request).read() as session:
        unit = session.get(Unit, unit_id)
        if unit is not None:
            session.expunge(unit)
        return unit


def templates(request: Request) -> Jinja2Templates:
    result: Jinja2Templates = request.app.state.templates
    return result


def fragment(
    request: Request,
    session: Session,
    key: tuple[Hashable, ...],
    name: str,
    values: Callable[[], dict[str, Any]],
) -> Markup:
    """The template ``name`` rendered with ``values()`` once per state of the database for
    ``key`` and the reader's language (``duban.queries.memo``), for a page part that is the same
    for every reader: such a template sees only ``_``, the date helpers and the values, which
    are computed only when the part is not remembered (an exception from them, a 404, is
    raised each time, never remembered)."""
    lang = language(request)

    def make() -> Markup:
        template = templates(request).get_template(name)
        shared = {"_": translations(lang).gettext, "cn_date": cn_date, "number": number}
        return Markup(template.render({**shared, **values()}))

    return remembered(session, (name, lang, *key), make)


def render(request: Request, name: str, status_code: int = 200, **values: Any) -> Response:
    return templates(request).TemplateResponse(request, name, {**values}, status_code=status_code)
