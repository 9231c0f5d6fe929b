"""Engine and sessions: SQLite pragmas (WAL, foreign keys, busy timeout), write transactions.

Writes go through ``Store.write()``: one transaction, ``BEGIN IMMEDIATE`` on SQLite so two writers
never deadlock half-way, committed on success and rolled back on any error. Reads use
``Store.read()``. Nothing is built at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from duban.config import Settings

_WRITE = "duban_write"


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database; SQLite gets its pragmas on every connection."""
    if not settings.is_sqlite:
        return create_engine(settings.url, pool_pre_ping=True)
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.url, connect_args={"timeout": settings.busy_timeout_ms / 1000})
    _sqlite_pragmas(engine, settings)
    return engine


def _sqlite_pragmas(engine: Engine, settings: Settings) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.busy_timeout_ms)}")
        cursor.execute(f"PRAGMA synchronous={settings.sqlite_synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """The database of one deployment: sessions for reading and for writing."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(
            self.engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commit when the block ends, roll back if it raises."""
        with self._writes() as session, session.begin():
            if self.engine.dialect.name == "postgresql":
                # one writer at a time extends the audit chain (see duban.audit); the key is the
                # schema's, so deployments sharing a database in several schemas do not queue
                session.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext('duban:' || current_schema()))")
                )
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
