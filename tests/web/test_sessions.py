"""Server-side sessions: sign-out, a password change, a disabled account and an admin end a
session for good (a copied cookie stops working); idle timeout and absolute lifetime; the cookie
holds only a random token and the table only its hash; sign-in hashes outside the write lock.

Time is moved by editing the session rows' timestamps in the database."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from duban.config import Settings, SettingsError, load_settings
from duban.db import Store
from duban.models import AuditEvent, User, UserSession
from duban.models.base import utcnow
from duban.services import users
from duban.web.app import create_app
from tests.factories import ADMIN
from tests.web.conftest import PASSWORD, csrf_of

Client = Callable[[str], TestClient]
COOKIE = "duban_session"


def copy_of(app: FastAPI, client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    return TestClient(app, cookies={COOKIE: client.cookies[COOKIE]})


def signed_in(client: TestClient) -> bool:
    return bool(client.get("/", follow_redirects=False).status_code == 200)


def cookie_payload(client: TestClient) -> dict[str, Any]:
    """What the signed cookie says (it is signed, not encrypted: anyone holding it can read it)."""
    data = client.cookies[COOKIE].split(".")[0]
    payload: dict[str, Any] = json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))
    return payload


def session_rows(store: Store, username: str) -> list[UserSession]:
    with store.read() as session:
        query = select(UserSession).join(User).where(User.username == username)
        return list(session.scalars(query.order_by(UserSession.id)))


def shift(store: Store, username: str, **ago: dt.timedelta) -> None:
    """Move a user's session timestamps (``created_at``, ``last_seen_at``) into the past."""
    now = utcnow()
    user_id = select(User.id).where(User.username == username).scalar_subquery()
    values = {column: now - delta for column, delta in ago.items()}
    with store.write() as session:
        session.execute(update(UserSession).where(UserSession.user_id == user_id).values(values))


def form(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["x-csrf-token"]}


# --- ending a session ---------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_sign_out(
    app: FastAPI, store: Store, client_for: Client
) -> None:
    client = client_for("dudao")
    copy = copy_of(app, client)
    assert signed_in(copy)
    client.post("/logout", data=form(client))
    assert not signed_in(client) and not signed_in(copy)
    assert [r.ended_reason for r in session_rows(store, "dudao")] == ["signout"]


def test_signing_in_again_ends_the_session_the_browser_had(
    app: FastAPI, store: Store, client_for: Client
) -> None:
    client = client_for("dudao")
    before = copy_of(app, client)
    page = client.post("/login", data={"username": "leader", "password": PASSWORD,
                                       **form(client)})  # fmt: skip
    assert page.status_code == 200 and signed_in(client) and not signed_in(before)
    assert [r.ended_reason for r in session_rows(store, "dudao")] == ["signout"]


def test_a_password_change_ends_the_other_sessions_but_not_the_current_one(
    app: FastAPI, store: Store, client_for: Client
) -> None:
    here, elsewhere = client_for("admin"), client_for("admin")
    clerk = client_for("jyj")
    reset = here.post("/admin/users/admin/password", data={"password": "new-pass-123",
                                                          **form(here)})  # fmt: skip
    assert reset.status_code == 200 and "已重置密码的用户" in reset.text
    assert signed_in(here) and not signed_in(elsewhere) and signed_in(clerk)
    assert [r.ended_reason for r in session_rows(store, "admin")] == [None, "password"]
    here.post("/admin/users/jyj/password", data={"password": "new-pass-456", **form(here)})
    assert not signed_in(clerk)  # an admin's reset of another user ends all of theirs
    with store.read() as session:
        query = select(AuditEvent).where(AuditEvent.label == "jyj")
        event = session.scalars(query.where(AuditEvent.action == "user.password")).one()
    assert event.after == {"sessions_ended": 1}


