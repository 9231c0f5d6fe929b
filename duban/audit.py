"""The audit trail: ``record`` in the same transaction as the write, ``verify`` the whole chain.

Each event's hash covers its own fields and the previous event's hash, so an event changed,
removed or inserted afterwards breaks the chain from that point on. Writers are serialised
(SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock in ``Store.write``), so the chain never
forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.models import AuditEvent
from duban.models.base import utcnow

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Plain JSON for before/after snapshots: dates as ISO 8601, tuples as lists."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None,
    label: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    prev = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        label=label[:300],
        request_id=request_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        prev_hash=prev or GENESIS,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def event_hash(event: AuditEvent) -> str:
    body = {
        "prev": event.prev_hash,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "label": event.label,
        "request_id": event.request_id,
        "before": event.before,
        "after": event.after,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    broken_id: int | None = None
    reason: str | None = None


def verify(session: Session) -> ChainCheck:
    """Walk the chain in order; name the first event whose link or content does not hold."""
    prev = GENESIS
    count = 0
    events = session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    for event in events:
        count += 1
        if event.prev_hash != prev:
            return ChainCheck(False, count, event.id, "与前一条记录的链接不符（记录被删除或插入）")
        if event_hash(event) != event.hash:
            return ChainCheck(False, count, event.id, "记录内容与其哈希不符（记录被修改）")
        prev = event.hash
    return ChainCheck(True, count)
