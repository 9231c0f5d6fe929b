"""Reminder runs against real servers (aiosmtpd, a local HTTP receiver), on both databases:
digests arrive once per unit per period with the unit's items; a failing channel is logged,
reported, and sent on a later run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from duban.config import Settings
from duban.db import Store
from duban.models import ReminderSent
from duban.queries.reminders import failed_deliveries, unit_digests
from duban.services import reminder_channels
from duban.services.reminders import plan_run, run_reminders
from tests.factories import ADMIN, assignment_id, published_sample, report
from tests.remind_servers import SECRET, Receiver, free_port, http_receiver, smtp_server

DAY = dt.date(2021, 7, 20)  # a Tuesday: task 17 overdue, task 1 due soon, Q2 unreported


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as r:
        yield r


def settings_for(store: Store, smtp_port: int) -> Settings:
    return dataclasses.replace(store.settings, smtp_host="127.0.0.1", smtp_port=smtp_port,
                               smtp_from="duban@zw.test", remind_timeout=5)  # fmt: skip


def add(store: Store, unit: str, kind: str, target: str, secret: str | None = None) -> int:
    with store.write() as session:
        return reminder_channels.add_channel(session, unit, kind, target, secret=secret,
                                             actor=ADMIN).id  # fmt: skip


def log(store: Store) -> list[ReminderSent]:
    with store.read() as session:
        return list(session.scalars(select(ReminderSent).order_by(ReminderSent.id)))


def test_digests_arrive_once_per_unit_with_its_items(store: Store) -> None:
    published_sample(store)
    add(store, "hy-gov", "email", "clerk@hy.test, head@hy.test")
    add(store, "zn-gov", "email", "clerk@zn.test")
    add(store, "zw-water", "email", "clerk@water.test")
    with smtp_server() as (port, inbox):
        settings = settings_for(store, port)
        first = run_reminders(store, settings, DAY)
        assert (first.sent, first.failed, first.skipped) == (3, 0, 0)
        assert len(inbox) == 3
        by_rcpt = {m["X-Rcpt"]: m for m in inbox}
        hy = by_rcpt["clerk@hy.test, head@hy.test"]
        assert "海原县人民政府" in hy["Subject"] and hy["From"] == "duban@zw.test"
        with store.read() as session:
            digests = {d.unit_key: d for d in unit_digests(session, DAY).values()}
        body = hy.get_content()
        assert body == digests["hy-gov"].text
        assert "任务17（牵头）" in body and "已逾期20天" in body
        water = by_rcpt["clerk@water.test"].get_content()
        assert "任务17" not in water  # another unit's items never reach it
        assert water.count("进展未报送") == len(digests["zw-water"].items)

        again = run_reminders(store, settings, DAY + dt.timedelta(days=2))  # same ISO week
        assert (again.sent, again.failed, again.skipped) == (0, 0, 3)
        assert len(inbox) == 3

        next_week = run_reminders(store, settings, DAY + dt.timedelta(days=7))
        assert next_week.sent == 3 and len(inbox) == 6
    assert {r.state for r in log(store)} == {"sent"}


def test_a_new_item_in_the_period_is_sent_but_fewer_items_are_not(store: Store) -> None:
    plan_id = published_sample(store)
    add(store, "hy-gov", "email", "clerk@hy.test")
    with smtp_server() as (port, inbox):
        settings = dataclasses.replace(settings_for(store, port), remind_period="month")
        assert run_reminders(store, settings, dt.date(2021, 6, 20)).sent == 1
        aid = assignment_id(store, plan_id, "3", "hy-gov")
        report(store, aid, dt.date(2021, 6, 21))  # Q1 still unreported; Q2 report in June
        assert run_reminders(store, settings, dt.date(2021, 6, 22)).skipped == 1  # subset
        assert run_reminders(store, settings, dt.date(2021, 7, 1)).sent == 1  # 17 now overdue
        assert len(inbox) == 2
        assert "已逾期1天" in inbox[1].get_content()


def test_robot_payloads_are_shaped_and_signed_as_each_robot_expects(
    store: Store, receiver: Receiver
) -> None:
    published_sample(store)
    add(store, "hy-gov", "webhook", f"{receiver.url}/hook")
    add(store, "hy-gov", "dingtalk", f"{receiver.url}/dingtalk?access_token=t0k", SECRET)
    add(store, "hy-gov", "wecom", f"{receiver.url}/wecom?key=k3y")
    add(store, "hy-gov", "feishu", f"{receiver.url}/feishu", SECRET)
    result = run_reminders(store, settings_for(store, free_port()), DAY)
    assert (result.sent, result.failed) == (4, 0)
    assert {r.path: r.verdict for r in receiver.requests} == {
        "/hook": "ok", "/dingtalk": "ok", "/wecom": "ok", "/feishu": "ok",
    }  # fmt: skip
    digest = result.deliveries[0].digest
    (hook,) = receiver.on("/hook")
    assert hook.body["unit"] == {"key": "hy-gov", "name": "海原县人民政府"}
    assert hook.body["as_of"] == "2021-07-20"
    assert sorted(i["key"] for i in hook.body["items"]) == sorted(digest.keys)
    assert hook.body["counts"]["overdue"] == 1
    (ding,) = receiver.on("/dingtalk")
    assert ding.query["access_token"] == ["t0k"]
    assert ding.body["markdown"]["title"] == digest.subject
    (wecom,) = receiver.on("/wecom")
    assert wecom.query["key"] == ["k3y"]
    assert len(wecom.body["markdown"]["content"].encode("utf-8")) <= 4096
    (feishu,) = receiver.on("/feishu")
    assert feishu.body["content"]["text"].startswith(digest.subject)


def test_a_robot_refusing_the_signature_is_a_failure(store: Store, receiver: Receiver) -> None:
    published_sample(store)
    add(store, "hy-gov", "dingtalk", f"{receiver.url}/dingtalk?access_token=t", "SECwrong")
    result = run_reminders(store, settings_for(store, free_port()), DAY)
    assert (result.sent, result.failed) == (0, 1)
    assert receiver.requests[0].verdict == "refused"
    (row,) = log(store)
    assert row.state == "failed" and "310000" in (row.last_error or "")


def test_failing_channel_is_logged_reported_and_sent_on_the_next_run(
    store: Store, receiver: Receiver
) -> None:
    published_sample(store)
    add(store, "hy-gov", "webhook", f"{receiver.url}/flaky")
    add(store, "zn-gov", "webhook", f"{receiver.url}/steady")
    settings = settings_for(store, free_port())
    receiver.failing.add("/flaky")
    first = run_reminders(store, settings, DAY)
    assert (first.sent, first.failed) == (1, 1)
    (failed,) = [d for d in first.deliveries if d.error]
    assert failed.digest.unit_key == "hy-gov" and failed.error.startswith("HTTP 500")
    with store.read() as session:
        (pending,) = failed_deliveries(session)
    assert pending.unit_name == "海原县人民政府" and pending.attempts == 1

    still = run_reminders(store, settings, DAY)  # still down: tried again, not lost
    assert (still.sent, still.failed, still.skipped) == (0, 1, 1)
    receiver.failing.clear()
    later = run_reminders(store, settings, DAY + dt.timedelta(days=1))
    assert (later.sent, later.failed, later.skipped) == (1, 0, 1)
    assert len(receiver.on("/flaky")) == 3 and len(receiver.on("/steady")) == 1
    rows = {r.channel_id: r for r in log(store)}
    assert sorted((r.state, r.attempts) for r in rows.values()) == [("sent", 1), ("sent", 3)]
    with store.read() as session:
        assert failed_deliveries(session) == []
    assert run_reminders(store, settings, DAY + dt.timedelta(days=2)).sent == 0


def test_unreachable_servers_are_failures_not_crashes(store: Store) -> None:
    published_sample(store)
    add(store, "hy-gov", "webhook", f"http://127.0.0.1:{free_port()}/closed")
    add(store, "hy-gov", "email", "clerk@hy.test")
    result = run_reminders(store, settings_for(store, free_port()), DAY)
    assert (result.sent, result.failed) == (0, 2)
    assert all(d.error for d in result.deliveries)
    assert [r.state for r in log(store)] == ["failed", "failed"]


def test_failure_from_an_earlier_period_is_superseded_once_a_digest_gets_through(
    store: Store, receiver: Receiver
) -> None:
    published_sample(store)
    add(store, "hy-gov", "webhook", f"{receiver.url}/flaky")
    settings = settings_for(store, free_port())
    receiver.failing.add("/flaky")
    run_reminders(store, settings, DAY)
    receiver.failing.clear()
    run_reminders(store, settings, DAY + dt.timedelta(days=7))
    assert sorted((r.period_key, r.state) for r in log(store)) == [
        ("2021-W29", "superseded"), ("2021-W30", "sent"),
    ]  # fmt: skip


def test_dry_run_sends_and_writes_nothing(store: Store, receiver: Receiver) -> None:
    published_sample(store)
    add(store, "hy-gov", "webhook", f"{receiver.url}/hook")
    planned = plan_run(store, settings_for(store, free_port()), DAY)
    assert len(planned.deliveries) == 1
    assert len(planned.digests) > 20 and "海原县人民政府" not in planned.without_channel
    assert receiver.requests == [] and log(store) == []


def test_disabled_channel_is_not_sent_to(store: Store, receiver: Receiver) -> None:
    published_sample(store)
    channel = add(store, "hy-gov", "webhook", f"{receiver.url}/hook")
    with store.write() as session:
        reminder_channels.set_enabled(session, channel, False, actor=ADMIN)
    result = run_reminders(store, settings_for(store, free_port()), DAY, unit_key="hy-gov")
    assert result.deliveries == [] and result.without_channel == ["海原县人民政府"]
    assert receiver.requests == []
