"""修改密码: a signed-in user changes their own password from the page the header links to; the
current password is checked and throttled like a sign-in; the user's other sessions end."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, LoginAttempt
from duban.services import users
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.sessions_support import Client, app_with, signed_in

NEW = "brand-new-pass-1"


def change(
    client: TestClient, current: str, new: str = NEW, confirm: str | None = None
) -> Response:
    form = {"current_password": current, "new_password": new, "confirm": confirm or new,
            "csrf_token": client.headers["x-csrf-token"]}  # fmt: skip
    answer: Response = client.post("/account/password", data=form, follow_redirects=False)
    return answer


def signs_in(store: Store, name: str, password: str) -> bool:
    client = TestClient(app_with(store))
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": name, "password": password,
                                         "csrf_token": token}, follow_redirects=False)  # fmt: skip
    return bool(answer.status_code == 303)


def password_events(store: Store) -> list[tuple[str, str, object]]:
    with store.read() as session:
        query = select(AuditEvent).where(AuditEvent.action == "user.password")
        return [(e.actor, e.label, e.after) for e in session.scalars(query)]


def test_the_header_links_to_the_page(client_for: Client) -> None:
    client = client_for("zwxx")
    assert 'href="/account/password"' in client.get("/").text
    page = client.get("/account/password")
    assert page.status_code == 200 and "修改密码" in page.text and "当前密码" in page.text


def test_a_user_changes_their_password_and_their_other_sessions_end(
    store: Store, client_for: Client
) -> None:
    here, elsewhere, other = client_for("jyj"), client_for("jyj"), client_for("dudao")
    done = change(here, PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/account/password?done=1"
    assert "密码已修改" in here.get(done.headers["location"]).text
    assert signed_in(here) and not signed_in(elsewhere) and signed_in(other)
    assert password_events(store) == [("jyj", "jyj", {"sessions_ended": 1})]
    assert signs_in(store, "jyj", NEW) and not signs_in(store, "jyj", PASSWORD)


def test_a_wrong_current_password_counts_against_the_sign_in_throttle(
    store: Store, client_for: Client
) -> None:
    client = client_for("rsj")
    for _ in range(users.ACCOUNT_LIMIT):
        wrong = change(client, "not-my-password")
        assert wrong.status_code == 400 and "原密码不正确" in wrong.text
    locked = change(client, PASSWORD)  # the right one, too late
    assert locked.status_code == 400 and "登录失败次数过多" in locked.text
    assert not signs_in(store, "rsj", PASSWORD) and password_events(store) == []
    with store.read() as session:
        failed = select(func.count()).where(LoginAttempt.username == "rsj", ~LoginAttempt.ok)
        assert session.scalar(failed) == users.ACCOUNT_LIMIT
        lockout = select(AuditEvent.label).where(AuditEvent.action == "user.lockout")
        assert session.scalars(lockout).all() == ["rsj"]


def test_a_bad_new_password_is_refused_in_chinese_and_changes_nothing(
    store: Store, client_for: Client
) -> None:
    client = client_for("zwxx")
    for new, confirm, reason in (
        (NEW, "something-else-1", "两次输入的新密码不一致"),
        ("short", None, "密码至少8个字符"),
        (PASSWORD, None, "新密码不能与原密码相同"),
    ):
        refused = change(client, PASSWORD, new, confirm)
        assert refused.status_code == 400 and reason in refused.text
    assert signed_in(client) and password_events(store) == []
    assert signs_in(store, "zwxx", PASSWORD)


def test_the_page_needs_a_sign_in_and_the_form_its_csrf_token(
    store: Store, client_for: Client
) -> None:
    anonymous = TestClient(app_with(store))
    assert anonymous.get("/account/password", follow_redirects=False).status_code == 303
    client = client_for("leader")
    form = {"current_password": PASSWORD, "new_password": NEW, "confirm": NEW}
    forged = client.post("/account/password", data=form, headers={"x-csrf-token": ""})
    assert forged.status_code == 403 and password_events(store) == []
