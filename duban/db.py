"""Engine and sessions: SQLite pragmas (WAL, foreign keys, busy timeout), write transactions.

Writes go through ``Store.write()``: one transaction, ``BEGIN IMMEDIATE`` on SQLite so two writers
never deadlock half-way, committed on success and rolled back on any error. SQLite writers queue
fairly: in arrival order within a process, by polling every millisecond or two across processes.
Reads use ``Store.read()``. Nothing is built at import time.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from duban.config import Settings

_WRITE = "duban_write"
READ_ONLY = "duban_read_only"
"""``Session.info`` key marking a ``Store.read()`` session (read models may remember results)."""
_deadline: ContextVar[float | None] = ContextVar("duban_write_deadline", default=None)
"""When the current thread's SQLite writer gives up waiting (``time.monotonic()``)."""


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database; SQLite gets its pragmas on every connection."""
    pool = {"pool_size": settings.db_pool_size, "max_overflow": settings.db_pool_size}
    if not settings.is_sqlite:
        return create_engine(settings.url, pool_pre_ping=True, **pool)
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        settings.url, connect_args={"timeout": settings.busy_timeout_ms / 1000}, **pool
    )
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
    def on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_WRITE, False):
            deadline = _deadline.get() or time.monotonic() + settings.busy_timeout_ms / 1000
            _begin_immediate(conn, deadline, settings.busy_timeout_ms)
        else:
            conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn: Connection, deadline: float, timeout_ms: int) -> None:
    """``BEGIN IMMEDIATE``, trying again every millisecond or two until ``deadline``.

    SQLite's own busy handler sleeps up to 100 ms between tries and keeps no queue: while other
    writers commit back to back, one that sleeps can miss every moment the lock is free until its
    timeout ends ("database is locked", about once in 650 writes with 4 busy writers and 5 s).
    """
    raw = cast(sqlite3.Connection, conn.connection.driver_connection)
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from None
            time.sleep(random.uniform(0.0005, 0.002))
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


class _Turns:
    """The SQLite writers of one process, served in arrival order: a finished writer hands its
    turn straight to the longest waiting one, so threads never compete through SQLite's polling."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._busy = False
        self._waiting: deque[threading.Event] = deque()

    def take(self, timeout: float) -> bool:
        with self._mutex:
            if not self._busy:
                self._busy = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(turn)
            return False

    def hand_on(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._busy = False


class Store:
    """The database of one deployment: sessions for reading and for writing."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(
            self.engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )
        self._turns = _Turns() if self.engine.dialect.name == "sqlite" else None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commit when the block ends, roll back if it raises. On SQLite
        the writer first waits for its turn among the process's writers, then for the database's
        lock; both within ``busy_timeout_ms`` together."""
        if self._turns is None:
            with self._transaction() as session:
                yield session
            return
        deadline = time.monotonic() + self.settings.busy_timeout_ms / 1000
        if not self._turns.take(self.settings.busy_timeout_ms / 1000):
            raise _locked()
        token = _deadline.set(deadline)
        try:
            with self._transaction() as session:
                yield session
        finally:
            _deadline.reset(token)
            self._turns.hand_on()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
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
            session.info[READ_ONLY] = True
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
