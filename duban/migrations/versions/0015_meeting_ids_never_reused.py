"""A deleted joint meeting's id is never given again.

SQLite gives a new row of a plain ``INTEGER PRIMARY KEY`` table the largest id plus one, so
deleting the newest meeting handed its id (its address, ``/meetings/5``, and its audit trail) to
the next meeting recorded. ``AUTOINCREMENT`` never goes back; SQLite can only add it by copying
the table (batch mode). Meetings deleted before this step are remembered by their audit events,
so the counter starts above the largest meeting id ever recorded. PostgreSQL's identity
sequence never reuses an id: nothing to do there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_HIGHEST = sa.text(
    "SELECT max(coalesce((SELECT max(id) FROM meetings), 0),"
    " coalesce((SELECT max(object_id) FROM audit_events WHERE object_type = 'meeting'), 0))"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "meetings", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass
    highest = bind.execute(_HIGHEST).scalar_one()
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'meetings'"))
    if highest:
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('meetings', :seq)"),
            {"seq": highest},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "meetings", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
