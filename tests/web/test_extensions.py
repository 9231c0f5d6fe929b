"""延期申请 pages and API: a unit asks from 我的任务, the supervisor reviews and the admin
decides at /extensions; another unit's assignment or request is 404; the task page keeps the
original date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.models import AuditEvent, Extension
from duban.services import extensions
from tests.extension_factories import month_end, revise_task_5_due_this_month
from tests.factories import REPORTER, assignment_id

Client = Callable[[str], TestClient]
D = dt.date


def asked(store: Store) -> int:
    """市教育局's request entered on paper (补录) against task 5 (due 31 August 2021)."""
    with store.write() as session:
        made = extensions.request_extension(
            session, assignment_id(store, 1, "5", "zw-edu"), proposed=D(2021, 12, 31),
            reason="资金晚到，设备采购推迟", at=D(2021, 8, 1), actor=REPORTER,
        )  # fmt: skip
        return made.id


def test_the_unit_sees_its_open_request_and_may_withdraw_it(
    store: Store, client_for: Client
) -> None:
    ext = asked(store)
    clerk = client_for("jyj")
    page = clerk.get("/my")
    assert page.status_code == 200, page.text
    assert "待审核" in page.text and f"/my/extensions/{ext}/withdraw" in page.text
    other = client_for("rsj").post(f"/my/extensions/{ext}/withdraw")
    assert other.status_code == 404
    done = clerk.post(f"/my/extensions/{ext}/withdraw", follow_redirects=False)
    assert done.status_code == 303 and "extension=withdrawn" in done.headers["location"]
    with store.read() as session:
        made = session.get(Extension, ext)
        assert made is not None and made.state == "withdrawn"


def test_a_unit_asks_the_supervisor_reviews_the_admin_approves_through_the_pages(
    store: Store, client_for: Client
) -> None:
    today = clock.today()
    plan = revise_task_5_due_this_month(store, today)
    clerk = client_for("jyj")
    mine = assignment_id(store, plan, "5", "zw-edu")
    assert f'action="/my/extensions/{mine}"' in clerk.get("/my").text
    proposed = (month_end(today) + dt.timedelta(days=90)).isoformat()
    same = clerk.post(f"/my/extensions/{mine}", data={"proposed": month_end(today).isoformat(),
                                                      "reason": "推迟"})  # fmt: skip
    assert same.status_code == 400 and "请填写更晚的日期" in same.text
    assert ">推迟</textarea>" in same.text and "延期申请未提交" in same.text  # the form, kept
    sent = clerk.post(f"/my/extensions/{mine}", data={"proposed": proposed, "reason": "资金晚到"},
                      follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303 and "extension=requested" in sent.headers["location"]
    with store.read() as session:
        ext = session.scalars(select(Extension.id).where(Extension.assignment_id == mine)).one()

    supervisor, admin = client_for("dudao"), client_for("admin")
    queue = supervisor.get("/extensions")
    assert "资金晚到" in queue.text and f"/extensions/{ext}/review" in queue.text
    assert f"/extensions/{ext}/decide" not in queue.text  # not yet reviewed
    early = admin.post(f"/extensions/{ext}/decide", data={"decision": "approve"})
    assert early.status_code == 409 and "尚未经督导室审核" in early.text
    assert (
        supervisor.post(f"/extensions/{ext}/decide", data={"decision": "approve"}).status_code
        == 403
    )
    reviewed = supervisor.post(f"/extensions/{ext}/review",
                               data={"agrees": "yes", "opinion": "理由充分"})  # fmt: skip
    assert reviewed.status_code == 200 and "已提交审核意见" in reviewed.text
    assert f"/extensions/{ext}/decide" in admin.get("/extensions").text
    approved = admin.post(f"/extensions/{ext}/decide", data={"decision": "approve", "reason": ""})
    assert approved.status_code == 200 and "已批准延期" in approved.text

    later = (month_end(today) + dt.timedelta(days=5)).isoformat()
    task = supervisor.get(f"/tasks/{plan}/5?as_of={later}")
    assert f"原定{cn(month_end(today))}，延期至{cn(D.fromisoformat(proposed))}" in task.text
    with store.read() as session:
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "extension").order_by(AuditEvent.id)).all()  # fmt: skip
    assert actions == ["extension.request", "extension.review", "extension.approve"]


