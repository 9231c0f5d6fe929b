"""Signed-in sessions kept on the server, so a sign-out or an admin can end one for good."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from duban.models.base import Base, utcnow


class UserSession(Base):
    """One sign-in: the cookie carries a random token, this row only its SHA-256 (a copy of the
    table signs nobody in). A row with ``ended_at`` set never signs anyone in again. A ticket for
    the form after a sign-in with an expired password is a row born ended (``rotate``)."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    """The last request seen, written at most every few minutes (not on every page view)."""
    ended_at: Mapped[dt.datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(16))
    """signout | password | disabled | expired | admin; a ticket: rotate (unused) | rotated"""
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
