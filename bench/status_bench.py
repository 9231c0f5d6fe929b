"""Benchmark: status as of a date on a national-size ledger, SQLite and PostgreSQL.

Usage: .venv/bin/python bench/status_bench.py [--db sqlite|postgresql] [--plans 300] [--runs 5]

Builds a synthetic database — 300 plans × 30 tasks, 10,000 units, 5 assignments a task, a report
for about 95% of the quarters of four years (≈ 700,000 reports), most accepted, some returned —
and approved deadline extensions for 3% of the assignments (a few more requested or refused) —
then times, as of 2023-06-10:

- one plan: the store's ``plan_status`` (facts loaded set-based, rules in Python, reasons in
  Chinese) and the SQL form (``task_statuses`` for that plan);
- all plans: ``status_counts`` (the whole database in one SQL statement);
- the floor: the bare SQL that reads what the rules need (reports submitted by the date, counted).

PostgreSQL uses a throw-away schema in the database of DUBAN_TEST_PG_URL (default: the local
``test`` database). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from duban.config import Settings  # noqa: E402
from duban.db import Store  # noqa: E402
from duban.migrate import upgrade  # noqa: E402
from duban.models import Assignment, Extension, Plan, Report, Task, Unit  # noqa: E402
from duban.queries.status import plan_status  # noqa: E402
from duban.queries.status_sql import status_counts, task_statuses  # noqa: E402

AS_OF = dt.date(2023, 6, 10)
START = dt.date(2021, 1, 1)
PG_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def database(kind: str) -> Iterator[Store]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as home:
            store = Store(Settings(home=Path(home)))
            upgrade(store.engine)
            yield store
            store.dispose()
        return
    schema = f"duban_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(Settings(database_url=f"{PG_URL}?options=-csearch_path%3D{schema}"))
    try:
        upgrade(store.engine)
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build(store: Store, plans: int, tasks: int, units: int, seed: int = 1) -> int:
    """Fill the store with a synthetic national ledger; returns the number of reports."""
    rng = random.Random(seed)
    with store.engine.begin() as conn:
        conn.execute(insert(Unit), [
            {"id": i, "key": f"u{i:05d}", "name": f"单位{i:05d}", "kind": "department"}
            for i in range(1, units + 1)
        ])  # fmt: skip
        conn.execute(insert(Plan), [
            {"id": p, "title": f"方案{p}", "basis": [], "sha256": f"{p:064x}", "source_name": "x",
             "source_format": "txt", "source": b"", "text": "", "effective": START,
             "state": "published"}
            for p in range(1, plans + 1)
        ])  # fmt: skip
        task_rows, assignment_rows = [], []
        for p in range(1, plans + 1):
            for n in range(1, tasks + 1):
                tid = (p - 1) * tasks + n
                deadline = START + dt.timedelta(days=rng.randint(120, 1400))
                task_rows.append({"id": tid, "plan_id": p, "seq": n, "number": str(n),
                                  "title": f"任务{n}", "text": "", "deadline": deadline,
                                  "ongoing": rng.random() < 0.7})  # fmt: skip
                for seq, unit in enumerate(rng.sample(range(1, units + 1), 5)):
                    assignment_rows.append({"task_id": tid, "unit_id": unit, "seq": seq,
                                            "role": "lead" if seq < 3 else "coop",
                                            "named_as": f"单位{unit:05d}"})  # fmt: skip
        conn.execute(insert(Task), task_rows)
        conn.execute(insert(Assignment), assignment_rows)
        deadlines = {r["id"]: r["deadline"] for r in task_rows}
        ids = conn.execute(select(Assignment.id, Assignment.task_id)).all()
        reports = list(_reports(rng, ids, deadlines))
        for chunk in range(0, len(reports), 50_000):
            conn.execute(insert(Report), reports[chunk : chunk + 50_000])
        conn.execute(insert(Extension), list(_extensions(rng, ids, deadlines)))
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
    return len(reports)


def _reports(
    rng: random.Random, assignments: list[Any], deadlines: dict[int, dt.date]
) -> Iterator[dict[str, Any]]:
    quarters = [dt.date(y, m, 1) for y in range(2021, 2025) for m in (1, 4, 7, 10)]
    for assignment_id, task_id in assignments:
        for start in quarters:
            if rng.random() > 0.95:
                continue
            submitted = start + dt.timedelta(days=rng.randint(12, 98))
            done = submitted >= deadlines[task_id] - dt.timedelta(days=60)
            fate = rng.random()
            yield {
                "assignment_id": assignment_id,
                "period_key": f"{start.year}-Q{start.month // 3 + 1}",
                "state": "accepted" if fate < 0.9 else "returned" if fate < 0.93 else "submitted",
                "claimed": "done" if done else "in_progress", "narrative": "", "author": "bench",
                "submitted_on": submitted,
                "accepted_on": submitted + dt.timedelta(days=3) if fate < 0.9 else None,
                "returned_on": submitted + dt.timedelta(days=5) if 0.9 <= fate < 0.93 else None,
            }  # fmt: skip


def _extensions(
    rng: random.Random, assignments: list[Any], deadlines: dict[int, dt.date]
) -> Iterator[dict[str, Any]]:
    """About 3% of the assignments with an approved extension, 1% with one open or refused."""
    for assignment_id, task_id in assignments:
        fate = rng.random()
        if fate >= 0.04:
            continue
        deadline = deadlines[task_id]
        asked = deadline - dt.timedelta(days=rng.randint(0, 60))
        decided = asked + dt.timedelta(days=rng.randint(3, 30))
        state = "approved" if fate < 0.03 else rng.choice(["requested", "reviewed", "refused"])
        yield {
            "assignment_id": assignment_id, "requested_on": asked, "reason": "bench",
            "proposed_deadline": deadline + dt.timedelta(days=rng.randint(30, 180)),
            "original_deadline": deadline, "state": state, "author": "bench",
            "decided_on": decided if state in ("approved", "refused") else None,
            "approved_deadline": deadline + dt.timedelta(days=rng.randint(30, 180))
            if state == "approved" else None,
        }  # fmt: skip


def timed(fn: Callable[[], object], runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(store: Store, runs: int, plan_id: int) -> dict[str, float]:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None

        def floor() -> object:
            query = select(Report.assignment_id, Report.submitted_on, Report.claimed,
                           Report.accepted_on).where(Report.submitted_on <= AS_OF)  # fmt: skip
            return session.execute(select(func.count()).select_from(query.subquery())).scalar()

        def one_floor() -> object:
            query = (select(Report.assignment_id, Report.submitted_on, Report.claimed)
                     .join(Assignment).join(Task).where(Task.plan_id == plan_id,
                                                        Report.submitted_on <= AS_OF))  # fmt: skip
            return session.execute(query).all()

        return {
            "one plan, rules in Python (plan_status)": timed(
                lambda: plan_status(session, plan, AS_OF), runs
            ),
            "one plan, SQL (task_statuses)": timed(
                lambda: session.execute(task_statuses(session, AS_OF, [plan_id])).all(), runs
            ),
            "one plan, floor: its reports read": timed(one_floor, runs),
            "all plans, SQL (status_counts)": timed(lambda: status_counts(session, AS_OF), runs),
            "all plans, floor: reports by the date counted": timed(floor, runs),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with database(args.db) as store:
        started = time.perf_counter()
        count = build(store, args.plans, args.tasks, args.units)
        built = time.perf_counter() - started
        figures = measure(store, args.runs, (args.plans + 1) // 2)
    print(f"{args.db}: {args.plans} plans × {args.tasks} tasks, {args.units} units, "
          f"{count:,} reports (built in {built:.0f} s); status as of {AS_OF}")  # fmt: skip
    print("| query | median |\n|---|---|")
    for name, seconds in figures.items():
        print(f"| {name} | {seconds * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
