"""The demo's reporting history: every unit's quarterly reports from the plan's start to today.

Each lead assignment is given a fate — done on time (most), done late, still overdue today (a
few), or ongoing where the plan sets no deadline — and reports every quarter near its end (now
and then within the grace days, now and then not at all), claiming done from its completion day
on. The
supervision office accepts a few days later; a few reports are returned with a reason and sent
again; the latest ones still wait for review. Cooperating units report their part alongside.
The first lead of a task gives figures for its targets that are not computed from school records,
rising towards the goal (some fall short). One report claims more than the school records hold,
for the supervisor's data check (数据核对).

The rows are plain facts written in bulk (a few statements, not thousands of service calls), the
same columns the services write; one audit event records the seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain.choices import Cadence, ClaimedState, ReportState
from duban.domain.clock import SHANGHAI
from duban.domain.periods import counting_period, period_of, periods_between
from duban.models import Assignment, Plan, Report, ReportFigure, Target, Task, Unit

SUPERVISOR = "supervisor:dudao"
RETURN_REASONS = (
    "缺少佐证材料，请补充会议纪要或文件",
    "进展描述过于笼统，请写明完成的具体事项和数量",
    "填报数值与上期不一致，请核实",
)
LATE_REASONS = (
    "受疫情影响，项目招标延后",
    "用地审批未完成，建设推迟",
    "资金未及时到位，已协调财政部门",
)
CLAIM_TASK, CLAIM_TEXT = "14", "已建成3个高水平专业化产教融合实训基地，运行良好"


@dataclass(frozen=True)
class Part:
    """One assignment as the simulation needs it."""

    id: int
    task_id: int
    number: str
    title: str
    role: str
    unit: str
    deadline: dt.date | None
    first_lead: bool


def seed_history(
    session: Session, plan: Plan, today: dt.date, rng: random.Random,
    starts: Mapping[int, dt.date] | None = None, stalled: frozenset[int] = frozenset(),
) -> dict[str, int]:  # fmt: skip
    """Write the history of ``plan`` up to ``today``; counts of what was written. ``starts``:
    task id → the day a task came into being (a joint meeting's decision), else the plan's
    effective day; the lead units of the ``stalled`` tasks never finish."""
    parts = _parts(session, plan)
    targets = _targets(session, plan)
    begun = {p.task_id: (starts or {}).get(p.task_id, plan.effective) for p in parts}
    done_on = {p.id: None if p.task_id in stalled else _completion(p, begun[p.task_id], today, rng)
               for p in parts if p.role == "lead"}  # fmt: skip
    lead_done = {p.task_id: done_on[p.id] for p in parts if p.first_lead}
    rows: list[dict[str, Any]] = []
    figures: list[tuple[int, int, float]] = []  # (index into rows, target id, value)
    periods = periods_between(plan.effective, today, Cadence(plan.cadence))
    for part in parts:
        finish = done_on.get(part.id) if part.role == "lead" else lead_done.get(part.task_id)
        for period in periods:
            if period.end < begun[part.task_id] + dt.timedelta(days=20):
                continue  # the task did not exist yet, or was just made
            if rng.random() < 0.03:
                continue  # a quarter this unit forgot
            day = period.end - dt.timedelta(days=rng.randint(0, 12))
            if rng.random() < 0.15:
                day = period.end + dt.timedelta(days=rng.randint(1, 8))  # within the grace days
            if finish is not None and period.start <= finish <= period.end:
                day = finish
            if day >= today:
                continue
            done = finish is not None and day >= finish
            row = _report(part, day, today, done, rng)
            resend = day + dt.timedelta(days=5)
            if rng.random() < 0.04 and not done and day <= period.end and resend < today:
                rows.append(_returned(row, rng))  # returned in 3 days, sent again in 5
                row = _report(part, resend, today, done, rng, resent=True)
            rows.append(row)
            if part.first_lead:
                for target in targets.get(part.task_id, []):
                    value = _figure(target, plan.effective, part.deadline, day, rng)
                    figures.append((len(rows) - 1, target["id"], value))
    _claim(rows, parts)
    ids = list(session.scalars(insert(Report).returning(Report.id, sort_by_parameter_order=True),
                               rows))  # fmt: skip
    if figures:
        session.execute(insert(ReportFigure), [
            {"report_id": ids[i], "target_id": t, "value": v} for i, t, v in figures
        ])  # fmt: skip
    counts = {"reports": len(rows), "figures": len(figures)}
    audit.record(
        session, actor="admin:demo", action="demo.seed", object_type="plan", object_id=plan.id,
        label="演示数据：模拟2021年以来的报送和审核", after=counts,
    )  # fmt: skip
    return counts


def _parts(session: Session, plan: Plan) -> list[Part]:
    query = (
        select(Assignment.id, Task.id, Task.number, Task.title, Assignment.role, Unit.name,
               Task.deadline, Assignment.seq)
        .join(Task, Task.id == Assignment.task_id).join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan.id).order_by(Task.seq, Assignment.seq)
    )  # fmt: skip
    seen: set[int] = set()
    out = []
    for aid, tid, number, title, role, unit, deadline, _ in session.execute(query):
        first = role == "lead" and tid not in seen
        seen.update([tid] if role == "lead" else [])
        out.append(Part(aid, tid, number, title, role, unit, deadline, first))
    return out


def _targets(session: Session, plan: Plan) -> dict[int, list[dict[str, Any]]]:
    """Per task, the targets a unit reports figures for: not computed from records, numeric."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = select(Target).where(
        Target.plan_id == plan.id, Target.task_id.is_not(None), Target.indicator.is_(None),
        Target.op.in_((">=", ">", "=")),
    )  # fmt: skip
    for t in session.scalars(query.order_by(Target.seq)):
        if t.task_id is not None:
            out[t.task_id].append({"id": t.id, "value": t.value, "unit": t.unit})
    return out


