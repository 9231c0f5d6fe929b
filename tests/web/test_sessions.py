"""Server-side sessions end for good: at sign-out, a password change, a disabled account or an
admin's word (a copied cookie stops working); and at the idle timeout or the absolute lifetime.
What the cookie and the table keep, sign-in under the write lock and the purge of old rows:
``test_sessions_kept.py``. Time is moved by editing the session rows' timestamps."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.config import Settings, SettingsError, load_settings
from duban.db import Store
from duban.models import AuditEvent
from duban.models.base import utcnow
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.sessions_support import (
    Client,
    age_password,
    app_with,
    cookie_payload,
    copy_of,
    form,
    session_rows,
    shift,
    signed_in,
)

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
    age_password(store, "rsj", 120)
    now = TestClient(app_with(store, password_max_age_days=90))
    token = csrf_of(now.get("/login").text)
    now.post("/login", data={"username": "rsj", "password": PASSWORD, "csrf_token": token})
    assert signed_in(earlier)  # the right but expired password started no session
    page = now.get("/password")
    done = now.post("/password", data={"old_password": PASSWORD, "new_password": "brand-new-1",
                                       "confirm": "brand-new-1", "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and signed_in(now) and not signed_in(earlier)
    reasons = [r.ended_reason for r in session_rows(store, "rsj")]
    assert reasons == ["password", "rotated", None]  # the session, the ticket, the new session


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
    client = TestClient(app_with(store, session_idle_minutes=10))
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    shift(store, "leader", last_seen_at=dt.timedelta(minutes=9))
    assert signed_in(client)
    shift(store, "leader", last_seen_at=dt.timedelta(minutes=11))
    assert not signed_in(client)
