"""``create_app(settings)``: wiring only — middleware, templates, routes, error pages."""

from __future__ import annotations

import gc
import secrets
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from duban.config import Settings
from duban.db import Store
from duban.services.errors import Conflict, Invalid, NotFound, ServiceError
from duban.web.deps import SignInRequired, context, render
from duban.web.limits import RequestSizeLimit, request_limit
from duban.web.routes import ROUTERS
from duban.web.security import HEADERS, SecurityHeaders
from duban.web.uploads import form_refusal

HERE = Path(__file__).parent


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The web application for ``settings``; nothing is built before this is called."""
    secret = settings.secret_key or (secrets.token_urlsafe(32) if settings.demo else None)
    if secret is None:
        raise RuntimeError("DUBAN_SECRET_KEY is not set: set it (≥ 32 characters) to serve")
    app = FastAPI(
        title="Duban 督办",
        version="0.1.0",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store or Store(settings)
    app.state.templates = _templates()
    # inside the session (the refusal page needs it), before the body is parsed
    app.add_middleware(RequestSizeLimit, limit=request_limit(settings), answer=_error)
    app.add_middleware(SecurityHeaders)
    # the cookie holds the server-side session's token and the CSRF token; the server decides
    # when a session ends (duban.services.sessions)
    app.add_middleware(
        SessionMiddleware, secret_key=secret, session_cookie="duban_session",
        max_age=settings.session_max_hours * 3600, same_site="lax",
        https_only=settings.secure_cookies,
    )  # fmt: skip
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _error_pages(app)
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates", context_processors=[context])
    templates.env.autoescape = True
    templates.env.auto_reload = False  # templates ship with the package: no stat per render
    return templates


def _error_pages(app: FastAPI) -> None:
    """Every error answers in words a person can act on; no traceback ever leaves."""

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(StarletteHTTPException)  # also the router's own 404 and 405
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's words, not ours
            detail = PLAIN.get(exc.status_code, TITLES.get(exc.status_code, "出错了"))
        detail = form_refusal(detail) or detail  # the form parser's English refusal
        return _error(request, exc.status_code, detail)

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: ServiceError) -> Response:
        status = {NotFound: 404, Conflict: 409, Invalid: 400}.get(type(exc), 400)
        return _error(request, status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "；".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}：{e.get('msg', '')}"
            for e in exc.errors()[:5]
        )
        return _error(request, 422, f"请求内容有误：{where}")

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        return _error(request, 400, "请求中的编号或文字超出允许范围")

    @app.exception_handler(OperationalError)
    async def unavailable(request: Request, exc: OperationalError) -> Response:
        return _error(request, 503, "数据库暂时无法访问，请稍后再试")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        return _error(request, 500, "服务器内部错误，已记录，请稍后再试")


PLAIN = {404: "没有这个页面或接口，请检查地址", 405: "这个地址不接受这种请求方式"}
"""What the router's own refusals say, in place of Starlette's English status phrase."""
TITLES = {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "未找到", 409: "操作冲突",
          413: "内容过大", 422: "请求有误", 500: "服务器错误", 503: "服务暂不可用"}  # fmt: skip


def _error(request: Request, status: int, message: str) -> Response:
    """An error answer; it carries the security headers itself, as a 500 is made outside them."""
    response: Response
    if request.url.path.startswith("/api/"):
        response = JSONResponse({"error": message, "status": status}, status_code=status)
    else:
        title = TITLES.get(status, "出错了")
        response = render(
            request, "error.html", status, title=title, message=message, status=status
        )
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def app_from_environment() -> FastAPI:
    """The factory ``duban serve`` hands to uvicorn: settings from the environment."""
    from duban.config import load_settings

    app = create_app(load_settings())
    settle_memory()
    return app


def settle_memory() -> None:
    """Move what start-up built (modules, templates, routes: a few hundred thousand objects that
    live as long as the process) out of the collector's sight. A full collection then walks only
    what requests made, so its pause drops from about 130 ms to under 20 ms (measured under the
    task-list load; see bench/load_bench.py) — a pause that every request waiting on the worker
    would otherwise share. Called once per server process, never in tests, where objects frozen
    would stay for good."""
    gc.collect()
    gc.freeze()
