"""Full-text search (全文检索) over task and report text.

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later), kept up to date by
triggers on tasks and reports. Its rowid is the row's id doubled, plus one for a report, so a
trigger finds the entry to replace without a scan. PostgreSQL: pg_trgm GIN indexes, which serve
the ``ILIKE '%…%'`` the search query uses there. None of this is in the models:
``duban.migrate.include_object`` leaves ``search_index*`` and ``*_trgm`` out of the schema
comparison. A later batch migration of tasks or reports drops the SQLite triggers (the table is
copied) and must create them again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TASK_BODY = "new.title || char(10) || new.text"
REPORT_BODY = "new.narrative || char(10) || coalesce(new.late_reason, '')"
TRIGGERS = {  # table: (kind, rowid offset, body)
    "tasks": ("task", 0, TASK_BODY),
    "reports": ("report", 1, REPORT_BODY),
}
PG_INDEXES = {
    "ix_tasks_title_trgm": ("tasks", "title"),
    "ix_tasks_text_trgm": ("tasks", "text"),
    "ix_reports_narrative_trgm": ("reports", "narrative"),
    "ix_reports_late_reason_trgm": ("reports", "late_reason"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgresql_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TRIGGERS:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{event}")
        op.execute("DROP TABLE IF EXISTS search_index")
    else:
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        # pg_trgm stays: other schemas of the database may use it.


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, body, tokenize = 'trigram')"
    )
    for table, (kind, offset, body) in TRIGGERS.items():
        entry = (
            f"(rowid, kind, ref_id, body) VALUES (new.id * 2 + {offset}, '{kind}', new.id, {body})"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO search_index {entry}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM search_index WHERE rowid = old.id * 2 + {offset}; "
            f"INSERT INTO search_index {entry}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM search_index WHERE rowid = old.id * 2 + {offset}; END"
        )
        select_body = body.replace("new.", "")
        op.execute(
            f"INSERT INTO search_index (rowid, kind, ref_id, body) "
            f"SELECT id * 2 + {offset}, '{kind}', id, {select_body} FROM {table}"
        )


def _postgresql_upgrade() -> None:
    schema = _trgm_schema()
    for name, (table, column) in PG_INDEXES.items():
        op.execute(f'CREATE INDEX {name} ON {table} USING gin ({column} "{schema}".gin_trgm_ops)')


def _trgm_schema() -> str:
    """The schema pg_trgm lives in, installing it first if needed (in ``public`` when we may
    write there, so that databases holding several schemas share one copy)."""
    bind = op.get_bind()
    query = text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    found = bind.execute(query).scalar()
    if found is None:
        public = bind.execute(
            text(
                "SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace "
                "WHERE nspname = 'public'"
            )
        ).scalar()
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm" + (" SCHEMA public" if public else ""))
        found = bind.execute(query).scalar_one()
    return str(found)
