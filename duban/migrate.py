"""Schema migrations (Alembic), run in code: ``duban init`` and the tests call ``upgrade``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
SEARCH_PREFIX, SEARCH_SUFFIX = "search_index", "_trgm"
"""Names of the search machinery (0004) the models do not describe: the FTS5 table and its shadow
tables on SQLite, the trigram indexes on PostgreSQL."""


class MigrationError(RuntimeError):
    """A migration that would leave the database inconsistent; rolled back. The message is
    Chinese."""


def include_object(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    """Schema comparison hook: leave out the search machinery found in the database."""
    name = name or ""
    ours = name.startswith(SEARCH_PREFIX) or name.endswith(SEARCH_SUFFIX)
    return not (reflected and other is None and ours)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema to ``revision``, in one transaction."""
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database's schema back to ``revision``, in one transaction (tests, rollbacks)."""
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    with _migration_connection(engine) as connection, connection.begin():
        config.attributes["connection"] = connection
        step(config, revision)
        _check_foreign_keys(connection)


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection to migrate on; on SQLite with foreign keys off until it is given back.

    SQLite's batch mode alters a table by copying it and dropping the original, and with foreign
    keys on, dropping a table deletes its children's rows through ON DELETE CASCADE (0011's
    downgrade once deleted every task so). The pragma is a no-op inside a transaction: it is set
    on the driver's connection before the migration's transaction begins, and restored after.
    """
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            yield connection
            return
        raw = cast(sqlite3.Connection, connection.connection.driver_connection)
        was = int(raw.execute("PRAGMA foreign_keys").fetchone()[0])
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield connection
        finally:
            raw.execute(f"PRAGMA foreign_keys={was}")


def _check_foreign_keys(connection: Connection) -> None:
    """With foreign keys off nothing stops a migration leaving a row whose parent is gone:
    ``PRAGMA foreign_key_check`` at the end, and any such row fails (rolls back) the migration."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = "、".join(sorted({str(row[0]) for row in broken}))
        raise MigrationError(
            f"数据库结构迁移未完成，已回滚：迁移后有 {len(broken)} 行数据引用了不存在的记录"
            f"（表 {tables}）"
        )


def revision(engine: Engine, message: str, rev_id: str) -> None:
    """Autogenerate a migration against a database at head (development use)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
