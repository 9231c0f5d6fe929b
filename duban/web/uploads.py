"""Workbook uploads: refuse by size before reading, read in chunks, never past the limit.

Shared by the pages that take an xlsx upload (离线填报, 学校数据). The limit is the exchange
reader's ``ReadLimits.max_bytes``; a refusal is a ``Problem`` the page lists like any other.
``files_of`` reads the files of an answer or report form for the services' checks;
``form_refusal`` words the form parser's own refusals (too many files or fields, a field too long).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import Request
from starlette.datastructures import UploadFile

from duban.exchange.errors import Problem
from duban.exchange.xlsxread import ReadLimits
from duban.services.drafts import Upload

CHUNK = 1024 * 1024
MAX_FILES = 20
"""The most files one form takes (a report's evidence, an answer's attachments)."""


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


PARSER_REFUSALS = (
    (r"Maximum number of files is (\d+)", "文件过多：一次至多上传 {} 个文件"),
    (r"Maximum number of fields is (\d+)", "表单项过多：一个表单至多 {} 项"),
    (r"exceeded maximum size of (\d+)KB", "表单中有一项过长：文件以外的每项至多 {} KB"),
    (r"Invalid multipart data|Missing boundary|header field \"name\"|error parsing the body",
     "表单无法解析：须为有效的 multipart/form-data 表单"),
)  # fmt: skip
"""Starlette's English refusals of a form (``MultiPartException`` and FastAPI's own), in words."""


def form_refusal(detail: str) -> str | None:
    """The refusal of a form the parser would not read, naming the limit it passed; ``None``
    when ``detail`` is no such refusal."""
    for pattern, words in PARSER_REFUSALS:
        if found := re.search(pattern, detail):
            return words.format(*found.groups())
    return None
