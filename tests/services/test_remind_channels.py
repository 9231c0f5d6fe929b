"""Reminder channels as data: what is accepted, what is refused (in Chinese), YAML loading."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from duban.db import Store
from duban.models import ReminderChannel
from duban.services import reminder_channels
from duban.services.errors import Conflict, Invalid, NotFound
from tests.factories import ADMIN, published_sample


@pytest.mark.parametrize(
    ("kind", "target", "secret", "error"),
    [
        ("fax", "12345", None, "渠道类型“fax”无效"),
        ("email", "clerk-at-hy.test", None, "邮件地址无效：clerk-at-hy.test"),
        ("email", " ，", None, "邮件地址无效：（空）"),
        ("webhook", "ftp://hy.test/hook", None, "应为 http:// 或 https:// 开头的网址"),
        ("wecom", "https://qyapi.weixin.qq.com/x", "s", "企业微信群机器人不使用签名密钥"),
        ("email", "a@hy.test", "s", "电子邮件不使用签名密钥"),
    ],
)
def test_bad_channels_are_refused_naming_the_problem(
    store: Store, kind: str, target: str, secret: str | None, error: str
) -> None:
    published_sample(store)
    with pytest.raises(Invalid, match=error), store.write() as session:
        reminder_channels.add_channel(session, "hy-gov", kind, target, secret=secret, actor=ADMIN)


def test_addresses_are_normalised_and_duplicates_refused(store: Store) -> None:
    published_sample(store)
    with store.write() as session:
        made = reminder_channels.add_channel(session, "hy-gov", "EMAIL", "a@hy.test；b@hy.test、",
                                             actor=ADMIN)  # fmt: skip
        assert (made.kind, made.target) == ("email", "a@hy.test, b@hy.test")
    with pytest.raises(Conflict, match="已有此电子邮件渠道"), store.write() as session:
        reminder_channels.add_channel(session, "hy-gov", "email", "a@hy.test, b@hy.test",
                                      actor=ADMIN)  # fmt: skip
    with pytest.raises(NotFound, match="没有 key 为“nowhere”的单位"), store.write() as session:
        reminder_channels.add_channel(session, "nowhere", "email", "a@hy.test", actor=ADMIN)


YAML = """
hy-gov:
  - {kind: email, target: clerk@hy.test}
  - {kind: dingtalk, target: "https://oapi.dingtalk.com/robot/send?access_token=x", secret: SECx}
zn-gov:
  - {kind: wecom, target: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", enabled: false}
"""


def test_channels_load_from_yaml_and_a_second_load_changes_nothing(store: Store) -> None:
    published_sample(store)
    with store.write() as session:
        first = reminder_channels.load_channels(session, YAML, actor=ADMIN)
    with store.write() as session:
        second = reminder_channels.load_channels(session, YAML, actor=ADMIN)
    assert (first.added, first.unchanged, second.added, second.unchanged) == (3, 0, 0, 3)
    with store.read() as session:
        rows = list(session.scalars(select(ReminderChannel).order_by(ReminderChannel.id)))
    assert [(r.kind, r.enabled, r.secret) for r in rows] == [
        ("email", True, None), ("dingtalk", True, "SECx"), ("wecom", False, None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[1, 2]", "映射"),
        ("hy-gov: {kind: email}", "渠道应为列表"),
        ("hy-gov:\n  - {kind: email, target: a@hy.test, colour: red}", "第1个渠道应含"),
        ("hy-gov:\n  - {kind: email, target: a@hy.test}\n  - {kind: sms, target: x}", "第2个渠道"),
        ("nowhere:\n  - {kind: email, target: a@hy.test}", "单位 nowhere"),
        ("hy-gov: [", "不是有效的 YAML"),
    ],
)
def test_a_bad_yaml_file_is_refused_whole(store: Store, text: str, error: str) -> None:
    published_sample(store)
    with pytest.raises(Invalid, match=error), store.write() as session:
        reminder_channels.load_channels(session, text, actor=ADMIN)
    with store.read() as session:
        assert session.scalars(select(ReminderChannel)).first() is None
