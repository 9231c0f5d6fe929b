"""Web tests: the real app on a real store (SQLite and PostgreSQL), signed-in clients by role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.config import Settings
from duban.db import Store
from duban.services import users
from duban.web.app import create_app
from tests.factories import ADMIN, published_sample

PASSWORD = "correct-horse-9"
# The cast: who signs in, and why each exists.
CAST = {
    "admin": ("admin", None),  # 联席办: imports, publishes, manages users
    "dudao": ("supervisor", None),  # 督导室: reviews reports across all units
    "jyj": ("reporter", "zw-edu"),  # 市教育局 clerk: reports on the bureau's tasks
    "rsj": (
        "reporter",
        "zw-hrss",
    ),  # 市人社局 clerk: another department, must not see 教育局 drafts
    "zwxx": ("reporter", "zw-school"),  # 市职业技术学校 clerk: a school
    "znxx": ("reporter", "zn-school"),  # 中宁县职业技术学校 clerk: another school
    "leader": ("viewer", None),  # a city leader: reads
}


@pytest.fixture
def app(store: Store) -> FastAPI:
    return cast_app(store)


def cast_app(store: Store, **settings: Any) -> FastAPI:
    """The app on ``store`` with the sample plan published and the cast signed up; ``settings``
    change the defaults (a lower limit, say)."""
    published_sample(store)
    with store.write() as session:
        for name, (role, unit) in CAST.items():
            users.add_user(session, name, PASSWORD, role=role, unit_key=unit, actor=ADMIN)
    chosen = Settings(home=store.settings.home, database_url=store.settings.database_url,
                      secret_key="k" * 40, **settings)  # fmt: skip
    return create_app(chosen, store)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """A signed-in client for a member of the cast."""
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"username": name, "password": PASSWORD,
                                               "csrf_token": token, "next": "/"})  # fmt: skip
        assert response.status_code == 200, response.text
        client.headers["x-csrf-token"] = csrf_of(response.text)
        return client

    yield make
    for client in clients:
        client.close()
