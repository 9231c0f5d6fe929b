"""The audit chain: every write leaves an event; any later change to the trail is detected."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from duban import audit
from duban.db import Store
from duban.models import AuditEvent
from tests.factories import published_sample


def test_every_write_of_the_sample_setup_is_audited_and_the_chain_holds(store: Store) -> None:
    published_sample(store)
    with store.read() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        check = audit.verify(session)
    assert actions == ["units.load", "plan.import", "plan.publish"]
    assert check.ok and check.events == 3


def test_an_edited_event_is_named_as_the_first_broken_one(store: Store) -> None:
    published_sample(store)
    with store.write() as session:
        second = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id).offset(1)).first()
        session.execute(update(AuditEvent).where(AuditEvent.id == second).values(actor="intruder"))
    with store.read() as session:
        check = audit.verify(session)
    assert (check.ok, check.broken_id) == (False, second)
    assert "修改" in (check.reason or "")


def test_a_removed_event_breaks_the_link_of_the_next(store: Store) -> None:
    published_sample(store)
    with store.write() as session:
        first = session.scalar(select(func.min(AuditEvent.id)))
        session.execute(delete(AuditEvent).where(AuditEvent.id == first))
    with store.read() as session:
        check = audit.verify(session)
    assert check.ok is False
    assert "链接" in (check.reason or "")
