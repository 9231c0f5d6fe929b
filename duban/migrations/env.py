"""Alembic environment: runs on the connection ``duban.migrate`` hands over.

On SQLite that connection has foreign keys off (see ``duban.migrate._migration_connection``): a
batch migration run with them on would delete child rows through ON DELETE CASCADE when it drops
the table it copied, so it is refused here rather than run.
"""

from __future__ import annotations

from alembic import context

from duban.migrate import MigrationError, include_object
from duban.models import Base

config = context.config
connection = config.attributes["connection"]
if (
    connection.dialect.name == "sqlite"
    and connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
):
    raise MigrationError(
        "SQLite 迁移须在关闭外键约束时进行：请通过 duban.migrate 的 upgrade/downgrade 运行"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
    include_object=include_object,  # search machinery (0004) is not in the models
)
with context.begin_transaction():
    context.run_migrations()
