"""Progress reports (进展报告) with figures per target, evidence files and period locks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duban.models.base import Base, utcnow


class Report(Base):
    """A unit's report on one assignment for one period; accepted reports are never edited."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_assignment_submitted", "assignment_id", "submitted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    period_key: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    claimed: Mapped[str] = mapped_column(String(16))
    narrative: Mapped[str] = mapped_column(Text, default="")
    late_reason: Mapped[str | None] = mapped_column(Text)
    submitted_on: Mapped[dt.date | None]
    accepted_on: Mapped[dt.date | None]
    returned_on: Mapped[dt.date | None]
    return_reason: Mapped[str | None] = mapped_column(Text)
    on_paper: Mapped[bool] = mapped_column(default=False)
    """Received on paper and entered later (补录): dates are the paper's, not the entry's."""
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    author: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    figures: Mapped[list[ReportFigure]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportFigure.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Evidence.id"
    )


class ReportFigure(Base):
    __tablename__ = "report_figures"
    __table_args__ = (UniqueConstraint("report_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    value: Mapped[float]

    report: Mapped[Report] = relationship(back_populates="figures")


class Evidence(Base):
    """An evidence file, stored content-addressed (sha256) under the data directory."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))

    report: Mapped[Report] = relationship(back_populates="evidence")


class PeriodLock(Base):
    """A closed reporting period of a plan: no report for it may change any more."""

    __tablename__ = "period_locks"
    __table_args__ = (UniqueConstraint("plan_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(16))
    locked_by: Mapped[str] = mapped_column(String(100))
    locked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
