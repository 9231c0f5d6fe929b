"""The ledger download as people use it: the city-wide file and a unit's own."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from duban.db import Store
from duban.services import reports
from duban.web.downloads import XLSX_MEDIA_TYPE, content_disposition
from tests.factories import REPORTER, assignment_id

Client = Callable[[str], TestClient]
DAY = {"as_of": "2023-06-10"}


def say(store: Store, task: str, unit: str, text: str) -> None:
    with store.write() as session:
        reports.submit_report(session, assignment_id(store, 1, task, unit), claimed="in_progress",
                              narrative=text, at=dt.date(2023, 4, 3), actor=REPORTER)  # fmt: skip


def workbook(response: Response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def texts(book: openpyxl.Workbook) -> str:
    return "\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)


@pytest.mark.parametrize("member", ["admin", "dudao", "leader"])
def test_exporters_download_the_whole_ledger_as_a_named_xlsx(
    client_for: Client, member: str
) -> None:
    response = client_for(member).get("/export/ledger.xlsx", params={"plan": 1, **DAY})
    book = workbook(response)
    name = quote("重点任务推进台账_2023-06-10.xlsx")
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"ledger_2023-06-10.xlsx\"; filename*=UTF-8''{name}"
    )
    assert book.sheetnames == ["台账", "汇总"]
    assert book["台账"].cell(2, 1).value == "截至 2023年6月10日"


def test_per_unit_adds_a_sheet_per_unit_and_unit_narrows_the_ledger(client_for: Client) -> None:
    dudao = client_for("dudao")
    every = workbook(dudao.get("/export/ledger.xlsx", params={**DAY, "per_unit": 1}))
    assert "市教育局" in every.sheetnames and len(every.sheetnames) > 20
    one = dudao.get("/export/ledger.xlsx", params={**DAY, "unit": "zw-hrss"})
    assert workbook(one).sheetnames == ["台账", "汇总", "市人力资源社会保障局"]
    assert "%E5%B8%82%E4%BA%BA" in one.headers["content-disposition"]  # 市人… in the name
    assert dudao.get("/export/ledger.xlsx", params={"unit": "nowhere"}).status_code == 404


def test_reporters_may_not_export_the_city_ledger(client_for: Client) -> None:
    for member in ("jyj", "rsj", "zwxx"):
        assert client_for(member).get("/export/ledger.xlsx").status_code == 403


def test_a_reporter_exports_only_their_own_units_part(store: Store, client_for: Client) -> None:
    say(store, "3", "zw-edu", "教育局：已签约4个“3+4”专业。")
    say(store, "3", "zw-hrss", "人社局：技工院校对接中。")
    book = workbook(client_for("rsj").get("/my/ledger.xlsx", params=DAY))
    assert book.sheetnames == ["台账", "汇总", "市人力资源社会保障局"]
    everything = texts(book)
    assert "人社局：技工院校对接中。" in everything
    assert "教育局：已签约" not in everything  # another unit's narrative stays out
    main = book["台账"]
    assert main.cell(1, 1).value.endswith("重点任务推进台账（市人力资源社会保障局）")


def test_the_own_unit_export_ignores_a_unit_parameter(store: Store, client_for: Client) -> None:
    say(store, "3", "zw-edu", "教育局：已签约4个“3+4”专业。")
    response = client_for("rsj").get("/my/ledger.xlsx", params={**DAY, "unit": "zw-edu"})
    assert "教育局：已签约" not in texts(workbook(response))


def test_the_city_export_is_not_for_a_unit_nor_the_own_unit_export_for_exporters(
    client_for: Client,
) -> None:
    assert client_for("dudao").get("/my/ledger.xlsx").status_code == 403
    assert client_for("admin").get("/export/ledger.xlsx", params={"plan": 99}).status_code == 404


def test_the_dashboard_offers_the_download_to_whoever_may_have_it(client_for: Client) -> None:
    leader = client_for("leader").get("/", params=DAY).text
    assert 'href="/export/ledger.xlsx?plan=1&amp;as_of=2023-06-10"' in leader
    assert "导出台账（Excel）" in leader
    reporter = client_for("jyj").get("/", params=DAY).text
    assert "/export/ledger.xlsx" not in reporter
    assert 'href="/my/ledger.xlsx?plan=1&amp;as_of=2023-06-10"' in reporter


def test_content_disposition_keeps_chinese_names_and_a_safe_ascii_fallback() -> None:
    assert content_disposition("ledger.xlsx") == (
        "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''ledger.xlsx"
    )
    header = content_disposition('台账 "6月".xlsx')
    assert header.startswith('attachment; filename="6.xlsx"; ')
    assert header.endswith("filename*=UTF-8''%E5%8F%B0%E8%B4%A6%20%226%E6%9C%88%22.xlsx")
    assert content_disposition("台账").startswith('attachment; filename="download";')
