"""Reminder channels per unit (e-mail, webhooks, group robots) and the log of digests sent.

A ``ReminderChannel`` is one way to reach a unit: an e-mail address list, a generic JSON webhook,
or a DingTalk / WeCom / Feishu group robot (with its signing secret where the robot needs one).
A ``ReminderSent`` row records one digest through one channel for one reminder period, with the
keys of the items it carried: the next run sends again only what that channel has not already
delivered in the period, and retries a failed delivery (``attempts`` counts the tries).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from duban.models.base import Base, utcnow


class ReminderChannel(Base):
    __tablename__ = "reminder_channels"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """email | webhook | dingtalk | wecom | feishu (``domain.reminders.CHANNEL_KINDS``)."""
    target: Mapped[str] = mapped_column(String(500))
    """Addresses separated by commas (email) or the robot's / receiver's URL."""
    secret: Mapped[str | None] = mapped_column(String(200))
    """The robot's signing secret (DingTalk 加签, Feishu 签名校验); never shown back in full."""
    enabled: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReminderSent(Base):
    """One digest through one channel in one reminder period: sent, failed, or superseded."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("channel_id", "period_key", "items_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("reminder_channels.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(16))
    """The reminder period of the run (``2021-W30``, ``2021-07``, ``2021-07-31``)."""
    as_of: Mapped[dt.date]
    items_hash: Mapped[str] = mapped_column(String(64))
    items: Mapped[list[Any]] = mapped_column(default=list)
    """The digest's item keys (``domain.reminders.Item.key``)."""
    state: Mapped[str] = mapped_column(String(16))
    """sent | failed | superseded (a failed one later covered by a digest that went through)."""
    attempts: Mapped[int] = mapped_column(default=1)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
