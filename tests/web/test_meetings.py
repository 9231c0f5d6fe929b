"""The meetings pages: the admin records a meeting and a decision (a task of the decisions
plan), circulates the minutes; the attending unit's leader signs from the page; others cannot."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import docx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.db import Store
from duban.domain import clock
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
    year = clock.today().year
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


def test_a_refused_form_comes_back_filled_in_with_the_reason(client_for: Client) -> None:
    admin = client_for("admin")
    bad_day = admin.post("/meetings", data=MEETING | {"held_on": "2021-13-40"})
    assert bad_day.status_code == 400
    assert "会议日期应为日期，如 2021-07-31（收到“2021-13-40”）" in bad_day.text
    assert "市政府第三会议室" in bad_day.text and "会议听取了各单位汇报。" in bad_day.text
    no_convener = admin.post("/meetings", data={k: v for k, v in MEETING.items()
                                                if k != "convener"})  # fmt: skip
    assert no_convener.status_code == 400 and "请填写会议召集人" in no_convener.text
    assert "建议议题" in no_convener.text  # the whole page, not the error page
    url = recorded(admin)
    late = admin.post(f"{url}/decisions", data=DECISION | {"deadline": "2021-02-30"})
    assert (
        late.status_code == 400 and "完成时限应为日期" in late.text and "“2021-02-30”" in late.text
    )
    assert "年底前建成市级公共实训基地。" in late.text and 'value="市财政局"' in late.text
    nobody = admin.post(f"{url}/decisions", data=DECISION | {"leads": ""})
    assert nobody.status_code == 400 and "请填写责任单位" in nobody.text
    edit = admin.post(url, data=MEETING | {"attendees": "火星局"})
    assert edit.status_code == 400 and "参会单位“火星局”不在单位名录中" in edit.text
    assert ">火星局</textarea>" in edit.text
    assert "议定事项" in admin.get(url).text and "1-1" not in admin.get(url).text  # none saved


def test_the_supervision_office_records_a_paper_sign_off(
    app: FastAPI, store: Store, client_for: Client
) -> None:
    admin, office = client_for("admin"), client_for("dudao")
    url = recorded(admin)
    assert admin.post(f"{url}/circulate").status_code == 200
    page = office.get(url).text
    assert "登记纸质会签" in page
    found = re.search(r'<option value="(\d+)"[^>]*>中卫市人力资源和社会保障局<', page)
    assert found, page
    hrss = found.group(1)
    form = {"unit": hrss, "signer": "张局长", "signed_on": clock.today().isoformat(),
            "opinion": "同意。"}  # fmt: skip
    wrong_day = office.post(f"{url}/paper-sign", data=form | {"signed_on": "昨天"})
    assert wrong_day.status_code == 400 and "会签日期应为日期" in wrong_day.text
    assert 'value="张局长"' in wrong_day.text and f'value="{hrss}" selected' in wrong_day.text
    no_unit = office.post(f"{url}/paper-sign", data=form | {"unit": ""})
    assert no_unit.status_code == 400 and "请选择会签单位" in no_unit.text
    pdf = b"%PDF-1.4 signed page"
    done = office.post(f"{url}/paper-sign", data=form, files={"scan": ("签字页.pdf", pdf)},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text
    page = office.get(url).text
    assert "纸质会签" in page and "签字人：张局长" in page and "已登记纸质会签" not in page
    scan = page.split('签字人：张局长 · <a href="')[1].split('"')[0]
    assert client_for("leader").get(scan).content == pdf
    assert client_for("leader").post(f"{url}/paper-sign", data=form).status_code == 403
    assert leader(app, store).post(f"{url}/paper-sign", data=form).status_code == 403
    again = office.post(f"{url}/paper-sign", data=form)
    assert again.status_code == 409 and "已于" in again.text


def test_a_meeting_recorded_by_mistake_is_deleted_unless_its_decisions_are_tasks(
    client_for: Client,
) -> None:
    admin = client_for("admin")
    mistaken = recorded(admin)
    assert "删除会议记录" in admin.get(mistaken).text
    assert "删除会议记录" not in client_for("dudao").get(mistaken).text
    assert (
        client_for("dudao").post(f"{mistaken}/delete", data={"reason": "误录"}).status_code == 403
    )
    no_reason = admin.post(f"{mistaken}/delete", data={"reason": " "})
    assert no_reason.status_code == 400 and "请填写删除原因" in no_reason.text
    gone = admin.post(f"{mistaken}/delete", data={"reason": "重复登记"}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/meetings?deleted=1"
    assert "会议记录已删除" in admin.get("/meetings?deleted=1").text
    assert admin.get(mistaken).status_code == 404
    tracked = recorded(admin)
    admin.post(f"{tracked}/decisions", data=DECISION)
    assert "删除会议记录" not in admin.get(tracked).text
    refused = admin.post(f"{tracked}/delete", data={"reason": "误录"})
    assert refused.status_code == 409
    assert "议定事项已作为任务纳入督办台账（2-1）" in refused.text  # 第1次 was deleted
    assert admin.get(tracked).status_code == 200
