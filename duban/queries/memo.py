"""Read-model results remembered per state of the database, so a busy page is computed once.

A plan's status as of a day is the same for every request until something is written: every
write that changes what the status reads leaves an audit event (``duban.audit``, one writer at a
time), so the latest event's hash names the state of the data. ``remembered`` keys a result by
the database, that hash and the caller's key, and keeps the most recently used few in this
process. A new event, a new day or another database is simply another key; nothing is ever
invalidated by hand, and a stale result cannot be served unless a write bypassed the audit trail.

Only read transactions (``Store.read()``) use it: inside a write the session may hold changes
that are not committed — or will be rolled back — and no event names them yet.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.db import READ_ONLY
from duban.models import AuditEvent

_STATE = "duban_state"
SIZE = 256

T = TypeVar("T")


class _Memo:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return True, self.items[key]
            self.misses += 1
            return False, None

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.hits = self.misses = 0


_memo = _Memo(SIZE)


def state(session: Session) -> tuple[str, str] | None:
    """``(database, latest audit hash)`` for a read-only session, read once per transaction;
    ``None`` when the session may write (its results must not be remembered)."""
    if not session.info.get(READ_ONLY) or session.new or session.dirty or session.deleted:
        return None
    known: tuple[str, str] | None = session.info.get(_STATE)
    if known is None:
        latest = session.scalars(
            select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        known = (session.get_bind().engine.url.render_as_string(), latest or "")
        session.info[_STATE] = known
    return known


def remembered(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``key`` in the database's current state, computed at most once
    per state while it stays among the recently used. The result is shared: callers must not
    change it (the status views are frozen for that reason)."""
    where = state(session)
    if where is None:
        return compute()
    full = (where, key)
    found, value = _memo.get(full)
    if found:
        result: T = value
        return result
    result = compute()
    _memo.put(full, result)
    return result


def stats() -> tuple[int, int]:
    """``(hits, misses)`` since the process started or ``forget()`` (for benchmarks)."""
    return _memo.hits, _memo.misses


def forget() -> None:
    """Drop everything remembered (a benchmark measuring the computation itself)."""
    _memo.clear()
