"""用户管理 and 单位名录: the admin's pages, and nobody else's."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Unit, UnitAlias, User
from tests.factories import sample_registry
from tests.web.conftest import csrf_of

NEW_PASSWORD = "another-horse-7"


def sign_in(app: FastAPI, username: str, password: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return client


def signed_in(client: TestClient) -> bool:
    return bool(client.get("/", follow_redirects=False).status_code == 200)


def counts(store: Store) -> tuple[int, ...]:
    with store.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (AuditEvent, User, UnitAlias, Unit)
        )


def test_admin_adds_a_reporter_bound_to_a_unit_who_can_then_sign_in(
    app: FastAPI, store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "添加用户" in page.text and "jyj" in page.text
    added = admin.post("/admin/users", data={
        "username": "jyj2", "display_name": "王老师", "role": "reporter", "unit": "zw-edu",
        "password": NEW_PASSWORD,
    })  # fmt: skip
    assert added.status_code == 200 and "已添加用户“jyj2”" in added.text
    with store.read() as session:
        user = session.scalars(select(User).where(User.username == "jyj2")).one()
        assert user.role == "reporter" and user.unit_id is not None
        assert session.get_one(Unit, user.unit_id).key == "zw-edu"
    client = sign_in(app, "jyj2", NEW_PASSWORD)
    home = client.get("/")
    assert home.status_code == 200 and "jyj2 · 填报员 · 中卫市教育局" in home.text


def test_a_reporter_without_a_unit_is_refused_in_chinese_and_nothing_is_written(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    before = counts(store)
    page = admin.post("/admin/users", data={"username": "nobody", "role": "reporter",
                                            "password": NEW_PASSWORD})  # fmt: skip
    assert page.status_code == 400 and "必须指定所属单位" in page.text
    assert 'value="nobody"' in page.text  # the form keeps what was typed
    assert counts(store) == before


def test_reset_disable_and_enable_a_user(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    reset = admin.post("/admin/users/rsj/password", data={"password": NEW_PASSWORD})
    assert reset.status_code == 200 and "已重置密码的用户“rsj”" in reset.text
    assert signed_in(sign_in(app, "rsj", NEW_PASSWORD))
    assert "已停用用户" in admin.post("/admin/users/rsj/disable").text
    assert not signed_in(sign_in(app, "rsj", NEW_PASSWORD))
    assert "已启用用户" in admin.post("/admin/users/rsj/enable").text
    assert signed_in(sign_in(app, "rsj", NEW_PASSWORD))
    last = admin.post("/admin/users/admin/disable")
    assert last.status_code == 409 and "最后一名启用的管理员" in last.text
    assert admin.post("/admin/users/nobody/enable").status_code == 404


def test_the_registry_is_listed_and_an_alias_added(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/units")
    assert page.status_code == 200
    assert "zw-edu" in page.text and "中卫市教育局" in page.text
    assert "各县（区）人民政府" in page.text  # collectives too
    added = admin.post("/admin/units/alias", data={"unit": "zw-edu", "alias": "市教体局"})
    assert added.status_code == 200 and "已添加别名“市教体局”" in added.text
    with store.read() as session:
        unit = session.scalars(select(Unit).where(Unit.key == "zw-edu")).one()
        assert "市教体局" in [a.alias for a in unit.aliases]
    again = admin.post("/admin/units/alias", data={"unit": "zw-hrss", "alias": "市教体局"})
    assert again.status_code == 409 and "已属于中卫市教育局" in again.text
    log = admin.get("/audit", params={"action": "units.alias"}).text
    assert "添加单位别名" in log and "市教体局" in log


def test_the_registry_downloads_and_loads_back_with_errors_in_chinese(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    download = admin.get("/admin/units/registry.yaml")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "key: zw-edu" in download.text
    files = {"file": ("units.yaml", download.content, "application/yaml")}
    loaded = admin.post("/admin/units/upload", files=files)
    assert loaded.status_code == 200 and "新增 0，更新 0，未变 44" in loaded.text
    before = counts(store)
    bad = sample_registry().replace("kind: department", "kind: ministry", 1)
    refused = admin.post("/admin/units/upload", files={"file": ("u.yaml", bad.encode())})
    assert refused.status_code == 400
    assert "单位名录文件有误" in refused.text
    assert "未知的单位类型 &#39;ministry&#39;" in refused.text
    empty = admin.post("/admin/units/upload", files={"file": ("u.yaml", b"")})
    assert empty.status_code == 400 and "不能为空" in empty.text
    assert counts(store) == before


ADMIN_ROUTES: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/admin/users", {}),
    ("POST", "/admin/users", {"data": {"username": "x1", "role": "admin",
                                       "password": NEW_PASSWORD}}),
    ("POST", "/admin/users/jyj/password", {"data": {"password": NEW_PASSWORD}}),
    ("POST", "/admin/users/jyj/disable", {}),
    ("POST", "/admin/users/jyj/enable", {}),
    ("POST", "/admin/users/jyj/sessions/end", {}),
    ("GET", "/admin/units", {}),
    ("GET", "/admin/units/registry.yaml", {}),
    ("POST", "/admin/units/alias", {"data": {"unit": "zw-edu", "alias": "偷加的别名"}}),
    ("POST", "/admin/units/upload", {"files": {"file": ("u.yaml", sample_registry().encode())}}),
]  # fmt: skip


def test_nobody_but_the_admin_may_use_any_admin_route(
    app: FastAPI, store: Store, client_for: Callable[[str], TestClient]
) -> None:
    before = counts(store)
    for name in ("dudao", "jyj", "leader"):
        client = client_for(name)
        for method, path, body in ADMIN_ROUTES:
            answer = client.request(method, path, **body)  # type: ignore[arg-type]
            assert answer.status_code == 403, (name, method, path)
            assert "zw-edu" not in answer.text and "添加用户" not in answer.text
    anonymous = TestClient(app)
    for method, path, body in ADMIN_ROUTES:
        answer = anonymous.request(method, path, follow_redirects=False, **body)  # type: ignore[arg-type]
        assert answer.status_code in (303, 403), (method, path)
    assert counts(store) == before
