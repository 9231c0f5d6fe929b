"""Crash safety: a writer killed with SIGKILL mid-import or mid-submission loses nothing it
acknowledged and leaves nothing half-written, on SQLite and on PostgreSQL.

Each test runs tests/crash_driver.py in a child process that writes in a loop and prints an ACK
after every commit. It kills the child (SIGKILL, whole process group) at a random moment, seeded,
0.05 to 1.5 s after its first ACK, so in the middle of its loop; ROUNDS times on one database.
After each kill it checks the database before the next round: SQLite's own integrity and
foreign-key checks; every row whole (a plan with all its tasks and targets, a report with all its
figures); an audit event for every write and none for a write that is not there; an intact audit
chain; every ACKed write present as acknowledged. The next child is started while a round runs,
so that its Python start is not paid for in the round.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from duban.db import Store
from duban.models import Assignment, AuditEvent, Plan, Report, ReportFigure, Target, Task
from duban.plandoc import parse_bytes
from duban.services import units
from tests.crash_common import assert_store_is_sound, child_env, end_backends
from tests.crash_driver import REPORT_DAY, revision, revision_name
from tests.factories import ADMIN, published_sample, sample_registry

ROOT = Path(__file__).parent.parent
ROUNDS = 8
SEED = 20_240_917
KILL_AFTER = (0.05, 1.5)  # seconds after the child's first acknowledged write
START_TIMEOUT = 60.0

Acked = dict[int, dict[str, Any]]
Check = Callable[[Store, Acked], None]


# --- the child ---------------------------------------------------------------------------------


@dataclass
class Round:
    lines: list[str]
    acked: Acked = field(init=False)

    def __post_init__(self) -> None:
        self.acked = {}
        for line in self.lines:
            if line.startswith("ACK "):
                _, write_id, body = line.split(" ", 2)
                self.acked[int(write_id)] = json.loads(body)

    @property
    def mid_write(self) -> bool:
        """Killed between starting a write and acknowledging it."""
        return bool(self.lines) and self.lines[-1].startswith("TRY ")


class Writer:
    """A crash_driver child, started ahead of its round; it waits for GO on stdin."""

    def __init__(self, mode: str, start: int, env: dict[str, str], out: Path) -> None:
        self.out, self.err = out.with_suffix(".out"), out.with_suffix(".err")
        with self.out.open("wb") as stdout, self.err.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_driver", mode, str(start)],
                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=stdout, stderr=stderr,
                start_new_session=True,
            )  # fmt: skip

    def run_and_kill(self, delay: float) -> Round:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"GO\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + START_TIMEOUT
        while "\nACK " not in self.out.read_text(encoding="utf-8"):
            assert self.proc.poll() is None, f"the writer died: {self.stderr()}"
            assert time.monotonic() < deadline, f"the writer wrote nothing: {self.stderr()}"
            time.sleep(0.005)
        time.sleep(delay)
        alive = self.proc.poll() is None
        self.kill()
        assert alive, f"the writer stopped before it was killed: {self.stderr()}"
        lines = self.out.read_text(encoding="utf-8").split("\n")
        return Round(lines[1:-1])  # without READY and an unfinished last line

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self.proc.stdin is not None:
            self.proc.stdin.close()

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")[-3000:]


def crash_rounds(store: Store, tmp_path: Path, mode: str, check: Check) -> list[Round]:
    """ROUNDS children, each killed at a random moment; ``check`` after each kill."""
    rng = random.Random(f"{SEED}-{mode}")
    app = f"duban_crash_{uuid.uuid4().hex[:12]}"
    env = child_env(store, app)
    acked: Acked = {}
    rounds: list[Round] = []

    def spawn(i: int) -> Writer:
        return Writer(mode, i * 100_000, env, tmp_path / f"{mode}-{i}")

    writers = [spawn(0)]
    try:
        for i in range(ROUNDS):
            if i + 1 < ROUNDS:
                writers.append(spawn(i + 1))
            done = writers[i].run_and_kill(rng.uniform(*KILL_AFTER))
            end_backends(store, app)
            rounds.append(done)
            acked.update(done.acked)
            check(store, acked)
    finally:
        for writer in writers:
            writer.kill()
        end_backends(store, app)
    assert any(r.mid_write for r in rounds), "no kill landed inside a write"
    return rounds


# --- checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    tasks: int
    objectives: int
    task_targets: int


@cache
def revision_shape() -> Shape:
    """What the parser finds in a revision; every revision differs only in a closing line."""
    shapes = set()
    for n in (0, 7, 3_141_592):
        parsed = parse_bytes(revision(n), revision_name(n))
        targets = sum(len(task.targets) for task in parsed.tasks)
        shapes.add(Shape(len(parsed.tasks), len(parsed.objectives), targets))
    assert len(shapes) == 1, shapes
    shape = shapes.pop()
    assert shape.tasks == 25
    return shape


def assert_no_half_imported_plan(store: Store, acked: Acked) -> None:
    assert_store_is_sound(store)
    shape = revision_shape()
    with store.read() as session:
        rows = session.execute(
            select(Plan.id, Plan.source_name, Plan.sha256, Plan.version, Plan.previous_id)
        ).all()
        tasks = dict(
            session.execute(select(Task.plan_id, func.count()).group_by(Task.plan_id)).all()
        )
        targets = Counter[tuple[int, bool]]()
        for plan_id, per_task, count in session.execute(
            select(Target.plan_id, Target.task_id.is_not(None), func.count()).group_by(
                Target.plan_id, Target.task_id.is_not(None)
            )
        ):
            targets[plan_id, bool(per_task)] = count
        imported = Counter(
            session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "plan.import"))
        )
    plans = {row.id: row for row in rows}
    assert imported == Counter(plans.keys()), "one plan.import per plan, none without its plan"
    for plan in rows:
        n = int(plan.source_name.removeprefix("rev-").removesuffix(".txt"))
        assert plan.sha256 == hashlib.sha256(revision(n)).hexdigest()
        found = Shape(tasks.get(plan.id, 0), targets[plan.id, False], targets[plan.id, True])
        assert found == shape, f"plan {plan.id} ({plan.source_name}) is half-imported"
    by_version = {plan.version: plan for plan in rows}
    assert sorted(by_version) == list(range(1, len(rows) + 1)), "versions have no gap"
    for version, plan in by_version.items():
        previous = by_version[version - 1].id if version > 1 else None
        assert plan.previous_id == previous
    for plan_id, ack in acked.items():
        assert plan_id in plans, f"acknowledged plan {plan_id} is lost"
        assert plans[plan_id].source_name == revision_name(ack["n"])


def assert_every_acked_report_is_whole(store: Store, acked: Acked) -> None:
    assert_store_is_sound(store)
    with store.read() as session:
        reports = {r.id: r for r in session.execute(select(Report)).scalars()}
        figures: dict[int, dict[int, float]] = {}
        for report_id, target_id, value in session.execute(
            select(ReportFigure.report_id, ReportFigure.target_id, ReportFigure.value)
        ):
            figures.setdefault(report_id, {})[target_id] = value
        task_of = dict(session.execute(select(Assignment.id, Assignment.task_id)).all())
        targets_of = Counter(
            session.scalars(select(Target.task_id).where(Target.task_id.is_not(None)))
        )
        submitted = Counter(
            session.scalars(
                select(AuditEvent.object_id).where(AuditEvent.action == "report.submit")
            )
        )
        pending = session.execute(
            select(Report.assignment_id, Report.period_key)
            .where(Report.state == "submitted")
            .group_by(Report.assignment_id, Report.period_key)
            .having(func.count() > 1)
        ).all()
    assert submitted == Counter(reports.keys()), "one report.submit per report, none without it"
    assert set(figures) <= set(reports), "a figure points to a missing report"
    assert pending == [], "a superseded submission is still pending"
    for report in reports.values():
        assert report.assignment_id in task_of, f"report {report.id} has no assignment"
        assert report.submitted_on == REPORT_DAY
        whole = targets_of[task_of[report.assignment_id]]
        assert len(figures.get(report.id, {})) == whole, f"report {report.id} lost figures"
    for report_id, ack in acked.items():
        assert report_id in reports, f"acknowledged report {report_id} is lost"
        report = reports[report_id]
        assert report.assignment_id == ack["assignment"]
        assert report.narrative == f"第{ack['n']}次报送"  # not a later write reusing a lost id
        assert figures.get(report_id, {}) == {int(t): v for t, v in ack["figures"].items()}


# --- tests ---------------------------------------------------------------------------------------


def test_a_killed_import_leaves_no_half_imported_plan_and_loses_no_acked_one(
    store: Store, tmp_path: Path
) -> None:
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
    crash_rounds(store, tmp_path, "import", assert_no_half_imported_plan)


def test_a_killed_submission_leaves_no_partial_report_and_loses_no_acked_one(
    store: Store, tmp_path: Path
) -> None:
    published_sample(store)
    crash_rounds(store, tmp_path, "submit", assert_every_acked_report_is_whole)
