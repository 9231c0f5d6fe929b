"""School records (学校数据): rows of a declared kind, per school and school year.

A kind's fields live in ``data`` (JSON; JSONB on PostgreSQL), as ``duban/catalogue/
record_kinds.yaml`` declares them, so a new kind or field is catalogue data, not a migration.
Each upload is a ``RecordBatch``; it replaces the school's rows of that kind and year, and the
batches stay as the history of who uploaded what (with the file's sha256).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
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
        UniqueConstraint("kind", "school_id", "year", "identity"),
        Index("ix_records_kind_year_school", "kind", "year", "school_id"),
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
    data: Mapped[dict[str, Any]] = mapped_column(RecordData)
