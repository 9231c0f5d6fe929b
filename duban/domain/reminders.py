"""Reminder digests: what a unit is reminded of, how it reads, and when it counts as already sent.

A digest is a view on the status engine, never a second set of rules: its items are the unit's
assignments the engine calls overdue, due soon or unreported as of a day, plus the supervision
actions still awaiting the unit. Pure functions: items in, subject / text / Markdown out.

Each item has a stable ``key`` naming the thing and the fact reminded of (an assignment's
deadline, the period left unreported, an action's due date). A channel is sent a digest in a
reminder period (``period_key``) only when it carries a key that channel has not yet received in
that period — so the same reminder never goes out twice, yet a new overdue item does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

CHANNEL_KINDS = ("email", "webhook", "dingtalk", "wecom", "feishu")
"""The ways a unit can be reached: SMTP mail, a generic JSON webhook, three group robots."""
CHANNEL_LABELS = {
    "email": "电子邮件",
    "webhook": "通用 Webhook",
    "dingtalk": "钉钉群机器人",
    "wecom": "企业微信群机器人",
    "feishu": "飞书群机器人",
}
PERIODS = ("day", "week", "month")
"""How long a reminder stays 'sent': the same items go out at most once per day, week or month."""


class ItemKind(StrEnum):
    OVERDUE = "overdue"
    ACTION = "action"
    UNREPORTED = "unreported"
    DUE_SOON = "due_soon"


SECTIONS = {
    ItemKind.OVERDUE: "已逾期",
    ItemKind.ACTION: "待办督办事项",
    ItemKind.UNREPORTED: "未报送进展",
    ItemKind.DUE_SOON: "即将到期",
}
"""Section titles, in the order a digest shows them (most pressing first)."""
ROLE_LABELS = {"lead": "牵头", "coop": "配合"}


@dataclass(frozen=True)
class Item:
    """One thing a unit is reminded of.

    ``ref`` is the assignment id (action id for actions); ``number`` the task number (the
    action's document number); ``due_on`` the deadline, the last day a period's report still
    counts, or the action's due date; ``period`` the period key and ``period_label`` its name
    (unreported only); ``detail`` the action's kind in Chinese.
    """

    kind: ItemKind
    ref: int
    plan: str
    number: str
    title: str
    due_on: dt.date | None = None
    role: str | None = None
    period: str | None = None
    period_label: str | None = None
    detail: str | None = None

    @property
    def key(self) -> str:
        """What this reminder is about: the same key means the same reminder."""
        fact = self.period if self.kind is ItemKind.UNREPORTED else self.due_on
        return f"{self.kind.value}:{self.ref}:{fact or '-'}"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "key": self.key,
            "plan": self.plan,
            "number": self.number,
            "title": self.title,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "role": self.role,
            "period": self.period,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Digest:
    """One unit's reminder as of a day: its items in display order, and their renderings."""

    unit_key: str
    unit_name: str
    as_of: dt.date
    items: tuple[Item, ...]
    subject: str = ""
    text: str = ""
    markdown: str = ""
    keys: tuple[str, ...] = field(default=())

    @property
    def items_hash(self) -> str:
        return items_hash(self.keys)

    def to_json(self) -> dict[str, object]:
        """The generic webhook's payload (and ``duban remind --json``)."""
        return {
            "unit": {"key": self.unit_key, "name": self.unit_name},
            "as_of": self.as_of.isoformat(),
            "subject": self.subject,
            "text": self.text,
            "counts": {kind.value: n for kind, n in counts(self.items).items()},
            "items": [item.to_json() for item in self.items],
        }


def build_digest(unit_key: str, unit_name: str, as_of: dt.date, items: Iterable[Item]) -> Digest:
    """The digest of ``items`` for a unit: sorted by section, then due date and task number."""
    order = list(SECTIONS)
    ordered = tuple(
        sorted(
            set(items),
            key=lambda i: (order.index(i.kind), i.due_on or dt.date.max, _num(i.number), i.ref),
        )
    )
    subject = _subject(unit_name, as_of, ordered)
    return Digest(
        unit_key, unit_name, as_of, ordered, subject,
        _text(unit_name, as_of, ordered), _markdown(subject, unit_name, as_of, ordered),
        tuple(sorted(i.key for i in ordered)),
    )  # fmt: skip


def items_hash(keys: Iterable[str]) -> str:
    """SHA-256 of the sorted item keys: the identity of a digest's content."""
    return hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).hexdigest()


