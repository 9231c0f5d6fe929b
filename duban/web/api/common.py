"""What every API route shares: the error responses it declares, its dependencies and bounds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Query, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from duban.permissions import Actor
from duban.web.deps import check_csrf, read_session, require, signed_in
from duban.web.schemas import MAX_ID, NO_NUL, ErrorOut
from duban.web.uploads import form_refusal


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {400: "请求有误", 401: "未登录", 403: "没有权限或 CSRF 校验失败", 404: "未找到",
             409: "操作冲突（版本已变或状态不允许）", 422: "请求内容有误"}  # fmt: skip
    return {code: {"model": ErrorOut, "description": words[code]} for code in codes}


READ_ERRORS = _errors(401, 403, 404, 422)
WRITE_ERRORS = _errors(400, 401, 403, 404, 409, 422)
UNREADABLE = "请求内容无法解析：须为 UTF-8 编码的 JSON"


class ApiRoute(APIRoute):
    """An API route whose errors raised by the framework itself also answer in the API's shape:
    a body that cannot be decoded (not UTF-8) is refused by FastAPI with Starlette's own
    ``HTTPException``, which the app's handler does not see (it would answer ``{"detail": …}``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException:
                raise
            except StarletteHTTPException as exc:
                words = _unreadable(request, exc) if exc.status_code == 400 else str(exc.detail)
                raise HTTPException(exc.status_code, words) from exc

        return answer


def _unreadable(request: Request, exc: StarletteHTTPException) -> str:
    """Why a body could not be parsed, in words: a multipart form (an answer with files) past its
    limits, or a JSON body that is not UTF-8."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return UNREADABLE
    words = form_refusal(str(exc.detail))
    return words or "请求内容无法解析：须为有效的 multipart/form-data，字段的个数和长度不超过上限"


def csrf_header(request: Request) -> None:
    """Unsafe methods carry the session's CSRF token in ``X-CSRF-Token`` (checked before the body
    is looked at, so a forged request is refused whatever it sends)."""
    check_csrf(request, None)


Csrf = Annotated[None, Depends(csrf_header)]
Reader = Annotated[Session, Depends(read_session)]
SignedIn = Annotated[Actor, Depends(signed_in)]
PlanViewer = Annotated[Actor, Depends(require("plan.view"))]
Submitter = Annotated[Actor, Depends(require("report.submit"))]
Reviewer = Annotated[Actor, Depends(require("report.review"))]

PlanId = Annotated[int, Path(ge=1, le=MAX_ID, description="方案 id")]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="报告 id")]
TaskNumber = Annotated[
    str, Path(min_length=1, max_length=16, pattern=NO_NUL, description="任务序号，如 17")
]
UnitKey = Annotated[
    str | None,
    Query(min_length=1, max_length=64, pattern=NO_NUL, description="单位 key"),
]
TaskFilter = Annotated[
    str | None, Query(min_length=1, max_length=16, pattern=NO_NUL, description="任务序号")
]
UnitKind = Annotated[
    str | None, Query(min_length=1, max_length=32, pattern=NO_NUL, description="单位类别")
]
AsOf = Annotated[
    dt.date | None,
    Query(
        ge=dt.date(1990, 1, 1),
        le=dt.date(2199, 12, 31),
        description="截至日期（1990-01-01 至 2199-12-31），默认今天",
    ),
]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
