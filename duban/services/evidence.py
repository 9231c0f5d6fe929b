"""Evidence files (佐证材料): stored once by content (sha256) under the data directory.

A file is checked before it is kept: its size against ``Settings.evidence_max_bytes`` and its type
by content (PDF, Word, Excel, images, plain text) — a name that claims another type is refused.
It is written to a temporary file and renamed into place, so a crash leaves either no file or the
whole file; the row that points at it is written in the caller's transaction, after the file.
What a crash leaves behind (a temporary file, a file no row names) is cleared by
``services.evidence_sweep``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from duban import audit
from duban.config import Settings
from duban.models import Evidence, Report
from duban.services.errors import Invalid, NotFound
from duban.services.upload_checks import check_package, upload_name

_TYPES: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"PK\x03\x04", "application/zip", (".docx", ".xlsx", ".zip")),
)
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def content_type(data: bytes, name: str, what: str = "佐证材料") -> str:
    """The file's type by its first bytes, checked against its name's suffix; a zip container
    is checked whole (``upload_checks.check_package``) and a name carrying a path is refused."""
    name = upload_name(name, what)
    suffix = PurePath(name).suffix.lower()
    for magic, kind, suffixes in _TYPES:
        if data.startswith(magic):
            if suffix not in suffixes:
                raise Invalid(f"{what}“{name}”的内容与文件名不符")
            if magic.startswith(b"PK"):
                check_package(data, suffix, f"{what}“{name}”")
            return _OFFICE.get(suffix, kind)
    if suffix == ".txt" and _is_text(data):
        return "text/plain; charset=utf-8"
    raise Invalid(f"{what}“{name}”的类型不受支持（可上传 PDF、Word、Excel、图片或文本）")


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def evidence_path(settings: Settings, sha256: str) -> Path:
    return settings.home / "evidence" / sha256[:2] / sha256


@dataclass(frozen=True)
class StoredFile:
    """A file kept under the data directory by its content: where it is and what it is."""

    sha256: str
    name: str
    size: int
    content_type: str


def keep_file(settings: Settings, data: bytes, name: str, *, what: str = "佐证材料") -> StoredFile:
    """Check a file (size, type by content) and keep it by its sha256; ``what`` names it in
    the refusal (佐证材料, 附件). The caller writes the row that points at it."""
    if not data:
        raise Invalid(f"{what}“{name}”是空文件")
    if len(data) > settings.evidence_max_bytes:
        limit = settings.evidence_max_bytes / 2**20
        raise Invalid(f"{what}“{name}”过大（{len(data) / 2**20:.1f} MB，上限 {limit:.0f} MB）")
    clean = upload_name(name, what)
    kind = content_type(data, clean, what)
    digest = hashlib.sha256(data).hexdigest()
    _store_file(evidence_path(settings, digest), data)
    return StoredFile(digest, clean, len(data), kind)


def attach_evidence(
    session: Session, settings: Settings, report_id: int, data: bytes, name: str, *, actor: str
) -> Evidence:
    """Keep a file as evidence of a report (a draft or a submitted one)."""
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    if report.state not in ("draft", "submitted"):
        raise Invalid(f"报告 #{report_id} 已审核，不能再添加佐证材料")
    kept = keep_file(settings, data, name)
    evidence = Evidence(report_id=report.id, sha256=kept.sha256, name=kept.name, size=kept.size,
                        content_type=kept.content_type)  # fmt: skip
    session.add(evidence)
    session.flush()
    audit.record(
        session, actor=actor, action="evidence.attach", object_type="report", object_id=report.id,
        label=kept.name,
        after={"sha256": kept.sha256, "size": kept.size, "type": kept.content_type},
    )  # fmt: skip
    return evidence


def _store_file(path: Path, data: bytes) -> None:
    if path.exists():  # the same content is already kept: mark it used now, so that the
        try:  # sweep of orphan files (services.evidence_sweep) leaves it alone
            os.utime(path)
        except FileNotFoundError:
            pass  # moved away meanwhile: write it again
        except OSError:
            return  # kept, but not ours to touch (another owner): leave its time
        else:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
