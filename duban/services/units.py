"""Writes to the unit registry: load a registry file, settle a plan's unknown unit names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from duban import audit
from duban.domain.registry import RegistryError, UnitEntry, load_registry
from duban.models import Unit, UnitAlias, UnitProposal
from duban.services.errors import Invalid, NotFound


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def load_units(session: Session, yaml_text: str, *, actor: str) -> LoadResult:
    """Create or update every unit of a registry file (matched by key); nothing else changes."""
    try:
        registry = load_registry(yaml_text)
    except RegistryError as exc:
        raise Invalid(f"单位名录文件有误：{exc}") from None
    existing = {
        u.key: u
        for u in session.scalars(
            select(Unit).options(selectinload(Unit.aliases), selectinload(Unit.members))
        )
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for entry in registry:
        unit = existing.get(entry.key)
        if unit is None:
            unit = existing[entry.key] = Unit(key=entry.key, name=entry.name, kind=entry.kind)
            session.add(unit)
            counts["created"] += 1
        elif _snapshot(unit, existing) == _entry_snapshot(entry):
            counts["unchanged"] += 1
            continue
        else:
            counts["updated"] += 1
        _apply(unit, entry)
    session.flush()
    for entry in registry:  # links need every unit to exist first
        unit = existing[entry.key]
        unit.parent_id = existing[entry.parent].id if entry.parent else None
        unit.members = [existing[k] for k in entry.members]
    _check_alias_clashes(session)
    audit.record(
        session, actor=actor, action="units.load", object_type="registry", object_id=None,
        label=f"单位名录：新增{counts['created']}，更新{counts['updated']}", after=counts,
    )  # fmt: skip
    return LoadResult(**counts)


def _apply(unit: Unit, entry: UnitEntry) -> None:
    unit.name, unit.short, unit.kind = entry.name, entry.short, entry.kind
    wanted = [a for a in entry.aliases if a != entry.name]
    have = {a.alias: a for a in unit.aliases}
    unit.aliases = [have.get(a) or UnitAlias(alias=a) for a in dict.fromkeys(wanted)]


def _snapshot(unit: Unit, by_key: dict[str, Unit]) -> tuple[object, ...]:
    parent = next((k for k, u in by_key.items() if u.id == unit.parent_id), None)
    aliases = tuple(a.alias for a in unit.aliases)
    return (unit.name, unit.short, unit.kind, parent, aliases, sorted(m.key for m in unit.members))


def _entry_snapshot(entry: UnitEntry) -> tuple[object, ...]:
    aliases = tuple(dict.fromkeys(a for a in entry.aliases if a != entry.name))
    return (entry.name, entry.short, entry.kind, entry.parent, aliases, sorted(entry.members))


def _check_alias_clashes(session: Session) -> None:
    names = set(session.scalars(select(Unit.name)))
    clash = session.scalars(select(UnitAlias.alias).where(UnitAlias.alias.in_(names))).first()
    if clash is not None:
        raise Invalid(f"单位名录文件有误：别名“{clash}”与另一单位的名称相同")


def map_proposal(session: Session, proposal_id: int, unit_key: str, *, actor: str) -> Unit:
    """Settle an unknown name as another spelling of an existing unit (adds an alias)."""
    proposal = _open_proposal(session, proposal_id)
    unit = session.scalars(select(Unit).where(Unit.key == unit_key)).first()
    if unit is None:
        raise NotFound(f"没有键为“{unit_key}”的单位")
    if proposal.name != unit.name and proposal.name not in {a.alias for a in unit.aliases}:
        unit.aliases.append(UnitAlias(alias=proposal.name))
    proposal.state, proposal.unit_id = "mapped", unit.id
    audit.record(
        session, actor=actor, action="units.map", object_type="unit", object_id=unit.id,
        label=f"“{proposal.name}”对应{unit.name}", after={"alias": proposal.name},
    )  # fmt: skip
    return unit


def confirm_proposal(
    session: Session, proposal_id: int, *, key: str, kind: str, actor: str
) -> Unit:
    """Settle an unknown name as a new unit of the registry."""
    proposal = _open_proposal(session, proposal_id)
    if session.scalars(select(Unit.id).where(Unit.key == key)).first() is not None:
        raise Invalid(f"单位键“{key}”已被使用")
    unit = Unit(key=key, name=proposal.name, kind=kind)
    session.add(unit)
    session.flush()
    proposal.state, proposal.unit_id = "confirmed", unit.id
    audit.record(
        session, actor=actor, action="units.confirm", object_type="unit", object_id=unit.id,
        label=f"新增单位{unit.name}", after={"key": key, "name": unit.name, "kind": kind},
    )  # fmt: skip
    return unit


def _open_proposal(session: Session, proposal_id: int) -> UnitProposal:
    proposal = session.get(UnitProposal, proposal_id)
    if proposal is None or proposal.state != "open":
        raise NotFound(f"没有待处理的单位名称 #{proposal_id}")
    return proposal
