"""Sign-in abuse: argon2id as documented, throttling per account and per address, the lockout in
the audit trail, and password rotation as a setting (off by default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from duban.config import Settings, SettingsError, load_settings
from duban.db import Store
from duban.models import AuditEvent, LoginAttempt, User
from duban.models.base import utcnow
from duban.services import users
from duban.services.errors import Invalid
from duban.services.passwords import change_own_password
from duban.web.app import create_app
from tests.factories import ADMIN
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.sessions_support import age_password

RIGHT = "correct-horse-9"
Client = Callable[[str], TestClient]


@pytest.fixture
def accounts(store: Store) -> Store:
    with store.write() as session:
        for name in ("alice", "bob"):
            users.add_user(session, name, RIGHT, role="admin", actor=ADMIN)
    return store


def attempt(store: Store, name: str, password: str, address: str) -> users.SignIn:
    with store.write() as session:
        return users.sign_in(session, name, password, address=address)


def lockouts(store: Store, name: str) -> list[str]:
    with store.read() as session:
        query = select(AuditEvent.actor).where(AuditEvent.action == "user.lockout",
                                               AuditEvent.label == name)  # fmt: skip
        return list(session.scalars(query))


def test_passwords_are_argon2id_with_the_documented_parameters(accounts: Store) -> None:
    with accounts.read() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "alice")).one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # OWASP cheat sheet, first option
    assert RIGHT not in stored


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(accounts: Store) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(RIGHT)
    with accounts.write() as session:
        session.execute(update(User).where(User.username == "bob").values(password_hash=weak))
    assert attempt(accounts, "bob", RIGHT, "10.0.0.1").actor is not None
    with accounts.read() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "bob")).one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_five_failures_from_five_addresses_lock_the_account_and_are_audited_once(
    accounts: Store,
) -> None:
    for n in range(5):
        assert attempt(accounts, "alice", "wrong-pass", f"10.0.1.{n}").actor is None
    assert lockouts(accounts, "alice") == ["anonymous@10.0.1.4"]
    locked = attempt(accounts, "alice", RIGHT, "10.9.9.9")  # the right password, elsewhere
    assert locked.actor is None and locked.message == "登录失败次数过多，请15分钟后再试"
    attempt(accounts, "alice", "wrong-pass", "10.0.1.9")
    assert len(lockouts(accounts, "alice")) == 1  # the notice is written once per lockout
    assert attempt(accounts, "bob", RIGHT, "10.0.1.0").actor is not None  # others unaffected


class CountingHasher(PasswordHasher):
    """argon2id with the configured parameters, noting each hash it checks a password against."""

    def __init__(self) -> None:
        made = users.HASHER
        super().__init__(made.time_cost, made.memory_cost, made.parallelism)
        self.checked: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checked.append(str(hash))
        return super().verify(hash, password)


def test_an_unknown_or_disabled_name_costs_the_same_argon2id_check(
    accounts: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time a refusal takes does not tell whether the account exists."""
    hasher = CountingHasher()
    monkeypatch.setattr(users, "HASHER", hasher)
    with accounts.write() as session:
        users.disable_user(session, "bob", actor=ADMIN)
    for name, password in (("alice", "wrong-pass"), ("nobody", RIGHT), ("bob", RIGHT)):
        assert attempt(accounts, name, password, "10.0.4.1").actor is None
    alice, unknown, disabled = hasher.checked
    assert unknown == disabled == users.dummy_hash() != alice
    assert unknown.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # the same work as alice's


def test_twenty_failures_from_one_address_stop_that_address_only(accounts: Store) -> None:
    for n in range(users.ADDRESS_LIMIT):
        assert attempt(accounts, f"guess{n}", "wrong-pass", "203.0.113.7").actor is None
    refused = attempt(accounts, "bob", RIGHT, "203.0.113.7")
    assert refused.actor is None and "过多" in (refused.message or "")
    assert attempt(accounts, "bob", RIGHT, "203.0.113.8").actor is not None


def test_the_lock_lifts_when_the_window_has_passed(accounts: Store) -> None:
    for _ in range(users.ACCOUNT_LIMIT):
        attempt(accounts, "alice", "wrong-pass", "10.0.2.1")
    assert attempt(accounts, "alice", RIGHT, "10.0.2.1").actor is None
    with accounts.write() as session:
        session.execute(update(LoginAttempt).values(at=utcnow() - users.WINDOW - dt.timedelta(1)))
    assert attempt(accounts, "alice", RIGHT, "10.0.2.1").actor is not None


