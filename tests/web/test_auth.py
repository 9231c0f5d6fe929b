"""Sign-in, sign-out, throttling, CSRF and security headers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.config import Settings
from duban.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_of


def test_pages_need_sign_in(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_wrong_password_is_refused_in_chinese(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "jyj", "password": "nope-nope",
                                           "csrf_token": token})  # fmt: skip
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.text


def test_five_failures_lock_the_account_for_a_while(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        client.post(
            "/login", data={"username": "rsj", "password": "bad-bad-bad", "csrf_token": token}
        )
    response = client.post(
        "/login", data={"username": "rsj", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400
    assert "15分钟后再试" in response.text


def test_a_form_without_the_csrf_token_is_refused(app: FastAPI) -> None:
    client = TestClient(app)
    client.get("/login")
    response = client.post("/login", data={"username": "jyj", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_sign_in_then_out(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("dudao")
    page = client.get("/")
    assert page.status_code == 200 and "驾驶舱" in page.text
    client.post("/logout", data={"csrf_token": client.headers["x-csrf-token"]})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_security_headers_and_cookie_flags(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_only_html_templates_with_autoescape(app: FastAPI) -> None:
    from pathlib import Path

    import duban.web

    templates = Path(duban.web.__file__).parent / "templates"
    assert all(p.suffix == ".html" for p in templates.iterdir() if p.is_file())
    assert app.state.templates.env.autoescape is True


def test_the_interface_speaks_english_on_request(app: FastAPI) -> None:
    client = TestClient(app)
    assert "登录" in client.get("/login").text
    client.get("/language", params={"lang": "en", "next": "/login"})
    page = client.get("/login").text
    assert 'lang="en"' in page


def test_an_unreachable_database_gives_a_503_page_not_a_traceback(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, secret_key="k" * 40,
                        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")  # fmt: skip
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "jyj", "password": PASSWORD,
                                           "csrf_token": token})  # fmt: skip
    assert response.status_code == 503
    assert "数据库暂时无法访问" in response.text and "Traceback" not in response.text
