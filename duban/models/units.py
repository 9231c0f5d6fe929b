"""Units (单位): departments, county governments, schools, bodies and collectives."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duban.models.base import Base, utcnow

unit_members = Table(
    "unit_members",
    Base.metadata,
    Column("collective_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.id"
    )
    members: Mapped[list[Unit]] = relationship(
        secondary=unit_members,
        primaryjoin=lambda: Unit.id == unit_members.c.collective_id,
        secondaryjoin=lambda: Unit.id == unit_members.c.member_id,
        order_by=lambda: Unit.id,
    )


class UnitAlias(Base):
    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class UnitProposal(Base):
    """A name a plan used that the registry does not know: an admin confirms or maps it."""

    __tablename__ = "unit_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | confirmed | mapped
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