def test_the_api_walks_the_same_steps_and_scopes_reading(store: Store, client_for: Client) -> None:
    plan = revise_task_5_due_this_month(store, clock.today())
    mine = assignment_id(store, plan, "5", "zw-edu")
    proposed = (month_end(clock.today()) + dt.timedelta(days=30)).isoformat()
    clerk, other = client_for("jyj"), client_for("rsj")
    body = {"assignment": mine, "proposed_deadline": proposed, "reason": "资金晚到"}
    assert other.post("/api/v1/extensions", json=body).status_code == 404
    made = clerk.post("/api/v1/extensions", json=body)
    assert made.status_code == 201, made.text
    ext = made.json()["id"]
    assert made.json()["state"] == "requested"
    assert other.get(f"/api/v1/extensions/{ext}").status_code == 404
    assert other.get("/api/v1/extensions").json()["total"] == 0
    again = clerk.post("/api/v1/extensions", json=body)
    assert again.status_code == 400 and "尚未办结" in again.json()["error"]
    review = client_for("dudao").post(f"/api/v1/extensions/{ext}/review",
                                      json={"agrees": False, "opinion": "理由不足"})  # fmt: skip
    assert review.json()["review"]["agrees"] is False
    refusal = {"approve": False, "reason": "未说明资金到位时间"}
    refuse = client_for("admin").post(f"/api/v1/extensions/{ext}/decide", json=refusal)
    assert refuse.status_code == 200 and refuse.json()["state"] == "refused"
    assert client_for("leader").get(f"/api/v1/extensions/{ext}").status_code == 404  # refused
    listed = clerk.get("/api/v1/extensions?state=refused").json()
    assert [e["id"] for e in listed["items"]] == [ext]


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_request_form_has_a_page_and_comes_back_filled_in_when_refused(
    store: Store, client_for: Client
) -> None:
    plan = revise_task_5_due_this_month(store, clock.today())
    mine = assignment_id(store, plan, "5", "zw-edu")
    clerk = client_for("jyj")
    page = clerk.get(f"/my/extensions/{mine}")
    assert page.status_code == 200 and "现行完成时限" in page.text
    assert f'action="/my/extensions/{mine}"' in page.text
    assert client_for("rsj").get(f"/my/extensions/{mine}").status_code == 404
    for proposed, words in (("2021-02-30", "申请延期至的日期“2021-02-30”无效"),
                            ("", "请填写申请延期至的日期")):  # fmt: skip
        bad = clerk.post(
            f"/my/extensions/{mine}", data={"proposed": proposed, "reason": "资金晚到"}
        )
        assert bad.status_code == 400 and words in bad.text
        assert ">资金晚到</textarea>" in bad.text
    other = client_for("rsj").post(f"/my/extensions/{mine}", data={"proposed": "x", "reason": "秘"})
    assert other.status_code == 404 and "秘" not in other.text
    with store.read() as session:
        assert session.scalars(select(Extension.id)).all() == []


def test_a_refused_review_or_decision_comes_back_filled_in(
    store: Store, client_for: Client
) -> None:
    ext = asked(store)
    supervisor, admin = client_for("dudao"), client_for("admin")
    unchosen = supervisor.post(f"/extensions/{ext}/review", data={"opinion": "理由充分"})
    assert unchosen.status_code == 400 and "请选择审核意见：同意或不同意" in unchosen.text
    assert ">理由充分</textarea>" in unchosen.text and f'href="#x{ext}"' in unchosen.text
    no_words = supervisor.post(f"/extensions/{ext}/review", data={"agrees": "no", "opinion": ""})
    assert no_words.status_code == 400
    assert 'name="agrees" value="no" checked' in no_words.text
    supervisor.post(f"/extensions/{ext}/review", data={"agrees": "yes", "opinion": "理由充分"})
    bad_day = admin.post(
        f"/extensions/{ext}/decide",
        data={"decision": "approve", "deadline": "2021-13-01", "reason": "可"},
    )
    assert bad_day.status_code == 400 and "批准延期至的日期“2021-13-01”无效" in bad_day.text
    assert 'value="2021-13-01"' in bad_day.text and ">可</textarea>" in bad_day.text
    no_reason = admin.post(f"/extensions/{ext}/decide", data={"decision": "refuse"})
    assert no_reason.status_code == 400
    assert 'name="decision" value="refuse" checked' in no_reason.text
    with store.read() as session:
        made = session.get(Extension, ext)
        assert made is not None and made.state == "reviewed"
