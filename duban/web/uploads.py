"""Workbook uploads: refuse by size before reading, read in chunks, never past the limit.

Shared by the pages that take an xlsx upload (离线填报, 学校数据). The limit is the exchange
reader's ``ReadLimits.max_bytes``; a refusal is a ``Problem`` the page lists like any other.
``files_of`` reads the files of an answer or report form for the services' checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from starlette.datastructures import UploadFile

from duban.exchange.errors import Problem
from duban.exchange.xlsxread import ReadLimits
from duban.services.drafts import Upload

CHUNK = 1024 * 1024


def declared_length(request: Request) -> int:
    """The request's declared Content-Length (0 when absent or not a number)."""
    text = request.headers.get("content-length") or "0"
    return int(text) if text.isascii() and text.isdigit() else 0


def declared_over(request: Request, limit: int) -> bool:
    """True when the whole request is declared longer than ``limit``.

    The limit covers the whole request of a one-file form: the other fields and the multipart
    headers (a few hundred bytes) count, so a file just over the limit is refused from the
    header alone, before a byte of it is parsed (a file a few hundred bytes under it too).
    """
    return declared_length(request) > limit


def declared_too_big(request: Request, limits: ReadLimits) -> list[Problem] | None:
    """The refusal when the request's Content-Length is already past the limit, else ``None``."""
    declared = declared_length(request)
    return too_big(declared, limits) if declared_over(request, limits.max_bytes) else None


async def read_bounded(upload: UploadFile, limit: int) -> bytes | None:
    """The uploaded file's bytes, or ``None`` once it is past ``limit`` (read no further; not at
    all when the parser already counted more)."""
    if upload.size is not None and upload.size > limit:
        return None
    out = bytearray()
    while chunk := await upload.read(CHUNK):
        out += chunk
        if len(out) > limit:
            return None
    return bytes(out)


def too_big(size: int, limits: ReadLimits) -> list[Problem]:
    return [Problem(f"文件过大（{size / 2**20:.1f} MB，上限 {limits.max_bytes / 2**20:g} MB），"
                    "未保存任何内容")]  # fmt: skip


def files_of(items: Iterable[object], limit: int) -> list[Upload]:
    """The files chosen in a form, as the services check them (``services.drafts.Upload``): each
    read up to one byte past ``limit`` (the size check needs no more); a part without a file name
    (a file input left empty) is skipped."""
    out = []
    for item in items:
        if isinstance(item, UploadFile) and item.filename:
            data = item.file.read(limit + 1)
            size = item.size if item.size is not None else len(data)
            out.append(Upload(item.filename.replace("\x00", ""), data, size))
    return out
