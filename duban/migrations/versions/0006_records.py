"""School records: uploads (record_batches) and their rows (records), fields as JSON.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from duban.models.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["units.id"], name=op.f("fk_record_batches_school_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_batches")),
    )
    op.create_index("ix_record_batches_scope", "record_batches", ["kind", "school_id", "year"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(300), nullable=False),
        sa.Column("data", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["record_batches.id"],
            ondelete="CASCADE",
            name=op.f("fk_records_batch_id_record_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["units.id"], name=op.f("fk_records_school_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint("kind", "school_id", "year", "identity", name=op.f("uq_records_kind")),
    )
    op.create_index(op.f("ix_records_batch_id"), "records", ["batch_id"])
    op.create_index("ix_records_kind_year_school", "records", ["kind", "year", "school_id"])


def downgrade() -> None:
    op.drop_index("ix_records_kind_year_school", table_name="records")
    op.drop_index(op.f("ix_records_batch_id"), table_name="records")
    op.drop_table("records")
    op.drop_index("ix_record_batches_scope", table_name="record_batches")
    op.drop_table("record_batches")
