"""The busiest read-only pages (dashboard, task list, task page) in one read transaction each,
with the same answers to who may see them as every other page (``duban.web.deps.reading``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from duban.db import Store
from duban.models import User
from duban.services import sessions

Client = Callable[[str], TestClient]
PAGES = ["/", "/tasks", "/tasks?status=overdue&as_of=2021-08-05", "/tasks/1/17"]


@contextmanager
def transactions(store: Store) -> Iterator[list[str]]:
    """The transactions begun on ``store``'s engine meanwhile: ``read`` or ``write``."""
    begun: list[str] = []

    def on_begin(conn: Connection) -> None:
        begun.append("write" if conn.get_execution_options().get("duban_write") else "read")

    event.listen(store.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(store.engine, "begin", on_begin)


@pytest.mark.parametrize("path", PAGES)
def test_a_busy_page_reads_in_one_transaction(path: str, client_for: Client, app: FastAPI) -> None:
    client = client_for("jyj")  # a unit's clerk: the header names the unit, from the same read
    client.get(path)  # the first request after sign-in may note the session's use
    with transactions(app.state.store) as begun:
        page = client.get(path)
    assert page.status_code == 200, page.text
    assert "市教育局" in page.text
    assert begun == ["read"]


@pytest.mark.parametrize("path", PAGES)
def test_a_busy_page_sends_a_stranger_to_the_login_page(path: str, app: FastAPI) -> None:
    with TestClient(app) as client:
        page = client.get(path, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", PAGES)
def test_a_busy_page_refuses_a_session_ended_elsewhere(
    path: str, client_for: Client, app: FastAPI
) -> None:
    client = client_for("leader")
    assert client.get(path).status_code == 200
    store: Store = app.state.store
    with store.write() as session:
        leader = session.scalars(select(User).where(User.username == "leader")).one()
        assert sessions.end_sessions_of(session, leader, actor="admin") == 1
    page = client.get(path, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_bad_filters_are_bad_input_after_the_sign_in_check(
    client_for: Client, app: FastAPI
) -> None:
    with TestClient(app) as stranger:
        page = stranger.get("/tasks?status=nonsense", follow_redirects=False)
    assert page.status_code == 303  # nothing said to a stranger about the filters
    page = client_for("leader").get("/tasks?status=nonsense")
    assert page.status_code == 400 and "nonsense" in page.text
