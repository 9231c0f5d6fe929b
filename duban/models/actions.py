"""Supervision actions (督办事项): reminders, three-colour notices, interviews, rectification
orders; the target unit's responses (with files) and the dated history of each action's state.

The history (``ActionEvent``) is what "as of" reads: the state of an action on a day is the state
its last event on or before that day left it in, so a past date shows what the ledger showed then.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duban.models.base import Base, utcnow


class Action(Base):
    """One action addressed to one unit, about a task of a plan (or the plan as a whole)."""

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_task_unit", "task_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The document number (中卫督办〔2026〕3号), given when the action is issued."""
    kind: Mapped[str] = mapped_column(String(16))  # reminder | notice | interview | rectification
    colour: Mapped[str | None] = mapped_column(String(8))  # blue | yellow | red (三色督办单)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    required_response: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[dt.date | None]
    due_on: Mapped[dt.date | None]
    state: Mapped[str] = mapped_column(String(16), index=True)
    """held | open (awaiting the unit) | answered | closed | withdrawn."""
    reason: Mapped[str | None] = mapped_column(Text)
    """Why it was held, withdrawn, closed or reopened (the latest such reason)."""
    rule: Mapped[str | None] = mapped_column(Text)
    """For a notice the escalation ladder called for: the rule and figures that called for it."""
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    responses: Mapped[list[ActionResponse]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionResponse.id"
    )
    events: Mapped[list[ActionEvent]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionEvent.id"
    )


class ActionResponse(Base):
    """The unit's answer to an action: text and files."""

    __tablename__ = "action_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    responded_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    action: Mapped[Action] = relationship(back_populates="responses")
    files: Mapped[list[ActionFile]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ActionFile.id"
    )


class ActionFile(Base):
    """A file attached to a response, stored content-addressed like evidence (sha256)."""

    __tablename__ = "action_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("action_responses.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))

    response: Mapped[ActionResponse] = relationship(back_populates="files")


class ActionEvent(Base):
    """One change of an action's state on a day: issue, hold, withdraw, respond, close, reopen."""

    __tablename__ = "action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date]
    verb: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    """The state the action is in after this event."""
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    action: Mapped[Action] = relationship(back_populates="events")
