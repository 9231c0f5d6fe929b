"""The indicators as readers see them: which scopes a reader may open, each figure with its
formula in words, and the drill-down — the rows behind a figure, paged, in SQL.

Who sees what (``docs/architecture.md``): a reader holding ``records.view_all`` (admin,
supervisor, viewer) opens every scope and its rows; a school's reporter or leader only its own
school (figures and rows); another unit's reporter or leader the city's figures, without the
rows (they name teachers and students of every school). A scope outside the reader's reach is
``UnknownScope``, the same answer as a scope that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from duban.catalogue import text
from duban.domain.clock import SHANGHAI
from duban.domain.indicator_words import Formula, formula_words
from duban.domain.indicators import Indicator, current_school_year
from duban.domain.records import RecordKind, parse_kinds
from duban.models import Record, RecordBatch, Unit
from duban.permissions import Actor, can
from duban.queries.indicator_actuals import CITY_WORDS, scope_keys
from duban.queries.indicators import (
    CITY,
    IndicatorValue,
    Scope,
    UnknownScope,
    catalogue,
    denominator_rows,
    evaluate,
    indicator,
    numerator_rows,
    scopes,
    standing,
)
from duban.queries.records import actor_school
from duban.queries.status import TargetView

SEE_ALL = "records.view_all"


@dataclass(frozen=True)
class IndicatorLine:
    value: IndicatorValue
    formula: Formula


@dataclass(frozen=True)
class DrillRow:
    school: str
    row: int
    """The row of the uploaded sheet it came from."""
    counted: bool
    """Counted in the numerator (a share lists its denominator's rows, marking these)."""
    data: dict[str, Any]


@dataclass(frozen=True)
class DrillPage:
    rows: list[DrillRow]
    total: int
    """Rows listed in all: a share's denominator rows, otherwise the rows counted."""
    counted: int


@dataclass(frozen=True)
class IndicatorLink:
    """A bound target's indicator, and where its actual came from; ``scope`` is ``None`` when
    the reader may not open that scope (or the target's scope names none)."""

    key: str
    name: str
    scope: str | None
    year: int


def record_kind(ind: Indicator) -> RecordKind:
    return parse_kinds(text("record_kinds.yaml"))[ind.kind]


def formula_of(ind: Indicator) -> Formula:
    return formula_words(ind, record_kind(ind))


# --- who sees which scope ----------------------------------------------------------------------


def visible_scopes(session: Session, actor: Actor) -> list[Scope]:
    """The scopes the reader may open, the one shown first by default first."""
    every = scopes(session)
    if can(actor, SEE_ALL):
        return every
    school = actor_school(session, actor)
    if school is not None:
        return [s for s in every if s.kind == "school" and s.key == school.key]
    return every[:1] if can(actor, "indicators.view") else []


def chosen_scope(session: Session, actor: Actor, wanted: str | None) -> Scope:
    """The scope ``wanted`` (the reader's default when ``None``) if the reader may open it."""
    visible = visible_scopes(session, actor)
    for scope in visible:
        if wanted is None or scope.key == wanted:
            return scope
    raise UnknownScope(f"没有“{wanted or CITY}”这个范围，或您无权查看")


def may_see_rows(session: Session, actor: Actor) -> bool:
    """Whether the reader may see the rows of the scopes it may open (see the module doc)."""
    return can(actor, SEE_ALL) or actor_school(session, actor) is not None


# --- figures -----------------------------------------------------------------------------------


def indicator_lines(session: Session, year: int, scope: Scope) -> list[IndicatorLine]:
    """Every indicator's figure for ``scope`` and ``year``, with its formula in words."""
    formulas = {ind.key: formula_of(ind) for ind in catalogue()}
    return [IndicatorLine(v, formulas[v.key]) for v in evaluate(session, year, scope=scope.key)]


def indicator_line(session: Session, key: str, year: int, scope: Scope) -> IndicatorLine:
    ind = indicator(key)
    (value,) = [v for v in evaluate(session, year, scope=scope.key) if v.key == key]
    return IndicatorLine(value, formula_of(ind))


# --- the rows behind a figure ------------------------------------------------------------------


def _where(ind: Indicator, year: int, scope: Scope) -> list[ColumnElement[bool]]:
    """The rows listed for the figure: a share's denominator rows, else the numerator's."""
    listed = denominator_rows(ind) if ind.measure == "share" else numerator_rows(ind)
    where = [Record.kind == ind.kind, Record.year == year, listed, standing(None)]
    if scope.kind != "city":
        where.append(Record.school_id.in_(scope.school_ids))
    return where


def drill_page(
    session: Session, key: str, year: int, scope: Scope, *, limit: int, offset: int
) -> DrillPage:
    """One page of the rows behind ``key``'s figure, by school and sheet row."""
    ind = indicator(key)
    total, hits = session.execute(
        select(func.count(), func.count(case((numerator_rows(ind), 1))))
        .select_from(Record).where(*_where(ind, year, scope))
    ).one()  # fmt: skip
    rows = list(_drill_rows(session, ind, year, scope, limit=limit, offset=offset))
    return DrillPage(rows, int(total), int(hits))


def drill_rows(session: Session, key: str, year: int, scope: Scope) -> Iterator[DrillRow]:
    """Every row behind ``key``'s figure, streamed (for the CSV)."""
    return _drill_rows(session, indicator(key), year, scope)


def _drill_rows(
    session: Session, ind: Indicator, year: int, scope: Scope, *,
    limit: int | None = None, offset: int = 0,
) -> Iterator[DrillRow]:  # fmt: skip
    counted = case((numerator_rows(ind), True), else_=False)
    query = (
        select(Unit.name, Record.row, counted, Record.data)
        .join(Unit, Unit.id == Record.school_id).where(*_where(ind, year, scope))
        .order_by(Record.school_id, Record.row, Record.id)
        .limit(limit).offset(offset).execution_options(yield_per=2000)
    )  # fmt: skip
    for school, row, hit, data in session.execute(query):
        yield DrillRow(school, row, bool(hit), data)


# --- targets bound to an indicator -------------------------------------------------------------


def target_links(
    session: Session, actor: Actor, targets: Sequence[TargetView], as_of: dt.date
) -> list[IndicatorLink | None]:
    """For each target, its indicator and the scope and school year its actual comes from."""
    names = {ind.key: ind.name for ind in catalogue()}
    if not any(t.indicator in names for t in targets):
        return [None] * len(targets)
    keys, visible = scope_keys(session), {s.key: s for s in visible_scopes(session, actor)}
    links: list[IndicatorLink | None] = []
    for target in targets:
        if target.indicator not in names:
            links.append(None)
            continue
        where = target.scope.strip()
        scope = keys.get(where, CITY if where in CITY_WORDS else None)
        year = _actual_year(session, indicator(target.indicator), visible.get(scope or ""), as_of)
        shown = scope if scope in visible else None
        links.append(IndicatorLink(target.indicator, names[target.indicator], shown, year))
    return links


def _actual_year(session: Session, ind: Indicator, scope: Scope | None, as_of: dt.date) -> int:
    """The latest school year with an upload of the indicator's kind in the scope by the end
    of ``as_of`` (Shanghai), the year ``queries.indicator_actuals`` takes the actual from;
    else the school year under way."""
    fallback = current_school_year(as_of)
    if scope is None:
        return fallback
    query = (select(RecordBatch.year, func.min(RecordBatch.imported_at))
             .where(RecordBatch.kind == ind.kind).group_by(RecordBatch.year))  # fmt: skip
    if scope.kind != "city":
        query = query.where(RecordBatch.school_id.in_(scope.school_ids))
    years = [year for year, at in session.execute(query) if _day(at) <= as_of]
    return max(years, default=fallback)


def _day(at: dt.datetime) -> dt.date:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(SHANGHAI).date()
