"""Supervision actions (督办事项), responses and three-colour notices (issue 7).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from duban.models.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _actions()
    op.create_table(
        "action_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            ondelete="CASCADE",
            name=op.f("fk_action_responses_action_id_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_responses")),
    )
    op.create_index(op.f("ix_action_responses_action_id"), "action_responses", ["action_id"])
    op.create_table(
        "action_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["action_responses.id"],
            ondelete="CASCADE",
            name=op.f("fk_action_files_response_id_action_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_files")),
    )
    op.create_index(op.f("ix_action_files_response_id"), "action_files", ["response_id"])
    op.create_table(
        "action_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("verb", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            ondelete="CASCADE",
            name=op.f("fk_action_events_action_id_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_events")),
    )
    op.create_index(op.f("ix_action_events_action_id"), "action_events", ["action_id"])


def _actions() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("colour", sa.String(8), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("required_response", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], ondelete="CASCADE", name=op.f("fk_actions_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], ondelete="CASCADE", name=op.f("fk_actions_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_actions_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("number", name=op.f("uq_actions_number")),
    )
    op.create_index(op.f("ix_actions_plan_id"), "actions", ["plan_id"])
    op.create_index(op.f("ix_actions_unit_id"), "actions", ["unit_id"])
    op.create_index(op.f("ix_actions_state"), "actions", ["state"])
    op.create_index("ix_actions_task_unit", "actions", ["task_id", "unit_id"])


def downgrade() -> None:
    for table in ("action_events", "action_files", "action_responses", "actions"):
        op.drop_table(table)
