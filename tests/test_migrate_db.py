"""Moving a SQLite deployment to PostgreSQL: every row, the audit chain and the answers survive.

The source is a real SQLite store filled through the services (plan, units, reports with figures,
evidence, records, users, a sign-in); the target a fresh PostgreSQL schema that only the copy
builds. Rows are compared table by table after the copy, through the same typed columns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from duban import audit
from duban.config import Settings
from duban.db import Store
from duban.dbcopy import CopyError, copy_database
from duban.migrate import upgrade
from duban.models import (
    Assignment,
    AuditEvent,
    Base,
    Evidence,
    Plan,
    Report,
    Target,
    Task,
    Unit,
    User,
)
from duban.queries.status import plan_status
from duban.queries.status_sql import status_counts
from duban.services import reports, units, users
from duban.services.evidence import attach_evidence, evidence_path
from duban.services.records import RecordRow, replace_records
from tests.conftest import PG_URL, _require_postgres, migrated_store
from tests.factories import (
    ADMIN,
    REPORTER,
    SUPERVISOR,
    assignment_id,
    published_sample,
    report,
    sample_registry,
)  # fmt: skip

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DAYS = [dt.date(2021, 3, 31), dt.date(2021, 8, 5), dt.date(2022, 1, 10), dt.date(2023, 6, 10)]


@contextmanager
def empty_schema() -> Iterator[str]:
    """The URL of a new PostgreSQL schema without tables (the copy builds them); dropped after."""
    _require_postgres()
    schema = f"duban_copy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fill(store: Store) -> int:
    """A deployment with a history: every kind of row the services write today."""
    plan_id = published_sample(store)
    edu = assignment_id(store, plan_id, "2", "zw-edu")
    first = report(store, edu, dt.date(2021, 4, 2), accept_on=dt.date(2021, 4, 9))
    with store.write() as session:
        returned = reports.submit_report(session, assignment_id(store, plan_id, "1", "zw-edu"),
                                         claimed="in_progress", narrative="已召开会议",
                                         at=dt.date(2021, 7, 1), actor=REPORTER)  # fmt: skip
        reports.return_report(session, returned.id, reason="缺少佐证材料", at=dt.date(2021, 7, 3),
                              actor=SUPERVISOR)  # fmt: skip
    second = report(store, edu, dt.date(2021, 9, 1), "done", reason="疫情影响")
    with store.write() as session:
        attach_evidence(session, store.settings, second, PDF, "会议纪要.pdf", actor=REPORTER)
        reports.accept_report(session, second, at=dt.date(2021, 9, 5), actor=SUPERVISOR)
        figure_report(session, plan_id)
        rows = [RecordRow(4, {"staff_no": "T1", "name": "教师甲", "professional": True,
                              "double_qualified": True}),
                RecordRow(5, {"staff_no": "T2", "name": "教师乙", "professional": True,
                              "double_qualified": False})]  # fmt: skip
        replace_records(session, "teacher", "zw-school", 2022, rows, sha256="a" * 64,
                        source_name="教师.xlsx", actor="reporter:市职业技术学校")  # fmt: skip
        users.add_user(session, "edu", "一个足够长的口令2021", role="reporter", unit_key="zw-edu",
                       display_name="教育局填报员", actor=ADMIN)  # fmt: skip
        users.disable_user(session, "edu", actor=ADMIN)
    with store.write() as session:
        users.sign_in(session, "edu", "wrong", address="10.0.0.1")
        # a unit moved under a unit registered after it: a link to a later id of the same table
        registry = (
            sample_registry().replace(
                "{key: spt, name: 沙坡头区, kind: place, parent: zw,",
                "{key: spt, name: 沙坡头区, kind: place, parent: zw-west,",
            )
            + "- {key: zw-west, name: 中卫市西部片区, kind: place, parent: zw}\n"
        )
        units.load_units(session, registry, actor=ADMIN)
    assert first
    return plan_id


def figure_report(session: Session, plan_id: int) -> None:
    """A report with a figure for a numeric target (report_figures)."""
    target_id, assignment = session.execute(
        select(Target.id, Assignment.id).join(Task, Target.task_id == Task.id)
        .join(Assignment, Assignment.task_id == Task.id).join(Unit)
        .where(Task.plan_id == plan_id, Unit.key == "zw-edu").order_by(Target.id).limit(1)
    ).one()  # fmt: skip
    reports.submit_report(session, assignment, claimed="in_progress", figures={target_id: 3.5},
                          at=dt.date(2022, 1, 5), actor=REPORTER)  # fmt: skip


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[Store, int]]:
    with migrated_store("sqlite", tmp_path) as store:
        yield store, fill(store)


def rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, read through the models' types."""
    out = {}
    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in session.execute(query)]
    return out


def json_nulls(store: Store) -> dict[str, int]:
    """SQL NULLs per JSON column: JSON null and SQL NULL must not trade places in the copy."""
    out = {}
    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, JSON) or "JSON" in repr(column.type):
                    query = select(func.count()).select_from(table).where(column.is_(None))
                    out[f"{table.name}.{column.name}"] = session.scalar(query) or 0
    return out


def answers(store: Store, plan_id: int) -> list[Any]:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        found: list[Any] = [plan_status(session, plan, day).to_json() for day in DAYS]
        found += [status_counts(session, day) for day in DAYS]
        return found


