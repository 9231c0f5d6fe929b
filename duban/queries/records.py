"""School records read back: the current upload per school, kind and year, and its rows.

Scoped in SQL: a reporter or leader reaches its own unit's records only (``scope_to_unit`` on the
school); the others — who hold ``records.view_all`` — see every school's. The current upload of
a (kind, school, year) is its latest ``RecordBatch``; every function here is one statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban.domain.choices import UnitKind
from duban.models import Record, RecordBatch, Unit
from duban.permissions import Actor, scope_to_unit

OVERVIEW_LIMIT = 500


@dataclass(frozen=True)
class BatchRow:
    """The current upload of one school's records of one kind for one school year."""

    kind: str
    school_key: str
    school_name: str
    year: int
    rows: int
    imported_by: str
    imported_at: dt.datetime
    source_name: str


@dataclass(frozen=True)
class KindTotal:
    kind: str
    schools: int
    rows: int


def current_school_year(today: dt.date) -> int:
    """The school year ``today`` falls in, by its starting year (September starts a new one)."""
    return today.year if today.month >= 9 else today.year - 1


def actor_school(session: Session, actor: Actor) -> Unit | None:
    """The actor's unit when it is a school, else ``None``."""
    if actor.unit_id is None:
        return None
    unit = session.get(Unit, actor.unit_id)
    return unit if unit is not None and unit.kind == UnitKind.SCHOOL else None


def _current(actor: Actor, year: int | None, kind: str | None) -> Any:
    """The latest batch id of every (kind, school, year) the actor may see."""
    query = select(func.max(RecordBatch.id).label("id")).group_by(
        RecordBatch.kind, RecordBatch.school_id, RecordBatch.year
    )
    if year is not None:
        query = query.where(RecordBatch.year == year)
    if kind is not None:
        query = query.where(RecordBatch.kind == kind)
    return scope_to_unit(query, actor, RecordBatch.school_id).subquery()


def current_batches(
    session: Session, actor: Actor, *, year: int | None = None, kind: str | None = None,
    limit: int = OVERVIEW_LIMIT,
) -> list[BatchRow]:  # fmt: skip
    """The current uploads the actor may see, by school, kind and year (newest year first)."""
    latest = _current(actor, year, kind)
    query = (
        select(RecordBatch.kind, Unit.key, Unit.name, RecordBatch.year, RecordBatch.rows,
               RecordBatch.imported_by, RecordBatch.imported_at, RecordBatch.source_name)
        .join(latest, latest.c.id == RecordBatch.id)
        .join(Unit, Unit.id == RecordBatch.school_id)
        .order_by(RecordBatch.year.desc(), Unit.key, RecordBatch.kind)
        .limit(limit)
    )  # fmt: skip
    return [BatchRow(*row) for row in session.execute(query)]


def kind_totals(session: Session, actor: Actor, *, year: int | None = None) -> list[KindTotal]:
    """Per kind: how many schools have a current upload, and its rows in all (for ``year``)."""
    latest = _current(actor, year, None)
    query = (
        select(RecordBatch.kind, func.count(func.distinct(RecordBatch.school_id)),
               func.coalesce(func.sum(RecordBatch.rows), 0))
        .join(latest, latest.c.id == RecordBatch.id)
        .group_by(RecordBatch.kind)
        .order_by(RecordBatch.kind)
    )  # fmt: skip
    return [KindTotal(kind, int(schools), int(rows)) for kind, schools, rows in
            session.execute(query)]  # fmt: skip


def record_rows(
    session: Session, actor: Actor, kind: str, school_id: int, year: int
) -> Iterator[dict[str, Any]]:
    """The school's current rows of ``kind`` for ``year`` in sheet order, streamed; none when
    the actor may not see that school's records."""
    query = (
        select(Record.data)
        .where(Record.kind == kind, Record.school_id == school_id, Record.year == year)
        .where(Record.current.is_(True))
        .order_by(Record.row, Record.id)
        .execution_options(yield_per=2000)
    )
    for (data,) in session.execute(scope_to_unit(query, actor, Record.school_id)):
        yield data
