"""Import a filled progress workbook: validate every row against the store, then submit it all.

Parse → validate → apply (style.md habit 12). ``duban.exchange.progress_xlsx.read_progress`` has
checked the file; here each row is checked against the store — the workbook's plan and unit are the
uploader's, the reporting period is still the current one and not locked, every issued assignment
is still the unit's, and a row past its deadline says why. Every problem is collected first (by
sheet, row and column) and the whole upload refused if there is one; otherwise every changed row
becomes a submitted report in the caller's one transaction.

Uploading the same workbook again changes nothing: a row whose state, text, reason and figures
equal the unit's latest report sent for that assignment in the same period is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain import clock
from duban.domain.choices import Cadence, ReportState
from duban.domain.periods import counting_period
from duban.exchange.errors import Problem
from duban.exchange.progress_xlsx import MAIN, MAIN_HEADERS, FilledRow, ProgressUpload
from duban.models import Assignment, Plan, Report, Task, Unit
from duban.services.errors import Conflict, Invalid
from duban.services.reports import submit_report

_LATE_COLUMN = MAIN_HEADERS.index("逾期说明")


class InvalidRows(Invalid):
    """An upload refused for problems in its rows; ``problems`` lists each by place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "；".join(str(p) for p in problems[:20])
        more = f"；另有 {len(problems) - 20} 处问题" if len(problems) > 20 else ""
        super().__init__(f"填报表有 {len(problems)} 处问题，未保存任何内容：{shown}{more}")


@dataclass(frozen=True)
class ImportResult:
    unit: str
    period: str
    submitted: int
    """Rows that became a new report."""
    unchanged: int
    """Rows identical to the report already sent for the period."""
    blank: int
    """Issued rows left empty (nothing to report)."""
    sha256: str


def import_progress(
    session: Session, upload: ProgressUpload, data: bytes, *, unit_id: int | None, actor: str
) -> ImportResult:
    """Store ``upload`` (read from ``data``) for the unit ``unit_id`` — the uploader's unit —
    as reports sent today.

    ``unit_id=None`` (an operator at the command line) takes the workbook's own unit.
    """
    day = clock.today()
    unit = _unit(session, upload, unit_id)
    plan = _plan(session, upload, day)
    owned = _owned(session, plan.id, unit.id)
    problems = [p for row in upload.rows for p in _row_problems(row, owned, day)]
    if problems:
        raise InvalidRows(problems)
    submitted = unchanged = 0
    for row in upload.rows:
        if _same_as_sent(session, row, upload.period_key):
            unchanged += 1
            continue
        submit_report(
            session, row.assignment_id, claimed=row.claimed, narrative=row.narrative,
            late_reason=row.late_reason or None, figures=row.figures, actor=actor,
        )  # fmt: skip
        submitted += 1
    blank = len(owned) - len(upload.rows)
    digest = hashlib.sha256(data).hexdigest()
    result = ImportResult(unit.name, upload.period_label, submitted, unchanged, blank, digest)
    if submitted:  # the same file again changes nothing, not even the log
        _audit(session, plan, unit, result, actor)
    return result


def _unit(session: Session, upload: ProgressUpload, unit_id: int | None) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.key == upload.unit_key)).first()
    if unit is None:
        raise Invalid(f"填报表所属单位“{upload.unit_name}”不在单位名录中")
    if unit_id is not None and unit.id != unit_id:
        own = session.get(Unit, unit_id)
        raise Invalid(
            f"这是“{upload.unit_name}”的填报表，不能由“{own.name if own else '本单位'}”上传；"
            "请在“我的任务”页下载本单位的填报表"
        )
    return unit


def _plan(session: Session, upload: ProgressUpload, day: dt.date) -> Plan:
    plan = session.get(Plan, upload.plan_id)
    if plan is None or plan.state != "published":
        raise Invalid("填报表对应的方案不存在或未发布，请重新下载填报表")
    current = counting_period(day, Cadence(plan.cadence), plan.grace_days)
    if current.key != upload.period_key:
        raise Conflict(
            f"此填报表是{upload.period_label}的（{_cn(upload.made_on)}下载），"
            f"现在报送的是{current.label}，请重新下载填报表后填写"
        )
    return plan


def _owned(session: Session, plan_id: int, unit_id: int) -> dict[int, Task]:
    """The unit's assignments in the plan now: assignment id → task."""
    query = (
        select(Assignment.id, Task)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id, Assignment.unit_id == unit_id)
    )
    return {aid: task for aid, task in session.execute(query)}


def _row_problems(row: FilledRow, owned: dict[int, Task], day: dt.date) -> list[Problem]:
    task = owned.get(row.assignment_id)
    if task is None:
        return [Problem(f"任务{row.number}已不再由本单位承担，请重新下载填报表", MAIN, row.row)]
    if task.deadline and day > task.deadline and not row.late_reason:
        return [Problem(
            f"任务{task.number}已过完成时限（{_cn(task.deadline)}），请填写逾期说明",
            MAIN, row.row, "J", MAIN_HEADERS[_LATE_COLUMN],
        )]  # fmt: skip
    return []


def _same_as_sent(session: Session, row: FilledRow, period_key: str) -> bool:
    """Whether the unit's latest report sent for this assignment and period says the same."""
    newest = select(func.max(Report.id)).where(
        Report.assignment_id == row.assignment_id,
        Report.period_key == period_key,
        Report.state.in_((ReportState.SUBMITTED, ReportState.ACCEPTED)),
    )
    report = session.scalars(select(Report).where(Report.id == newest.scalar_subquery())).first()
    if report is None:
        return False
    figures = {f.target_id: f.value for f in report.figures}
    return (report.claimed, report.narrative, report.late_reason or "", figures) == (
        row.claimed, row.narrative, row.late_reason, row.figures,
    )  # fmt: skip


def _audit(session: Session, plan: Plan, unit: Unit, result: ImportResult, actor: str) -> None:
    audit.record(
        session, actor=actor, action="progress.import", object_type="plan", object_id=plan.id,
        label=f"{unit.name} {result.period} 进展填报表",
        after={"unit": unit.key, "period": result.period, "submitted": result.submitted,
               "unchanged": result.unchanged, "sha256": result.sha256},
    )  # fmt: skip


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
