"""Server-side sessions, read side: the session a cookie's token names (on every request), a
user's sessions still in force (the admin's user list) and the account a password-rotation ticket
names (``duban.services.sessions`` says what a ticket is).

The cookie carries a random token; the table holds only ``token_hash(token)``, so a copy of the
table signs nobody in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from duban.models import User, UserSession
from duban.permissions import Actor

ROTATE, ROTATED = "rotate", "rotated"
"""``ended_reason`` of a password-rotation ticket not yet used, and of one used."""
TICKET_LIFETIME = dt.timedelta(minutes=10)
"""How long a rotation ticket lets its holder set a new password after the sign-in."""


@dataclass(frozen=True)
class Limits:
    """How long a session lasts: unused (``idle``) and at most (``lifetime``) since sign-in."""

    idle: dt.timedelta
    lifetime: dt.timedelta

    @classmethod
    def of(cls, idle_minutes: int, max_hours: int) -> Limits:
        return cls(dt.timedelta(minutes=idle_minutes), dt.timedelta(hours=max_hours))

    @property
    def touch_every(self) -> dt.timedelta:
        """How stale ``last_seen_at`` may grow before a request writes it again: five minutes,
        or less under a short idle timeout, so the timeout is never met early."""
        return min(dt.timedelta(minutes=5), self.idle / 4)


@dataclass(frozen=True)
class Found:
    """A session not ended, of an active user, with what the request needs."""

    session_id: int
    actor: Actor
    created_at: dt.datetime
    last_seen_at: dt.datetime

    def expired(self, now: dt.datetime, limits: Limits) -> bool:
        """Idle past the timeout, or older than the lifetime."""
        return now - self.last_seen_at > limits.idle or now - self.created_at > limits.lifetime

    def stale(self, now: dt.datetime, limits: Limits) -> bool:
        """``last_seen_at`` is older than the touch interval: this request should write it."""
        return now - self.last_seen_at > limits.touch_every


@dataclass(frozen=True)
class SessionRow:
    """One session in force, as the admin sees it (never the token or its hash)."""

    username: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    address: str
    user_agent: str


def token_hash(token: str) -> str:
    """What the table keeps of a session token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_session(session: Session, token: str) -> Found | None:
    """The session ``token`` names, if not ended and its user is active: one indexed read."""
    query = (
        select(UserSession.id, UserSession.created_at, UserSession.last_seen_at,
               User.id, User.username, User.role, User.unit_id)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None),
               User.active)
    )  # fmt: skip
    row = session.execute(query).first()
    if row is None:
        return None
    session_id, created, seen, user_id, username, role, unit_id = row
    return Found(session_id, Actor(user_id, username, role, unit_id), created, seen)


def sessions_in_force(
    session: Session, usernames: Iterable[str], *, now: dt.datetime, limits: Limits
) -> dict[str, list[SessionRow]]:
    """The sessions not ended and not yet expired of each of ``usernames``, latest first."""
    query = (
        select(User.username, UserSession.created_at, UserSession.last_seen_at,
               UserSession.address, UserSession.user_agent)
        .join(User, User.id == UserSession.user_id)
        .where(User.username.in_(list(usernames)), UserSession.ended_at.is_(None),
               UserSession.last_seen_at >= now - limits.idle,
               UserSession.created_at >= now - limits.lifetime)
        .order_by(User.username, UserSession.last_seen_at.desc())
    )  # fmt: skip
    found: dict[str, list[SessionRow]] = {}
    for row in session.execute(query):
        found.setdefault(row.username, []).append(SessionRow(*row))
    return found


def rotation_pending(ticket: str, now: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    """The row of ``ticket`` if it is a rotation ticket not used and younger than its lifetime."""
    return (
        UserSession.token_hash == token_hash(ticket),
        UserSession.ended_reason == ROTATE,
        UserSession.created_at >= now - TICKET_LIFETIME,
    )


def rotation_user(session: Session, ticket: str, now: dt.datetime) -> str | None:
    """The user name of the active account ``ticket`` was given to, while it may be used."""
    query = (
        select(User.username)
        .join(UserSession, UserSession.user_id == User.id)
        .where(*rotation_pending(ticket, now), User.active)
    )
    return session.scalars(query).first()
