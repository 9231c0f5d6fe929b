"""The 驾驶舱 as people use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient

from duban.db import Store
from tests.factories import assignment_id, report


def test_dashboard_counts_and_lists_as_of_a_date(client_for: Callable[[str], TestClient]) -> None:
    page = client_for("leader").get("/", params={"as_of": "2021-08-05"})
    assert page.status_code == 200
    assert "截至 2021年8月5日" in page.text
    assert "17. 完善企业职工在岗教育培训体系" in page.text  # overdue since 30 June
    assert "已逾期" in page.text and "<svg" in page.text


def test_dashboard_changes_when_a_report_is_accepted(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    client = client_for("dudao")
    before = client.get("/", params={"as_of": "2021-08-05"}).text
    for unit in ("zw-hrss", "spt-gov", "zn-gov", "hy-gov"):
        a = assignment_id(store, 1, "17", unit)
        report(store, a, dt.date(2021, 6, 20), "done", accept_on=dt.date(2021, 6, 25))
    after = client.get("/", params={"as_of": "2021-08-05"}).text
    assert "17. 完善企业职工在岗教育培训体系" in before
    assert "17. 完善企业职工在岗教育培训体系" not in after


def test_an_unknown_plan_is_a_404_page_not_a_traceback(
    client_for: Callable[[str], TestClient],
) -> None:
    page = client_for("dudao").get("/", params={"plan": 999})
    assert page.status_code == 404
    assert "没有这个已发布的方案" in page.text and "Traceback" not in page.text


def test_a_bad_date_is_a_clear_422(client_for: Callable[[str], TestClient]) -> None:
    page = client_for("dudao").get("/", params={"as_of": "2021-13-45"})
    assert page.status_code == 422
    assert "as_of" in page.text
