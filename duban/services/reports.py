"""Progress reports: draft, submit, accept, return, supersede; figures; period locks.

The life of a report: ``draft`` → ``submitted`` → ``accepted`` | ``returned``. An accepted report
is never edited: a later report for the same assignment and period supersedes it when that one is
accepted. Every change names the version it was made from (``expected_version``): a change from a
stale version is refused, never silently applied over someone else's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain import clock
from duban.domain.choices import Cadence, ClaimedState, ReportState
from duban.domain.periods import counting_period
from duban.models import Assignment, PeriodLock, Plan, Report, ReportFigure, Target
from duban.models.base import utcnow
from duban.services.errors import Conflict, Invalid, NotFound

CLAIMED_LABELS = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成"}


def submit_report(
    session: Session,
    assignment_id: int,
    *,
    claimed: str,
    narrative: str = "",
    late_reason: str | None = None,
    figures: Mapping[int, float] | None = None,
    at: dt.date | None = None,
    draft: bool = False,
    actor: str,
) -> Report:
    """A unit's report on its assignment; ``at`` records one received on paper that day (补录).

    With ``draft`` the report is only saved. A report after the deadline on work not yet done
    must give ``late_reason``.
    """
    assignment = _assignment(session, assignment_id)
    task, plan = assignment.task, assignment.task.plan
    if plan.state != "published":
        raise Conflict(f"方案“{plan.title}”尚未发布，不能报送进展")
    state = _claimed(claimed)
    day = at or clock.today()
    if at is not None and at > clock.today():
        raise Invalid(f"补录日期 {at.isoformat()} 晚于今天")
    period = counting_period(day, Cadence(plan.cadence), plan.grace_days)
    _refuse_locked(session, plan, period.key)
    if not draft:
        _require_late_reason(assignment, day, late_reason)
    report = Report(
        assignment_id=assignment.id,
        period_key=period.key,
        state=ReportState.DRAFT if draft else ReportState.SUBMITTED,
        claimed=state,
        narrative=narrative,
        late_reason=(late_reason or "").strip() or None,
        submitted_on=None if draft else day,
        on_paper=at is not None,
        author=actor,
    )
    report.figures = _figures(session, task.id, figures or {})
    session.add(report)
    session.flush()
    if not draft:
        _supersede_pending(session, report)
    _audit(session, report, "report.draft" if draft else "report.submit", actor, None)
    return report


def send_draft(
    session: Session,
    report_id: int,
    *,
    expected_version: int,
    at: dt.date | None = None,
    actor: str,
) -> Report:
    """Submit a saved draft."""
    report = _report(session, report_id, expected_version, ReportState.DRAFT)
    before = _snapshot(report)
    plan = report_plan(session, report)
    day = at or clock.today()
    _require_late_reason(_assignment(session, report.assignment_id), day, report.late_reason)
    period = counting_period(day, Cadence(plan.cadence), plan.grace_days)
    _refuse_locked(session, plan, period.key)
    report.state, report.submitted_on, report.period_key = ReportState.SUBMITTED, day, period.key
    report.on_paper = at is not None
    _touch(report)
    _supersede_pending(session, report)
    _audit(session, report, "report.submit", actor, before)
    return report


def update_draft(
    session: Session, report_id: int, *, expected_version: int, claimed: str, narrative: str,
    late_reason: str | None, figures: Mapping[int, float], actor: str,
) -> Report:  # fmt: skip
    """Replace a saved draft's content (from the version the author saw); it stays a draft."""
    report = _report(session, report_id, expected_version, ReportState.DRAFT)
    before = _snapshot(report)
    task_id = _assignment(session, report.assignment_id).task_id
    report.claimed = _claimed(claimed)
    report.narrative = narrative
    report.late_reason = (late_reason or "").strip() or None
    report.figures.clear()
    session.flush()  # old figures go before new ones take their (report, target) places
    report.figures = _figures(session, task_id, figures)
    _touch(report)
    _audit(session, report, "report.draft", actor, before)
    return report


def accept_report(
    session: Session, report_id: int, *, expected_version: int | None = None,
    at: dt.date | None = None, actor: str,
) -> Report:  # fmt: skip
    """Accept a submitted report; the accepted report it supersedes becomes ``superseded``."""
    report = _report(session, report_id, expected_version, ReportState.SUBMITTED)
    _refuse_locked(session, report_plan(session, report), report.period_key)
    before = _snapshot(report)
    day = at or clock.today()
    if report.submitted_on and day < report.submitted_on:
        raise Invalid(f"审核日期 {day.isoformat()} 早于报送日期 {report.submitted_on.isoformat()}")
    report.state, report.accepted_on = ReportState.ACCEPTED, day
    _touch(report)
    for old in _same_period(session, report, ReportState.ACCEPTED):
        old.state = ReportState.SUPERSEDED
        report.supersedes_id = report.supersedes_id or old.id
        _touch(old)
    _audit(session, report, "report.accept", actor, before)
    return report


