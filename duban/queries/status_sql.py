"""The status rules as one set-based SQL query, for the whole database at once.

The same rules as ``duban.domain.status`` (tests check both give the same answers), written so the
database does the work: no Python loop over reports. What differs per plan — the latest owed
reporting period and the warning window — is computed in Python for each plan (a few hundred
rows) and joined in as a ``VALUES`` table; the rest is four common table expressions:

- ``latest``: for each assignment whose latest report accepted by D claims done, the day of the
  first report of that unbroken run of done claims (a running window sum, as the domain's
  ``completed_on``: reports ordered by ``submitted_on``, then id);
- ``counted``: assignments with a counting report for their plan's latest owed period (submitted
  by D, not returned by D, inside the period's counting window ``[start + grace, end + grace]``);
- ``extended``: each assignment's extension in force at D — the approved one decided by D
  latest by decision day, then id (``domain.extensions.applying``); its deadline replaces the
  task's in the rules below (``coalesce``);
- the ``CASE`` that applies the rules in order of precedence.

A task's status is its lead assignments' status of highest ``SEVERITY``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from duban.domain.choices import SEVERITY, Cadence, Status
from duban.domain.periods import owed_period
from duban.models import Assignment, Extension, Plan, Report, Task


def plan_windows(session: Session, as_of: dt.date, plan_ids: Sequence[int] | None) -> Any:
    """Per published plan: the warning limit and the latest owed period's counting window."""
    query = select(Plan.id, Plan.effective, Plan.cadence, Plan.grace_days, Plan.warn_days).where(
        Plan.state == "published"
    )
    if plan_ids is not None:
        query = query.where(Plan.id.in_(plan_ids))
    rows = []
    for plan_id, effective, cadence, grace, warn in session.execute(query):
        owed = owed_period(as_of, effective, Cadence(cadence), grace)
        lo = owed.start + dt.timedelta(days=grace) if owed else None
        hi = owed.due_on(grace) if owed else None
        rows.append((plan_id, as_of + dt.timedelta(days=warn), lo, hi, owed.end if owed else None))
    if not rows:
        rows.append((-1, as_of, None, None, None))  # the table needs a row; no plan has id -1
    # UNION ALL of typed literals: portable where VALUES with column names and NULLs is not
    selects: list[Select[Any]] = [
        select(  # type: ignore[misc]
            literal(plan_id, Integer).label("plan_id"),
            literal(warn_until, Date).label("warn_until"),
            literal(lo, Date).label("owed_lo"),
            literal(hi, Date).label("owed_hi"),
            literal(end, Date).label("owed_end"),
        )
        for plan_id, warn_until, lo, hi, end in rows
    ]
    return _union(selects).cte("pw")


_COMPOUND_LIMIT = 400  # SQLite allows 500 terms in one compound SELECT


def _union(selects: list[Select[Any]]) -> Select[Any]:
    """UNION ALL of any number of selects, nested in chunks below SQLite's compound limit."""
    if len(selects) == 1:
        return selects[0]
    if len(selects) <= _COMPOUND_LIMIT:
        return union_all(*selects)  # type: ignore[return-value]
    chunks = [selects[i : i + _COMPOUND_LIMIT] for i in range(0, len(selects), _COMPOUND_LIMIT)]
    return _union([select(_union(chunk).subquery()) for chunk in chunks])


