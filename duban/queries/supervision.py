"""The supervision report's data (督导报告): one plan as of a date, from the status engine.

``supervision_report(session, plan, as_of)`` gathers the ``SupervisionReport`` of
``exchange.supervision_docx``: the plan's status as of ``as_of`` (``dashboard``: one
``plan_status`` evaluation, which also gives the groups), the unit scorecards of ``as_of``'s
year (``unit_scorecards``) and a few set-based queries over the plan's reports (tallies, late
reasons, returns) and its period locks.
Only facts that existed at ``as_of`` count: a report submitted, accepted or returned later, or a
period locked later (its day in Asia/Shanghai), has not happened yet.

“The latest period” is the latest reporting period owed at ``as_of`` (``periods.owed_period``),
the one the status engine checks for 未报送; returns are listed from that period's start on (from
the plan's effective date while no period is owed). The report reads the whole plan: the caller
has checked that the actor may export it (``ledger.export``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from duban.domain.actions import (
    ACTION_STATE_LABELS,
    COLOUR_LABELS,
    KIND_LABELS,
    ActionKind,
    ActionState,
    Colour,
)
from duban.domain.choices import Cadence, Pace, Role, Status
from duban.domain.clock import SHANGHAI
from duban.domain.periods import Period, owed_period, parse_key
from duban.domain.scorecard import SCORE_FORMULA
from duban.exchange.supervision_docx import (
    ActionLine,
    ClaimRow,
    ExtensionLine,
    GroupRow,
    LateRow,
    LockedPeriod,
    Overview,
    ReportTally,
    ReturnedReport,
    ScoreRow,
    SupervisionReport,
    TargetRow,
)
from duban.models import Assignment, PeriodLock, Plan, Report, Target, Task, Unit
from duban.queries.actions import ActionFilter, list_actions
from duban.queries.claims import (
    claim_checks,
    computed_text,
    current_reports,
    differing,
    stated_text,
)
from duban.queries.dashboard import dashboard
from duban.queries.extensions import approved_as_of
from duban.queries.meetings import meeting_check
from duban.queries.scorecard import unit_scorecards
from duban.queries.status import PlanStatus

LATE = (Status.OVERDUE, Status.DONE_LATE)


def supervision_report(session: Session, plan: Plan, as_of: dt.date) -> SupervisionReport:
    """The report on ``plan`` (published) as of ``as_of`` (module docstring)."""
    board = dashboard(session, plan, as_of)
    owed = owed_period(as_of, plan.effective, Cadence(plan.cadence), plan.grace_days)
    since = owed.start if owed else plan.effective
    return SupervisionReport(
        plan_title=plan.title,
        as_of=as_of,
        overview=_overview(session, plan, board.status, owed),
        groups=[GroupRow(g.title, _by_status(g.counts)) for g in board.groups],
        late=_late_rows(session, plan, board.status),
        targets=_target_rows(session, plan, board.status),
        score_year=as_of.year,
        score_formula=SCORE_FORMULA,
        scores=_score_rows(session, plan, as_of),
        returns_since=since,
        returned=_returned(session, plan, since, as_of),
        locked=_locked(session, plan, as_of),
        claims=_claim_rows(session, plan, as_of),
        actions=_action_lines(session, plan, as_of),
        extensions=_extension_lines(session, plan, as_of),
        meetings=meeting_check(session, as_of),
    )


def task_label(number: str, title: str) -> str:
    """``3. 提升职业教育人才培养层次``: a task as the report's tables name it."""
    return f"{number}. {title}"


# --- 一、总体情况 ------------------------------------------------------------------------------


