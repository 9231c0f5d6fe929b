"""The public read-only page: off by default; when on, statuses without reports or names."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.config import Settings
from duban.db import Store
from duban.services import reports
from duban.web.app import create_app
from tests.factories import SUPERVISOR, assignment_id

NARRATIVE = "本季度完成双师型教师认定工作（内部材料）"


def test_the_public_page_is_off_by_default(app: FastAPI) -> None:
    page = TestClient(app).get("/public")
    assert page.status_code == 404
    assert "未找到" in page.text and "优化专业布局" not in page.text


def test_when_on_it_shows_task_statuses_but_no_report_text_or_names(
    app: FastAPI, store: Store
) -> None:
    a = assignment_id(store, 1, "17", "zw-hrss")
    with store.write() as session:
        made = reports.submit_report(session, a, claimed="in_progress", narrative=NARRATIVE,
                                     at=dt.date(2021, 5, 6), actor="reporter:rsj")  # fmt: skip
        reports.accept_report(session, made.id, at=dt.date(2021, 5, 8), actor=SUPERVISOR)
    settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                        secret_key="k" * 40, public_page=True)  # fmt: skip
    client = TestClient(create_app(settings, store))
    page = client.get("/public")
    assert page.status_code == 200  # no sign-in
    assert "完善企业职工在岗教育培训体系" in page.text and "人力资源和社会保障局" in page.text
    assert 'class="badge s-' in page.text and "已逾期" in page.text
    for secret in (NARRATIVE, "rsj", "reporter:", SUPERVISOR, "联席办", "通过审核"):
        assert secret not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert client.get("/public", params={"plan": 999}).status_code == 404
