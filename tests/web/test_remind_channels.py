"""提醒渠道: the admin's page and API for reminder channels; secrets go in and never come out."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.db import Store
from duban.models import AuditEvent, ReminderChannel
from tests.web.conftest import csrf_of

HOOK = "https://oapi.dingtalk.com/robot/send?access_token=abc"


def test_admin_adds_and_removes_a_channel_on_the_page(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/reminders")
    assert (
        page.status_code == 200 and "添加提醒渠道" in page.text and "尚未设置提醒渠道" in page.text
    )
    form = {"unit": "zw-edu", "kind": "dingtalk", "target": HOOK, "secret": "SECtopsecret",
            "note": "局办公室群", "csrf_token": csrf_of(page.text)}  # fmt: skip
    added = admin.post("/admin/reminders", data=form)
    assert added.status_code == 200 and "已添加提醒渠道" in added.text
    assert "中卫市教育局" in added.text and "钉钉群机器人" in added.text and "已设" in added.text
    assert "SECtopsecret" not in added.text
    with store.read() as session:
        channel = session.scalars(select(ReminderChannel)).one()
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert channel.secret == "SECtopsecret"
    assert event is not None and event.action == "reminder_channel.add"
    assert "SECtopsecret" not in str(event.after) and event.after["secret_set"] is True

    again = admin.post("/admin/reminders", data=form)
    assert again.status_code == 409 and "已有此钉钉群机器人渠道" in again.text

    bad = admin.post("/admin/reminders", data={**form, "kind": "email", "target": "不是地址"})
    assert bad.status_code == 400 and "邮件地址无效" in bad.text

    removed = admin.post(f"/admin/reminders/{channel.id}/remove",
                         data={"csrf_token": form["csrf_token"]})  # fmt: skip
    assert removed.status_code == 200 and "已删除提醒渠道" in removed.text
    with store.read() as session:
        assert session.scalars(select(ReminderChannel)).first() is None


def test_api_lists_and_adds_channels_without_showing_secrets(
    client_for: Callable[[str], TestClient],
) -> None:
    admin = client_for("admin")
    body = {"unit": "zw-hrss", "kind": "feishu", "target": "https://open.feishu.cn/hook/x",
            "secret": "fs-secret"}  # fmt: skip
    made = admin.post("/api/v1/reminder-channels", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["secret_set"] is True and "secret" not in made.json()
    listed = admin.get("/api/v1/reminder-channels", params={"unit": "zw-hrss"})
    assert [c["target"] for c in listed.json()] == ["https://open.feishu.cn/hook/x"]
    assert "fs-secret" not in listed.text
    wecom_secret = {**body, "kind": "wecom", "target": "https://qyapi.weixin.qq.com/x"}
    refused = admin.post("/api/v1/reminder-channels", json=wecom_secret)
    assert refused.status_code == 400 and "不使用签名密钥" in refused.json()["error"]
    unknown = admin.post("/api/v1/reminder-channels", json={**body, "unit": "nowhere"})
    assert unknown.status_code == 404


def test_only_the_admin_configures_channels(client_for: Callable[[str], TestClient]) -> None:
    for name in ("dudao", "jyj", "leader"):
        client = client_for(name)
        assert client.get("/admin/reminders").status_code == 403
        assert client.get("/api/v1/reminder-channels").status_code == 403