def period_key(as_of: dt.date, every: str = "week") -> str:
    """The reminder period holding ``as_of``: ``2021-07-31``, ``2021-W30`` (ISO), ``2021-07``."""
    if every == "day":
        return as_of.isoformat()
    if every == "month":
        return f"{as_of.year}-{as_of.month:02d}"
    if every == "week":
        year, week, _ = as_of.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"reminder period must be one of {PERIODS}, got {every!r}")


def is_new(keys: Sequence[str], delivered: set[str]) -> bool:
    """Whether a digest with ``keys`` carries anything the channel has not received this period."""
    return bool(keys) and not set(keys) <= delivered


def counts(items: Iterable[Item]) -> dict[ItemKind, int]:
    out = dict.fromkeys(SECTIONS, 0)
    for item in items:
        out[item.kind] += 1
    return out


def cn_day(day: dt.date) -> str:
    """``2021年7月31日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def item_line(item: Item, as_of: dt.date, *, with_plan: bool = False) -> str:
    """One item as a line of Chinese: what it is, then what is due when."""
    plan = f"《{item.plan}》" if with_plan else ""
    if item.kind is ItemKind.ACTION:
        head = f"{item.detail or '督办事项'} {item.number}：{item.title}"
    else:
        role = f"（{ROLE_LABELS[item.role]}）" if item.role in ROLE_LABELS else ""
        head = f"{plan}任务{item.number}{role}：{item.title}"
    return f"{head} —— {_due(item, as_of)}"


def _due(item: Item, as_of: dt.date) -> str:
    due = item.due_on
    if item.kind is ItemKind.UNREPORTED:
        limit = f"，应于{cn_day(due)}前报送" if due else ""
        return f"{item.period_label or item.period}进展未报送{limit}"
    if due is None:
        return "未定期限"
    word = "完成时限" if item.kind is not ItemKind.ACTION else "答复期限"
    days = (due - as_of).days
    if days < 0:
        return f"{word}{cn_day(due)}，已逾期{-days}天"
    if days == 0:
        return f"{word}{cn_day(due)}，今天到期"
    return f"{word}{cn_day(due)}，还有{days}天"


def _subject(unit_name: str, as_of: dt.date, items: Sequence[Item]) -> str:
    parts = [f"{SECTIONS[k]}{n}项" for k, n in counts(items).items() if n]
    summary = "、".join(parts) if parts else "无待办事项"
    return f"【督办提醒】{unit_name}：{summary}（{cn_day(as_of)}）"


def _sections(items: Sequence[Item]) -> list[tuple[str, list[Item]]]:
    return [
        (title, [i for i in items if i.kind is kind])
        for kind, title in SECTIONS.items()
        if any(i.kind is kind for i in items)
    ]


def _text(unit_name: str, as_of: dt.date, items: Sequence[Item]) -> str:
    several = len({i.plan for i in items}) > 1
    lines = [f"{unit_name}：", "", f"截至{cn_day(as_of)}，贵单位有以下事项需要办理："]
    for title, group in _sections(items):
        lines += ["", f"{title}（{len(group)}项）"]
        lines += [f"{n}. {item_line(i, as_of, with_plan=several)}" for n, i in enumerate(group, 1)]
    lines += ["", "请登录督办系统查看详情并按时报送。本提醒由系统自动发送。"]
    return "\n".join(lines) + "\n"


def _markdown(subject: str, unit_name: str, as_of: dt.date, items: Sequence[Item]) -> str:
    several = len({i.plan for i in items}) > 1
    lines = [f"### {subject}", "", f"截至{cn_day(as_of)}，{unit_name}有以下事项需要办理："]
    for title, group in _sections(items):
        lines += ["", f"**{title}（{len(group)}项）**", ""]
        lines += [f"- {item_line(i, as_of, with_plan=several)}" for i in group]
    lines += ["", "> 请登录督办系统查看详情并按时报送。"]
    return "\n".join(lines) + "\n"


def clip(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8 on a line boundary, marked as cut.

    Group robots refuse long messages (WeCom Markdown: 4096 bytes); the e-mail and the generic
    webhook carry the whole digest.
    """
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    tail = "\n……（内容过长，其余事项请登录系统查看）\n"
    budget = max_bytes - len(tail.encode("utf-8"))
    kept: list[str] = []
    used = 0
    for line in text.splitlines(keepends=True):
        size = len(line.encode("utf-8"))
        if used + size > budget:
            break
        kept.append(line)
        used += size
    return "".join(kept).rstrip("\n") + tail


def _num(number: str) -> tuple[int, str]:
    digits = "".join(c for c in number if c.isdigit())
    return (int(digits) if digits else 10**9, number)
