"""Server-side sessions, write side: start one at sign-in, end it (sign-out, password change,
disabled account, an admin, expiry), and note that it is still in use.

A session ends for good: a cookie whose session has ended signs nobody in again, whatever its
signature says. Ending a user's sessions is one set-based UPDATE. ``last_seen_at`` is written
only when it has grown staler than ``Limits.touch_every`` (a few minutes), so a page view is not
a write. Sign-outs and expiries are kept in the row itself (when, why), as sign-ins are kept in
``login_attempts``; an admin ending a user's sessions is an admin action and is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from duban import audit
from duban.models import User, UserSession
from duban.models.base import utcnow
from duban.queries.sessions import token_hash

REASONS = ("signout", "password", "disabled", "expired", "admin")


def start_session(session: Session, user_id: int, *, address: str, user_agent: str) -> str:
    """A new session for ``user_id``; returns the token for the cookie (the table keeps only its
    hash, so the token exists nowhere else)."""
    token = secrets.token_urlsafe(32)
    agent = "".join(c for c in user_agent if c.isprintable())[:200]
    session.add(UserSession(user_id=user_id, token_hash=token_hash(token), address=address[:64],
                            user_agent=agent))  # fmt: skip
    session.flush()
    return token


def end_session(session: Session, token: str, *, reason: str) -> bool:
    """End the session ``token`` names; False if there was none in force."""
    assert reason in REASONS, reason
    query = (
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    return bool(session.execute(query).rowcount)  # type: ignore[attr-defined]


def end_user_sessions(
    session: Session, user_id: int, *, reason: str, keep: str | None = None
) -> int:
    """End every session of ``user_id`` still in force but the one ``keep`` (a token) names;
    how many ended."""
    assert reason in REASONS, reason
    query = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    if keep is not None:
        query = query.where(UserSession.token_hash != token_hash(keep))
    return int(session.execute(query).rowcount)  # type: ignore[attr-defined]


def end_sessions_of(session: Session, user: User, *, actor: str) -> int:
    """An admin ends all of ``user``'s sessions (a lost laptop, a shared computer): audited."""
    ended = end_user_sessions(session, user.id, reason="admin")
    if ended:
        audit.record(session, actor=actor, action="user.sessions_end", object_type="user",
                     object_id=user.id, label=user.username,
                     after={"sessions_ended": ended})  # fmt: skip
    return ended


def touch_session(session: Session, session_id: int, now: dt.datetime) -> None:
    """Note that the session is still in use (called when ``last_seen_at`` has grown stale)."""
    query = (
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.ended_at.is_(None))
        .values(last_seen_at=now)
    )
    session.execute(query)
