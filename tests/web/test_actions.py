"""督办事项 pages and API: the supervisor issues from the ladder's proposals, the unit answers with
a file, the supervisor closes and reopens; the task page, /my and the dashboard show them."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.db import Store
from duban.domain import clock
from duban.models import Action, ActionResponse, AuditEvent

Client = Callable[[str], TestClient]
PDF = b"%PDF-1.4\n% rectification report\n"
EDU = "中卫市教育局"


def edu_proposal(dudao: TestClient) -> dict[str, Any]:
    listed = dudao.get("/api/v1/actions/proposals")
    assert listed.status_code == 200, listed.text
    found: dict[str, Any] = next(p for p in listed.json()["items"] if p["unit"] == EDU)
    return found


def issue_for_edu(dudao: TestClient) -> int:
    page = dudao.get("/actions")
    assert page.status_code == 200 and "督办阶梯建议" in page.text
    key = edu_proposal(dudao)["key"]
    assert f'value="{key}"' in page.text  # offered on the page with its buttons
    sent = dudao.post("/actions/proposals", data={"key": key, "plan": "1", "decision": "issue"},
                      follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text
    found = re.search(r"/actions/(\d+)\?done=issue", sent.headers["location"])
    assert found
    return int(found[1])


def writes(store: Store) -> tuple[int, int, int]:
    with store.read() as session:
        return (
            session.scalar(select(func.count(Action.id))) or 0,
            session.scalar(select(func.count(ActionResponse.id))) or 0,
            session.scalar(select(func.count(AuditEvent.id))) or 0,
        )


def test_issue_answer_close_and_reopen_through_the_pages(store: Store, client_for: Client) -> None:
    dudao, jyj = client_for("dudao"), client_for("jyj")
    action_id = issue_for_edu(dudao)
    detail = dudao.get(f"/actions/{action_id}").text
    year = clock.today().year
    assert f"中卫督办〔{year}〕1号" in detail and "督办单" in detail
    assert "待答复" in jyj.get("/my").text and f"/my/actions/{action_id}" in jyj.get("/my").text
    answer = jyj.post(f"/my/actions/{action_id}/respond", data={"text": "已制定整改方案。"},
                      files=[("files", ("整改方案.pdf", PDF, "application/pdf"))],
                      follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    seen = dudao.get(f"/actions/{action_id}").text
    assert "已制定整改方案。" in seen and "已答复" in seen
    file_id = re.search(r'href="/action-files/(\d+)">整改方案.pdf', seen)
    assert file_id and dudao.get(f"/action-files/{file_id[1]}").content == PDF
    closed = dudao.post(f"/actions/{action_id}/close", data={"reason": "整改到位"},
                        follow_redirects=False)  # fmt: skip
    assert closed.status_code == 303
    refused = dudao.post(f"/actions/{action_id}/reopen", data={"reason": ""})
    assert refused.status_code == 400 and "须写明理由" in refused.text
    reopened = dudao.post(f"/actions/{action_id}/reopen", data={"reason": "复查未达标",
                          "due_on": "2199-01-01"}, follow_redirects=False)  # fmt: skip
    assert reopened.status_code == 303
    assert "复查未达标" in jyj.get(f"/my/actions/{action_id}").text


def test_the_document_downloads_for_supervisor_and_unit(store: Store, client_for: Client) -> None:
    dudao, jyj = client_for("dudao"), client_for("jyj")
    action_id = issue_for_edu(dudao)
    for client, path in ((dudao, f"/actions/{action_id}/docx"),
                         (jyj, f"/my/actions/{action_id}/docx")):  # fmt: skip
        got = client.get(path)
        assert got.status_code == 200 and "filename*=UTF-8''" in got.headers["content-disposition"]
        text = "\n".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)
        assert "红色督办单" in text and f"{EDU}：" in text


def test_another_unit_gets_not_found_and_writes_nothing(store: Store, client_for: Client) -> None:
    action_id = issue_for_edu(client_for("dudao"))
    rsj = client_for("rsj")
    before = writes(store)
    assert rsj.get(f"/my/actions/{action_id}").status_code == 404
    assert (
        rsj.post(f"/my/actions/{action_id}/respond", data={"text": "不是我们的"}).status_code == 404
    )
    assert rsj.post(f"/api/v1/actions/{action_id}/responses", json={"text": "x"}).status_code == 404
    assert rsj.get(f"/api/v1/actions/{action_id}").status_code == 404
    assert rsj.get("/api/v1/actions").json()["items"] == []
    assert writes(store) == before


def test_an_empty_answer_shows_the_form_again_with_the_reason(
    store: Store, client_for: Client
) -> None:
    action_id = issue_for_edu(client_for("dudao"))
    jyj = client_for("jyj")
    before = writes(store)
    again = jyj.post(f"/my/actions/{action_id}/respond", data={"text": "  "})
    assert again.status_code == 400 and "请填写答复内容" in again.text
    bad = jyj.post(f"/my/actions/{action_id}/respond", data={"text": "见附件"},
                   files=[("files", ("假.pdf", b"not a pdf", "application/pdf"))])  # fmt: skip
    assert bad.status_code == 400 and "类型不受支持" in bad.text and "见附件" in bad.text
    assert writes(store) == before


def test_hold_and_withdraw_need_a_reason_and_hide_the_proposal(
    store: Store, client_for: Client
) -> None:
    dudao = client_for("dudao")
    key = edu_proposal(dudao)["key"]
    form = {"key": key, "plan": "1", "decision": "hold", "reason": ""}
    refused = dudao.post("/actions/proposals", data=form)
    assert refused.status_code == 400 and "暂缓督办事项须写明理由" in refused.text
    held = dudao.post("/actions/proposals", data=form | {"reason": "等待区县核实"},
                      follow_redirects=False)  # fmt: skip
    assert held.status_code == 303
    assert key not in {p["key"] for p in dudao.get("/api/v1/actions/proposals").json()["items"]}
    listed = dudao.get("/actions?state=held").text
    assert "（未发出）" in listed and "暂缓" in listed
    assert client_for("jyj").get("/api/v1/actions").json()["items"] == []  # units never see it


def test_filters_are_checked(store: Store, client_for: Client) -> None:
    dudao = client_for("dudao")
    assert dudao.get("/actions?state=lost").status_code == 400
    assert dudao.get("/actions?colour=green").status_code == 400
    issue_for_edu(dudao)
    assert "中卫督办" in dudao.get("/actions?colour=red").text
    assert "中卫督办" not in dudao.get("/actions?colour=blue").text


def test_task_page_my_page_and_dashboard_show_the_actions(store: Store, client_for: Client) -> None:
    dudao = client_for("dudao")
    proposal = edu_proposal(dudao)
    action_id = issue_for_edu(dudao)
    later = (clock.today() + dt.timedelta(days=30)).isoformat()
    task = dudao.get(f"/tasks/1/{proposal['task']}?as_of={later}").text
    assert 'id="h-actions"' in task and f"/actions/{action_id}" in task and "已逾期" in task
    board = dudao.get(f"/?as_of={later}").text
    assert re.search(r"督办事项逾期未答复 <strong class=\"count\">1</strong>", board)
    assert "/actions?state=overdue" in board
    assert 'id="h-my-actions"' in client_for("jyj").get("/my").text
    viewer = client_for("leader")
    assert f"/actions/{action_id}" in viewer.get(f"/tasks/1/{proposal['task']}").text
    assert viewer.get("/actions").status_code == 403


def test_the_api_issues_answers_and_closes(store: Store, client_for: Client) -> None:
    dudao, jyj = client_for("dudao"), client_for("jyj")
    unit_id = edu_proposal(dudao)["unit_id"]
    new = {"plan": 1, "unit": unit_id, "kind": "interview", "title": "约谈通知",
           "due_on": "2199-01-01"}  # fmt: skip
    made = dudao.post("/api/v1/actions", json=new)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["state"], body["kind"], body["number"][:4]) == ("open", "interview", "中卫督办")
    bad = dudao.post("/api/v1/actions", json={"plan": 1, "unit": unit_id, "kind": "reminder",
                                              "due_on": "2000-01-01"})  # fmt: skip
    assert bad.status_code == 400 and "早于发文日期" in bad.json()["error"]
    answered = jyj.post(f"/api/v1/actions/{body['id']}/responses", json={"text": "按时参加"})
    assert answered.status_code == 201 and answered.json()["state"] == "answered"
    closed = dudao.post(f"/api/v1/actions/{body['id']}/close", json={"reason": "已约谈"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    late = jyj.post(f"/api/v1/actions/{body['id']}/responses", json={"text": "补充"})
    assert late.status_code == 409 and "已办结" in late.json()["error"]
    mine = jyj.get("/api/v1/actions").json()["items"]
    assert [a["id"] for a in mine] == [body["id"]]
    one = jyj.get(f"/api/v1/actions/{body['id']}").json()
    assert [e["verb"] for e in one["events"]] == ["issue", "respond", "close"]
