"""Migrations keep a deployment's rows: every step down and back up, on both databases.

The database is the demo deployment (a published plan with reports and figures, school records,
meetings, supervision actions, an extension, accounts) plus a report with an evidence file. It
is taken down one revision at a time to 0001 — below that the core tables themselves go — then
up again one at a time; each step keeps the row count of every table that exists on both sides
of it (a downgrade drops the tables its revision added, so they come back empty). On SQLite the
batch copies of 0007 and 0012 would delete or refuse child rows with foreign keys on: the
migrations run with them off and check them at the end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from duban.audit import verify
from duban.db import Store
from duban.migrate import MigrationError, alembic_config, downgrade, upgrade
from duban.models import Assignment, Task
from duban.services.demo import build_demo
from duban.services.drafts import ReportInput, Upload, file_report
from tests.conftest import migrated_store
from tests.factories import REPORTER

DEEPEST = "0001"
"""The deepest revision that keeps the core tables (units, plans, tasks, assignments, reports,
audit events); 0001's own downgrade drops them all."""


def test_every_step_down_and_up_keeps_the_rows(store: Store) -> None:
    plan_id = fill(store)
    at_head = counts(store)
    steps = revisions()
    for revision, below in steps:
        before = counts(store)
        downgrade(store.engine, below)
        after = counts(store)
        assert after == {t: before[t] for t in after}, f"{revision} → {below}"
    at_deepest = set(after)
    assert {"units", "plans", "tasks", "assignments", "reports", "audit_events"} <= at_deepest
    for revision, _below in reversed(steps):
        before = counts(store)
        upgrade(store.engine, revision)
        after = counts(store)
        assert before == {t: after[t] for t in before}, f"→ {revision}"
    assert current_revision(store) == steps[0][0]
    kept = {t: at_head[t] for t in at_deepest}
    assert {t: after[t] for t in at_deepest} == kept
    # and in one go: down to the deepest revision in one transaction, up again in another
    downgrade(store.engine, DEEPEST)
    assert counts(store) == kept
    upgrade(store.engine)
    assert {t: counts(store)[t] for t in at_deepest} == kept
    with store.read() as session:
        assert verify(session).ok
        assert session.scalar(select(func.count()).where(Task.plan_id == plan_id)) == 25


def test_a_migration_leaving_a_broken_reference_is_rolled_back(tmp_path: Path) -> None:
    """SQLite only: PostgreSQL checks every foreign key as it goes."""
    head, below = revisions()[0]
    with migrated_store("sqlite", tmp_path) as store:
        downgrade(store.engine, below)
        with store.engine.connect() as conn:  # a row whose unit does not exist, as a bad step would
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("INSERT INTO unit_aliases (unit_id, alias) VALUES (999, '无主')")
            raw.execute("PRAGMA foreign_keys=ON")
        with pytest.raises(MigrationError, match="unit_aliases"):
            upgrade(store.engine)
        assert current_revision(store) == below != head
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_refuses_to_migrate_with_foreign_keys_on(tmp_path: Path) -> None:
    config = alembic_config()
    with (
        migrated_store("sqlite", tmp_path) as store,
        store.engine.begin() as connection,
        pytest.raises(MigrationError, match="外键"),
    ):
        config.attributes["connection"] = connection
        command.downgrade(config, revisions()[0][1])


# --- helpers -------------------------------------------------------------------------------------


def fill(store: Store) -> int:
    """The demo deployment and a report with an evidence file; the demo plan's id."""
    with store.write() as session:
        made = build_demo(session, store.settings, today=dt.date(2022, 3, 1), seed=7)
        query = select(Assignment.id).join(Task).where(Task.plan_id == made.plan_id)
        first = session.scalars(query.order_by(Assignment.id)).first()
        assert first is not None
        data = "佐证".encode() * 50
        form = ReportInput("in_progress", "迁移往返", late_reason="演示日期之后补报")
        file_report(session, store.settings, first, form, [Upload("佐证.txt", data, len(data))],
                    draft=False, actor=REPORTER)  # fmt: skip
        return made.plan_id


def revisions() -> list[tuple[str, str]]:
    """(revision, the one below it), from head down to the step onto ``DEEPEST``."""
    script = ScriptDirectory.from_config(alembic_config())
    steps: list[tuple[str, str]] = []
    for rev in script.walk_revisions():
        below = rev.down_revision
        if below is None:
            break
        assert isinstance(below, str), "the migrations are one line"
        steps.append((rev.revision, below))
        if below == DEEPEST:
            break
    return steps


def counts(store: Store) -> dict[str, int]:
    """Rows per table, leaving out Alembic's and the search machinery's own tables."""
    with store.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names()
                 if n != "alembic_version" and not n.startswith("search_index")]  # fmt: skip
        return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def current_revision(store: Store) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
