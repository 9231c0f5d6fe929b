"""The set-based SQL status gives the same answers as the domain's rules, on both databases."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from duban.db import Store
from duban.models import Assignment, Plan, Report, Task
from duban.queries.status import plan_status
from duban.queries.status_sql import assignment_statuses, status_counts, task_statuses
from duban.services import extensions, plans, reports, units
from tests.conftest import SAMPLE
from tests.factories import ADMIN, REPORTER, SUPERVISOR, sample_registry

DATES = [
    dt.date.fromisoformat(d)
    for d in (
        "2021-03-31",
        "2021-07-10",
        "2021-07-11",
        "2021-09-01",
        "2022-01-15",
        "2022-12-31",
        "2023-07-01",
        "2024-02-01",
    )
]


def random_history(store: Store, seed: int) -> int:
    """The sample (four tasks made one-off, not ongoing) with random reports and decisions, and
    random deadline extensions (approved, refused, still open, a second one after the first)."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "2021年12月前完成并长期坚持", "2021年12月前完成"
    )
    rng = random.Random(seed)
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        plan = plans.import_plan(session, text.encode(), "v.txt", effective=dt.date(2021, 1, 1),
                                 actor=ADMIN).plan  # fmt: skip
        plans.publish_plan(session, plan.id, actor=ADMIN)
        ids = list(session.scalars(select(Assignment.id).join(Task).where(Task.plan_id == plan.id)))
    for assignment in rng.sample(ids, 60):
        day = dt.date(2021, 1, 5)
        for _ in range(rng.randint(1, 5)):
            day += dt.timedelta(days=rng.randint(20, 200))
            if day > dt.date(2024, 1, 1):
                break
            claimed = rng.choice(["in_progress", "in_progress", "done", "not_started"])
            with store.write() as session:
                made = reports.submit_report(session, assignment, claimed=claimed, at=day,
                                             late_reason="原因", actor=REPORTER)  # fmt: skip
                decided = day + dt.timedelta(days=rng.randint(0, 20))
                fate = rng.random()
                if fate < 0.7:
                    reports.accept_report(session, made.id, at=decided, actor=SUPERVISOR)
                elif fate < 0.85:
                    reports.return_report(session, made.id, reason="材料不全", at=decided,
                                          actor=SUPERVISOR)  # fmt: skip
    for assignment in rng.sample(ids, 40):
        random_extensions(store, rng, assignment)
    return plan.id


def random_extensions(store: Store, rng: random.Random, assignment: int) -> None:
    """Up to two rounds of request → review → decision, each asked before the deadline in force."""
    with store.read() as session:
        deadline = session.get(Assignment, assignment).task.deadline  # type: ignore[union-attr]
    earliest = dt.date(2021, 1, 5)
    for _ in range(rng.randint(1, 2)):
        if deadline is None or deadline < earliest:
            return
        day = max(earliest, deadline - dt.timedelta(days=rng.randint(0, 120)))
        proposed = deadline + dt.timedelta(days=rng.randint(1, 240))
        reviewed = day + dt.timedelta(days=rng.randint(0, 10))
        decided = reviewed + dt.timedelta(days=rng.randint(0, 30))
        fate = rng.random()
        with store.write() as session:
            ext = extensions.request_extension(session, assignment, proposed=proposed,
                                               reason="原因", at=day, actor=REPORTER)  # fmt: skip
            if fate < 0.1:
                return  # left open
            extensions.review_extension(session, ext.id, agrees=fate < 0.8, opinion="意见",
                                        at=reviewed, actor=SUPERVISOR)  # fmt: skip
            granted = proposed - dt.timedelta(days=rng.randint(0, (proposed - deadline).days - 1))
            extensions.decide_extension(session, ext.id, approve=fate < 0.8, reason="理由",
                                        deadline=granted, at=decided, actor=ADMIN)  # fmt: skip
        if fate >= 0.8:
            return
        deadline, earliest = granted, decided


def test_sql_and_domain_agree_on_every_assignment_and_task(store: Store) -> None:
    plan_id = random_history(store, seed=7)
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None and session.scalar(select(Report.id).limit(1)) is not None
        for day in DATES:
            python = plan_status(session, plan, day)
            by_task = {t.number: t for t in python.tasks}
            sql_rows = session.execute(assignment_statuses(session, day)).all()
            numbers = dict(session.execute(select(Task.id, Task.number)).all())
            units_of = dict(session.execute(select(Assignment.id, Assignment.seq)).all())
            for row in sql_rows:
                view = by_task[numbers[row.task_id]]
                assert view.assignments[units_of[row.assignment_id]].status == row.status, (
                    day,
                    row,
                )
            sql_tasks = {r.number: r.status for r in session.execute(task_statuses(session, day))}
            assert sql_tasks == {t.number: t.status for t in python.tasks}, day
            counts = status_counts(session, day)[plan_id]
            assert sum(counts.values()) == 25


def test_a_draft_plan_has_no_status(store: Store) -> None:
    with store.write() as session:
        plans.import_plan(session, SAMPLE.read_bytes(), SAMPLE.name, actor=ADMIN)
    with store.read() as session:
        assert status_counts(session, dt.date(2022, 1, 1)) == {}
