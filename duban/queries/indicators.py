"""Indicators (指标) evaluated over the school records, per school, county and the whole city.

Each indicator of the catalogue (``duban/catalogue/indicators.yaml``, checked by
``duban.domain.indicators``) compiles to two aggregate columns, its numerator and denominator
(the pair ``domain.indicators.tally`` defines), over ``Record.data``: JSON fields are read with
``as_boolean`` / ``as_float`` / ``as_string`` (``json_extract`` on SQLite, ``->>`` with a cast on
PostgreSQL JSONB). ``evaluate`` runs one grouped statement per record kind (all of that kind's
indicators as columns, grouped by school) plus two for the schools and counties; a county (the
school's parent unit when that is a county government — 市职业技术学校, under 中卫市人民政府, counts
in the city only) and the city (every school) add up their schools' pairs, never the mean of the
schools' ratios, and the domain turns each pair into the figure.

``rows_counted`` is the drill-down: exactly the rows the numerator counted in a scope, and
``rows_in_base`` the rows of its denominator. Each takes ``as_of``: a past day's figures come
from the rows current then (``standing``), the rows of later uploads not yet counted.
Read-only; every school's records are visible to the caller (the CLI and the supervisors' pages
read the whole city).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, select, true
from sqlalchemy.orm import Session

from duban.catalogue import text
from duban.domain.choices import UnitKind
from duban.domain.clock import SHANGHAI
from duban.domain.indicators import Condition, Indicator, indicator_value, parse_indicators
from duban.domain.records import parse_kinds
from duban.models import Record, RecordBatch, Unit

CITY = "city"
CITY_NAME = "全市"


@cache
def catalogue() -> tuple[Indicator, ...]:
    """The shipped indicators, checked against the shipped record kinds."""
    return parse_indicators(text("indicators.yaml"), parse_kinds(text("record_kinds.yaml")))


def indicator(key: str) -> Indicator:
    for found in catalogue():
        if found.key == key:
            return found
    raise UnknownIndicator(f"没有“{key}”这个指标")


class UnknownScope(LookupError):
    """The scope is neither ``city``, a county government with schools, nor a school (and the
    base of ``UnknownIndicator``: a name the caller gave that names nothing). Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownIndicator(UnknownScope):
    """No indicator with that key."""


@dataclass(frozen=True)
class IndicatorValue:
    key: str
    name: str
    scope: str
    """``school``, ``county`` or ``city``."""
    scope_key: str
    scope_name: str
    year: int
    value: float | None
    """``None``: no data (暂无数据) — the scope has no rows for it."""
    numerator: float
    denominator: float
    unit: str
    percent: bool


@dataclass(frozen=True)
class Scope:
    kind: str
    key: str
    name: str
    school_ids: tuple[int, ...]


# --- compiling ---------------------------------------------------------------------------------


def _json(field: str, field_type: str) -> ColumnElement[Any]:
    """The field read from the row's JSON as its type (SQL NULL when absent or null)."""
    element = Record.data[field]
    column: ColumnElement[Any]
    if field_type == "boolean":
        column = element.as_boolean()
    elif field_type in ("integer", "number"):
        column = element.as_float()
    else:
        column = element.as_string()
    return column


_OPS: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
    "=": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt,
}  # fmt: skip


def _condition(condition: Condition) -> ColumnElement[bool]:
    column = _json(condition.field, condition.type)
    if condition.op == "in":
        assert isinstance(condition.value, tuple)
        return column.in_(condition.value)
    return _OPS[condition.op](column, condition.value)


def _all(conditions: Sequence[Condition], *more: ColumnElement[bool]) -> ColumnElement[bool]:
    parts = [_condition(c) for c in conditions] + list(more)
    return and_(*parts) if parts else true()


def _number(field: str) -> ColumnElement[Any]:
    return _json(field, "number")


