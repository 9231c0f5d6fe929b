"""The whole request's size, refused before its body is parsed: 413 in the app's error shapes.

``RequestSizeLimit`` is a plain ASGI middleware, like ``security.SecurityHeaders``. A request
whose Content-Length declares more than the limit is answered 413 before the app runs and
before a byte of its body is read; a body sent without one (chunked) is counted as it arrives
and cut off with 413 once past the limit. Each form's own limits (a file's size, the number of
files and fields) are checked further in, by the routes and the form parser (``web.uploads``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from duban.config import Settings
from duban.exchange.xlsxread import ReadLimits
from duban.plandoc.readers import MAX_BYTES as PLAN_BYTES
from duban.web.uploads import MAX_FILES, declared_length

MB = 2**20
MARGIN = MB
"""Room beside the files for a form's other fields and its multipart headers."""

Answer = Callable[[Request, int, str], Response]
"""How the app answers a refusal (``app._error``): JSON under ``/api/``, else the error page."""


def request_limit(settings: Settings) -> int:
    """The largest request body, in bytes: ``DUBAN_MAX_REQUEST_MB``; unset, the largest form —
    ``MAX_FILES`` evidence files at ``DUBAN_EVIDENCE_MAX_BYTES`` each, or one workbook or plan
    file, whichever is larger — plus ``MARGIN`` (401 MB with the shipped settings)."""
    if settings.max_request_mb is not None:
        return settings.max_request_mb * MB
    files = MAX_FILES * settings.evidence_max_bytes
    return max(files, ReadLimits().max_bytes, PLAN_BYTES) + MARGIN


def too_large(limit: int) -> str:
    return f"提交的内容过大（上限 {limit / MB:g} MB），未保存任何内容"


class RequestTooLarge(HTTPException):
    """Raised from ``receive`` once a body is counted past the limit: the app answers it like
    any other refusal (nothing was written: the form was not yet parsed)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large(limit))


class RequestSizeLimit:
    """Refuses a request body longer than ``limit`` bytes with 413, answered by ``answer``."""

    def __init__(self, app: ASGIApp, limit: int, answer: Answer) -> None:
        self.app, self.limit, self.answer = app, limit, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if declared_length(Request(scope)) > self.limit:  # from the header: no byte of it read
            await self.refuse(scope, receive, send)
            return
        counted, started = 0, False

        async def counting() -> Message:
            nonlocal counted
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                if counted > self.limit:
                    raise RequestTooLarge(self.limit)
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except RequestTooLarge:  # read outside the app's error handling (none does so today)
            if started:
                raise
            await self.refuse(scope, receive, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.answer(Request(scope, receive), 413, too_large(self.limit))
        await response(scope, receive, send)
