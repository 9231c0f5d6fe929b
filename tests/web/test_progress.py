"""离线填报 through the pages: download, fill, upload; refusals name the place and save nothing."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import httpx
import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.db import Store
from duban.exchange.progress_xlsx import MAIN
from duban.models import Report

Client = Callable[[str], TestClient]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client: TestClient) -> bytes:
    page = client.get("/my/progress")
    assert page.status_code == 200 and "/my/progress/1.xlsx" in page.text
    response = client.get("/my/progress/1.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    content: bytes = response.content
    return content


def fill_first_row(data: bytes, **cells: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for column, value in ({"H": "推进中", "I": "本季度完成调研", "J": "资金晚到"} | cells).items():
        book[MAIN][f"{column}4"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: TestClient, data: bytes, name: str = "填报表.xlsx") -> httpx.Response:
    response: httpx.Response = client.post(
        "/my/progress", files={"file": (name, data, XLSX)}, follow_redirects=False
    )
    return response


def reports(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Report)) or 0


def test_a_clerk_downloads_fills_and_uploads(client_for: Client, store: Store) -> None:
    jyj = client_for("jyj")
    filled = fill_first_row(download(jyj))
    response = upload(jyj, filled)
    assert response.status_code == 303
    page = jyj.get(response.headers["location"])
    assert "填报表已导入" in page.text and "报送 1 项" in page.text
    again = jyj.get(upload(jyj, filled).headers["location"])
    assert "报送 0 项" in again.text and "与已报送内容相同 1 项" in again.text


def test_problems_are_listed_by_place_and_nothing_is_saved(
    client_for: Client, store: Store
) -> None:
    jyj = client_for("jyj")
    before = reports(store)
    response = upload(jyj, fill_first_row(download(jyj), H="差不多", J=""))
    assert response.status_code == 400
    text = response.text
    assert "填报表有问题，未保存任何内容" in text and "“差不多”不是可选的完成情况" in text
    assert "<td>进展填报</td>" in text and "H（完成情况）" in text
    assert reports(store) == before


def test_another_units_workbook_is_refused(client_for: Client, store: Store) -> None:
    filled = fill_first_row(download(client_for("jyj")))
    before = reports(store)
    response = upload(client_for("rsj"), filled)
    assert response.status_code == 400
    assert "不能由“中卫市人力资源和社会保障局”上传" in response.text
    assert reports(store) == before


def test_hostile_and_wrong_files_are_refused_with_a_reason(client_for: Client) -> None:
    jyj = client_for("jyj")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 2**20))
    cases = {
        "炸弹.xlsx": (bomb.getvalue(), "压缩"),
        "说明.xlsx": ("只是文字".encode(), "Excel"),
        "空.xlsx": (b"", "请选择|空|Excel|损坏"),
    }
    for name, (data, reason) in cases.items():
        response = upload(jyj, data, name)
        assert response.status_code in (400, 413), name
        assert re.search(reason, response.text), name


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client_for: Client) -> None:
    jyj = client_for("jyj")
    response = jyj.post(
        "/my/progress", content=b"x" * 16,
        headers={"content-type": "multipart/form-data; boundary=b",
                 "content-length": str(101 * 2**20)},
    )  # fmt: skip
    assert response.status_code == 413 and "文件过大" in response.text


def test_supervisors_have_no_workbook_to_fill(client_for: Client) -> None:
    assert client_for("dudao").get("/my/progress").status_code == 403
    assert client_for("znxx").get("/my/progress/1.xlsx").status_code in (200, 404)
