"""The meetings pages: the admin records a meeting and a decision (a task of the decisions
plan), circulates the minutes; the attending unit's leader signs from the page; others cannot."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import docx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.db import Store
from duban.services import users
from tests.factories import ADMIN
from tests.web.conftest import PASSWORD, csrf_of

Client = Callable[[str], TestClient]
MEETING = {"held_on": "2021-09-10", "convener": "副市长王某", "place": "市政府第三会议室",
           "attendees": "市教育局、市人社局", "agenda": "听取汇报\n研究部署",
           "minutes": "会议听取了各单位汇报。"}  # fmt: skip
DECISION = {"text": "年底前建成市级公共实训基地。", "leads": "市教育局", "coops": "市财政局",
            "deadline": "2021-12-31"}  # fmt: skip


def leader(app: FastAPI, store: Store, unit: str = "zw-edu") -> TestClient:
    name = f"fzr-{unit}"
    with store.write() as session:
        users.add_user(session, name, PASSWORD, role="leader", unit_key=unit, actor=ADMIN)
    client = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": token}
    )
    client.headers["x-csrf-token"] = csrf_of(answer.text)
    return client


def recorded(admin: TestClient) -> str:
    answer = admin.post("/meetings", data=MEETING, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_admin_records_a_meeting_whose_decision_is_a_task_and_a_leader_signs(
    app: FastAPI, store: Store, client_for: Client
) -> None:
    admin = client_for("admin")
    assert "建议议题" in admin.get("/meetings").text
    url = recorded(admin)
    answer = admin.post(f"{url}/decisions", data=DECISION, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = admin.get(url).text
    assert "第1次联席会议" in page and "年底前建成市级公共实训基地" in page
    tasks = admin.get("/tasks?plan=2").text
    assert "联席会议议定事项" in tasks and "1-1" in tasks
    task = admin.get("/tasks/2/1-1").text
    assert f'href="{url}"' in task  # the task page links back to its meeting
    assert admin.get("/").text.count("联席会议议定事项") == 1  # in the plan list, not the default
    assert admin.post(f"{url}/circulate").status_code == 200
    head = leader(app, store)
    assert "待会签的联席会议纪要" in head.get("/my").text
    signed = head.post(f"{url}/sign", data={"opinion": "同意。"}, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    assert head.post(f"{url}/sign", data={}).status_code == 409  # once only
    other = leader(app, store, "zw-agri")  # 农业农村局 did not attend
    assert other.post(f"{url}/sign", data={}).status_code == 404
    minutes = admin.get(f"{url}/minutes.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(minutes.content)).paragraphs)
    assert "第1次联席会议纪要" in text and "已会签1个" in text


def test_refusals_are_explained_and_roles_are_kept_apart(client_for: Client) -> None:
    admin = client_for("admin")
    bad = admin.post("/meetings", data=MEETING | {"attendees": "火星局"})
    assert bad.status_code == 400 and "参会单位“火星局”不在单位名录中" in bad.text
    url = recorded(admin)
    assert admin.post(f"{url}/circulate").status_code == 200
    late = admin.post(f"{url}/decisions", data=DECISION)
    assert late.status_code == 409 and "已送会签" in late.text
    clerk = client_for("jyj")
    assert clerk.get(url).status_code == 200  # every ledger reader reads the meetings
    assert clerk.post("/meetings", data=MEETING).status_code == 403
    assert clerk.post(f"{url}/sign", data={}).status_code == 403  # a clerk is no leader
    viewer = client_for("leader")
    assert "联席会议" in viewer.get("/").text
    assert viewer.get("/meetings/999").status_code == 404


def test_attachments_are_kept_and_served(client_for: Client) -> None:
    admin = client_for("admin")
    url = recorded(admin)
    pdf = b"%PDF-1.4 minutes scan"
    answer = admin.post(f"{url}/files", files={"file": ("签到表.pdf", pdf)}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = admin.get(url).text
    assert "签到表.pdf" in page
    viewer = client_for("leader")
    link = page.split('href="/meetings/files/')[1].split('"')[0]
    assert viewer.get(f"/meetings/files/{link}").content == pdf
    wrong = admin.post(f"{url}/files", files={"file": ("签到表.pdf", b"not a pdf")})
    assert wrong.status_code == 400 and "会议附件" in wrong.text


def test_the_dashboard_shows_the_meeting_rule(client_for: Client) -> None:
    page = client_for("dudao").get("/").text
    year = dt.date.today().year
    assert "每年至少召开2次" in page and f"{year}年" in page


def test_the_decisions_plan_exports_like_any_plan(client_for: Client) -> None:
    admin = client_for("admin")
    url = recorded(admin)
    admin.post(f"{url}/decisions", data=DECISION)
    for path in ("/export/ledger.xlsx?plan=2&as_of=2022-01-05", "/export/report.docx?plan=2",
                 "/export/plan/2.docx", "/export/plan/2.xlsx"):  # fmt: skip
        answer = admin.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
    report = docx.Document(io.BytesIO(admin.get("/export/report.docx?plan=2").content))
    assert any("联席会议议定事项" in p.text for p in report.paragraphs)
    plans = admin.get("/api/v1/plans").json()
    assert [(p["id"], p["kind"]) for p in plans] == [(1, "plan"), (2, "meetings")]


def test_the_api_records_decides_and_signs(app: FastAPI, store: Store, client_for: Client) -> None:
    admin = client_for("admin")
    body = {"held_on": "2021-09-10", "convener": "副市长王某", "attendees": ["市教育局"],
            "minutes": "纪要", "agenda": ["听取汇报"]}  # fmt: skip
    made = admin.post("/api/v1/meetings", json=body)
    assert made.status_code == 201, made.text
    meeting = made.json()["id"]
    decision = {"text": "建成实训基地", "leads": ["市教育局"], "deadline": "2021-12-31"}
    decided = admin.post(f"/api/v1/meetings/{meeting}/decisions", json=decision)
    assert decided.status_code == 201, decided.text
    assert decided.json()["decision_items"][0]["number"] == "1-1"
    assert admin.post(f"/api/v1/meetings/{meeting}/circulate").json()["state"] == "circulating"
    signed = leader(app, store).post(f"/api/v1/meetings/{meeting}/sign", json={"opinion": "同意"})
    assert signed.status_code == 200 and signed.json()["state"] == "signed"
    listed = client_for("leader").get("/api/v1/meetings?as_of=2021-10-01").json()
    assert listed["items"][0]["signed"] == 1 and listed["check"]["pace"] == "on_track"
    bad = admin.post("/api/v1/meetings", json=body | {"attendees": ["火星局"]})
    assert bad.status_code == 400 and bad.json()["error"] == "参会单位“火星局”不在单位名录中"
