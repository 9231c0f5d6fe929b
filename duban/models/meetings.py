"""Joint meetings (联席会议): the meeting, its attending units' sign-off (会签), its decisions
(议定事项, each tracked as a task of the decisions plan) and its attachments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duban.models.base import Base, utcnow


class Meeting(Base):
    """One meeting: ``draft`` while recorded, ``circulating`` while the minutes go round for
    sign-off, ``signed`` once every attending unit has signed. A deleted meeting's id is never
    given again (SQLite: AUTOINCREMENT, migration 0015; PostgreSQL's identity never reuses)."""

    __tablename__ = "meetings"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    """The meeting's ordinal (第3次联席会议 is 3); decisions' task numbers start with it."""
    number: Mapped[str] = mapped_column(String(64))
    held_on: Mapped[dt.date] = mapped_column(index=True)
    convener: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[list[Any]] = mapped_column(default=list)
    minutes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    circulated_on: Mapped[dt.date | None]

    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendee.id"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.seq"
    )
    files: Mapped[list[MeetingFile]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingFile.id"
    )


class MeetingAttendee(Base):
    """An attending unit; its leader signs the minutes (会签) with an optional opinion, or the
    supervision office records a sign-off that came back on paper (纸质会签): then ``paper`` is
    set, ``signed_by`` is the signer's name as written on the paper, ``recorded_by`` who entered
    it and ``file_id`` the scan kept as an attachment, if any."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    signed_on: Mapped[dt.date | None]
    signed_by: Mapped[str | None] = mapped_column(String(100))
    opinion: Mapped[str | None] = mapped_column(Text)
    paper: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_files.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    file: Mapped[MeetingFile | None] = relationship()


class Decision(Base):
    """A decision of the meeting; its lead and cooperating units and deadline live on its task
    (``task_id``), a task of the published decisions plan (``Plan.kind == 'meetings'``)."""

    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), unique=True)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class MeetingFile(Base):
    """An attachment, stored content-addressed like evidence (``services.evidence``)."""

    __tablename__ = "meeting_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))

    meeting: Mapped[Meeting] = relationship(back_populates="files")
