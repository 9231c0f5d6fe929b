"""Claim against data (数据核对): reports' figures next to what the school records compute.

For each report asked about, every target of its task that is bound to an indicator is checked
twice: the figure typed against it (填报数值) and the numbers its narrative states about it
(``domain.claims.mentions``). The figure the records give is the indicator's value for the school
year the report was written in (the latest earlier year with data when that one has none), as the
records stood on ``as_of`` — the same actuals the status views show for the target
(``indicator_actuals.bound_actuals``). Three queries for any number of reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from duban.domain.claims import Verdict, check, mentions, words_of
from duban.domain.indicators import current_school_year
from duban.domain.reasons import number
from duban.domain.records import school_year_label
from duban.models import Assignment, Report, ReportFigure, Target, Task
from duban.queries.indicator_actuals import BoundActuals, YearActual, bound_actuals
from duban.queries.indicators import indicator


@dataclass(frozen=True)
class ClaimCheck:
    """One figure a report states about a bound target, and what the records say."""

    report_id: int
    target_id: int
    metric: str
    indicator: str
    indicator_name: str
    source: str
    """``figure`` (typed against the target) or ``narrative`` (stated in the text)."""
    quote: str
    claimed: float
    computed: float | None
    unit: str
    scope: str | None
    """The indicator scope key of the target, for the link to the rows counted."""
    year: int | None
    """The school year the computed figure is for (``None`` without data)."""
    verdict: Verdict

    @property
    def differs(self) -> bool:
        return self.verdict == Verdict.DIFFERS

    @property
    def year_label(self) -> str:
        return school_year_label(self.year) if self.year is not None else ""


def claim_checks(
    session: Session, report_ids: Sequence[int], as_of: dt.date
) -> dict[int, list[ClaimCheck]]:
    """Report id → its checks, for the reports of ``report_ids`` that state a figure about a
    bound target; reports that state none are left out."""
    if not report_ids:
        return {}
    reports = session.execute(
        select(Report.id, Report.narrative, Report.submitted_on, Assignment.task_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .where(Report.id.in_(report_ids))
    ).all()  # fmt: skip
    task_ids = {task_id for *_, task_id in reports}
    targets = {
        t.id: t
        for t in session.scalars(
            select(Target)
            .where(Target.task_id.in_(task_ids), Target.indicator.is_not(None))
            .order_by(Target.seq)
        )
    }
    if not targets:
        return {}
    actuals = bound_actuals(session, Target.id.in_(list(targets)), as_of)
    typed: dict[int, dict[int, float]] = defaultdict(dict)
    for report_id, target_id, value in session.execute(
        select(ReportFigure.report_id, ReportFigure.target_id, ReportFigure.value).where(
            ReportFigure.report_id.in_(report_ids), ReportFigure.target_id.in_(list(targets))
        )
    ):
        typed[report_id][target_id] = value
    by_task: dict[int, list[Target]] = defaultdict(list)
    for target in targets.values():
        if target.task_id is not None:
            by_task[target.task_id].append(target)
    out: dict[int, list[ClaimCheck]] = {}
    for report_id, narrative, submitted_on, task_id in reports:
        written = submitted_on or as_of
        checks = [
            check_
            for target in by_task.get(task_id, [])
            for check_ in _checks(
                report_id, target, actuals[target.id], typed[report_id].get(target.id),
                narrative, written,
            )
        ]  # fmt: skip
        if checks:
            out[report_id] = checks
    return out


def differing(checks: dict[int, list[ClaimCheck]]) -> dict[int, list[ClaimCheck]]:
    """Only the checks where report and records disagree."""
    kept = {rid: [c for c in found if c.differs] for rid, found in checks.items()}
    return {rid: found for rid, found in kept.items() if found}


def _checks(
    report_id: int, target: Target, bound: BoundActuals, typed: float | None, narrative: str,
    written: dt.date,
) -> list[ClaimCheck]:  # fmt: skip
    definition = indicator(bound.indicator)
    actual = _actual_for(bound.years, current_school_year(written))
    stated: list[tuple[str, str, float]] = []
    if typed is not None:
        stated.append(("figure", "", typed))
    words = words_of(target.metric, definition.metrics)
    for mention in mentions(narrative, words, target.unit):
        stated.append(("narrative", mention.quote, mention.value))
    computed = actual.value if actual else None
    return [
        ClaimCheck(
            report_id, target.id, target.metric, definition.key, definition.name, source, quote,
            claimed, computed, target.unit or "", bound.scope, actual.year if actual else None,
            check(claimed, computed, target.unit),
        )
        for source, quote, claimed in stated
    ]  # fmt: skip


def _actual_for(years: list[YearActual], school_year: int) -> YearActual | None:
    """The actual of ``school_year``, else of the latest earlier year with data."""
    earlier = [y for y in years if y.year <= school_year]
    return earlier[-1] if earlier else None


def current_reports(session: Session, plan_id: int, as_of: dt.date) -> list[int]:
    """Each assignment's current report on ``as_of``: its latest submitted by then and not
    returned by then (a returned report's figures are no longer the unit's word)."""
    latest = func.row_number().over(
        partition_by=Report.assignment_id,
        order_by=(Report.submitted_on.desc(), Report.id.desc()),
    )
    standing = (
        select(Report.id, latest.label("n"))
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id, Report.submitted_on <= as_of)
        .where(or_(Report.returned_on.is_(None), Report.returned_on > as_of))
        .subquery()
    )
    return list(session.scalars(select(standing.c.id).where(standing.c.n == 1)))


def stated_text(c: ClaimCheck) -> str:
    """What the report says, as a table cell or a sentence writes it."""
    if c.source == "figure":
        return f"填报数值：{c.metric} {number(c.claimed)}{c.unit}"
    return f"报告写明“{c.quote}”"


def computed_text(c: ClaimCheck) -> str:
    """What the records give: ``双师型教师占专业教师比例（2022—2023学年）33.3%``."""
    if c.computed is None:
        return "学校数据暂无"
    return f"{c.indicator_name}（{c.year_label}）{number(c.computed)}{c.unit}"
