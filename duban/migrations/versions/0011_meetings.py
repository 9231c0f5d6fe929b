"""Joint meetings (联席会议), attendees, sign-off and decisions (issue 7).

Plans get a ``kind``: ``plan`` (a division-of-labour plan) or ``meetings`` (the joint meeting's
decisions, each a task, so the ledger tracks them like any other).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from duban.models.base import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="plan"))
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("convener", sa.String(100), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("circulated_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("seq", name=op.f("uq_meetings_seq")),
    )
    op.create_index(op.f("ix_meetings_held_on"), "meetings", ["held_on"])
    op.create_table(
        "meeting_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_by", sa.String(100), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            ondelete="CASCADE",
            name=op.f("fk_meeting_attendees_meeting_id_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_meeting_attendees_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendees")),
        sa.UniqueConstraint("meeting_id", "unit_id", name=op.f("uq_meeting_attendees_meeting_id")),
    )
    op.create_index(op.f("ix_meeting_attendees_unit_id"), "meeting_attendees", ["unit_id"])
    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            ondelete="CASCADE",
            name=op.f("fk_meeting_decisions_meeting_id_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_meeting_decisions_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decisions")),
        sa.UniqueConstraint("task_id", name=op.f("uq_meeting_decisions_task_id")),
    )
    op.create_index(op.f("ix_meeting_decisions_meeting_id"), "meeting_decisions", ["meeting_id"])
    op.create_table(
        "meeting_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            ondelete="CASCADE",
            name=op.f("fk_meeting_files_meeting_id_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_files")),
    )
    op.create_index(op.f("ix_meeting_files_meeting_id"), "meeting_files", ["meeting_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_meeting_files_meeting_id"), table_name="meeting_files")
    op.drop_table("meeting_files")
    op.drop_index(op.f("ix_meeting_decisions_meeting_id"), table_name="meeting_decisions")
    op.drop_table("meeting_decisions")
    op.drop_index(op.f("ix_meeting_attendees_unit_id"), table_name="meeting_attendees")
    op.drop_table("meeting_attendees")
    op.drop_index(op.f("ix_meetings_held_on"), table_name="meetings")
    op.drop_table("meetings")
    if op.get_bind().dialect.name == "sqlite":
        # in place: a batch copy drops and re-creates `plans`, and with foreign keys on, dropping
        # it deletes every task, assignment and target through ON DELETE CASCADE
        op.execute("ALTER TABLE plans DROP COLUMN kind")
    else:
        op.drop_column("plans", "kind")
