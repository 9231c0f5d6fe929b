"""What the crash tests share: the environment of a process that is to be killed, the wait for
its PostgreSQL backends to end, and the soundness check of the store after a kill.

Used by tests/test_crash_safety.py (a writer process killed mid-transaction) and by
tests/crash_http.py (a web server killed while a client writes through it).
"""

from __future__ import annotations

import os
import time

from sqlalchemy import text

from duban import audit
from duban.db import Store


def child_env(store: Store, app: str, **extra: str) -> dict[str, str]:
    """The environment of a process on ``store``'s database; on PostgreSQL its connections carry
    ``application_name=app``, so that the backends it leaves behind can be found."""
    env = {**os.environ, "DUBAN_HOME": str(store.settings.home), **extra}
    env.pop("DUBAN_DATABASE_URL", None)
    if not store.settings.is_sqlite:
        url = store.settings.url
        env["DUBAN_DATABASE_URL"] = f"{url}{'&' if '?' in url else '?'}application_name={app}"
    return env


def end_backends(store: Store, app: str) -> None:
    """Wait until the killed process's PostgreSQL backends are gone; terminate any that linger.

    A killed client's backend ends when it finds its socket closed; until then it may hold the
    writers' advisory lock and its row locks, which would stall the next writer and the schema
    drop at teardown.
    """
    if store.settings.is_sqlite:
        return
    query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :app")
    deadline = time.monotonic() + 3
    with store.engine.connect() as conn:
        while conn.execute(query, {"app": app}).first() is not None:
            if time.monotonic() > deadline:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE application_name = :app"
                    ),
                    {"app": app},
                )
            time.sleep(0.01)
            conn.rollback()  # a fresh snapshot of pg_stat_activity


def assert_store_is_sound(store: Store) -> None:
    """SQLite's own integrity and foreign-key checks; the audit chain unbroken (both databases)."""
    with store.read() as session:
        if store.settings.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        chain = audit.verify(session)
    assert chain.ok, chain
