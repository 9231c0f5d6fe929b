"""Paper sign-off (纸质会签) of a joint meeting's minutes.

An attending unit's sign-off may come back on paper; the supervision office records it:
``paper`` marks it, ``recorded_by`` says who entered it, ``file_id`` points at the scan kept as a
meeting attachment (``signed_by`` holds the signer's name as written).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_attendees") as batch:
        batch.add_column(
            sa.Column("paper", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("recorded_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("file_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_meeting_attendees_file_id_meeting_files"), "meeting_files", ["file_id"],
            ["id"], ondelete="SET NULL",
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("meeting_attendees") as batch:
        batch.drop_constraint(
            op.f("fk_meeting_attendees_file_id_meeting_files"), type_="foreignkey"
        )
        batch.drop_column("file_id")
        batch.drop_column("recorded_by")
        batch.drop_column("paper")
