"""Server-side sessions, write side: start one at sign-in, end it (sign-out, password change,
disabled account, an admin, expiry), note that it is still in use, and delete the rows of
sessions long over.

A session ends for good: a cookie whose session has ended signs nobody in again, whatever its
signature says. Ending a user's sessions is one set-based UPDATE. ``last_seen_at`` is written
only when it has grown staler than ``Limits.touch_every`` (a few minutes), so a page view is not
a write. Sign-outs and expiries are kept in the row itself (when, why), as sign-ins are kept in
``login_attempts``, for ``KEEP`` (30 days) after the session is over; an admin ending a user's
sessions is an admin action and is audited.

A right but expired password (rotation) gets a *ticket* instead of a session: a row of the same
table, born ended (reason ``rotate``), so it can never sign anyone in; its token only lets the
form asking for a new password name the account, for ``TICKET_LIFETIME``, once (``rotated``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from duban import audit
from duban.models import User, UserSession
from duban.models.base import utcnow
from duban.queries.sessions import ROTATE, ROTATED, rotation_pending, token_hash

REASONS = ("signout", "password", "disabled", "expired", "admin")
KEEP = dt.timedelta(days=30)
"""How long the row of a session that is over is kept (who signed in when, from where)."""


def start_session(
    session: Session, user_id: int, *, address: str, user_agent: str, lifetime: dt.timedelta
) -> str:
    """A new session for ``user_id``; returns the token for the cookie (the table keeps only its
    hash, so the token exists nowhere else). Rows over for more than ``KEEP`` go on the way
    (``purge_sessions``; ``lifetime``: DUBAN_SESSION_MAX_HOURS)."""
    token = _new_row(session, user_id, address=address, user_agent=user_agent)
    purge_sessions(session, now=utcnow(), lifetime=lifetime)
    return token


def start_rotation(session: Session, user_id: int, *, address: str, user_agent: str) -> str:
    """A ticket for the form that asks ``user_id`` for a new password (see the module
    docstring); returns its token for the cookie."""
    return _new_row(session, user_id, address=address, user_agent=user_agent, ended=ROTATE)


def use_rotation(session: Session, ticket: str, user_id: int) -> bool:
    """Use up ``ticket`` of ``user_id``: True once, while it is young enough; never again."""
    query = (
        update(UserSession)
        .where(*rotation_pending(ticket, utcnow()), UserSession.user_id == user_id)
        .values(ended_reason=ROTATED)
    )
    return bool(session.execute(query).rowcount)  # type: ignore[attr-defined]


def purge_sessions(
    session: Session, *, now: dt.datetime, lifetime: dt.timedelta, keep: dt.timedelta = KEEP
) -> int:
    """Delete the rows of sessions (and tickets) over for more than ``keep``; how many.

    A session is over at its ``lifetime`` after sign-in at the latest (sooner when it ends or
    idles), so a row created before ``now - lifetime - keep`` has been over for more than
    ``keep``; one that ended early goes at most a lifetime later than that. Rows are numbered in
    the order they are made, so the cut is found by walking the primary key from the oldest row
    to the first one young enough: after the first purge that is a few rows, and the DELETE is a
    range of the primary key, cheap enough to run at every sign-in."""
    cutoff = now - lifetime - keep
    young = select(UserSession.id).where(UserSession.created_at >= cutoff)
    first_young = session.scalar(young.order_by(UserSession.id).limit(1))
    query = delete(UserSession).where(UserSession.created_at < cutoff)
    if first_young is not None:
        query = query.where(UserSession.id < first_young)
    return int(session.execute(query).rowcount)  # type: ignore[attr-defined]


def _new_row(
    session: Session, user_id: int, *, address: str, user_agent: str, ended: str | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    agent = "".join(c for c in user_agent if c.isprintable())[:200]
    session.add(UserSession(user_id=user_id, token_hash=token_hash(token), address=address[:64],
                            user_agent=agent, ended_at=utcnow() if ended else None,
                            ended_reason=ended))  # fmt: skip
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
