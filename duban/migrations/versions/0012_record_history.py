"""School records keep their history: an upload supersedes the rows before it, not deletes them.

``records.current`` marks the rows of each (kind, school, year)'s latest upload; the rows of
earlier uploads stay, so a past date's indicators are computed from what the records said then.
An identity is unique within one upload.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_records_kind_year_school", table_name="records")
    with op.batch_alter_table("records") as batch:
        batch.add_column(
            sa.Column("current", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.drop_constraint("uq_records_kind", type_="unique")
        batch.create_unique_constraint("uq_records_batch_id", ["batch_id", "identity"])
    op.create_index(
        "ix_records_kind_year_school", "records", ["kind", "year", "current", "school_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_records_kind_year_school", table_name="records")
    op.execute(sa.text("DELETE FROM records WHERE NOT current"))
    with op.batch_alter_table("records") as batch:
        batch.drop_constraint("uq_records_batch_id", type_="unique")
        batch.create_unique_constraint("uq_records_kind", ["kind", "school_id", "year", "identity"])
        batch.drop_column("current")
    op.create_index("ix_records_kind_year_school", "records", ["kind", "year", "school_id"])
