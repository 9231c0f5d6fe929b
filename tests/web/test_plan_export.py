"""导出方案 from the task list: every reader downloads the plan as Word and Excel; a draft only
the administrator."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import quote

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from duban.db import Store
from duban.plandoc import parse_bytes
from duban.services import plans
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE

Client = Callable[[str], TestClient]
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TITLE = "中卫市贯彻落实《自治区深化产教融合推进职业教育改革发展实施方案》重点任务暨分工方案"


def draft(store: Store) -> int:
    """A revised sample imported as version 2, not yet published."""
    revised = SAMPLE.read_bytes() + b"\n"
    with store.write() as session:
        return plans.import_plan(session, revised, "revised.txt", effective=EFFECTIVE,
                                 actor=ADMIN).plan.id  # fmt: skip


@pytest.mark.parametrize("who", ["admin", "dudao", "jyj", "zwxx", "leader"])
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_every_reader_downloads_the_published_plan(client_for: Client, who: str, kind: str) -> None:
    response = client_for(who).get(f"/export/plan/1.{kind}")
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA[kind]
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and quote(f"{TITLE}.{kind}") in disposition
    assert len(parse_bytes(response.content, f"plan.{kind}").tasks) == 25


def test_the_files_have_the_plans_layout(client_for: Client) -> None:
    client = client_for("leader")
    doc = Document(io.BytesIO(client.get("/export/plan/1.docx").content))
    assert doc.paragraphs[0].text == TITLE
    sheet = load_workbook(io.BytesIO(client.get("/export/plan/1.xlsx").content)).active
    assert sheet is not None and sheet["A1"].value == TITLE and sheet["F2"].value == "完成时限"


def test_a_draft_for_the_administrator_only(client_for: Client, store: Store) -> None:
    plan = draft(store)
    response = client_for("admin").get(f"/export/plan/{plan}.xlsx")
    assert response.status_code == 200
    assert quote("（校对稿）.xlsx") in response.headers["content-disposition"]
    for who in ("dudao", "jyj", "leader"):
        refused = client_for(who).get(f"/export/plan/{plan}.docx")
        assert refused.status_code == 404 and "没有这个方案" in refused.text


def test_no_such_plan_is_404_and_signed_out_goes_to_login(client_for: Client, app: object) -> None:
    assert client_for("admin").get("/export/plan/99.docx").status_code == 404
    anonymous = TestClient(app)  # type: ignore[arg-type]
    answer = anonymous.get("/export/plan/1.docx", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_the_task_list_links_both_files(client_for: Client) -> None:
    page = client_for("zwxx").get("/tasks").text
    assert 'href="/export/plan/1.docx"' in page and 'href="/export/plan/1.xlsx"' in page
    assert "导出方案（Word）" in page and "导出方案（Excel）" in page
