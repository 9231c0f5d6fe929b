"""Reminder digests as pure functions: order, wording, keys, periods; robot signatures and bodies.

The signature vectors were computed independently with ``openssl dgst -sha256 -hmac`` (the
robots' published algorithms), not with our code.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from duban.domain.reminders import (
    Item,
    ItemKind,
    build_digest,
    clip,
    is_new,
    item_line,
    items_hash,
    period_key,
)
from duban.domain.robots import (
    dingtalk_body,
    dingtalk_sign,
    dingtalk_url,
    feishu_body,
    feishu_sign,
    robot_error,
    wecom_body,
)

DAY = dt.date(2021, 7, 20)
PLAN = "中卫市深化产教融合推进职业教育改革发展实施方案"


def item(kind: ItemKind, ref: int, number: str, due: dt.date | None, **kw: str) -> Item:
    return Item(kind, ref, PLAN, number, f"任务{number}的标题", due, kw.pop("role", "lead"), **kw)


OVERDUE = item(ItemKind.OVERDUE, 7, "17", dt.date(2021, 6, 30))
SOON = item(ItemKind.DUE_SOON, 3, "1", dt.date(2021, 7, 31))
UNREPORTED = item(ItemKind.UNREPORTED, 5, "2", dt.date(2021, 7, 10), period="2021-Q2",
                  period_label="2021年第2季度")  # fmt: skip
ACTION = Item(ItemKind.ACTION, 9, PLAN, "中卫督办〔2021〕3号", "限期报送整改方案",
              dt.date(2021, 7, 25), detail="限期整改")  # fmt: skip


def test_digest_orders_sections_by_urgency_and_names_them_in_the_subject() -> None:
    digest = build_digest("hy-gov", "海原县人民政府", DAY, [SOON, UNREPORTED, ACTION, OVERDUE])
    assert [i.kind for i in digest.items] == [
        ItemKind.OVERDUE, ItemKind.ACTION, ItemKind.UNREPORTED, ItemKind.DUE_SOON,
    ]  # fmt: skip
    assert digest.subject == (
        "【督办提醒】海原县人民政府：已逾期1项、待办督办事项1项、未报送进展1项、即将到期1项"
        "（2021年7月20日）"
    )
    text = digest.text
    assert text.index("已逾期（1项）") < text.index("待办督办事项（1项）") < text.index("即将到期")
    assert "任务17（牵头）：任务17的标题 —— 完成时限2021年6月30日，已逾期20天" in text
    assert "任务1（牵头）：任务1的标题 —— 完成时限2021年7月31日，还有11天" in text
    assert "2021年第2季度进展未报送，应于2021年7月10日前报送" in text
    assert (
        "限期整改 中卫督办〔2021〕3号：限期报送整改方案 —— 答复期限2021年7月25日，还有5天" in text
    )
    assert digest.markdown.startswith("### 【督办提醒】海原县人民政府")
    assert "- 任务17（牵头）" in digest.markdown


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (dt.date(2021, 7, 19), "已逾期1天"),
        (dt.date(2021, 7, 20), "今天到期"),
        (dt.date(2021, 7, 21), "还有1天"),
        (None, "未定期限"),
    ],
)
def test_item_line_counts_days_from_the_reminder_day(due: dt.date | None, words: str) -> None:
    assert item_line(item(ItemKind.DUE_SOON, 1, "4", due), DAY).endswith(words)


def test_coop_role_and_plan_shown_when_the_digest_spans_plans() -> None:
    other = Item(ItemKind.OVERDUE, 8, "另一方案", "3", "标题", dt.date(2021, 7, 1), "coop")
    digest = build_digest("zw-edu", "中卫市教育局", DAY, [OVERDUE, other])
    assert "《另一方案》任务3（配合）" in digest.text
    assert f"《{PLAN}》任务17（牵头）" in digest.text


def test_keys_name_the_fact_reminded_of() -> None:
    assert OVERDUE.key == "overdue:7:2021-06-30"
    assert UNREPORTED.key == "unreported:5:2021-Q2"
    assert ACTION.key == "action:9:2021-07-25"
    moved = item(ItemKind.OVERDUE, 7, "17", dt.date(2021, 7, 15))
    assert moved.key != OVERDUE.key  # a deadline moved by an extension is a new reminder


def test_hash_ignores_order_and_duplicates() -> None:
    one = build_digest("u", "单位", DAY, [OVERDUE, SOON])
    two = build_digest("u", "单位", DAY, [SOON, OVERDUE, SOON])
    assert one.items_hash == two.items_hash == items_hash([SOON.key, OVERDUE.key])
    assert one.items_hash != build_digest("u", "单位", DAY, [OVERDUE]).items_hash


@pytest.mark.parametrize(
    ("day", "every", "key"),
    [
        (dt.date(2021, 7, 20), "day", "2021-07-20"),
        (dt.date(2021, 7, 20), "week", "2021-W29"),
        (dt.date(2021, 7, 25), "week", "2021-W29"),  # Sunday ends the ISO week
        (dt.date(2021, 7, 26), "week", "2021-W30"),
        (dt.date(2021, 1, 3), "week", "2020-W53"),  # ISO year, not calendar year
        (dt.date(2021, 7, 20), "month", "2021-07"),
    ],
)
def test_reminder_period_keys(day: dt.date, every: str, key: str) -> None:
    assert period_key(day, every) == key


def test_unknown_reminder_period_is_refused() -> None:
    with pytest.raises(ValueError, match="reminder period"):
        period_key(DAY, "fortnight")


@pytest.mark.parametrize(
    ("keys", "delivered", "new"),
    [
        (["a", "b"], set(), True),
        (["a", "b"], {"a", "b"}, False),
        (["a"], {"a", "b"}, False),  # fewer items than last time: nothing new to say
        (["a", "c"], {"a", "b"}, True),
        ([], set(), False),
    ],
)
def test_a_digest_is_new_only_with_an_item_not_yet_delivered(
    keys: list[str], delivered: set[str], new: bool
) -> None:
    assert is_new(keys, delivered) is new


def test_clip_cuts_on_a_line_within_the_byte_budget() -> None:
    text = "".join(f"第{n}行：督办事项\n" for n in range(500))
    cut = clip(text, 4096)
    assert len(cut.encode("utf-8")) <= 4096
    assert cut.endswith("其余事项请登录系统查看）\n")
    assert "第0行：督办事项\n第1行" in cut
    assert clip("短\n", 4096) == "短\n"


# --- robots ---------------------------------------------------------------------------------------


def test_dingtalk_signature_matches_known_vector() -> None:
    assert dingtalk_sign("SECtest", 1577836800000) == "drlICLmsjUfpSZSa7+mhIyTLZHQVqxb4vc20sB3aqQU="


def test_dingtalk_url_appends_timestamp_and_url_encoded_sign() -> None:
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECtest",
                       1577836800000)  # fmt: skip
    assert url.endswith(
        "&timestamp=1577836800000&sign=drlICLmsjUfpSZSa7%2BmhIyTLZHQVqxb4vc20sB3aqQU%3D"
    )
    query = parse_qs(urlsplit(url).query)
    assert query["access_token"] == ["abc"]
    assert query["sign"] == ["drlICLmsjUfpSZSa7+mhIyTLZHQVqxb4vc20sB3aqQU="]
    assert dingtalk_url("https://x.test/robot", None, 1) == "https://x.test/robot"


def test_feishu_signature_matches_known_vector() -> None:
    assert feishu_sign("demo", 1599360473) == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="


def test_robot_bodies_have_each_robots_shape() -> None:
    digest = build_digest("hy-gov", "海原县人民政府", DAY, [OVERDUE])
    ding = dingtalk_body(digest)
    assert ding["msgtype"] == "markdown"
    assert ding["markdown"]["title"] == digest.subject
    assert "任务17" in ding["markdown"]["text"]
    assert wecom_body(digest) == {"msgtype": "markdown", "markdown": {"content": digest.markdown}}
    signed = feishu_body(digest, "demo", 1599360473)
    assert signed["timestamp"] == "1599360473"
    assert signed["sign"] == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
    assert signed["msg_type"] == "text"
    assert signed["content"]["text"].startswith(digest.subject)
    assert "sign" not in feishu_body(digest, None, 1)


def test_wecom_body_stays_within_4096_bytes() -> None:
    label = "2021年第2季度"
    many = [item(ItemKind.UNREPORTED, n, str(n), DAY, period="2021-Q2", period_label=label)
            for n in range(200)]  # fmt: skip
    content = wecom_body(build_digest("u", "单位", DAY, many))["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096


@pytest.mark.parametrize(
    ("kind", "answer", "refused"),
    [
        ("dingtalk", {"errcode": 0, "errmsg": "ok"}, False),
        ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, True),
        ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, True),
        ("feishu", {"code": 0, "msg": "success"}, False),
        ("feishu", {"StatusCode": 0}, False),
        ("feishu", {"code": 19021, "msg": "sign match fail"}, True),
        ("feishu", ["not", "an", "object"], True),
        ("webhook", {"anything": 1}, False),
    ],
)
def test_robot_refusals_are_read_from_the_answer(kind: str, answer: object, refused: bool) -> None:
    assert (robot_error(kind, answer) is not None) is refused