def _overview(session: Session, plan: Plan, status: PlanStatus, owed: Period | None) -> Overview:
    leads = [a for t in status.tasks for a in t.assignments if a.role == Role.LEAD]
    period, overall = _tallies(session, plan, status.as_of, owed)
    return Overview(
        tasks=len(status.tasks),
        assignments=sum(len(t.assignments) for t in status.tasks),
        lead_assignments=len(leads),
        task_counts=_by_status(Counter(t.status for t in status.tasks)),
        lead_counts=_by_status(Counter(a.status for a in leads)),
        period=owed.label if owed else None,
        period_due=owed.due_on(plan.grace_days) if owed else None,
        period_reports=period,
        all_reports=overall,
        warn_days=plan.warn_days,
    )


def _by_status(counts: Counter[str]) -> dict[Status, int]:
    return {Status(s): n for s, n in counts.items()}


def _tallies(
    session: Session, plan: Plan, as_of: dt.date, owed: Period | None
) -> tuple[ReportTally, ReportTally]:
    """Reports received, accepted and returned by ``as_of``: in the owed period, and overall."""
    in_period = Report.period_key == (owed.key if owed else "")
    accepted = Report.accepted_on <= as_of
    returned = Report.returned_on <= as_of

    def count(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    query = (
        select(
            count(in_period),
            count(in_period, accepted),
            count(in_period, returned),
            func.count(Report.id),
            count(accepted),
            count(returned),
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan.id, Report.submitted_on <= as_of)
    )
    row = session.execute(query).one()
    return ReportTally(*map(int, row[:3])), ReportTally(*map(int, row[3:]))


# --- 三、逾期和逾期完成事项 ----------------------------------------------------------------------


def _late_rows(session: Session, plan: Plan, status: PlanStatus) -> list[LateRow]:
    """Lead assignments overdue or done late, grouped by unit in the order units first appear
    in the plan, each unit's in task order."""
    reasons = _late_reasons(session, plan, status.as_of)
    order: dict[str, int] = {}
    rows: list[tuple[int, int, LateRow]] = []
    for seq, task in enumerate(status.tasks):
        for a in task.assignments:
            if a.role != Role.LEAD:
                continue
            order.setdefault(a.unit_key, len(order))
            if a.status in LATE:
                label, given = (
                    task_label(task.number, task.title),
                    reasons.get((task.number, a.unit_key)),
                )
                row = LateRow(a.unit, label, task.deadline, Status(a.status), a.reason, given)
                rows.append((order[a.unit_key], seq, row))
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _late_reasons(session: Session, plan: Plan, as_of: dt.date) -> dict[tuple[str, str], str]:
    """``(task number, unit key) → late reason`` of each assignment's latest report submitted by
    ``as_of``, not returned by then, that gives one."""
    latest = (
        func.row_number()
        .over(
            partition_by=Report.assignment_id,
            order_by=(Report.submitted_on.desc(), Report.id.desc()),
        )
        .label("n")
    )
    ranked = (
        select(Task.number, Unit.key, Report.late_reason, latest)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan.id, Report.submitted_on <= as_of)
        .where(Report.late_reason.is_not(None))
        .where(or_(Report.returned_on.is_(None), Report.returned_on > as_of))
        .subquery()
    )
    query = select(ranked.c.number, ranked.c.key, ranked.c.late_reason).where(ranked.c.n == 1)
    return {(number, key): reason for number, key, reason in session.execute(query)}


# --- 四、目标完成情况 ---------------------------------------------------------------------------


def _target_rows(session: Session, plan: Plan, status: PlanStatus) -> list[TargetRow]:
    """Every task's targets in ``plan_status``'s order, with their measure units."""
    query = (
        select(Task.number, Target.unit)
        .join(Task, Task.id == Target.task_id)
        .where(Target.plan_id == plan.id)
        .order_by(Target.task_id, Target.seq)
    )
    units: defaultdict[str, list[str | None]] = defaultdict(list)
    for number, unit in session.execute(query):
        units[number].append(unit)
    return [
        TargetRow(
            task_label(t.number, t.title),
            g.metric,
            g.goal,
            g.actual,
            g.expected,
            Pace(g.pace),
            unit,
        )
        for t in status.tasks
        for g, unit in zip(t.targets, units[t.number], strict=True)
    ]


