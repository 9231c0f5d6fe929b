"""质量年度报告 download: for those who export the ledger; a school's or the city's draft."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from urllib.parse import quote

import pytest
from docx import Document
from fastapi.testclient import TestClient

from duban.db import Store
from duban.exchange.quality_docx import NOTE
from tests.factories import assignment_id, report

Client = Callable[[str], TestClient]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize("who", ["admin", "dudao", "leader"])
def test_the_city_draft_for_those_who_export_the_ledger(
    client_for: Client, store: Store, who: str
) -> None:
    report(store, assignment_id(store, 1, "3", "zw-edu"), dt.date(2021, 5, 6),
           accept_on=dt.date(2021, 5, 8))  # fmt: skip
    response = client_for(who).get("/export/quality.docx?year=2021")
    assert response.status_code == 200 and response.headers["content-type"] == DOCX
    name = "中卫市职业教育质量年度报告（2021年度）（初稿）.docx"
    assert quote(name) in response.headers["content-disposition"]
    text = _text(response.content)
    assert NOTE in text and "中卫市教育局（牵头，2021年5月6日报送，2021年5月8日审核通过" in text


@pytest.mark.parametrize("who", ["jyj", "rsj", "zwxx"])
def test_units_clerks_are_refused(client_for: Client, who: str) -> None:
    assert client_for(who).get("/export/quality.docx?year=2021").status_code == 403


def test_a_schools_draft(client_for: Client) -> None:
    response = client_for("dudao").get("/export/quality.docx?year=2021&school=zw-school&plan=1")
    assert response.status_code == 200
    assert _text(response.content).startswith("中卫市职业技术学校质量年度报告（2021年度）")


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("year=2021&school=zw-edu", 404, "不是学校"),
        ("year=2021&school=nobody", 404, "单位名录中没有"),
        ("year=2099", 400, "2099年度尚未开始"),
        ("year=2020", 400, "2020年度没有台账数据"),
        ("year=2021&plan=5", 404, "没有这个已发布的方案"),
    ],
)
def test_bad_requests_get_a_chinese_reason(
    client_for: Client, query: str, status: int, message: str
) -> None:
    response = client_for("admin").get(f"/export/quality.docx?{query}")
    assert response.status_code == status and message in response.text


def test_the_dashboard_links_the_draft_for_exporters_only(client_for: Client) -> None:
    assert "/export/quality.docx?plan=1&amp;year=" in client_for("leader").get("/").text
    assert "/export/quality.docx" not in client_for("jyj").get("/").text
