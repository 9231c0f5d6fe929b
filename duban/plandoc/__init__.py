"""The plan importer: a division-of-labour plan file → ``PlanDoc`` (plan JSON).

Pure: bytes in, plain data out — no database, no web. ``parse_bytes`` is the whole pipeline:
read (by content type) → repair → structure → fields, units, deadlines, targets.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Document, PlanDoc, Target, Task
from duban.plandoc.parser import parse_document
from duban.plandoc.readers import MAX_BYTES, read_document

__all__ = [
    "Document",
    "PlanDoc",
    "PlanReadError",
    "Target",
    "Task",
    "parse_bytes",
    "parse_document",
    "parse_path",
]


def parse_bytes(data: bytes, name: str = "<input>") -> PlanDoc:
    """Parse a plan file's bytes; raise ``PlanReadError`` when they cannot be read as a plan."""
    plan = parse_document(read_document(data, name))
    plan.sha256 = hashlib.sha256(data).hexdigest()
    return plan


def parse_path(path: Path, *, max_bytes: int = MAX_BYTES) -> PlanDoc:
    """Parse a plan file, refusing one larger than ``max_bytes`` before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PlanReadError(f"无法打开文件：{exc.strerror or exc}") from exc
    if size > max_bytes:
        raise PlanReadError(f"文件过大（{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.0f} MB）")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanReadError(f"无法读取文件：{exc.strerror or exc}") from exc
    return parse_bytes(data, path.name)