def _claim_rows(session: Session, plan: Plan, as_of: dt.date) -> list[ClaimRow]:
    """The figures the units' current reports state that the school records contradict."""
    flagged = differing(claim_checks(session, current_reports(session, plan.id, as_of), as_of))
    if not flagged:
        return []
    query = (
        select(Report.id, Unit.name, Task.number, Task.title)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Report.id.in_(list(flagged)))
        .order_by(Task.seq, Unit.name)
    )
    return [
        ClaimRow(task_label(number, title), unit, stated_text(c), computed_text(c))
        for report_id, unit, number, title in session.execute(query)
        for c in flagged[report_id]
    ]


# --- 五、单位评分 -------------------------------------------------------------------------------


def _score_rows(session: Session, plan: Plan, as_of: dt.date) -> list[ScoreRow]:
    cards = unit_scorecards(session, as_of.year, as_of=as_of, plan_id=plan.id)
    return [
        ScoreRow(c.rank, c.card.unit, c.card.due, c.card.done_on_time, c.card.done_late,
                 c.card.overdue, c.card.reports_on_time, c.card.reports_missing, c.card.score)
        for c in cards
    ]  # fmt: skip


# --- 六、督办事项 -------------------------------------------------------------------------------


def _returned(session: Session, plan: Plan, since: dt.date, as_of: dt.date) -> list[ReturnedReport]:
    """Reports returned from ``since`` to ``as_of``, in the order they were returned."""
    query = (
        select(
            Unit.name,
            Task.number,
            Task.title,
            Report.submitted_on,
            Report.returned_on,
            Report.return_reason,
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan.id)
        .where(Report.returned_on >= since, Report.returned_on <= as_of)
        .order_by(Report.returned_on, Report.id)
    )
    return [
        ReturnedReport(unit, task_label(number, title), submitted, returned, reason or "")
        for unit, number, title, submitted, returned, reason in session.execute(query)
        if returned is not None  # always: filtered above
    ]


def _action_lines(session: Session, plan: Plan, as_of: dt.date) -> list[ActionLine]:
    """The plan's issued actions as they stood at ``as_of``, oldest first (held ones are the
    supervisor's own business and not reported)."""
    rows = list_actions(session, None, as_of, ActionFilter(plan_id=plan.id))
    kind, state = _action_kind, ACTION_STATE_LABELS
    return [
        ActionLine(r.number, kind(r.colour, r.kind), r.unit, r.title, r.due_on,
                   state[ActionState(r.state)], r.overdue)
        for r in reversed(rows)
        if r.number is not None and r.issued_on is not None and r.issued_on <= as_of
    ]  # fmt: skip


def _extension_lines(session: Session, plan: Plan, as_of: dt.date) -> list[ExtensionLine]:
    """The plan's deadline extensions approved by ``as_of``, in task and unit order."""
    return [
        ExtensionLine(r.unit_name, task_label(r.task_number, r.task_title), r.task_deadline,
                      r.ext.approved_deadline, r.ext.decided_on)
        for r in approved_as_of(session, plan.id, as_of)
        if r.ext.approved_deadline is not None and r.ext.decided_on is not None
    ]  # fmt: skip


def _action_kind(colour: str | None, kind: str) -> str:
    return COLOUR_LABELS[Colour(colour)] if colour else KIND_LABELS[ActionKind(kind)]


def _locked(session: Session, plan: Plan, as_of: dt.date) -> list[LockedPeriod]:
    """The plan's periods locked by the end of ``as_of`` (in Shanghai), oldest period first."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), SHANGHAI)
    query = select(PeriodLock.period_key, PeriodLock.locked_at).where(
        PeriodLock.plan_id == plan.id, PeriodLock.locked_at < until.astimezone(dt.UTC)
    )
    found = [(parse_key(key), at.astimezone(SHANGHAI).date()) for key, at in session.execute(query)]
    return [LockedPeriod(period.label, day) for period, day in sorted(found)]
