"""School records (学校数据): rows of a declared kind, per school and school year.

A kind's fields live in ``data`` (JSON; JSONB on PostgreSQL), as ``duban/catalogue/
record_kinds.yaml`` declares them, so a new kind or field is catalogue data, not a migration.
Each upload is a ``RecordBatch``; its rows become the school's current rows of that kind and
year (``Record.current``). Earlier uploads' rows stay, no longer current, with their batches as
the history of who uploaded what and when (with the file's sha256): a past date's figures are
computed from the rows that were current then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from duban.models.base import Base, utcnow

RecordData = JSON().with_variant(JSONB(), "postgresql")


class RecordBatch(Base):
    """One accepted upload of a school's rows of one kind for one school year."""

    __tablename__ = "record_batches"
    __table_args__ = (Index("ix_record_batches_scope", "kind", "school_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    """The school year by the calendar year it starts in: 2022 is 2022—2023学年."""
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    source_name: Mapped[str] = mapped_column(String(255), default="")
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Record(Base):
    """One row of a school's upload: the fields of its kind in ``data``."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("batch_id", "identity"),
        Index("ix_records_kind_year_school", "kind", "year", "current", "school_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("record_batches.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    row: Mapped[int]
    """The row it came from in the uploaded sheet (for the drill-down)."""
    identity: Mapped[str] = mapped_column(String(300))
    """The kind's identity fields joined, e.g. the staff number: one row per identity."""
    current: Mapped[bool] = mapped_column(default=True, server_default=true())
    """A row of its (kind, school, year)'s latest upload; a later upload supersedes it."""
    data: Mapped[dict[str, Any]] = mapped_column(RecordData)
