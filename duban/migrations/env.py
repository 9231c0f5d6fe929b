"""Alembic environment: runs on the connection ``duban.db.migrate`` hands over."""

from __future__ import annotations

from alembic import context

from duban.migrate import include_object
from duban.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
    include_object=include_object,  # search machinery (0004) is not in the models
)
with context.begin_transaction():
    context.run_migrations()
