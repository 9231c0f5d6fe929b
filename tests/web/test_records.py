"""学校数据 through the pages: a school downloads, fills and uploads its own data; other schools
never see it; a unit that is no school is told so; the city sees the overview, read-only."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.db import Store
from duban.models import Record

Client = Callable[[str], TestClient]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client: TestClient, kind: str = "teacher", year: int = 2022) -> bytes:
    response = client.get(f"/my/data/{kind}.xlsx?year={year}")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    content: bytes = response.content
    return content


def filled(data: bytes, *rows: list[object], sheet: str = "教师") -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            book[sheet].cell(r, c).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(
    client: TestClient, data: bytes, kind: str = "teacher", year: int = 2022
) -> httpx.Response:
    response: httpx.Response = client.post(
        "/my/data", data={"kind": kind, "year": str(year)},
        files={"file": ("教师.xlsx", data, XLSX)}, follow_redirects=False,
    )  # fmt: skip
    return response


def records(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def test_a_school_clerk_downloads_fills_uploads_and_sees_the_counts(client_for: Client) -> None:
    zwxx = client_for("zwxx")
    assert 'href="/my/data"' in zwxx.get("/my").text
    page = zwxx.get("/my/data?year=2022")
    assert page.status_code == 200 and "/my/data/teacher.xlsx?year=2022" in page.text
    data = filled(template(zwxx), ["0012", "张三", "是", "否"], ["0013", "李四", "否", "是"])
    response = upload(zwxx, data)
    assert response.status_code == 303
    shown = zwxx.get(response.headers["location"]).text
    assert "已导入 2 条（替换原有 0 条）" in shown and "2 条 · reporter:zwxx" in shown
    again = zwxx.get(upload(zwxx, data).headers["location"]).text
    assert "与已导入的文件相同，未作改动" in again
    csv = zwxx.get("/my/data/teacher.csv?year=2022")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines()[1:] == ["0012,张三,是,否,,,,",
                                                                 "0013,李四,否,是,,,,"]  # fmt: skip


def test_problems_are_listed_by_row_and_column_and_nothing_is_saved(
    client_for: Client, store: Store
) -> None:
    zwxx = client_for("zwxx")
    data = filled(template(zwxx), ["0012", "张三", "也许", "否"], ["0012", "李四", "是", "否"])
    response = upload(zwxx, data)
    assert response.status_code == 400
    assert '<td>教师</td><td class="num">4</td><td>C（专业课教师）</td>' in response.text
    assert "与第4行的工号相同" in response.text
    wrong_kind = upload(zwxx, filled(template(zwxx), ["0012", "张三", "是", "否"]), kind="major")
    assert wrong_kind.status_code == 400
    assert "这是“教师”数据的模板，不是“专业”数据的" in wrong_kind.text
    assert records(store) == 0


def test_another_school_never_sees_the_rows(client_for: Client) -> None:
    zwxx, znxx = client_for("zwxx"), client_for("znxx")
    upload(zwxx, filled(template(zwxx), ["0012", "张三", "是", "否"]))
    csv = znxx.get("/my/data/teacher.csv?year=2022")
    assert csv.status_code == 200 and "张三" not in csv.content.decode("utf-8-sig")
    page = znxx.get("/my/data?year=2022").text
    assert "reporter:zwxx" not in page and "尚未上传" in page
    own = openpyxl.load_workbook(io.BytesIO(template(znxx)))["教师"]["A1"].value
    assert own.startswith("中宁县")


def test_a_unit_that_is_no_school_is_told_so(client_for: Client, store: Store) -> None:
    jyj = client_for("jyj")
    page = jyj.get("/my/data")
    assert page.status_code == 200 and "本单位不是学校，无需上传" in page.text
    assert 'href="/my/data"' not in jyj.get("/my").text
    assert jyj.get("/my/data/teacher.xlsx").status_code == 404
    assert jyj.get("/my/data/teacher.csv").status_code == 404
    zwxx = client_for("zwxx")
    refused = upload(jyj, filled(template(zwxx), ["0012", "张三", "是", "否"]))
    assert refused.status_code == 400 and records(store) == 0


def test_the_supervisor_sees_the_overview_and_cannot_upload(client_for: Client) -> None:
    zwxx = client_for("zwxx")
    upload(zwxx, filled(template(zwxx), ["0012", "张三", "是", "否"], ["T2", "李四", "否", "否"]))
    dudao = client_for("dudao")
    page = dudao.get("/data?year=2022")
    assert page.status_code == 200
    assert "中卫市职业技术学校" in page.text and "reporter:zwxx" in page.text
    assert 'action="/my/data"' not in page.text
    assert dudao.get("/my/data").status_code == 403
    assert zwxx.get("/data").status_code == 403
