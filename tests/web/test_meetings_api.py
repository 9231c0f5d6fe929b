"""The meetings API's paper sign-off and deletion, on both databases: the same services and
permissions as the pages (``meeting.sign_paper``: admin and 督导室; ``meeting.manage``: admin),
refusals with the reason in words, and a deleted meeting's id and number never given again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.models import AuditEvent
from tests.web.test_meetings import leader

Client = Callable[[str], TestClient]
MEETING = {"held_on": "2021-09-10", "convener": "副市长王某", "attendees": ["市教育局", "市人社局"],
           "minutes": "会议听取了各单位汇报。"}  # fmt: skip
TODAY = clock.today().isoformat()
PAPER = {"unit": "市人社局", "signer": "张局长", "signed_on": TODAY, "opinion": "同意。"}


def made(admin: TestClient, *, circulate: bool = True) -> str:
    answer = admin.post("/api/v1/meetings", json=MEETING)
    assert answer.status_code == 201, answer.text
    url = f"/api/v1/meetings/{answer.json()['id']}"
    if circulate:
        assert admin.post(f"{url}/circulate").status_code == 200
    return url


def refused(answer: Any, status: int, words: str) -> None:
    assert answer.status_code == status, answer.text
    assert words in answer.json()["error"], answer.json()


def test_the_office_records_a_paper_sign_off_by_name_or_id(client_for: Client) -> None:
    admin, office = client_for("admin"), client_for("dudao")
    url = made(admin)
    signed = office.post(f"{url}/paper-signoffs", json=PAPER)
    assert signed.status_code == 201, signed.text
    hrss = next(
        a for a in signed.json()["attendance"] if a["unit"].endswith("人力资源和社会保障局")
    )
    assert (hrss["signed_on"], hrss["opinion"]) == (TODAY, "同意。")
    assert signed.json()["state"] == "circulating"  # 市教育局 has not signed yet
    refused(office.post(f"{url}/paper-signoffs", json=PAPER), 409, "已于")
    units = {u["key"]: u["id"] for u in admin.get("/api/v1/units").json()}
    by_id = admin.post(f"{url}/paper-signoffs", json=PAPER | {"unit": units["zw-edu"]})
    assert by_id.status_code == 201 and by_id.json()["state"] == "signed"


def test_a_bad_paper_sign_off_is_refused_with_the_reason(client_for: Client) -> None:
    admin, office = client_for("admin"), client_for("dudao")
    url = made(admin)
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    for changes, status, words in [
        ({"unit": "  "}, 400, "请选择会签单位"),
        ({"unit": "火星局"}, 400, "会签单位“火星局”不在单位名录中"),
        ({"signer": " "}, 400, "请填写签字人"),
        ({"signed_on": tomorrow}, 400, "晚于今天"),
        ({"signed_on": "2021-09-01"}, 400, "早于纪要送签日期"),
        ({"signed_on": "昨天"}, 422, ""),
        ({"scan": "签字页.pdf"}, 422, ""),  # no unknown fields
        ({"unit": True}, 422, ""),
    ]:
        refused(office.post(f"{url}/paper-signoffs", json=PAPER | changes), status, words)
    refused(office.post(f"{url}/paper-signoffs", json={"unit": "市人社局"}), 422, "")
    draft = made(admin, circulate=False)
    refused(office.post(f"{draft}/paper-signoffs", json=PAPER), 409, "不在会签中")
    refused(office.post("/api/v1/meetings/999/paper-signoffs", json=PAPER), 404, "没有编号为 999")
    assert all(a["signed_on"] is None for a in office.get(url).json()["attendance"])


def test_only_an_attending_unit_and_only_the_office_or_admin(
    app: FastAPI, store: Store, client_for: Client
) -> None:
    admin, office = client_for("admin"), client_for("dudao")
    url = made(admin)
    other = office.post(f"{url}/paper-signoffs", json=PAPER | {"unit": "市农业农村局"})
    refused(other, 404, "所选单位不是第1次联席会议的参会单位")
    head = leader(app, store, "zw-hrss")  # a unit's leader signs on line, not for the paper
    assert head.post(f"{url}/paper-signoffs", json=PAPER).status_code == 403
    assert client_for("rsj").post(f"{url}/paper-signoffs", json=PAPER).status_code == 403
    assert client_for("leader").post(f"{url}/paper-signoffs", json=PAPER).status_code == 403
    assert office.get(url).json()["signed"] == 0


def test_the_admin_deletes_a_meeting_recorded_by_mistake(client_for: Client, store: Store) -> None:
    admin = client_for("admin")
    first, mistaken = made(admin, circulate=False), made(admin, circulate=False)
    for name in ("dudao", "jyj", "leader"):
        answer = client_for(name).request("DELETE", mistaken, json={"reason": "误录"})
        assert answer.status_code == 403, (name, answer.text)
    refused(admin.request("DELETE", mistaken, json={"reason": " "}), 400, "请填写删除原因")
    refused(admin.request("DELETE", mistaken), 422, "")
    refused(admin.request("DELETE", mistaken, json={"reason": "x", "why": "y"}), 422, "")
    gone = admin.request("DELETE", mistaken, json={"reason": "重复登记"})
    assert gone.status_code == 204 and gone.content == b""
    refused(admin.get(mistaken), 404, "没有这次联席会议")
    refused(admin.request("DELETE", mistaken, json={"reason": "重复登记"}), 404, "没有编号为")
    with store.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.delete")
        ).one()
        assert event.after == {"reason": "重复登记"} and event.actor == "admin:admin"
    again = admin.post("/api/v1/meetings", json=MEETING).json()
    assert again["number"] == "第3次联席会议"
    assert again["id"] > int(mistaken.rsplit("/", 1)[1]) > int(first.rsplit("/", 1)[1])


def test_a_meeting_with_a_tracked_decision_or_a_signature_stays(client_for: Client) -> None:
    admin, office = client_for("admin"), client_for("dudao")
    decided = made(admin, circulate=False)
    decision = {"text": "建成实训基地", "leads": ["市教育局"], "deadline": "2021-12-31"}
    assert admin.post(f"{decided}/decisions", json=decision).status_code == 201
    refused(admin.request("DELETE", decided, json={"reason": "误录"}), 409,
            "议定事项已作为任务纳入督办台账（1-1）")  # fmt: skip
    signed = made(admin)
    assert office.post(f"{signed}/paper-signoffs", json=PAPER).status_code == 201
    refused(admin.request("DELETE", signed, json={"reason": "误录"}), 409,
            "已有单位会签（中卫市人力资源和社会保障局）")  # fmt: skip
    assert admin.get(decided).status_code == 200 and admin.get(signed).status_code == 200
