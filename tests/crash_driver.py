"""A writer that tests/test_crash_safety.py kills with SIGKILL: it writes in a loop until killed.

    python -m tests.crash_driver import START   # imports revisions START, START+1, … of the sample
    python -m tests.crash_driver submit START   # submits reports with figures on the published plan

The database comes from the environment (``DUBAN_HOME``, ``DUBAN_DATABASE_URL``), as for the CLI.
The driver loads its modules and warms up the parser, then waits for a line on stdin, so that
the test can start it ahead of time. Then it prints, each line flushed: ``READY`` once the store
is open; ``TRY <n>`` before each write transaction; ``ACK <id> <json>`` once that transaction has
committed. An ACKed write is one a user was told is stored: it must survive the kill.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from functools import cache
from pathlib import Path

from sqlalchemy import select

from duban.config import load_settings
from duban.db import Store
from duban.models import Assignment, Plan, Target, Task
from duban.plandoc import parse_bytes
from duban.services import plans, reports

SAMPLE = Path(__file__).parent / "fixtures" / "zhongwei_plan.txt"
ADMIN = "admin:教育局联席办"
REPORTER = "reporter:市教育局"
REPORT_DAY = dt.date(2021, 4, 2)


def revision_name(n: int) -> str:
    return f"rev-{n}.txt"


@cache
def sample() -> bytes:
    return SAMPLE.read_bytes()


def revision(n: int) -> bytes:
    """Revision ``n`` of the sample plan: distinct bytes, the same tasks and targets."""
    return sample() + f"\n\n（修订稿第{n}号）\n".encode()


def say(line: str) -> None:
    print(line, flush=True)


def import_loop(store: Store, start: int) -> None:
    say("READY")
    for n in range(start, start + 100_000):
        say(f"TRY {n}")
        with store.write() as session:
            result = plans.import_plan(session, revision(n), revision_name(n), actor=ADMIN)
            assert result.created, n
            plan_id = result.plan.id
        say(f"ACK {plan_id} {json.dumps({'n': n})}")


def reportable(store: Store) -> list[tuple[int, list[int]]]:
    """Every assignment of the published plan with its task's target ids."""
    with store.read() as session:
        rows = session.execute(
            select(Assignment.id, Task.id)
            .join(Task, Assignment.task_id == Task.id)
            .join(Plan, Task.plan_id == Plan.id)
            .where(Plan.state == "published")
            .order_by(Assignment.id)
        ).all()
        targets: dict[int | None, list[int]] = {}
        for target_id, task_id in session.execute(
            select(Target.id, Target.task_id).order_by(Target.id)
        ):
            targets.setdefault(task_id, []).append(target_id)
    return [(assignment, targets.get(task, [])) for assignment, task in rows]


def submit_loop(store: Store, start: int) -> None:
    choices = reportable(store)
    # tasks with targets first, so that most reports carry figures
    choices.sort(key=lambda choice: (not choice[1], choice[0]))
    say("READY")
    for n in range(start, start + 100_000):
        assignment, targets = choices[n % len(choices)]
        figures = {target: n + k / 4 for k, target in enumerate(targets)}
        say(f"TRY {n}")
        with store.write() as session:
            made = reports.submit_report(
                session, assignment, claimed=("not_started", "in_progress", "done")[n % 3],
                narrative=f"第{n}次报送", late_reason="崩溃测试", figures=figures,
                at=REPORT_DAY, actor=REPORTER,
            )  # fmt: skip
            report_id = made.id
        acked = {"n": n, "assignment": assignment, "figures": figures}
        say(f"ACK {report_id} {json.dumps(acked)}")


def main(argv: list[str]) -> None:
    mode, start = argv[0], int(argv[1])
    parse_bytes(sample(), SAMPLE.name)  # the parser's lazy imports, before the round starts
    sys.stdin.readline()  # go
    store = Store(load_settings())
    {"import": import_loop, "submit": submit_loop}[mode](store, start)


if __name__ == "__main__":
    main(sys.argv[1:])