class Seen:
    """Progress as the CLI's bar sees it; ``fail_at`` makes the copy fail inside that table."""

    def __init__(self, fail_at: str | None = None) -> None:
        self.fail_at = fail_at
        self.counts: Mapping[str, int] = {}
        self.done: dict[str, int] = {}

    def start(self, counts: Mapping[str, int]) -> None:
        self.counts = counts

    def advance(self, table: str, rows: int) -> None:
        if table == self.fail_at:
            raise RuntimeError("the disk filled up")
        self.done[table] = self.done.get(table, 0) + rows


def test_every_row_the_audit_chain_and_the_status_survive_the_move(
    source: tuple[Store, int], tmp_path: Path
) -> None:
    store, plan_id = source
    with (
        store.write() as session
    ):  # SQL NULL, as rows written outside the ORM may hold, not JSON null
        session.execute(text("UPDATE targets SET span = NULL WHERE id = 1"))
    assert json_nulls(store)["targets.span"] == 1
    seen = Seen()
    with empty_schema() as url:
        target = Store(Settings(home=tmp_path / "home", database_url=url))
        try:
            result = copy_database(store, target, batch=7, progress=seen)
            assert rows(target) == rows(store)
            assert json_nulls(target) == json_nulls(store)
            with target.read() as session:
                check = audit.verify(session)
            assert check.ok and check.events == result.audit_events > 10
            assert answers(target, plan_id) == answers(store, plan_id)
        finally:
            target.dispose()
    copied = {name: n for name, n in result.counts.items() if n}
    assert seen.done == copied and seen.counts == result.counts
    kinds = ("plans units tasks assignments targets reports evidence report_figures records "
             "record_batches users login_attempts unit_members unit_aliases")  # fmt: skip
    assert [k for k in kinds.split() if not copied.get(k)] == []
    # the evidence file stays where it was, under the data directory
    with store.read() as session:
        sha = session.scalars(select(Evidence.sha256)).one()
    assert evidence_path(store.settings, sha).read_bytes() == PDF


def test_the_target_takes_new_writes_after_the_copy(
    source: tuple[Store, int], tmp_path: Path
) -> None:
    store, plan_id = source
    with empty_schema() as url:
        target = Store(Settings(home=tmp_path / "home", database_url=url))
        try:
            copy_database(store, target)
            with target.read() as session:
                last = session.scalar(select(func.max(Report.id))) or 0
                events = session.scalar(select(func.max(AuditEvent.id))) or 0
            made = report(target, assignment_id(target, plan_id, "3", "zw-edu"),
                          dt.date(2021, 5, 1))  # fmt: skip
            with target.write() as session:
                user = users.add_user(session, "new", "另一个足够长的口令2021", role="admin",
                                      actor=ADMIN)  # fmt: skip
                assert user.id == 2
            with target.read() as session:
                assert session.scalar(select(func.max(AuditEvent.id))) == events + 2
                assert audit.verify(session).ok
                assert session.scalar(select(func.count()).select_from(User)) == 2
            assert made == last + 1
        finally:
            target.dispose()


def test_a_target_holding_data_is_refused_and_left_as_it_was(
    source: tuple[Store, int], tmp_path: Path
) -> None:
    store, _ = source
    with empty_schema() as url:
        target = Store(Settings(home=tmp_path / "home", database_url=url))
        try:
            upgrade(target.engine)
            with target.write() as session:
                units.load_units(session, sample_registry(), actor=ADMIN)
            before = rows(target)
            with pytest.raises(CopyError, match="目标数据库不是空的") as refused:
                copy_database(store, target)
            assert refused.value.refused
            assert rows(target) == before
        finally:
            target.dispose()


def test_a_failure_half_way_leaves_the_target_without_even_a_schema(
    source: tuple[Store, int], tmp_path: Path
) -> None:
    store, _ = source
    with empty_schema() as url:
        target = Store(Settings(home=tmp_path / "home", database_url=url))
        try:
            with pytest.raises(RuntimeError, match="disk filled up"):
                copy_database(store, target, batch=5, progress=Seen(fail_at="assignments"))
            assert inspect(target.engine).get_table_names() == []
            copy_database(store, target)  # and the same target can take the copy afterwards
            assert rows(target) == rows(store)
        finally:
            target.dispose()


def test_a_source_behind_the_programs_schema_is_refused(tmp_path: Path) -> None:
    old = Store(Settings(home=tmp_path / "old"))
    try:
        upgrade(old.engine, "0005")
        with empty_schema() as url:
            target = Store(Settings(home=tmp_path / "home", database_url=url))
            try:
                with pytest.raises(CopyError, match="请先对源数据库运行 duban init"):
                    copy_database(old, target)
                assert inspect(target.engine).get_table_names() == []
            finally:
                target.dispose()
    finally:
        old.dispose()


def test_a_sqlite_target_or_a_missing_source_is_refused(tmp_path: Path) -> None:
    missing = Store(Settings(home=tmp_path / "nowhere"))
    other = Store(Settings(home=tmp_path / "other"))
    try:
        with pytest.raises(CopyError, match="PostgreSQL"):
            copy_database(missing, other)
        with pytest.raises(CopyError, match="源数据库不存在"), empty_schema() as url:
            target = Store(Settings(home=tmp_path / "home", database_url=url))
            try:
                copy_database(missing, target)
            finally:
                target.dispose()
        assert not (tmp_path / "nowhere" / "duban.sqlite3").exists()
    finally:
        missing.dispose()
        other.dispose()
