"""Migration 0015, on both databases: a meeting deleted before it (its id known only to the
audit log) does not hand its id to the next meeting; on SQLite the table is AUTOINCREMENT."""

from __future__ import annotations

from sqlalchemy import text

from duban.db import Store
from duban.migrate import downgrade, upgrade
from duban.services import meeting_office
from tests.factories import ADMIN, published_sample
from tests.services.test_meetings import recorded


def test_a_meeting_deleted_before_the_migration_keeps_its_id_unused(store: Store) -> None:
    published_sample(store)
    ids = [recorded(store) for _ in range(3)]
    downgrade(store.engine, "0014")
    with store.write() as session:  # the newest goes while SQLite would still reuse its id
        meeting_office.delete_meeting(session, ids[-1], reason="误录", actor=ADMIN)
    upgrade(store.engine)
    assert recorded(store) > ids[-1]
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'meetings'"))
            assert "AUTOINCREMENT" in sql.scalar_one()


def test_the_step_down_and_up_again_keeps_the_meetings(store: Store) -> None:
    published_sample(store)
    ids = [recorded(store) for _ in range(2)]
    downgrade(store.engine, "0014")
    upgrade(store.engine)
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT id FROM meetings ORDER BY id")).scalars().all()
    assert kept == ids and recorded(store) == ids[-1] + 1