def return_report(
    session: Session, report_id: int, *, reason: str, expected_version: int | None = None,
    at: dt.date | None = None, actor: str,
) -> Report:  # fmt: skip
    """Send a submitted report back to its unit with a reason."""
    if not reason.strip():
        raise Invalid("退回报告须写明退回原因")
    report = _report(session, report_id, expected_version, ReportState.SUBMITTED)
    before = _snapshot(report)
    day = at or clock.today()
    if report.submitted_on and day < report.submitted_on:
        raise Invalid(f"退回日期 {day.isoformat()} 早于报送日期 {report.submitted_on.isoformat()}")
    report.state, report.returned_on, report.return_reason = ReportState.RETURNED, day, reason
    _touch(report)
    _audit(session, report, "report.return", actor, before)
    return report


def lock_period(session: Session, plan_id: int, period_key: str, *, actor: str) -> PeriodLock:
    """Close a reporting period of a plan: its reports can no longer be submitted or decided."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的方案")
    lock = PeriodLock(plan_id=plan_id, period_key=period_key, locked_by=actor)
    if _locked(session, plan_id, period_key):
        raise Conflict(f"{period_key} 已锁定")
    session.add(lock)
    session.flush()
    audit.record(
        session, actor=actor, action="period.lock", object_type="plan", object_id=plan_id,
        label=f"{plan.title} {period_key}", after={"period": period_key},
    )  # fmt: skip
    return lock


# --- helpers ----------------------------------------------------------------------------------


def report_plan(session: Session, report: Report) -> Plan:
    return _assignment(session, report.assignment_id).task.plan


def _assignment(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(f"没有编号为 {assignment_id} 的分工")
    return assignment


def _report(
    session: Session, report_id: int, expected_version: int | None, state: ReportState
) -> Report:
    report = session.get(Report, report_id, with_for_update=True)
    if report is None:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    if expected_version is not None and report.version != expected_version:
        raise Conflict(
            f"报告 #{report_id} 已被他人修改（当前第{report.version}版，"
            f"您编辑的是第{expected_version}版），请刷新后重试"
        )
    if report.state != state:
        raise Conflict(f"报告 #{report_id} 当前状态为“{report.state}”，不能执行此操作")
    return report


def _require_late_reason(assignment: Assignment, day: dt.date, late_reason: str | None) -> None:
    """A report sent after the deadline must say why."""
    task = assignment.task
    if task.deadline and day > task.deadline and not (late_reason or "").strip():
        raise Invalid(
            f"任务{task.number}已过完成时限（{task.deadline.isoformat()}），请填写逾期原因"
        )


def _claimed(claimed: str) -> str:
    try:
        return ClaimedState(claimed).value
    except ValueError:
        raise Invalid(f"进展状态“{claimed}”无效，应为 not_started、in_progress 或 done") from None


def _figures(session: Session, task_id: int, figures: Mapping[int, float]) -> list[ReportFigure]:
    """Figures only for the task's own targets, as plain numbers."""
    own = set(session.scalars(select(Target.id).where(Target.task_id == task_id)))
    out = []
    for target_id, value in figures.items():
        if target_id not in own:
            raise Invalid(f"目标 #{target_id} 不属于该任务")
        out.append(ReportFigure(target_id=target_id, value=float(value)))
    return out


def _locked(session: Session, plan_id: int, period_key: str) -> bool:
    query = select(PeriodLock.id).where(
        PeriodLock.plan_id == plan_id, PeriodLock.period_key == period_key
    )
    return session.scalars(query).first() is not None


def _refuse_locked(session: Session, plan: Plan, period_key: str) -> None:
    if _locked(session, plan.id, period_key):
        raise Conflict(f"报送期 {period_key} 已锁定，不能再报送或审核")


def _same_period(session: Session, report: Report, state: ReportState) -> list[Report]:
    query = select(Report).where(
        Report.assignment_id == report.assignment_id,
        Report.period_key == report.period_key,
        Report.state == state,
        Report.id != report.id,
    )
    return list(session.scalars(query))


def _supersede_pending(session: Session, report: Report) -> None:
    """A new submission replaces one still waiting for review in the same period."""
    for old in _same_period(session, report, ReportState.SUBMITTED):
        old.state = ReportState.SUPERSEDED
        report.supersedes_id = old.id
        _touch(old)


def _touch(report: Report) -> None:
    report.version += 1
    report.updated_at = utcnow()


def _snapshot(report: Report) -> dict[str, Any]:
    return {
        "state": report.state,
        "claimed": report.claimed,
        "period": report.period_key,
        "submitted_on": report.submitted_on,
        "accepted_on": report.accepted_on,
        "returned_on": report.returned_on,
        "version": report.version,
    }


def _audit(
    session: Session, report: Report, action: str, actor: str, before: dict[str, Any] | None
) -> None:
    after = _snapshot(report) | {"on_paper": report.on_paper}
    if report.return_reason and action == "report.return":
        after["reason"] = report.return_reason
    audit.record(
        session, actor=actor, action=action, object_type="report", object_id=report.id,
        label=f"报告 #{report.id}（{report.period_key}）" + ("（补录）" if report.on_paper else ""),
        before=before, after=after,
    )  # fmt: skip
