"""What the admin pages list: users with their units, and the unit registry as rows.

Both lists are searched and cut in SQL (``limit``), so a national deployment with tens of
thousands of school accounts still renders a page of bounded size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from duban.models import Unit, UnitAlias, User


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    role: str
    unit_key: str | None
    unit_name: str | None
    active: bool


@dataclass(frozen=True)
class UnitRow:
    key: str
    name: str
    short: str | None
    kind: str
    parent: str | None
    """The parent unit's name."""
    aliases: tuple[str, ...]
    members: tuple[str, ...]
    """Members' names (collectives only)."""


def user_rows(session: Session, search: str = "", *, limit: int = 200) -> list[UserRow]:
    """Users ordered by username, matching ``search`` in username or display name; at most
    ``limit`` + 1 rows, so the caller can tell there are more."""
    query = (
        select(User, Unit.key, Unit.name)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .order_by(User.username)
        .limit(limit + 1)
    )
    if search.strip():
        text = search.strip()
        query = query.where(
            or_(
                User.username.contains(text, autoescape=True),
                User.display_name.contains(text, autoescape=True),
            )
        )
    return [
        UserRow(user.username, user.display_name, user.role, key, name, user.active)
        for user, key, name in session.execute(query)
    ]


def unit_rows(session: Session, search: str = "", *, limit: int = 300) -> list[UnitRow]:
    """Registry entries in registry order, matching ``search`` in key, name, short form or an
    alias; at most ``limit`` + 1 rows."""
    parent = aliased(Unit)
    query = (
        select(Unit, parent.name)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .options(selectinload(Unit.aliases), selectinload(Unit.members))
        .order_by(Unit.id)
        .limit(limit + 1)
    )
    if search.strip():
        text = search.strip()
        spelled = select(UnitAlias.id).where(
            UnitAlias.unit_id == Unit.id, UnitAlias.alias.contains(text, autoescape=True)
        )
        query = query.where(
            or_(
                Unit.key.contains(text, autoescape=True),
                Unit.name.contains(text, autoescape=True),
                Unit.short.contains(text, autoescape=True),
                spelled.exists(),
            )
        )
    return [
        UnitRow(
            unit.key,
            unit.name,
            unit.short,
            unit.kind,
            parent_name,
            tuple(a.alias for a in unit.aliases),
            tuple(m.name for m in unit.members),
        )
        for unit, parent_name in session.execute(query)
    ]


def unit_choices(session: Session, *, bodies_only: bool = False) -> list[tuple[str, str]]:
    """``(key, name)`` of every unit, for a select; ``bodies_only`` leaves out places and
    collectives (a user belongs to one actual body)."""
    query = select(Unit.key, Unit.name).order_by(Unit.id)
    if bodies_only:
        query = query.where(Unit.kind.not_in(("place", "collective")))
    return [(key, name) for key, name in session.execute(query)]
