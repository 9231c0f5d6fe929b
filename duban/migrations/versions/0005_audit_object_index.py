"""An index for finding an object's audit events (the audit log's filters, 已校正 marks).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_object", table_name="audit_events")
