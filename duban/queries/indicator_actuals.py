"""Actuals of targets bound to an indicator, computed from school records, as of a date.

A bound target's scope text (全市, a school's or county government's name) names the scope the
indicator is evaluated for; each school year with records gives one actual, dated the day its
latest upload in that scope by ``as_of`` arrived (Asia/Shanghai), and computed from the rows
that were current at the end of ``as_of`` (``indicators.standing``): an upload that came later
has not happened yet, and the rows it superseded count. A school year with no upload by
``as_of`` gives no actual.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from duban.domain.choices import UnitKind
from duban.domain.clock import SHANGHAI
from duban.models import RecordBatch, Target, Unit
from duban.queries.indicators import CITY, IndicatorValue, evaluate, indicator

CITY_WORDS = ("全市", "全区", "全县", "市", "")


@dataclass(frozen=True)
class YearActual:
    """A bound target's actual for one school year, dated the day its data arrived."""

    year: int
    day: dt.date
    value: float


@dataclass(frozen=True)
class BoundActuals:
    """A bound target's indicator, the scope key its scope text names (``None`` when the text
    names no school, county or the city) and its actuals by ``as_of``, oldest year first."""

    indicator: str
    scope: str | None
    years: list[YearActual]


def computed_actuals(
    session: Session, plan_id: int, as_of: dt.date
) -> dict[int, list[tuple[dt.date, float]]]:
    """Bound target id → ``(day, value)`` per school year with data by ``as_of``, oldest first.

    Every bound target is in the answer, with an empty list when the records give nothing yet:
    a bound target's actual comes from the records only, never from typed-in figures.
    """
    bound = bound_actuals(session, Target.plan_id == plan_id, as_of)
    return {tid: [(y.day, y.value) for y in b.years] for tid, b in bound.items()}


def bound_actuals(
    session: Session, where: ColumnElement[bool], as_of: dt.date
) -> dict[int, BoundActuals]:
    """The actuals of the bound targets meeting ``where`` (module docstring)."""
    bound = session.execute(
        select(Target.id, Target.indicator, Target.scope)
        .where(where, Target.indicator.is_not(None))
    ).all()  # fmt: skip
    if not bound:
        return {}
    scopes = scope_keys(session)
    arrivals = _arrivals(session, as_of)
    values: dict[tuple[int, str], dict[str, IndicatorValue]] = {}
    out: dict[int, BoundActuals] = {}
    for target_id, key, scope_text in bound:
        if key is None:  # excluded by the query; for the type checker
            continue
        text = scope_text.strip()
        scope = scopes.get(text, CITY if text in CITY_WORDS else None)
        years: list[YearActual] = []
        out[target_id] = BoundActuals(key, scope, years)
        if scope is None:
            continue
        kind = indicator(key).kind
        for year, day in sorted(arrivals.get((kind, scope), {}).items()):
            if (year, scope) not in values:
                values[year, scope] = _by_key(evaluate(session, year, scope=scope, as_of=as_of))
            found = values[year, scope]
            value = found[key].value if key in found else None
            if value is not None:
                years.append(YearActual(year, day, value))
    return out


def scope_keys(session: Session) -> dict[str, str]:
    """A scope as plans write it (a school's or county government's name, short name or
    alias) → the indicator scope key."""
    units = session.scalars(
        select(Unit)
        .where(Unit.kind.in_((UnitKind.SCHOOL, UnitKind.COUNTY_GOVERNMENT)))
        .options(selectinload(Unit.aliases))
    ).all()
    out: dict[str, str] = {}
    for unit in units:
        for name in (unit.name, unit.short, *(a.alias for a in unit.aliases)):
            if name:
                out[name] = unit.key
    return out


def _arrivals(session: Session, as_of: dt.date) -> dict[tuple[str, str], dict[int, dt.date]]:
    """(kind, scope key) → school year → the day its latest upload by ``as_of`` arrived, for
    the city, each county and each school (one grouped query over the batches)."""
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), SHANGHAI)
    latest = (
        select(RecordBatch.kind, RecordBatch.year, RecordBatch.school_id,
               func.max(RecordBatch.imported_at).label("at"))
        .where(RecordBatch.imported_at < cutoff.astimezone(dt.UTC))
        .group_by(RecordBatch.kind, RecordBatch.year, RecordBatch.school_id)
        .subquery()
    )  # fmt: skip
    rows = session.execute(
        select(latest.c.kind, latest.c.year, Unit.key, latest.c.at, Unit.parent_id)
        .join(Unit, Unit.id == latest.c.school_id)
    ).all()  # fmt: skip
    parents = {uid: key for uid, key in session.execute(select(Unit.id, Unit.key))}
    out: dict[tuple[str, str], dict[int, dt.date]] = defaultdict(dict)
    for kind, year, school, at, parent_id in rows:
        day = at.astimezone(SHANGHAI).date() if at.tzinfo else at.date()
        county = parents.get(parent_id) if parent_id is not None else None
        for scope in (CITY, school, county):
            if scope is not None:
                seen = out[(kind, scope)].get(year)
                out[(kind, scope)][year] = max(day, seen) if seen else day
    return dict(out)


def _by_key(values: list[IndicatorValue]) -> dict[str, IndicatorValue]:
    return {v.key: v for v in values}