def numerator_rows(ind: Indicator) -> ColumnElement[bool]:
    """The condition a row meets to be counted in the numerator."""
    if ind.measure == "share":
        return _all((*ind.filter, *ind.base, *ind.where))
    if ind.measure == "ratio":
        assert ind.field and ind.denominator
        return _all(ind.filter, _number(ind.field).isnot(None),
                    _number(ind.denominator).isnot(None))  # fmt: skip
    if ind.measure == "sum":
        assert ind.field
        return _all(ind.filter, _number(ind.field).isnot(None))
    if ind.distinct:
        return _all(ind.filter, _json(ind.distinct, "text").isnot(None))
    return _all(ind.filter)


def denominator_rows(ind: Indicator) -> ColumnElement[bool]:
    """The condition a row meets to be counted in the denominator."""
    if ind.measure == "share":
        return _all((*ind.filter, *ind.base))
    if ind.measure == "ratio":
        return numerator_rows(ind)
    return true()


def _columns(ind: Indicator, n: int) -> list[ColumnElement[Any]]:
    counted = numerator_rows(ind)
    numerator: ColumnElement[Any]
    denominator: ColumnElement[Any]
    if ind.measure in ("ratio", "sum"):
        assert ind.field
        numerator = func.coalesce(func.sum(case((counted, _number(ind.field)))), 0)
    elif ind.distinct:
        numerator = func.count(distinct(case((counted, _json(ind.distinct, "text")))))
    else:
        numerator = func.count(case((counted, 1)))
    if ind.measure == "ratio":
        assert ind.denominator
        denominator = func.coalesce(func.sum(case((counted, _number(ind.denominator)))), 0)
    elif ind.measure == "share":
        denominator = func.count(case((denominator_rows(ind), 1)))
    else:
        denominator = func.count()
    return [numerator.label(f"n{n}"), denominator.label(f"d{n}")]


# --- evaluating --------------------------------------------------------------------------------

Pairs = dict[tuple[str, int], tuple[float, float]]
"""(indicator key, school id) → (numerator, denominator)."""


def evaluate(
    session: Session, year: int, *, scope: str | None = None, as_of: dt.date | None = None
) -> list[IndicatorValue]:
    """Every indicator for school year ``year``: the city, each county, each school — or only
    ``scope`` (``city``, a county government's key or a school's key); from the current rows,
    or from the rows that were current at the end of day ``as_of`` (``standing``)."""
    scopes = _scopes(session, scope)
    school_ids = sorted({i for s in scopes for i in s.school_ids})
    wanted = school_ids if scope not in (None, CITY) else None
    pairs = _pairs(session, year, wanted, standing(as_of))
    return [_value(ind, s, year, pairs) for s in scopes for ind in catalogue()]


@cache
def _by_kind() -> dict[str, tuple[list[Indicator], list[ColumnElement[Any]]]]:
    """Per record kind: its indicators and their aggregate columns (built once)."""
    by_kind: dict[str, list[Indicator]] = defaultdict(list)
    for ind in catalogue():
        by_kind[ind.kind].append(ind)
    return {
        kind: (indicators, [c for n, ind in enumerate(indicators) for c in _columns(ind, n)])
        for kind, indicators in by_kind.items()
    }


def standing(as_of: dt.date | None) -> ColumnElement[bool]:
    """The rows that count: the current ones, or on a past day those of each (kind, school,
    year)'s latest upload by the end of that day in Asia/Shanghai (later uploads had not yet
    arrived; the rows they superseded are kept for this)."""
    if as_of is None:
        return Record.current.is_(True)
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), SHANGHAI)
    latest = (
        select(func.max(RecordBatch.id))
        .where(RecordBatch.imported_at < cutoff.astimezone(dt.UTC))
        .group_by(RecordBatch.kind, RecordBatch.school_id, RecordBatch.year)
    )
    return Record.batch_id.in_(latest)


