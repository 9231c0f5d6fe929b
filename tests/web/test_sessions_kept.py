"""What sessions keep where: the cookie holds a random token (or, after a sign-in with an expired
password, a rotation ticket) and never a user name; the table only hashes; a ticket serves once and
for minutes; rows over for 30 days are deleted. Sign-in hashes outside the write lock.

Time is moved by editing the session rows' timestamps in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from typing import Literal

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, text
from typer.testing import CliRunner

from duban.cli.app import app as cli_app
from duban.db import Store
from duban.models import AuditEvent, UserSession
from duban.models.base import utcnow
from duban.queries.sessions import find_session
from duban.services import sessions, users
from tests.factories import ADMIN
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.sessions_support import (
    Client,
    age_password,
    app_with,
    cookie_payload,
    copy_of,
    session_rows,
    shift,
    signed_in,
)

LIFETIME = dt.timedelta(hours=12)  # DUBAN_SESSION_MAX_HOURS by default


# --- what is kept where -------------------------------------------------------------------------


def test_the_cookie_holds_a_random_token_and_no_user_id(store: Store, client_for: Client) -> None:
    client = client_for("jyj")
    payload = cookie_payload(client)
    assert set(payload) == {"csrf", "token"}
    assert "jyj" not in json.dumps(payload)
    token = payload["token"]
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    (row,) = session_rows(store, "jyj")
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_the_sessions_table_never_holds_the_raw_token(store: Store, client_for: Client) -> None:
    tokens = [cookie_payload(client_for(name))["token"] for name in ("jyj", "jyj", "dudao")]
    with store.read() as session:
        dump = json.dumps([list(row) for row in session.execute(text("SELECT * FROM sessions"))],
                          default=str)  # fmt: skip
    assert len(session_rows(store, "jyj")) == 2
    assert not [t for t in tokens if t in dump or t[:16] in dump]


def test_a_session_row_goes_with_its_user(store: Store, client_for: Client) -> None:
    client_for("leader")
    with store.write() as session:
        session.execute(text("DELETE FROM users WHERE username = 'leader'"))
    with store.read() as session:
        assert session.scalars(select(UserSession)).all() == []


def expired_sign_in(store: Store, name: str) -> TestClient:
    """A browser that gave ``name``'s right password after it expired (rotation on, 90 days),
    showing the form that asks for a new one."""
    age_password(store, name, 120)
    client = TestClient(app_with(store, password_max_age_days=90))
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": name, "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert answer.headers["location"] == "/password"
    assert name in client.get("/password").text  # the server says whose it is
    return client


def rotate(client: TestClient, csrf: str | None = None) -> Response:
    """Post the form asking for a new password, with the page's CSRF token or ``csrf``."""
    token = csrf or csrf_of(client.get("/password").text)
    form = {"old_password": PASSWORD, "new_password": "brand-new-1", "confirm": "brand-new-1",
            "csrf_token": token}  # fmt: skip
    answer: Response = client.post("/password", data=form, follow_redirects=False)
    return answer


def test_the_cookie_after_an_expired_password_names_no_user(store: Store, app: FastAPI) -> None:
    client = expired_sign_in(store, "rsj")
    payload = cookie_payload(client)
    assert set(payload) == {"csrf", "rotation"} and "rsj" not in json.dumps(payload)
    (row,) = session_rows(store, "rsj")  # the ticket: a row born ended, that signs nobody in
    assert row.ended_at is not None and row.ended_reason == "rotate"
    assert row.token_hash == hashlib.sha256(payload["rotation"].encode()).hexdigest()
    with store.read() as session:
        assert find_session(session, payload["rotation"]) is None


def test_a_rotation_ticket_serves_once(store: Store, app: FastAPI) -> None:
    client = expired_sign_in(store, "rsj")
    replay = copy_of(app, client)
    assert rotate(client).status_code == 303 and signed_in(client)
    again = rotate(replay, cookie_payload(replay)["csrf"])
    assert again.status_code == 303 and again.headers["location"] == "/login"
    assert replay.get("/password", follow_redirects=False).headers["location"] == "/login"
    with store.read() as session:
        changes = select(AuditEvent).where(AuditEvent.action == "user.password")
        assert len(session.scalars(changes).all()) == 1
    assert [r.ended_reason for r in session_rows(store, "rsj")] == ["rotated", None]


