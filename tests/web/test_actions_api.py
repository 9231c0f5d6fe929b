"""The 督办事项 API beyond the page: the list newest first, ``limit`` at a time from ``offset``
(as the reports and extensions lists), the unit's answer with files (multipart, the page's
checks), and the supervisor's steps (issue a held action, withdraw, close, reopen) through the
one shared service call, on pages and API alike."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from duban.db import Store
from tests.action_factories import published_plan_id, spread_actions
from tests.web.test_actions import EDU, PDF, edu_proposal, issue_for_edu, writes

Client = Callable[[str], TestClient]
NOTE = "整改说明：已完成。\n".encode()


def answer_url(action_id: int) -> str:
    return f"/api/v1/actions/{action_id}/responses/multipart"


def kept_files(store: Store) -> list[Path]:
    return sorted(p for p in (store.settings.home / "evidence").rglob("*") if p.is_file())


DAY = dt.date(2026, 6, 15)  # the day the factory's actions are made and listed


def listed(client: TestClient, query: str = "") -> dict[str, Any]:
    joined = "&" if query else "?"
    got = client.get(f"/api/v1/actions{query}{joined}as_of={DAY}")
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [a["id"] for a in body["items"]]


def test_the_list_comes_newest_first_limit_at_a_time(store: Store, client_for: Client) -> None:
    made = spread_actions(
        store, published_plan_id(store), today=DAY
    )  # 100 issued to 市教育局, 20 held
    dudao = client_for("dudao")
    every = listed(dudao, "?limit=500")
    assert every["total"] == 120 and ids(every) == sorted(
        (n for m in made.values() for n in m), reverse=True
    )
    first = listed(dudao)  # 100 by default, as the other lists
    assert (first["total"], first["limit"], first["offset"]) == (120, 100, 0)
    assert ids(first) == ids(every)[:100]
    rest = listed(dudao, "?offset=100")
    assert ids(rest) == ids(every)[100:] and rest["total"] == 120
    assert ids(listed(dudao, "?limit=5&offset=7")) == ids(every)[7:12]
    past = listed(dudao, "?offset=500")
    assert (past["items"], past["total"], past["offset"]) == ([], 120, 500)
    held = listed(dudao, "?state=held&limit=3")
    assert held["total"] == 20 and ids(held) == sorted(made["held"], reverse=True)[:3]


def test_a_unit_counts_and_pages_its_own_issued_actions_only(
    store: Store, client_for: Client
) -> None:
    spread_actions(store, published_plan_id(store), today=DAY)
    own = listed(client_for("jyj"), "?limit=40&offset=80")
    assert own["total"] == 100 and len(own["items"]) == 20
    assert {(a["unit"], a["state"] == "held") for a in own["items"]} == {(EDU, False)}
    assert listed(client_for("rsj"))["total"] == 0


def test_limits_and_offsets_out_of_bounds_are_refused(store: Store, client_for: Client) -> None:
    dudao = client_for("dudao")
    for query in ("limit=0", "limit=501", "limit=-1", "limit=x", "offset=-1",
                  f"offset={2**31}", "offset=1.5"):  # fmt: skip
        got = dudao.get(f"/api/v1/actions?{query}")
        assert got.status_code == 422 and got.json()["error"], (query, got.text)


def test_the_unit_answers_with_text_and_files_through_the_api(
    store: Store, client_for: Client
) -> None:
    dudao, jyj = client_for("dudao"), client_for("jyj")
    action_id = issue_for_edu(dudao)
    sent = jyj.post(answer_url(action_id), data={"text": "已制定整改方案。"},
                    files=[("files", ("整改方案.pdf", PDF, "application/pdf")),
                           ("files", ("说明.txt", NOTE, "text/plain"))])  # fmt: skip
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["state"] == "answered" and body["responses"][0]["text"] == "已制定整改方案。"
    files = body["responses"][0]["files"]
    assert [(f["name"], f["size"]) for f in files] == [("整改方案.pdf", len(PDF)),
                                                       ("说明.txt", len(NOTE))]  # fmt: skip
    assert dudao.get(f"/action-files/{files[0]['id']}").content == PDF
    seen = dudao.get(f"/actions/{action_id}").text
    assert "已制定整改方案。" in seen and re.search(r'href="/action-files/\d+">说明.txt', seen)
    assert [e["verb"] for e in dudao.get(f"/api/v1/actions/{action_id}").json()["events"]] == [
        "issue", "respond"]  # fmt: skip


def test_text_alone_is_an_answer_too(store: Store, client_for: Client) -> None:
    action_id = issue_for_edu(client_for("dudao"))
    sent = client_for("jyj").post(answer_url(action_id), data={"text": "按期参加约谈"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["responses"][0]["files"] == []


def test_one_refused_file_refuses_the_answer_and_keeps_nothing(
    store: Store, client_for: Client
) -> None:
    action_id = issue_for_edu(client_for("dudao"))
    jyj = client_for("jyj")
    before, files = writes(store), kept_files(store)
    for name, data, words in (
        ("假.pdf", b"not a pdf", "类型不受支持"),
        ("../../etc/整改.pdf", PDF, "含有路径"),
        ("空.pdf", b"", "空文件"),
        ("整改.docx", PDF, "与文件名不符"),
    ):
        sent = jyj.post(answer_url(action_id), data={"text": "见附件"},
                        files=[("files", ("好.pdf", PDF, "application/pdf")),
                               ("files", (name, data, "application/pdf"))])  # fmt: skip
        assert sent.status_code == 400 and words in sent.json()["error"], (name, sent.text)
    assert writes(store) == before and kept_files(store) == files


def test_bad_requests_are_refused_in_words_and_write_nothing(
    store: Store, client_for: Client
) -> None:
    action_id = issue_for_edu(client_for("dudao"))
    jyj, rsj = client_for("jyj"), client_for("rsj")
    before = writes(store)
    pdf = [("files", ("整改.pdf", PDF, "application/pdf"))]
    other = rsj.post(answer_url(action_id), data={"text": "不是我们的"}, files=pdf)
    assert other.status_code == 404 and other.json()["error"] == "没有这项督办事项，或您无权查看"
    assert jyj.post(answer_url(action_id), data={"text": ""}, files=pdf).status_code == 422
    assert jyj.post(answer_url(action_id), data={"text": "a\x00b"}, files=pdf).status_code == 422
    too_many = [("files", (f"{n}.pdf", PDF, "application/pdf")) for n in range(21)]
    many = jyj.post(answer_url(action_id), data={"text": "见附件"}, files=too_many)
    assert many.status_code == 400 and "至多上传 20 个文件" in many.json()["error"]
    no_token = jyj.post(answer_url(action_id), data={"text": "见附件"}, files=pdf,
                        headers={"x-csrf-token": ""})  # fmt: skip
    assert no_token.status_code == 403
    assert client_for("dudao").post(answer_url(action_id), data={"text": "x"}).status_code == 403
    assert writes(store) == before


def test_the_supervisors_steps_on_pages_and_api(store: Store, client_for: Client) -> None:
    dudao = client_for("dudao")
    key = edu_proposal(dudao)["key"]
    held = dudao.post("/api/v1/actions/proposals", json={"key": key, "decision": "hold",
                                                         "reason": "等待核实"})  # fmt: skip
    assert held.status_code == 201 and held.json()["state"] == "held", held.text
    action_id, version = held.json()["id"], held.json()["version"]
    stale = dudao.post(f"/actions/{action_id}/issue", data={"version": str(version + 1)})
    assert stale.status_code == 409 and "已被他人办理" in stale.text
    issued = dudao.post(f"/actions/{action_id}/issue", data={"version": str(version),
                        "due_on": "2199-01-01"}, follow_redirects=False)  # fmt: skip
    assert issued.status_code == 303 and issued.headers["location"].endswith("?done=issue")
    api = f"/api/v1/actions/{action_id}"
    assert dudao.get(api).json()["due_on"] == "2199-01-01"
    refused = dudao.post(f"{api}/reopen", json={"reason": "复查"})
    assert refused.status_code == 409 and "不能重新打开" in refused.json()["error"]
    assert dudao.post(f"{api}/withdraw", json={}).status_code == 400  # a reason is needed
    gone = dudao.post(f"{api}/withdraw", json={"reason": "单位已整改到位"})
    assert gone.status_code == 200 and gone.json()["state"] == "withdrawn"
    assert gone.json()["reason"] == "单位已整改到位" and gone.json()["unit"] == EDU
    events = [e["verb"] for e in dudao.get(api).json()["events"]]
    assert events == ["hold", "issue", "withdraw"]


def test_the_step_operations_keep_their_paths_and_summaries(
    store: Store, client_for: Client
) -> None:
    paths = client_for("dudao").get("/api/v1/openapi.json").json()["paths"]
    summaries = {verb: paths[f"/api/v1/actions/{{action_id}}/{verb}"]["post"]["summary"]
                 for verb in ("issue", "withdraw", "close", "reopen")}  # fmt: skip
    assert summaries == {"issue": "发出暂缓的督办事项", "withdraw": "撤回", "close": "办结",
                         "reopen": "重新打开"}  # fmt: skip
    multipart = paths["/api/v1/actions/{action_id}/responses/multipart"]["post"]
    assert "multipart/form-data" in multipart["requestBody"]["content"]
