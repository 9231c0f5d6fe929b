"""Plans (方案) with their source document; tasks (任务), targets (目标), assignments (分工)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duban.models.base import Base, utcnow


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    basis: Mapped[list[Any]] = mapped_column(default=list)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_name: Mapped[str] = mapped_column(String(300))
    source_format: Mapped[str] = mapped_column(String(16))
    source: Mapped[bytes] = mapped_column(LargeBinary)
    text: Mapped[str] = mapped_column(Text)
    """The repaired text the importer's spans point into."""
    effective: Mapped[dt.date]
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published
    kind: Mapped[str] = mapped_column(String(16), default="plan", server_default="plan")
    """``plan`` (a division-of-labour plan) or ``meetings`` (the joint meeting's decisions)."""
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    cadence: Mapped[str] = mapped_column(String(16), default="quarterly")
    grace_days: Mapped[int] = mapped_column(default=10)
    warn_days: Mapped[int] = mapped_column(default=30)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]

    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Task.seq"
    )
    objectives: Mapped[list[Target]] = relationship(
        primaryjoin="and_(Plan.id == Target.plan_id, Target.task_id.is_(None))",
        order_by="Target.seq",
        viewonly=True,
    )


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    section: Mapped[str | None] = mapped_column(String(200))
    group_title: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date | None]
    ongoing: Mapped[bool] = mapped_column(default=False)
    deadline_text: Mapped[str | None] = mapped_column(String(200))
    lead_names: Mapped[list[Any]] = mapped_column(default=list)
    coop_names: Mapped[list[Any]] = mapped_column(default=list)
    """Unit names as the plan writes them; assignments are made from them when it is published."""
    spans: Mapped[dict[str, Any]] = mapped_column(default=dict)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    targets: Mapped[list[Target]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Target.seq"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Assignment.seq"
    )


class Target(Base):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(200))
    op: Mapped[str] = mapped_column(String(2))
    value: Mapped[float]
    value_max: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(100))
    period: Mapped[str | None] = mapped_column(String(32))
    span: Mapped[list[Any] | None]
    indicator: Mapped[str | None] = mapped_column(String(64))
    """The catalogue indicator that computes this target's actual from school records, if bound."""

    task: Mapped[Task | None] = relationship(back_populates="targets")


class Assignment(Base):
    """One unit's part of one task: lead (责任) or coop (配合)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # lead | coop
    seq: Mapped[int]
    named_as: Mapped[str] = mapped_column(String(200))
    """The name the plan wrote (a collective's member is assigned under the collective's name)."""

    task: Mapped[Task] = relationship(back_populates="assignments")