def _completion(part: Part, start: dt.date, today: dt.date, rng: random.Random) -> dt.date | None:
    """The day the lead unit reports done, or ``None`` (overdue today, or no deadline)."""
    if part.deadline is None:
        return None
    fate = rng.random()
    if fate < 0.78:
        day = part.deadline - dt.timedelta(days=rng.randint(3, 80))
        return _outside_grace(max(day, start + dt.timedelta(days=75)))
    if fate < 0.97:
        day = _outside_grace(part.deadline + dt.timedelta(days=rng.randint(20, 200)))
        return day if day < today - dt.timedelta(days=20) else None
    return None


def _outside_grace(day: dt.date) -> dt.date:
    """A completion day past the first days of a quarter, so that the report it comes with
    counts for the quarter it is in (a report in the grace days counts for the one before)."""
    start = period_of(day, Cadence.QUARTERLY).start
    return max(day, start + dt.timedelta(days=12))


def _report(
    part: Part,
    day: dt.date,
    today: dt.date,
    done: bool,
    rng: random.Random,
    *,
    resent: bool = False,
) -> dict[str, Any]:
    accepted = day + dt.timedelta(days=rng.randint(2, 8))
    late = (not done) and part.deadline is not None and day > part.deadline
    state = ReportState.ACCEPTED if accepted < today else ReportState.SUBMITTED
    created = dt.datetime.combine(day, dt.time(10), SHANGHAI).astimezone(dt.UTC)
    return {
        "assignment_id": part.id, "period_key": counting_period(day, Cadence.QUARTERLY, 10).key,
        "state": state, "claimed": ClaimedState.DONE if done else ClaimedState.IN_PROGRESS,
        "narrative": _narrative(part, done, rng, resent), "submitted_on": day,
        "accepted_on": accepted if state == ReportState.ACCEPTED else None,
        "late_reason": rng.choice(LATE_REASONS) if late else None, "on_paper": False,
        "author": f"reporter:{part.unit}", "version": 2 if state == ReportState.ACCEPTED else 1,
        "created_at": created, "updated_at": created, "returned_on": None, "return_reason": None,
    }  # fmt: skip


def _returned(row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    back = row["submitted_on"] + dt.timedelta(days=3)
    return row | {"state": ReportState.RETURNED, "accepted_on": None, "returned_on": back,
                  "return_reason": rng.choice(RETURN_REASONS)}  # fmt: skip


def _narrative(part: Part, done: bool, rng: random.Random, resent: bool) -> str:
    head = "（按退回意见修改后重新报送）" if resent else ""
    if part.role == "coop":
        return (
            head
            + f"配合牵头单位推进“{part.title}”，本季度提供政策和数据支持{rng.randint(1, 4)}次。"
        )
    if done:
        return head + f"“{part.title}”已按方案要求完成，长效机制运行正常，相关材料已归档。"
    return head + (f"持续推进“{part.title}”，本季度召开专题会议{rng.randint(1, 3)}次，"
                   f"完成阶段性工作{rng.randint(2, 6)}项，下一步将加快进度。")  # fmt: skip


def _figure(
    target: dict[str, Any], start: dt.date, deadline: dt.date | None, day: dt.date,
    rng: random.Random,
) -> float:  # fmt: skip
    """The target's figure on ``day``: rising to 105% of the goal by the deadline, or — for one
    target in four — to about 70% of it."""
    goal = float(target["value"])
    end = deadline or dt.date(start.year + 3, 12, 31)
    share = min(1.0, max(0.1, (day - start).days / max(1, (end - start).days)))
    reach = 1.05 if target["id"] % 4 else 0.7
    value = goal * share * reach
    return round(value) if target["unit"] not in ("%",) and goal >= 5 else round(value, 1)


def _claim(rows: list[dict[str, Any]], parts: list[Part]) -> None:
    """The latest report of task 14's first lead says 3 training bases; the records hold 2."""
    lead = next((p.id for p in parts if p.first_lead and p.number == CLAIM_TASK), None)
    mine = [r for r in rows if r["assignment_id"] == lead]
    if mine:
        mine[-1]["narrative"] = CLAIM_TEXT + "。" + mine[-1]["narrative"]