def _pairs(
    session: Session, year: int, school_ids: list[int] | None, rows: ColumnElement[bool]
) -> Pairs:
    pairs: Pairs = {}
    for kind, (indicators, columns) in _by_kind().items():
        query = (
            select(Record.school_id, *columns)
            .where(Record.kind == kind, Record.year == year, rows)
            .group_by(Record.school_id)
        )
        if school_ids is not None:
            query = query.where(Record.school_id.in_(school_ids))
        for row in session.execute(query):
            for n, ind in enumerate(indicators):
                pairs[ind.key, row[0]] = (row[1 + 2 * n], row[2 + 2 * n])
    return pairs


def _value(ind: Indicator, scope: Scope, year: int, pairs: Pairs) -> IndicatorValue:
    numerator = denominator = 0.0
    for school_id in scope.school_ids:
        n, d = pairs.get((ind.key, school_id), (0, 0))
        numerator += float(n)
        denominator += float(d)
    return IndicatorValue(
        key=ind.key, name=ind.name, scope=scope.kind, scope_key=scope.key,
        scope_name=scope.name, year=year, value=indicator_value(ind, numerator, denominator),
        numerator=_tidy(numerator), denominator=_tidy(denominator), unit=ind.unit,
        percent=ind.percent,
    )  # fmt: skip


def _tidy(number: float) -> float:
    return int(number) if float(number).is_integer() else number


def scopes(session: Session) -> list[Scope]:
    """Every scope: the city, each county government with schools, each school (in that order)."""
    return _scopes(session, None)


def _scopes(session: Session, wanted: str | None) -> list[Scope]:
    """The city, the counties and the schools (or only ``wanted``), each with its schools."""
    schools = session.execute(
        select(Unit.id, Unit.key, Unit.name, Unit.parent_id)
        .where(Unit.kind == UnitKind.SCHOOL).order_by(Unit.id)
    ).all()  # fmt: skip
    members: dict[int, list[int]] = defaultdict(list)
    for school in schools:
        if school.parent_id is not None:
            members[school.parent_id].append(school.id)
    counties = session.execute(
        select(Unit.id, Unit.key, Unit.name)
        .where(Unit.kind == UnitKind.COUNTY_GOVERNMENT).order_by(Unit.id)
    ).all()  # fmt: skip
    found = [Scope("city", CITY, CITY_NAME, tuple(s.id for s in schools))]
    found += [Scope("county", c.key, c.name, tuple(members[c.id])) for c in counties
              if c.id in members]  # fmt: skip
    found += [Scope("school", s.key, s.name, (s.id,)) for s in schools]
    if wanted is None:
        return found
    for scope in found:
        if scope.key == wanted:
            return [scope]
    raise UnknownScope(
        f"没有“{wanted}”这个范围：应为 city（全市）、县（区）人民政府或学校的单位代码"
    )


# --- drill-down --------------------------------------------------------------------------------


def rows_counted(
    session: Session, indicator_key: str, year: int, scope_key: str,
    as_of: dt.date | None = None,
) -> list[Record]:  # fmt: skip
    """The rows the indicator's numerator counted in the scope, by school and sheet row."""
    ind = indicator(indicator_key)
    return _rows(session, ind, year, scope_key, and_(numerator_rows(ind), standing(as_of)))


def rows_in_base(
    session: Session, indicator_key: str, year: int, scope_key: str,
    as_of: dt.date | None = None,
) -> list[Record]:  # fmt: skip
    """The rows its denominator counted (for a count or sum: every row of the kind)."""
    ind = indicator(indicator_key)
    return _rows(session, ind, year, scope_key, and_(denominator_rows(ind), standing(as_of)))


def _rows(
    session: Session, ind: Indicator, year: int, scope_key: str, condition: ColumnElement[bool]
) -> list[Record]:
    (scope,) = _scopes(session, scope_key)
    query = (select(Record).where(Record.kind == ind.kind, Record.year == year, condition)
             .order_by(Record.school_id, Record.row))  # fmt: skip
    if scope.kind != "city":
        query = query.where(Record.school_id.in_(scope.school_ids))
    return list(session.scalars(query))
