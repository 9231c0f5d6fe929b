"""Schema migrations (Alembic), run in code: ``duban init`` and the tests call ``upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
SEARCH_PREFIX, SEARCH_SUFFIX = "search_index", "_trgm"
"""Names of the search machinery (0004) the models do not describe: the FTS5 table and its shadow
tables on SQLite, the trigram indexes on PostgreSQL."""


def include_object(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    """Schema comparison hook: leave out the search machinery found in the database."""
    name = name or ""
    ours = name.startswith(SEARCH_PREFIX) or name.endswith(SEARCH_SUFFIX)
    return not (reflected and other is None and ours)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema to ``revision``, in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def revision(engine: Engine, message: str, rev_id: str) -> None:
    """Autogenerate a migration against a database at head (development use)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
