"""The unit registry as the store holds it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from duban.domain.registry import Registry, UnitEntry
from duban.models import Unit


def current_registry(session: Session) -> Registry:
    """Every stored unit as a ``Registry`` for matching names."""
    units = session.scalars(
        select(Unit)
        .options(selectinload(Unit.aliases), selectinload(Unit.members))
        .order_by(Unit.id)
    ).all()
    keys = {u.id: u.key for u in units}
    return Registry(
        UnitEntry(
            key=u.key,
            name=u.name,
            short=u.short,
            aliases=tuple(a.alias for a in u.aliases),
            kind=u.kind,
            parent=keys.get(u.parent_id) if u.parent_id else None,
            members=tuple(m.key for m in u.members),
        )
        for u in units
    )


def unit_ids(session: Session) -> dict[str, int]:
    return {key: id_ for id_, key in session.execute(select(Unit.id, Unit.key))}
