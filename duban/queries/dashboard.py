"""The dashboard (驾驶舱) of one plan as of a date: counts, groups, timeline, lists, targets."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from duban.domain.choices import SEVERITY, Status
from duban.models import Plan, Task
from duban.queries.memo import remembered
from duban.queries.status import PlanStatus, TaskView, plan_status

ORDER = [Status.OVERDUE, Status.DUE_SOON, Status.UNREPORTED, Status.ON_TRACK, Status.DONE_LATE,
         Status.DONE]  # fmt: skip


@dataclass
class GroupProgress:
    title: str
    counts: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Dashboard:
    plan: Plan
    as_of: dt.date
    status: PlanStatus
    counts: Counter[str]
    groups: list[GroupProgress]
    overdue: list[TaskView]
    due_soon: list[TaskView]
    timeline: list[tuple[str, int, int]]  # (year-quarter label, tasks due, of them done)
    targets_met: int
    targets_open: int
    plans: tuple[tuple[int, str], ...] = ()


def published_plans(session: Session) -> tuple[tuple[int, str], ...]:
    """Published plans, the joint meeting's decisions plan first and the newest plan last: the
    pages that default to the last one open the newest division-of-labour plan."""
    return remembered(session, ("published_plans",), lambda: _published_plans(session))


def _published_plans(session: Session) -> tuple[tuple[int, str], ...]:
    is_plan = case((Plan.kind == "plan", 1), else_=0)
    query = select(Plan.id, Plan.title).where(Plan.state == "published")
    rows = session.execute(query.order_by(is_plan, Plan.id))
    return tuple((pid, title) for pid, title in rows)


def dashboard(session: Session, plan: Plan, as_of: dt.date) -> Dashboard:
    """Everything the 驾驶舱 shows for ``plan`` as of ``as_of``, from one status evaluation."""
    result = plan_status(session, plan, as_of)
    query = select(Task.number, Task.group_title, Task.section).where(Task.plan_id == plan.id)
    groups_of = {number: group or section for number, group, section in session.execute(query)}
    counts = Counter(t.status for t in result.tasks)
    groups: dict[str, GroupProgress] = {}
    for task in result.tasks:
        title = groups_of.get(task.number) or "其他任务"
        groups.setdefault(title, GroupProgress(title, Counter())).counts[task.status] += 1
    by_severity = sorted(result.tasks, key=lambda t: (t.deadline or dt.date.max, t.number))
    targets = [g for t in result.tasks for g in t.targets]
    return Dashboard(
        plan=plan,
        as_of=as_of,
        status=result,
        counts=counts,
        groups=list(groups.values()),
        overdue=[t for t in by_severity if t.status == Status.OVERDUE],
        due_soon=[t for t in by_severity if t.status == Status.DUE_SOON],
        timeline=_timeline(result.tasks),
        targets_met=sum(1 for g in targets if g.pace == "met"),
        targets_open=sum(1 for g in targets if g.pace != "met"),
        plans=published_plans(session),
    )


def _timeline(tasks: Sequence[TaskView]) -> list[tuple[str, int, int]]:
    """Tasks due per half-year, and how many of them are done."""
    due: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for task in tasks:
        if task.deadline is None:
            continue
        key = f"{task.deadline.year}年{'上' if task.deadline.month <= 6 else '下'}半年"
        due[key] += 1
        if SEVERITY[Status(task.status)] <= SEVERITY[Status.DONE_LATE]:
            done[key] += 1
    return [(key, due[key], done[key]) for key in sorted(due)]
