"""Run a parser over hostile bytes in a child process with a memory cap and a time limit.

Some parsers (pdfminer) inflate streams without bound and can loop on crafted structures; a
child process is the only place where both can be stopped for sure. The child is a fresh
interpreter (``python -c``), not a fork: forking a threaded server is unsafe, and multiprocessing's
spawn would re-import the caller's main script. It reads the file on stdin, caps its own address
space (Unix), and writes the Document as JSON on stdout; the parent kills it after the time limit.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from typing import Any

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Block, Document, Paragraph, Table
from duban.plandoc.readers.limits import Limits

TOO_MUCH_MEMORY = "文件解析占用内存过多或解析器崩溃（疑似恶意构造或已损坏），已停止"
_CHILD = "from duban.plandoc.readers.isolate import child_main; child_main()"


def run_isolated(kind: str, data: bytes, limits: Limits) -> Document:
    """Parse ``data`` as ``kind`` (only ``"pdf"`` so far) in a child process.

    The child's ``PlanReadError`` comes back as ours; a child that runs out of memory, crashes
    or overruns ``limits.pdf_seconds`` gives a ``PlanReadError`` too.
    """
    command = [sys.executable, "-c", _CHILD, kind, json.dumps(dataclasses.asdict(limits))]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=limits.pdf_seconds, env=_env()
        )
    except subprocess.TimeoutExpired as exc:
        raise PlanReadError(
            f"{kind.upper()} 解析超时（超过 {limits.pdf_seconds:g} 秒），文件可能过于复杂或已损坏"
        ) from exc
    return _result(done.stdout)


def _env() -> dict[str, str]:
    """The caller's environment, with its import path so the child finds this package."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _result(output: bytes) -> Document:
    try:
        message: dict[str, Any] = json.loads(output)
    except ValueError as exc:  # no output: the child died
        raise PlanReadError(TOO_MUCH_MEMORY) from exc
    if "error" in message:
        raise PlanReadError(str(message["error"]))
    return decode_document(message["document"])


def child_main() -> None:
    """Child body: cap memory, parse stdin, print ``{"document": …}`` or ``{"error": …}``."""
    kind, limits_json = sys.argv[1], sys.argv[2]
    limits = Limits(**json.loads(limits_json))
    _cap_memory(limits.pdf_memory_bytes)
    out = sys.stdout
    sys.stdout = sys.stderr  # whatever a library prints must not corrupt the answer
    try:
        message: dict[str, Any] = {"document": encode_document(_parse(kind, limits))}
    except PlanReadError as exc:
        message = {"error": exc.reason}
    except MemoryError:
        message = {"error": TOO_MUCH_MEMORY}
    except Exception as exc:  # anything else a parser raises on hostile input
        message = {"error": f"文件已损坏：无法解析（{type(exc).__name__}）"}
    out.write(json.dumps(message, ensure_ascii=False))
    out.flush()


def _parse(kind: str, limits: Limits) -> Document:
    if kind != "pdf":
        raise PlanReadError(f"内部错误：不能隔离解析 {kind}")
    from duban.plandoc.readers.pdf import parse_pdf

    return parse_pdf(sys.stdin.buffer.read(), limits)


def _cap_memory(limit: int) -> None:
    if sys.platform == "win32":
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def encode_document(document: Document) -> dict[str, Any]:
    """A Document as plain JSON data (the inverse of ``decode_document``)."""
    blocks = [
        {"text": b.text, "page": b.page}
        if isinstance(b, Paragraph)
        else {"rows": [list(row) for row in b.rows], "page": b.page}
        for b in document.blocks
    ]
    return {"blocks": blocks, "format": document.format, "encoding": document.encoding}


def decode_document(data: dict[str, Any]) -> Document:
    blocks: list[Block] = [
        Paragraph(str(b["text"]), b["page"])
        if "text" in b
        else Table(tuple(tuple(str(c) for c in row) for row in b["rows"]), b["page"])
        for b in data["blocks"]
    ]
    return Document(tuple(blocks), str(data["format"]), data["encoding"])
