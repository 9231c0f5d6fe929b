"""绑定指标: an admin binds a target to an indicator (audited), changes and unbinds it; the task
page then says the actual is computed from the records and links to the rows behind it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.db import Store
from duban.models import AuditEvent, Target, Task
from tests.web.test_indicators import YEAR, seed

Client = Callable[[str], TestClient]


def double_target(store: Store) -> tuple[int, str]:
    """The 双师型 target of the sample plan: its id and its task's number."""
    with store.read() as session:
        target_id, number = session.execute(
            select(Target.id, Task.number).join(Task, Task.id == Target.task_id)
            .where(Target.metric.contains("双师型"))
        ).first()  # fmt: skip
        return target_id, number


def bound_to(store: Store, target_id: int) -> str | None:
    with store.read() as session:
        target = session.get(Target, target_id)
        assert target is not None
        return target.indicator


def binding_events(store: Store) -> list[AuditEvent]:
    with store.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "target.bind")))


def test_an_admin_binds_changes_and_unbinds_a_target(store: Store, client_for: Client) -> None:
    admin = client_for("admin")
    target_id, _ = double_target(store)
    page = admin.get("/indicators/bindings")
    assert page.status_code == 200
    row = re.search(rf'<tr id="t{target_id}".*?</tr>', page.text, re.S)
    assert row and "建议：双师型教师占专业教师比例" in row.group(0)
    assert 'value="training_bases"' not in row.group(0)  # a count cannot measure a percentage
    url = f"/indicators/bindings/{target_id}"
    done = admin.post(url, data={"indicator": "double_qualified_share"}, follow_redirects=False)
    assert done.status_code == 303 and bound_to(store, target_id) == "double_qualified_share"
    changed = admin.post(f"/indicators/bindings/{target_id}",
                         data={"indicator": "enterprise_practice_share"})  # fmt: skip
    assert changed.status_code == 200 and "已保存" in changed.text
    assert bound_to(store, target_id) == "enterprise_practice_share"
    admin.post(f"/indicators/bindings/{target_id}", data={"indicator": ""})
    assert bound_to(store, target_id) is None
    events = binding_events(store)
    assert [e.after for e in events] == [{"indicator": "double_qualified_share"},
                                         {"indicator": "enterprise_practice_share"},
                                         {"indicator": None}]  # fmt: skip
    assert {e.actor for e in events} == {"admin:admin"}


def test_a_binding_whose_units_disagree_is_refused_in_words(
    store: Store, client_for: Client
) -> None:
    target_id, _ = double_target(store)
    refused = client_for("admin").post(f"/indicators/bindings/{target_id}",
                                       data={"indicator": "training_bases"})  # fmt: skip
    assert refused.status_code == 400 and "不能绑定" in refused.text
    unknown = client_for("admin").post(f"/indicators/bindings/{target_id}",
                                       data={"indicator": "nothing"})  # fmt: skip
    assert unknown.status_code == 400 and "没有“nothing”这个指标" in unknown.text
    assert bound_to(store, target_id) is None and binding_events(store) == []
    assert client_for("admin").post("/indicators/bindings/999999", data={}).status_code == 404


def test_only_an_admin_may_bind(store: Store, client_for: Client) -> None:
    target_id, _ = double_target(store)
    for name in ("dudao", "jyj", "zwxx", "leader"):
        client = client_for(name)
        assert client.get("/indicators/bindings").status_code == 403
        refused = client.post(f"/indicators/bindings/{target_id}",
                              data={"indicator": "double_qualified_share"})  # fmt: skip
        assert refused.status_code == 403
    assert bound_to(store, target_id) is None


def test_the_task_page_links_a_bound_target_to_its_rows(store: Store, client_for: Client) -> None:
    seed(store)
    target_id, number = double_target(store)
    client_for("admin").post(f"/indicators/bindings/{target_id}",
                             data={"indicator": "double_qualified_share"})  # fmt: skip
    page = client_for("dudao").get(f"/tasks/1/{number}")
    assert "由学校数据计算：" in page.text
    link = re.search(r'由学校数据计算：<a href="([^"]+)">双师型教师占专业教师比例</a>', page.text)
    assert link, page.text
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith("/indicators/double_qualified_share?scope=")
    assert f"year={YEAR}" in href, href  # the year the records came from
    drill = client_for("dudao").get(href)
    assert drill.status_code == 200 and "计入的记录" in drill.text
    # a school's clerk opens only its own school: no link to the city's rows
    school_page = client_for("zwxx").get(f"/tasks/1/{number}")
    assert "由学校数据计算：双师型教师占专业教师比例" in school_page.text
