"""Reminder channels per unit and the log of digests sent (issue 7).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from duban.models.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(200), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            ondelete="CASCADE",
            name=op.f("fk_reminder_channels_unit_id_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_channels")),
        sa.UniqueConstraint("unit_id", "kind", "target", name=op.f("uq_reminder_channels_unit_id")),
    )
    op.create_index(op.f("ix_reminder_channels_unit_id"), "reminder_channels", ["unit_id"])
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("items_hash", sa.String(64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            ondelete="CASCADE",
            name=op.f("fk_reminders_sent_unit_id_units"),
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["reminder_channels.id"],
            ondelete="CASCADE",
            name=op.f("fk_reminders_sent_channel_id_reminder_channels"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint(
            "channel_id", "period_key", "items_hash", name=op.f("uq_reminders_sent_channel_id")
        ),
    )
    op.create_index(op.f("ix_reminders_sent_unit_id"), "reminders_sent", ["unit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reminders_sent_unit_id"), table_name="reminders_sent")
    op.drop_table("reminders_sent")
    op.drop_index(op.f("ix_reminder_channels_unit_id"), table_name="reminder_channels")
    op.drop_table("reminder_channels")
