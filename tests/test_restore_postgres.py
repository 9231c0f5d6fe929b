"""PostgreSQL restore into a brand-new database, and into the schema the URL names.

A brand-new database has no ``pg_trgm`` (migration 0004's search indexes need it, and a dump of
one schema does not carry it): ``restore`` installs it first. A dump of one schema restores into
the schema the target's URL sets, whatever its name was where the backup was taken.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from duban.audit import verify
from duban.backup import BackupError, backup, restore
from duban.config import Settings
from duban.db import Store
from duban.migrate import upgrade
from duban.models import AuditEvent, Report, Task
from tests.conftest import PG_URL, _require_postgres, migrated_store
from tests.factories import assignment_id, published_sample, report


def test_a_schema_restores_into_a_new_database_under_its_own_name(tmp_path: Path) -> None:
    with migrated_store("postgresql", tmp_path) as source, new_database() as url:
        dump, expected = backed_up(source, tmp_path)
        schema = schema_of(source)
        target = Store(Settings(home=tmp_path / "t", database_url=f"{url}?{search_path(schema)}"))
        restore(target, dump)
        assert contents(target) == expected
        assert trigram_indexes(target, schema) == 4
        target.dispose()


def test_a_schema_restores_into_the_schema_the_url_names(tmp_path: Path) -> None:
    with migrated_store("postgresql", tmp_path) as source, new_database() as url:
        dump, expected = backed_up(source, tmp_path)
        target = Store(Settings(home=tmp_path / "t", database_url=f"{url}?{search_path('city')}"))
        with target.engine.begin() as conn:  # a deployment there already, to be replaced
            conn.execute(text("CREATE SCHEMA city"))
        upgrade(target.engine)
        published_sample(target)
        assert contents(target) != expected
        restore(target, dump)
        assert contents(target) == expected
        assert trigram_indexes(target, "city") == 4
        with target.engine.connect() as conn:
            schemas = set(conn.scalars(text("SELECT nspname FROM pg_namespace")))
        assert schema_of(source) not in schemas
        with target.read() as session:  # the sequences came along: a new row gets a new id
            plan_id = session.scalars(select(Task.plan_id)).first()
        assert plan_id is not None
        report(target, assignment_id(target, plan_id, "3", "zw-edu"), dt.date(2021, 4, 3))
        target.dispose()


def test_restoring_under_another_name_is_refused_where_the_dumped_schema_exists(
    tmp_path: Path,
) -> None:
    with (
        migrated_store("postgresql", tmp_path / "a") as source,
        migrated_store("postgresql", tmp_path / "b") as other,
    ):
        dump, _expected = backed_up(source, tmp_path)
        published_sample(other)
        before = contents(other)
        with pytest.raises(BackupError, match=f"已有模式 {schema_of(source)}"):
            restore(other, dump)
        assert contents(other) == before


def test_a_whole_database_restores_into_a_new_database(tmp_path: Path) -> None:
    with new_database() as first, new_database() as second:
        source = Store(Settings(home=tmp_path / "s", database_url=first))
        upgrade(source.engine)
        dump, expected = backed_up(source, tmp_path)
        target = Store(Settings(home=tmp_path / "t", database_url=second))
        restore(target, dump)
        assert contents(target) == expected
        assert trigram_indexes(target, "public") == 4
        source.dispose()
        target.dispose()


def test_a_whole_database_restore_keeps_pg_trgm_for_what_else_uses_it(tmp_path: Path) -> None:
    """A database shared with another application whose index needs ``pg_trgm``: restoring
    Duban's whole-database backup replaces Duban's tables and leaves the extension alone
    (``--clean`` would otherwise drop it, and fail on the other index)."""
    with new_database() as first, new_database() as second:
        source = Store(Settings(home=tmp_path / "s", database_url=first))
        upgrade(source.engine)
        dump, expected = backed_up(source, tmp_path)
        target = Store(Settings(home=tmp_path / "t", database_url=second))
        upgrade(target.engine)
        with target.engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA other"))
            conn.execute(text("CREATE TABLE other.notes (body text)"))
            conn.execute(text("CREATE INDEX notes_trgm ON other.notes "
                              "USING gin (body gin_trgm_ops)"))  # fmt: skip
            conn.execute(text("INSERT INTO other.notes VALUES ('其他系统的数据')"))
        restore(target, dump)
        assert contents(target) == expected
        assert trigram_indexes(target, "public") == 4
        with target.engine.connect() as conn:
            assert conn.scalar(text("SELECT body FROM other.notes")) == "其他系统的数据"
        source.dispose()
        target.dispose()


# --- helpers -------------------------------------------------------------------------------------


@contextmanager
def new_database() -> Iterator[str]:
    """A brand-new database on the test server (no extension but plpgsql), dropped afterwards;
    its URL."""
    _require_postgres()
    name = f"duban_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def backed_up(store: Store, folder: Path) -> tuple[Path, tuple[int, int, int]]:
    """The published sample with a report, backed up; the file and the store's contents."""
    plan_id = published_sample(store)
    report(store, assignment_id(store, plan_id, "2", "zw-edu"), dt.date(2021, 4, 2))
    dump = folder / f"{uuid.uuid4().hex[:8]}.dump"
    backup(store, dump)
    return dump, contents(store)


def contents(store: Store) -> tuple[int, int, int]:
    """Tasks, reports and audit events, once the audit chain is checked."""
    with store.read() as session:
        assert verify(session).ok
        tasks, reports, events = (session.scalar(select(func.count()).select_from(model)) or 0
                                  for model in (Task, Report, AuditEvent))  # fmt: skip
        return tasks, reports, events


def trigram_indexes(store: Store, schema: str) -> int:
    with store.engine.connect() as conn:
        found = conn.scalar(
            text(
                "SELECT count(*) FROM pg_indexes WHERE schemaname = :s AND indexname LIKE '%trgm'"
            ),
            {"s": schema},
        )
    return int(found or 0)


def schema_of(store: Store) -> str:
    return str(store.settings.database_url).split("search_path%3D")[1]


def search_path(schema: str) -> str:
    return f"options=-csearch_path%3D{schema}"