def test_a_rotation_ticket_lasts_ten_minutes(store: Store, app: FastAPI) -> None:
    client = expired_sign_in(store, "rsj")
    shift(store, "rsj", created_at=dt.timedelta(minutes=9))
    assert client.get("/password", follow_redirects=False).status_code == 200
    shift(store, "rsj", created_at=dt.timedelta(minutes=11))
    gone = client.get("/password", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/login"
    assert "rotation" not in cookie_payload(client)


# --- rows of sessions long over -----------------------------------------------------------------


def over_for(store: Store, name: str, days: float) -> None:
    """Date ``name``'s sessions back so that they have been over for ``days`` (after the
    lifetime they could last at most)."""
    shift(store, name, created_at=LIFETIME + dt.timedelta(days=days),
          last_seen_at=LIFETIME + dt.timedelta(days=days))  # fmt: skip


def test_rows_over_for_thirty_days_go_at_the_next_sign_in(
    store: Store, app: FastAPI, client_for: Client
) -> None:
    old = client_for("dudao")  # signed in long ago, one signed out, one left to expire
    old.post("/logout", data={"csrf_token": old.headers["x-csrf-token"]})
    client_for("dudao")
    client_for("jyj")
    over_for(store, "dudao", 30.1)
    over_for(store, "jyj", 29.9)
    assert len(session_rows(store, "dudao")) == 2
    client_for("leader")
    assert session_rows(store, "dudao") == []
    assert len(session_rows(store, "jyj")) == 1 and len(session_rows(store, "leader")) == 1


def test_the_purge_never_takes_a_session_in_force(store: Store, client_for: Client) -> None:
    client = client_for("dudao")
    with store.write() as session:
        gone = sessions.purge_sessions(session, now=utcnow(), lifetime=LIFETIME,
                                       keep=dt.timedelta(0))  # fmt: skip
    assert gone == 0 and signed_in(client)


def test_the_purge_command_takes_a_number_of_days(
    store: Store, client_for: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_for("dudao")
    client_for("jyj")
    over_for(store, "dudao", 3)
    over_for(store, "jyj", 1)
    monkeypatch.setenv("DUBAN_HOME", str(store.settings.home))
    monkeypatch.setenv("DUBAN_DATABASE_URL", store.settings.database_url or "")
    runner = CliRunner()
    done = runner.invoke(cli_app, ["user", "purge-sessions", "--days", "2"])
    assert done.exit_code == 0 and "已删除 1 条" in done.stdout, done.output
    assert session_rows(store, "dudao") == [] and len(session_rows(store, "jyj")) == 1
    bad = runner.invoke(cli_app, ["user", "purge-sessions", "--days", "0"])
    assert bad.exit_code == 2 and "应为正整数" in bad.stderr
    assert len(session_rows(store, "jyj")) == 1


# --- sign-in and the write lock -----------------------------------------------------------------


def write_lock_free(store: Store) -> bool:
    """Whether a writer could start now (SQLite: BEGIN IMMEDIATE without waiting; PostgreSQL:
    the advisory lock ``Store.write`` takes)."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn, conn.begin():
            probe = "SELECT pg_try_advisory_xact_lock(hashtext('duban:' || current_schema()))"
            return bool(conn.execute(text(probe)).scalar())
    raw = sqlite3.connect(store.settings.home / "duban.sqlite3", timeout=0, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        raw.close()


class WatchingHasher(PasswordHasher):
    """argon2id as configured, noting at each verify whether the write lock was free."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.lock_free: list[bool] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.lock_free.append(write_lock_free(self.store))
        return super().verify(hash, password)


def test_the_password_is_checked_while_others_may_write(
    store: Store, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = WatchingHasher(store)
    monkeypatch.setattr(users, "HASHER", hasher)
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "jyj", "password": PASSWORD, "csrf_token": token})
    assert signed_in(client)
    with store.write() as session:  # the probe does see a writer holding the lock
        users.sign_in(session, "jyj", PASSWORD, address="10.0.0.1")
    assert hasher.lock_free == [True, False]


def test_sign_ins_racing_past_the_throttle_are_stopped_at_the_write(
    store: Store, app: FastAPI
) -> None:
    for _ in range(users.ACCOUNT_LIMIT - 1):
        failed = users.sign_in_session(store, "rsj", "wrong-pass", address="a", user_agent="",
                                       lifetime=LIFETIME)  # fmt: skip
        assert failed.actor is None
    with store.read() as session:  # two attempts read the throttle before either writes
        first, second = (users.read_sign_in(session, "rsj", address=a) for a in ("b", "c"))
    wrong = users.verify_sign_in(first, "wrong-pass")
    right = users.verify_sign_in(second, PASSWORD)
    with store.write() as session:
        assert users.record_sign_in(session, wrong).message == "用户名或密码不正确"
    with store.write() as session:
        assert users.record_sign_in(session, right).message == users.TOO_MANY
        lockouts = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.lockout"))
        assert len(lockouts.all()) == 1


def test_a_password_changed_while_it_was_checked_signs_nobody_in(
    store: Store, app: FastAPI
) -> None:
    with store.read() as session:
        checked = users.read_sign_in(session, "dudao", address="10.0.0.2")
    checked = users.verify_sign_in(checked, PASSWORD)
    with store.write() as session:
        users.set_password(session, "dudao", "changed-pass-1", actor=ADMIN)
    with store.write() as session:
        assert users.record_sign_in(session, checked).actor is None