def test_changing_an_expired_password_ends_the_sessions_opened_before(
    store: Store, app: FastAPI, client_for: Client
) -> None:
    earlier = client_for("rsj")  # signed in while rotation was off
    with store.write() as session:
        session.execute(update(User).where(User.username == "rsj").values(
            password_changed_at=utcnow() - dt.timedelta(days=120)))  # fmt: skip
    settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                        secret_key="k" * 40, password_max_age_days=90)  # fmt: skip
    now = TestClient(create_app(settings, store))
    token = csrf_of(now.get("/login").text)
    now.post("/login", data={"username": "rsj", "password": PASSWORD, "csrf_token": token})
    assert signed_in(earlier)  # the right but expired password started no session
    page = now.get("/password")
    done = now.post("/password", data={"old_password": PASSWORD, "new_password": "brand-new-1",
                                       "confirm": "brand-new-1", "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and signed_in(now) and not signed_in(earlier)
    assert [r.ended_reason for r in session_rows(store, "rsj")] == ["password", None]


def test_disabling_a_user_ends_their_sessions_for_good(store: Store, client_for: Client) -> None:
    admin, clerk = client_for("admin"), client_for("jyj")
    admin.post("/admin/users/jyj/disable", data=form(admin))
    assert not signed_in(clerk)
    admin.post("/admin/users/jyj/enable", data=form(admin))
    assert not signed_in(clerk)  # enabled again, the old session stays ended
    assert [r.ended_reason for r in session_rows(store, "jyj")] == ["disabled"]


def test_the_admin_sees_a_users_sessions_and_ends_them(store: Store, client_for: Client) -> None:
    admin = client_for("admin")
    phone, laptop = client_for("zwxx"), client_for("zwxx")
    page = admin.get("/admin/users", params={"q": "zwxx"}).text
    assert "进行中 2" in page and "testclient" in page
    token = cookie_payload(phone)["token"]
    assert token not in page and hashlib.sha256(token.encode()).hexdigest() not in page
    ended = admin.post("/admin/users/zwxx/sessions/end", data=form(admin))
    assert ended.status_code == 200 and "已结束会话的用户“zwxx”" in ended.text
    assert not signed_in(phone) and not signed_in(laptop) and signed_in(admin)
    assert "进行中" not in admin.get("/admin/users", params={"q": "zwxx"}).text
    with store.read() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "user.sessions_end")).one()  # fmt: skip
    assert (event.actor, event.label, event.after) == ("admin:admin", "zwxx",
                                                       {"sessions_ended": 2})  # fmt: skip
    again = admin.post("/admin/users/zwxx/sessions/end", data=form(admin))
    assert again.status_code == 200  # nothing left to end: no error, no audit event
    missing = admin.post("/admin/users/nobody/sessions/end", data=form(admin))
    assert missing.status_code == 404 and "没有用户“nobody”" in missing.text


# --- timeouts -----------------------------------------------------------------------------------


def test_an_idle_session_ends_after_the_idle_timeout(store: Store, client_for: Client) -> None:
    client = client_for("dudao")
    shift(store, "dudao", last_seen_at=dt.timedelta(minutes=119))
    assert signed_in(client)  # within the 120 minutes: used now, so written again
    seen = session_rows(store, "dudao")[0].last_seen_at
    assert utcnow() - seen < dt.timedelta(minutes=1)
    shift(store, "dudao", last_seen_at=dt.timedelta(minutes=121))
    assert not signed_in(client)
    assert [r.ended_reason for r in session_rows(store, "dudao")] == ["expired"]


def test_a_session_ends_at_its_lifetime_however_busy(store: Store, client_for: Client) -> None:
    client = client_for("dudao")
    shift(store, "dudao", created_at=dt.timedelta(hours=11, minutes=59))
    assert signed_in(client)
    shift(store, "dudao", created_at=dt.timedelta(hours=12, minutes=1),
          last_seen_at=dt.timedelta(seconds=1))  # fmt: skip
    assert not signed_in(client)
    assert [r.ended_reason for r in session_rows(store, "dudao")] == ["expired"]


def test_a_page_view_writes_the_last_use_only_every_few_minutes(
    store: Store, client_for: Client
) -> None:
    client = client_for("dudao")
    shift(store, "dudao", last_seen_at=dt.timedelta(minutes=4))
    before = session_rows(store, "dudao")[0].last_seen_at
    assert signed_in(client) and signed_in(client)
    assert session_rows(store, "dudao")[0].last_seen_at == before  # no write per page view
    shift(store, "dudao", last_seen_at=dt.timedelta(minutes=6))
    assert signed_in(client)
    assert utcnow() - session_rows(store, "dudao")[0].last_seen_at < dt.timedelta(minutes=1)


def test_the_timeouts_are_settings_with_defaults() -> None:
    assert (Settings().session_idle_minutes, Settings().session_max_hours) == (120, 12)
    env = {"DUBAN_SESSION_IDLE_MINUTES": "30", "DUBAN_SESSION_MAX_HOURS": "8"}
    assert load_settings(env).session_idle_minutes == 30
    assert load_settings(env).session_max_hours == 8
    for name in env:
        with pytest.raises(SettingsError, match=name):
            load_settings({name: "0"})


def test_a_shorter_idle_timeout_from_the_settings_applies(store: Store, app: FastAPI) -> None:
    settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                        secret_key="k" * 40, session_idle_minutes=10)  # fmt: skip
    client = TestClient(create_app(settings, store))
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    shift(store, "leader", last_seen_at=dt.timedelta(minutes=9))
    assert signed_in(client)
    shift(store, "leader", last_seen_at=dt.timedelta(minutes=11))
    assert not signed_in(client)


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
        failed = users.sign_in_session(store, "rsj", "wrong-pass", address="a", user_agent="")
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
