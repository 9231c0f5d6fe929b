"""Reminder channels per unit: add, remove, enable or disable, or load them from a YAML file.

Every change is audited (the secret is never written to the audit trail, only whether one is
set). Bad input raises ``Invalid`` with a Chinese message naming the field at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain.reminders import CHANNEL_KINDS, CHANNEL_LABELS
from duban.models import ReminderChannel, Unit
from duban.services.channels import recipients
from duban.services.errors import Conflict, Invalid, NotFound

_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
_URL = re.compile(r"https?://[^\s]+")
SIGNED = ("dingtalk", "feishu")
"""Robots that take a signing secret (DingTalk 加签, Feishu 签名校验)."""


def add_channel(
    session: Session, unit_key: str, kind: str, target: str, *, secret: str | None = None,
    note: str = "", enabled: bool = True, actor: str,
) -> ReminderChannel:  # fmt: skip
    """A new channel for the unit ``unit_key``; the same kind and target twice is refused."""
    unit = _unit(session, unit_key)
    kind, target, secret = _checked(kind, target, secret)
    found = session.scalars(
        select(ReminderChannel).where(
            ReminderChannel.unit_id == unit.id,
            ReminderChannel.kind == kind,
            ReminderChannel.target == target,
        )
    ).first()
    if found is not None:
        raise Conflict(f"{unit.name}已有此{CHANNEL_LABELS[kind]}渠道（编号 {found.id}）")
    channel = ReminderChannel(unit_id=unit.id, kind=kind, target=target, secret=secret,
                              note=note.strip()[:200], enabled=enabled)  # fmt: skip
    session.add(channel)
    session.flush()
    _audit(session, channel, unit, "reminder_channel.add", actor, None, _snapshot(channel))
    return channel


def remove_channel(session: Session, channel_id: int, *, actor: str) -> None:
    """Remove a channel and its delivery log."""
    channel, unit = _channel(session, channel_id)
    _audit(session, channel, unit, "reminder_channel.remove", actor, _snapshot(channel), None)
    session.delete(channel)


def set_enabled(session: Session, channel_id: int, enabled: bool, *, actor: str) -> None:
    """Switch a channel on or off (a disabled channel keeps its log and is not sent to)."""
    channel, unit = _channel(session, channel_id)
    if channel.enabled == enabled:
        return
    before = _snapshot(channel)
    channel.enabled = enabled
    _audit(session, channel, unit, "reminder_channel.edit", actor, before, _snapshot(channel))


@dataclass(frozen=True)
class LoadResult:
    added: int
    unchanged: int


def load_channels(session: Session, text: str, *, actor: str) -> LoadResult:
    """Channels from YAML: ``{unit key: [{kind, target, secret?, note?, enabled?}, …]}``.

    Channels already there (same unit, kind, target) are left as they are; anything malformed
    refuses the whole file, naming the unit and entry.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Invalid(f"渠道文件不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise Invalid("渠道文件应为“单位 key: 渠道列表”的映射")
    added = unchanged = 0
    for unit_key, entries in data.items():
        for n, entry in enumerate(_entries(unit_key, entries), 1):
            try:
                add_channel(session, str(unit_key), **entry, actor=actor)
                added += 1
            except Conflict:
                unchanged += 1
            except (Invalid, NotFound) as exc:
                raise Invalid(f"单位 {unit_key} 第{n}个渠道：{exc.message}") from None
    return LoadResult(added, unchanged)


def _entries(unit_key: object, entries: object) -> list[dict[str, Any]]:
    allowed = {"kind", "target", "secret", "note", "enabled"}
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Invalid(f"单位 {unit_key} 的渠道应为列表，每项含 kind 和 target")
    for n, entry in enumerate(entries, 1):
        unknown = set(entry) - allowed
        if unknown or not {"kind", "target"} <= set(entry):
            fields = "kind、target（可选 secret、note、enabled）"
            raise Invalid(f"单位 {unit_key} 第{n}个渠道应含 {fields}")
    return [{k: (v if k == "enabled" else str(v)) for k, v in e.items()} for e in entries]


def _checked(kind: str, target: str, secret: str | None) -> tuple[str, str, str | None]:
    kind, target, secret = kind.strip().lower(), target.strip(), (secret or "").strip() or None
    if kind not in CHANNEL_KINDS:
        raise Invalid(f"渠道类型“{kind}”无效，应为 {'、'.join(CHANNEL_KINDS)} 之一")
    if kind == "email":
        addresses = recipients(target)
        bad = [a for a in addresses if not _EMAIL.fullmatch(a)]
        if not addresses or bad:
            raise Invalid(f"邮件地址无效：{'、'.join(bad) or '（空）'}")
        target = ", ".join(addresses)
    elif not _URL.fullmatch(target):
        raise Invalid(f"{CHANNEL_LABELS[kind]}的地址应为 http:// 或 https:// 开头的网址")
    if secret is not None and kind not in SIGNED:
        raise Invalid(f"{CHANNEL_LABELS[kind]}不使用签名密钥")
    if len(target) > 500 or len(secret or "") > 200:
        raise Invalid("地址或密钥过长")
    return kind, target, secret


def _unit(session: Session, unit_key: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.key == unit_key.strip())).first()
    if unit is None:
        raise NotFound(f"没有 key 为“{unit_key}”的单位")
    return unit


def _channel(session: Session, channel_id: int) -> tuple[ReminderChannel, Unit]:
    channel = session.get(ReminderChannel, channel_id)
    if channel is None:
        raise NotFound(f"没有编号为 {channel_id} 的提醒渠道")
    unit = session.get(Unit, channel.unit_id)
    assert unit is not None  # the foreign key holds
    return channel, unit


def _snapshot(channel: ReminderChannel) -> dict[str, Any]:
    return {"kind": channel.kind, "target": channel.target, "secret_set": bool(channel.secret),
            "enabled": channel.enabled, "note": channel.note}  # fmt: skip


def _audit(
    session: Session, channel: ReminderChannel, unit: Unit, action: str, actor: str,
    before: dict[str, Any] | None, after: dict[str, Any] | None,
) -> None:  # fmt: skip
    label = f"{unit.name}：{CHANNEL_LABELS.get(channel.kind, channel.kind)} {channel.target}"
    audit.record(session, actor=actor, action=action, object_type="reminder_channel",
                 object_id=channel.id, label=label, before=before, after=after)  # fmt: skip
