"""Actuals of targets bound to an indicator, computed from school records, as of a date.

A bound target's scope text (全市, a school's or county government's name) names the scope the
indicator is evaluated for; each school year with records gives one actual, dated the day its
latest upload in that scope arrived (Asia/Shanghai). A school year whose current upload arrived
after ``as_of`` is left out: the store keeps only the current rows, so what the records said
before that upload can no longer be computed (the upload history in ``record_batches`` says when).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from duban.domain.choices import UnitKind
from duban.models import RecordBatch, Target, Unit
from duban.queries.indicators import CITY, IndicatorValue, evaluate, indicator

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY_WORDS = ("全市", "全区", "全县", "市", "")


def computed_actuals(
    session: Session, plan_id: int, as_of: dt.date
) -> dict[int, list[tuple[dt.date, float]]]:
    """Bound target id → ``(day, value)`` per school year with data by ``as_of``, oldest first.

    Every bound target is in the answer, with an empty list when the records give nothing yet:
    a bound target's actual comes from the records only, never from typed-in figures.
    """
    bound = session.execute(
        select(Target.id, Target.indicator, Target.scope)
        .where(Target.plan_id == plan_id, Target.indicator.is_not(None))
    ).all()  # fmt: skip
    if not bound:
        return {}
    scopes = scope_keys(session)
    arrivals = _arrivals(session)
    values: dict[tuple[int, str], dict[str, IndicatorValue]] = {}
    out: dict[int, list[tuple[dt.date, float]]] = {target_id: [] for target_id, _, _ in bound}
    for target_id, key, scope_text in bound:
        scope = scopes.get(scope_text.strip(), CITY if scope_text.strip() in CITY_WORDS else None)
        if scope is None or key is None:
            continue
        kind = indicator(key).kind
        for year, day in sorted(arrivals.get((kind, scope), {}).items()):
            if day > as_of:
                continue
            found = values.setdefault((year, scope), _by_key(evaluate(session, year, scope=scope)))
            value = found[key].value if key in found else None
            if value is not None:
                out[target_id].append((day, value))
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


def _arrivals(session: Session) -> dict[tuple[str, str], dict[int, dt.date]]:
    """(kind, scope key) → school year → the day its latest upload arrived, for the city, each
    county and each school (one grouped query over the batches)."""
    latest = (
        select(RecordBatch.kind, RecordBatch.year, RecordBatch.school_id,
               func.max(RecordBatch.imported_at).label("at"))
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
