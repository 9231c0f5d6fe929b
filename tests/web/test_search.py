"""检索 page: the search box, hits grouped into tasks and reports, scoped to the reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.models import Plan
from duban.services import reports
from tests.factories import ADMIN, assignment_id

Client = Callable[[str], TestClient]


def _plan(app: FastAPI) -> int:
    with app.state.store.read() as session:
        found = session.scalars(select(Plan.id).where(Plan.state == "published")).first()
        assert found is not None
        return found


def _report(app: FastAPI, unit: str, narrative: str, *, draft: bool = False) -> None:
    store = app.state.store
    assignment = assignment_id(store, _plan(app), "18", unit)
    with store.write() as session:
        reports.submit_report(session, assignment, claimed="in_progress", narrative=narrative,
                              at=None if draft else dt.date(2021, 2, 1), draft=draft,
                              actor=ADMIN)  # fmt: skip


def _hits(client: TestClient, q: str) -> str:
    """The page below the search box (which repeats the query)."""
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200
    return page.text.split('id="sr-tasks"')[1]


def test_search_page_finds_a_task_by_its_text(app: FastAPI, client_for: Client) -> None:
    page = client_for("zwxx").get("/search", params={"q": "双师型"})
    assert page.status_code == 200
    assert f'href="/tasks/{_plan(app)}/18"' in page.text
    assert "<mark>双师型</mark>" in page.text
    assert 'aria-current="page">检索' in page.text


def test_search_page_requires_sign_in(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        page = anonymous.get("/search", params={"q": "双师型"}, follow_redirects=False)
    assert page.status_code in (303, 401)
    assert "双师型" not in page.text


def test_report_hits_are_scoped_to_the_reader(app: FastAPI, client_for: Client) -> None:
    _report(app, "zw-edu", "教育局认定教师120人")
    _report(app, "zw-edu", "草稿里的秘密进展", draft=True)
    assert "<mark>认定教师</mark>120人" in _hits(client_for("jyj"), "认定教师")
    assert "认定教师" not in _hits(client_for("rsj"), "认定教师")
    assert "<mark>认定教师</mark>120人" in _hits(client_for("dudao"), "认定教师")
    assert "秘密进展" not in _hits(client_for("dudao"), "秘密")


def test_snippets_escape_the_text_around_the_mark(app: FastAPI, client_for: Client) -> None:
    _report(app, "zw-edu", '<script>alert("x")</script>实训基地<b>已建</b>')
    page = client_for("dudao").get("/search", params={"q": "实训基地"})
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    assert "<mark>实训基地</mark>&lt;b&gt;" in page.text


def test_short_empty_and_long_queries(client_for: Client) -> None:
    client = client_for("leader")
    assert "落实质量评价和<mark>督导</mark>评估制度" in client.get("/search?q=督导").text
    assert "请输入检索词" in client.get("/search").text
    long = client.get("/search", params={"q": "长" * 101})
    assert long.status_code == 200 and "检索词过长" in long.text


def test_nul_in_the_query_is_a_bad_request(client_for: Client) -> None:
    assert client_for("admin").get("/search", params={"q": "双师\x00型"}).status_code == 400