def assignment_statuses(
    session: Session, as_of: dt.date, plan_ids: Sequence[int] | None = None
) -> Select[Any]:
    """A query of ``(assignment_id, task_id, plan_id, unit_id, role, status, deadline)`` as of
    ``as_of``; ``deadline`` is the one in force (an approved extension's, else the task's)."""
    pw = plan_windows(session, as_of, plan_ids)
    in_plans = select(Assignment.id).join(Task).join(pw, pw.c.plan_id == Task.plan_id)
    ranked = (
        select(
            Report.assignment_id,
            Report.claimed,
            Report.submitted_on,
            # accepted reports at or after this one (newest first) that do not claim done: zero
            # marks the unbroken run of done claims that ends with the latest report
            func.sum(case((Report.claimed == "done", 0), else_=1))
            .over(
                partition_by=Report.assignment_id,
                order_by=(Report.submitted_on.desc(), Report.id.desc()),
                rows=(None, 0),
            )
            .label("open_since"),
        )
        .where(Report.submitted_on <= as_of, Report.accepted_on <= as_of)
        .where(Report.assignment_id.in_(in_plans))
        .cte("ranked")
    )
    latest = (
        select(ranked.c.assignment_id, func.min(ranked.c.submitted_on).label("submitted_on"))
        .where(ranked.c.open_since == 0)
        .group_by(ranked.c.assignment_id)
        .cte("latest")
    )
    counted = (
        select(Report.assignment_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(pw, pw.c.plan_id == Task.plan_id)
        .where(Report.submitted_on <= as_of)
        .where(or_(Report.returned_on.is_(None), Report.returned_on > as_of))
        .where(Report.submitted_on >= pw.c.owed_lo, Report.submitted_on <= pw.c.owed_hi)
        .distinct()
        .cte("counted")
    )
    extended = _extended(as_of, in_plans)
    deadline = func.coalesce(extended.c.deadline, Task.deadline)
    missing = and_(pw.c.owed_end.is_not(None), counted.c.assignment_id.is_(None))
    done = case(
        (
            and_(Task.ongoing, missing, pw.c.owed_end > latest.c.submitted_on),
            Status.UNREPORTED.value,
        ),
        (latest.c.submitted_on > deadline, Status.DONE_LATE.value),
        else_=Status.DONE.value,
    )
    status = case(
        (latest.c.submitted_on.is_not(None), done),
        (deadline < as_of, Status.OVERDUE.value),
        (deadline <= pw.c.warn_until, Status.DUE_SOON.value),
        (missing, Status.UNREPORTED.value),
        else_=Status.ON_TRACK.value,
    )
    return (
        select(
            Assignment.id.label("assignment_id"),
            Assignment.task_id,
            Task.plan_id,
            Assignment.unit_id,
            Assignment.role,
            status.label("status"),
            deadline.label("deadline"),
        )
        .join(Task, Task.id == Assignment.task_id)
        .join(pw, pw.c.plan_id == Task.plan_id)
        .outerjoin(latest, latest.c.assignment_id == Assignment.id)
        .outerjoin(counted, counted.c.assignment_id == Assignment.id)
        .outerjoin(extended, extended.c.assignment_id == Assignment.id)
    )


def _extended(as_of: dt.date, in_plans: Select[Any]) -> Any:
    """``(assignment_id, deadline)``: the approved extension in force at ``as_of``, if any."""
    rank = func.row_number().over(
        partition_by=Extension.assignment_id,
        order_by=(Extension.decided_on.desc(), Extension.id.desc()),
    )
    ranked = (
        select(Extension.assignment_id, Extension.approved_deadline, rank.label("rank"))
        .where(Extension.state == "approved", Extension.decided_on <= as_of)
        .where(Extension.assignment_id.in_(in_plans))
        .subquery("ranked_extensions")
    )
    # one row per assignment already; the GROUP BY makes SQLite materialise the CTE and index
    # it for the outer join (as ``latest``), instead of scanning it once per assignment
    return (
        select(ranked.c.assignment_id, func.max(ranked.c.approved_deadline).label("deadline"))
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.assignment_id)
        .cte("extended")
    )


def task_statuses(
    session: Session, as_of: dt.date, plan_ids: Sequence[int] | None = None
) -> Select[Any]:
    """A query of ``(plan_id, task_id, number, status)``: the most severe lead status per task."""
    rows = assignment_statuses(session, as_of, plan_ids).subquery("a")
    severity = case(*((rows.c.status == s.value, n) for s, n in SEVERITY.items()), else_=0)
    worst = (
        select(rows.c.task_id, func.max(severity).label("severity"))
        .where(rows.c.role == "lead")
        .group_by(rows.c.task_id)
        .subquery("worst")
    )
    on_track = literal(SEVERITY[Status.ON_TRACK])
    level = func.coalesce(worst.c.severity, on_track)
    named = case(*((level == n, s.value) for s, n in SEVERITY.items()), else_=Status.ON_TRACK.value)
    plans = select(Plan.id).where(Plan.state == "published")
    if plan_ids is not None:
        plans = plans.where(Plan.id.in_(plan_ids))
    return (
        select(Task.plan_id, Task.id.label("task_id"), Task.number, named.label("status"))
        .outerjoin(worst, worst.c.task_id == Task.id)
        .where(Task.plan_id.in_(plans))
        .order_by(Task.plan_id, Task.seq)
    )


def status_counts(
    session: Session, as_of: dt.date, plan_ids: Sequence[int] | None = None
) -> dict[int, Counter[str]]:
    """Tasks per status for every published plan (or those given), as of ``as_of``."""
    tasks = task_statuses(session, as_of, plan_ids).order_by(None).subquery("t")
    query = select(tasks.c.plan_id, tasks.c.status, func.count()).group_by(
        tasks.c.plan_id, tasks.c.status
    )
    out: dict[int, Counter[str]] = {}
    for plan_id, status, count in session.execute(query):
        out.setdefault(plan_id, Counter())[status] = count
    return out
