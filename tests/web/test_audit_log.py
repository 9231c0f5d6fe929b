"""The 操作日志 as the office and the 督导室 read it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from duban import audit
from duban.db import Store
from duban.models import AuditEvent
from duban.queries.audit_log import SHANGHAI


def rows(html: str) -> list[int]:
    """The ids of the events a page lists, in order."""
    return [int(found) for found in re.findall(r'<tr id="event-(\d+)"', html)]


def event_id(store: Store, action: str) -> int:
    with store.read() as session:
        found = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.action == action))
        assert found is not None
        return found


def test_admin_and_supervisor_see_the_samples_import_and_publish_events(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    publish = event_id(store, "plan.publish")
    with store.read() as session:
        at = session.get_one(AuditEvent, publish).at.astimezone(SHANGHAI)
    for name in ("admin", "dudao"):
        page = client_for(name).get("/audit")
        assert page.status_code == 200
        assert "导入方案" in page.text and "发布方案" in page.text and "添加用户" in page.text
        assert "审计链校验通过" in page.text
        listed = rows(page.text)
        assert publish in listed and listed == sorted(listed, reverse=True)  # newest first
        assert f"{at.year}年{at.month}月{at.day}日</span> {at:%H:%M}" in page.text
        assert "<details>" in page.text and "&#34;published&#34;" in page.text  # before/after


def test_reporters_and_viewers_may_not_read_the_log(
    client_for: Callable[[str], TestClient],
) -> None:
    for name in ("jyj", "leader"):
        page = client_for(name).get("/audit")
        assert page.status_code == 403
        assert "发布方案" not in page.text


def test_filters_by_action_object_actor_and_date(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    client = client_for("dudao")
    assert rows(client.get("/audit", params={"action": "plan.publish"}).text) == [
        event_id(store, "plan.publish")
    ]
    users = rows(client.get("/audit", params={"object_type": "user"}).text)
    assert len(users) == 7  # the cast, each added once
    assert rows(client.get("/audit", params={"actor": "督导室"}).text) == []
    assert len(rows(client.get("/audit", params={"actor": "联席办"}).text)) >= 10
    old = client.get("/audit", params={"since": "2000-01-01", "until": "2000-12-31"})
    assert rows(old.text) == [] and "没有符合条件的记录" in old.text
    assert client.get("/audit", params={"since": "2000-13-01"}).status_code == 422


def test_pages_of_fifty_follow_each_other_by_id(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    with store.write() as session:
        for n in range(60):
            audit.record(session, actor="admin:测试", action="test.event", object_type="plan",
                         object_id=n, label=f"第{n}条")  # fmt: skip
    client = client_for("admin")
    first = client.get("/audit", params={"action": "test.event"})
    ids = rows(first.text)
    assert len(ids) == 50
    older = re.search(r'href="(/audit\?[^"]*before=\d+)"', first.text)
    assert older, "no link to older events"
    second = client.get(older.group(1).replace("&amp;", "&"))
    rest = rows(second.text)
    assert len(rest) == 10 and max(rest) < min(ids)
    assert "较新的记录" in second.text and "较早的记录" not in second.text
    newer = re.search(r'href="(/audit\?[^"]*after=\d+)"', second.text)
    assert newer, "no link back to newer events"
    assert rows(client.get(newer.group(1).replace("&amp;", "&")).text) == ids


def test_a_tampered_event_is_named_in_the_banner(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    publish = event_id(store, "plan.publish")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET label = '改过的标题' WHERE id = :id"),
                     {"id": publish})  # fmt: skip
    page = client_for("dudao").get("/audit")
    assert page.status_code == 200
    assert "审计链校验未通过" in page.text
    assert f"第 {publish} 号记录" in page.text and "记录被修改" in page.text
    assert f'href="/audit?before={publish + 1}#event-{publish}"' in page.text
