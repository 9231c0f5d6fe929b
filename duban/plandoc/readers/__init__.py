"""Readers: file bytes → ``Document`` (paragraphs and tables in reading order).

The file type is decided by content, never by name (``sniff``). Every reader bounds the memory
and time it spends: sizes are checked before anything is unpacked. Anything unreadable — empty,
garbage, damaged, encrypted, hostile, too large — raises ``PlanReadError`` with a one-line
Chinese reason.
"""

from __future__ import annotations

import errno
from pathlib import Path

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Block, Document, Paragraph
from duban.plandoc.readers.docx import read_docx
from duban.plandoc.readers.html import read_html
from duban.plandoc.readers.limits import DEFAULT_LIMITS, MAX_INPUT_BYTES, Limits, megabytes
from duban.plandoc.readers.limits import whole_megabytes as _whole_megabytes
from duban.plandoc.readers.pdf import read_pdf
from duban.plandoc.readers.safezip import SafeZip
from duban.plandoc.readers.sniff import looks_like_html, refuse_text_containers, sniff, zip_kind
from duban.plandoc.readers.text import decode, read_text
from duban.plandoc.readers.xlsx import read_xlsx

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_BYTES",
    "MAX_INPUT_BYTES",
    "Limits",
    "PlanReadError",
    "read_document",
    "read_path",
]

MAX_BYTES = MAX_INPUT_BYTES

EMPTY = "文件为空"
NO_TEXT = "文件中没有可读取的文字"


def read_document(
    data: bytes, name: str = "<input>", *, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read any supported plan file; raise ``PlanReadError`` with a Chinese reason otherwise.

    ``name`` is for the caller's messages only (reasons do not repeat it) and never decides the
    type. The result has at least one block with text.
    """
    _check_size(len(data), limits)
    if not data.strip():
        raise PlanReadError(EMPTY)
    document = _read(data, limits)
    if not any(_has_text(block) for block in document.blocks):
        raise PlanReadError(NO_TEXT)
    return document


def read_path(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a file from disk, refusing an oversized one from its size alone, before reading it."""
    try:
        _check_size(path.stat().st_size, limits)
        data = path.read_bytes()
    except OSError as exc:
        raise PlanReadError(f"无法读取文件：{_os_reason(exc)}") from exc
    return read_document(data, path.name, limits=limits)


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOENT: "文件不存在",
        errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限",
        errno.EISDIR: "这是文件夹，不是文件",
    }
    return reasons.get(exc.errno or 0, f"系统错误 {exc.errno}")


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise PlanReadError(
            f"文件过大（{megabytes(size)}，上限 {_whole_megabytes(limits.max_bytes)}）"
        )


def _read(data: bytes, limits: Limits) -> Document:
    container = sniff(data)
    if container == "pdf":
        return read_pdf(data, limits)
    if container == "zip":
        archive = SafeZip(data, limits)
        if zip_kind(archive.names) == "docx":
            return read_docx(archive, limits)
        return read_xlsx(archive, data, limits)
    text, encoding = decode(data)
    refuse_text_containers(text)
    if looks_like_html(text):
        return read_html(text, encoding, limits)
    return read_text(text, encoding)


def _has_text(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell.strip() for row in block.rows for cell in row)