def test_throttling_and_the_lockout_notice_over_http(app: FastAPI, store: Store) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    for n in range(users.ADDRESS_LIMIT):
        client.post("/login", data={"username": f"nobody{n}", "password": "x" * 9,
                                    "csrf_token": token})  # fmt: skip
    answer = client.post("/login", data={"username": "jyj", "password": PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    assert answer.status_code == 400 and "登录失败次数过多" in answer.text
    with store.read() as session:
        failures = session.scalar(select(func.count()).select_from(LoginAttempt)) or 0
    assert failures == users.ADDRESS_LIMIT  # refused attempts are not even counted again


# --- password rotation -------------------------------------------------------------------------


def test_rotation_is_off_by_default_and_read_from_the_environment() -> None:
    assert Settings().password_max_age_days == 0
    assert load_settings({}).password_max_age_days == 0
    assert load_settings({"DUBAN_PASSWORD_MAX_AGE_DAYS": "90"}).password_max_age_days == 90
    with pytest.raises(SettingsError, match="DUBAN_PASSWORD_MAX_AGE_DAYS"):
        load_settings({"DUBAN_PASSWORD_MAX_AGE_DAYS": "-1"})


def test_an_old_password_signs_in_unless_rotation_is_on(accounts: Store) -> None:
    age_password(accounts, "alice", 400)
    assert attempt(accounts, "alice", RIGHT, "10.0.3.1").must_change is False
    with accounts.write() as session:
        due = users.sign_in(session, "alice", RIGHT, address="10.0.3.1", max_age_days=90)
        fresh = users.sign_in(session, "bob", RIGHT, address="10.0.3.1", max_age_days=90)
    assert due.must_change and due.message and "90天" in due.message
    assert not fresh.must_change


def test_changing_ones_own_password_checks_the_old_one_and_refuses_the_same(
    accounts: Store,
) -> None:
    def change(old: str, new: str) -> None:
        change_own_password(accounts, "alice", old, new, confirm=new, address="a", keep="")

    with pytest.raises(Invalid, match="原密码不正确"):
        change("wrong-pass", "new-pass-123")
    with pytest.raises(Invalid, match="不能与原密码相同"):
        change(RIGHT, RIGHT)
    with pytest.raises(Invalid, match="至少8个字符"):
        change(RIGHT, "short")
    with accounts.read() as session:  # the wrong old password counts, as at sign-in
        failed = select(func.count()).where(LoginAttempt.ok.is_(False))
        assert session.scalar(failed.where(LoginAttempt.username == "alice")) == 1


def test_an_expired_password_must_be_changed_before_the_user_gets_in(store: Store) -> None:
    with store.write() as session:
        users.add_user(session, "carol", PASSWORD, role="admin", actor=ADMIN)
    age_password(store, "carol", 120)
    settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                        secret_key="k" * 40, password_max_age_days=90)  # fmt: skip
    client = TestClient(create_app(settings, store))
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": "carol", "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/password"
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
    page = client.get("/password")
    assert "carol" in page.text and "设置新密码" in page.text
    form = {
        "old_password": PASSWORD,
        "new_password": "brand-new-pass",
        "csrf_token": csrf_of(page.text),
    }  # a new session since sign-in: a new token
    mismatch = client.post("/password", data=form | {"confirm": "other-pass-12"})
    assert mismatch.status_code == 400 and "不一致" in mismatch.text
    done = client.post("/password", data=form | {"confirm": "brand-new-pass"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.get("/", follow_redirects=False).status_code == 200  # signed in now
    with store.read() as session:
        audited = session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "user.password", AuditEvent.label == "carol")).all()  # fmt: skip
    assert audited == ["carol"]
    again = TestClient(create_app(settings, store))
    token = csrf_of(again.get("/login").text)
    signed = again.post("/login", data={"username": "carol", "password": "brand-new-pass",
                                        "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303 and signed.headers["location"] == "/"


# --- the session cookie ------------------------------------------------------------------------


def test_a_tampered_session_cookie_signs_nobody_in(client_for: Client) -> None:
    client = client_for("admin")
    cookie = client.cookies["duban_session"]
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    client.cookies.set("duban_session", forged)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_cookie_from_before_sign_in_gives_no_access(app: FastAPI) -> None:
    """Session fixation: sign-in starts a new session; the one handed out before stays anonymous."""
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    before = client.cookies["duban_session"]
    client.post("/login", data={"username": "jyj", "password": PASSWORD, "csrf_token": token})
    assert client.cookies["duban_session"] != before
    replay = TestClient(app, cookies={"duban_session": before})
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_user_names_are_unique(accounts: Store) -> None:
    from duban.services.errors import Conflict

    with accounts.write() as session, pytest.raises(Conflict, match="已存在"):
        users.add_user(session, "alice", RIGHT, role="viewer", actor=ADMIN)
