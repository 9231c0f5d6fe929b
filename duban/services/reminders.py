"""A reminder run: one digest per unit, through each of its enabled channels, logged.

The run reads (digests, channels, what each channel already received this reminder period),
sends outside any transaction (mail and webhooks are side effects, never inside one), then
records each outcome in its own short write transaction (``record_delivery``):

- a channel is sent a unit's digest only when it carries an item the channel has not received
  in the period (``domain.reminders.is_new``) — the same reminder never goes out twice;
- a failure is logged ``failed`` with its reason and counted; the next run, finding the items
  not yet received, sends again (``attempts`` grows on the same digest); once a digest gets
  through, the channel's earlier failures are marked ``superseded``;
- a crash between a send and its record means the next run sends again: at least once, never
  lost.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from duban.config import Settings
from duban.db import Store
from duban.domain.reminders import Digest, is_new, period_key
from duban.models import ReminderSent, Unit
from duban.models.base import utcnow
from duban.queries.reminders import delivered, enabled_channels, unit_digests
from duban.services.channels import Target, send
from duban.services.errors import NotFound


@dataclass(frozen=True)
class Delivery:
    """One digest for one channel, and (after the run) what became of it."""

    unit_id: int
    channel_id: int
    target: Target
    digest: Digest
    error: str | None = None


@dataclass
class RunResult:
    """What a run found and did; ``failed`` non-zero makes ``duban remind`` exit 1."""

    as_of: dt.date
    period_key: str
    digests: list[Digest] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: int = 0
    """Deliveries not made: the channel already received every item this period."""
    without_channel: list[str] = field(default_factory=list)
    """Units with something to be reminded of but no enabled channel."""

    @property
    def sent(self) -> int:
        return sum(1 for d in self.deliveries if d.error is None)

    @property
    def failed(self) -> int:
        return sum(1 for d in self.deliveries if d.error is not None)


def plan_run(
    store: Store, settings: Settings, as_of: dt.date, *, unit_key: str | None = None
) -> RunResult:
    """What a run would send as of ``as_of``: read only, nothing sent or written."""
    key = period_key(as_of, settings.remind_period)
    result = RunResult(as_of, key)
    with store.read() as session:
        if (
            unit_key is not None
            and session.scalar(select(Unit.id).where(Unit.key == unit_key)) is None
        ):
            raise NotFound(f"没有 key 为“{unit_key}”的单位")
        digests = unit_digests(session, as_of, unit_key=unit_key)
        channels = enabled_channels(session, list(digests))
        received = delivered(session, key)
    for unit_id, digest in digests.items():
        result.digests.append(digest)
        if not channels.get(unit_id):
            result.without_channel.append(digest.unit_name)
        for channel in channels.get(unit_id, []):
            if not is_new(digest.keys, received.get(channel.id, set())):
                result.skipped += 1
                continue
            target = Target(channel.kind, channel.target, channel.secret)
            result.deliveries.append(Delivery(unit_id, channel.id, target, digest))
    return result


def run_reminders(
    store: Store, settings: Settings, as_of: dt.date, *, unit_key: str | None = None,
    clock: Callable[[], float] = time.time,
) -> RunResult:  # fmt: skip
    """Send what ``plan_run`` finds and record every outcome (module docstring)."""
    result = plan_run(store, settings, as_of, unit_key=unit_key)
    done = []
    for delivery in result.deliveries:
        error = send(delivery.target, delivery.digest, settings, clock=clock)
        with store.write() as session:
            record_delivery(session, delivery, result.period_key, as_of, error)
        done.append(Delivery(delivery.unit_id, delivery.channel_id, delivery.target,
                             delivery.digest, error))  # fmt: skip
    result.deliveries = done
    return result


def record_delivery(
    session: Session, delivery: Delivery, period: str, as_of: dt.date, error: str | None
) -> ReminderSent:
    """Log one send: the digest's row for (channel, period, items) created or tried again."""
    digest = delivery.digest
    row = session.scalars(
        select(ReminderSent).where(
            ReminderSent.channel_id == delivery.channel_id,
            ReminderSent.period_key == period,
            ReminderSent.items_hash == digest.items_hash,
        )
    ).first()
    if row is None:
        row = ReminderSent(unit_id=delivery.unit_id, channel_id=delivery.channel_id,
                           period_key=period, items_hash=digest.items_hash,
                           items=list(digest.keys), attempts=0)  # fmt: skip
        session.add(row)
    row.as_of, row.attempts, row.last_error = as_of, row.attempts + 1, error
    row.state = "failed" if error else "sent"
    if error is None:
        row.sent_at = utcnow()
        session.flush()
        session.execute(
            update(ReminderSent)
            .where(ReminderSent.channel_id == delivery.channel_id)
            .where(ReminderSent.state == "failed", ReminderSent.id != row.id)
            .values(state="superseded")
        )
    session.flush()
    return row
