"""Deadline extension requests (延期申请): a unit asks, the supervisor reviews, the admin decides.

An approved extension moves its assignment's deadline for status from the day it was decided
(``decided_on``); the task's own deadline is never changed, so the original stays on record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from duban.models.base import Base, utcnow


class Extension(Base):
    """One request to move an assignment's deadline, with the review and the decision on it.

    ``state``: requested → reviewed (the supervisor's opinion) → approved | refused (the admin's
    decision); requested or reviewed → withdrawn (the unit). ``approved_deadline`` may differ from
    the proposed one: the admin grants what they grant.
    """

    __tablename__ = "extensions"
    __table_args__ = (Index("ix_extensions_assignment_state", "assignment_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    requested_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(Text)
    proposed_deadline: Mapped[dt.date]
    original_deadline: Mapped[dt.date]
    """The deadline in force when the request was made (the task's, or an earlier extension's)."""
    state: Mapped[str] = mapped_column(String(16), default="requested")
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_on: Mapped[dt.date | None]
    review_agrees: Mapped[bool | None]
    """The supervisor's opinion: 同意 (True) or 不同意 (False), explained in ``review_opinion``."""
    review_opinion: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[dt.date | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    approved_deadline: Mapped[dt.date | None]
    author: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
