"""The report form's writes: a report or draft together with its evidence files, and a saved draft
edited and sent — each in the caller's one transaction.

Every file is checked (size, type by content) before anything is written, so one bad file refuses
the whole form with a message naming it and leaves neither rows nor stored files behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from duban.config import Settings
from duban.models import Report
from duban.services import reports
from duban.services.errors import Invalid
from duban.services.evidence import attach_evidence, content_type


@dataclass(frozen=True)
class ReportInput:
    """What the form says: claimed state, narrative, late reason and figures by target id."""

    claimed: str
    narrative: str = ""
    late_reason: str | None = None
    figures: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name, its bytes (possibly cut at the limit) and its full size."""

    name: str
    data: bytes
    size: int


def check_uploads(settings: Settings, uploads: Sequence[Upload]) -> None:
    """Refuse the form if any file is empty, too large or of a type not accepted."""
    limit = settings.evidence_max_bytes
    for upload in uploads:
        if upload.size > limit:
            raise Invalid(
                f"佐证材料“{upload.name}”过大（{upload.size / 2**20:.1f} MB，"
                f"上限 {limit / 2**20:.0f} MB），本次填报未保存"
            )
        if not upload.data:
            raise Invalid(f"佐证材料“{upload.name}”是空文件，本次填报未保存")
        try:
            content_type(upload.data, upload.name)
        except Invalid as exc:
            raise Invalid(f"{exc.message}，本次填报未保存") from None


def file_report(
    session: Session, settings: Settings, assignment_id: int, form: ReportInput,
    uploads: Sequence[Upload] = (), *, draft: bool, actor: str,
) -> Report:  # fmt: skip
    """A new report (or draft) on an assignment, with its evidence files."""
    check_uploads(settings, uploads)
    report = reports.submit_report(
        session, assignment_id, claimed=form.claimed, narrative=form.narrative,
        late_reason=form.late_reason, figures=form.figures, draft=draft, actor=actor,
    )  # fmt: skip
    _attach(session, settings, report, uploads, actor)
    return report


def edit_draft(
    session: Session, settings: Settings, report_id: int, form: ReportInput,
    uploads: Sequence[Upload] = (), *, expected_version: int, send: bool, actor: str,
) -> Report:  # fmt: skip
    """Save a draft's new content (from ``expected_version``), add files, and send it if asked.

    Sending needs a late reason once the task's deadline has passed, as a new report does.
    """
    check_uploads(settings, uploads)
    report = reports.update_draft(
        session, report_id, expected_version=expected_version, claimed=form.claimed,
        narrative=form.narrative, late_reason=form.late_reason, figures=form.figures, actor=actor,
    )  # fmt: skip
    _attach(session, settings, report, uploads, actor)
    if send:
        reports.send_draft(session, report.id, expected_version=report.version, actor=actor)
    return report


def _attach(
    session: Session, settings: Settings, report: Report, uploads: Sequence[Upload], actor: str
) -> None:
    for upload in uploads:
        attach_evidence(session, settings, report.id, upload.data, upload.name, actor=actor)
