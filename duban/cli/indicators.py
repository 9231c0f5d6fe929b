"""``duban indicators``: the indicator values (指标) per scope and school year, and the rows one
indicator counted (``--rows KEY``, the drill-down)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.cli.ledger import JsonOption, die, emit, reading
from duban.domain import clock
from duban.domain.indicators import current_school_year
from duban.domain.records import school_year_label
from duban.models import Unit
from duban.queries.indicators import IndicatorValue, UnknownScope, evaluate, rows_counted

T = TypeVar("T")
NO_DATA = "暂无数据"


def shown(value: IndicatorValue) -> str:
    """The figure as a person reads it: ``52.3%``, ``12个``, or 暂无数据."""
    if value.value is None:
        return NO_DATA
    if value.percent:
        return f"{value.value:.1f}%"
    return f"{value.value:g}{value.unit}"


def values_table(values: list[IndicatorValue], year: int) -> Table:
    """One row per value; the school year, the same for all, in the title."""
    table = Table(title=f"指标（{school_year_label(year)}）")
    table.add_column("指标", overflow="fold")
    table.add_column("范围", overflow="fold")
    for header in ("值", "分子", "分母"):
        table.add_column(header, justify="right", no_wrap=True)
    for v in values:
        table.add_row(v.name, v.scope_name, shown(v), f"{v.numerator:g}", f"{v.denominator:g}")
    return table


def as_json(value: IndicatorValue) -> dict[str, Any]:
    data = asdict(value)
    data["value"] = None if value.value is None else round(value.value, 4)
    data["shown"] = shown(value)
    return data


def indicators(
    scope: Annotated[
        str | None, typer.Option("--scope", help="city, a county government's or a school's key.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="School year by its first year (default: now).")
    ] = None,
    rows: Annotated[
        str | None, typer.Option("--rows", help="List the rows this indicator counted.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Indicator values per scope for one school year (or the rows one indicator counted)."""
    chosen = year if year is not None else current_school_year(clock.today())

    if rows is not None:
        counted = reading(lambda session: _counted(session, rows, chosen, scope or "city"))
        if json_out:
            emit(counted)
        for item in [] if json_out else counted:
            print(f"{item['school']}\t第{item['row']}行\t{item['identity']}")
        return
    values = reading(lambda session: _refused(lambda: evaluate(session, chosen, scope=scope)))
    if json_out:
        emit([as_json(v) for v in values])
    else:
        Console().print(values_table(values, chosen))


def _counted(session: Session, key: str, year: int, scope: str) -> list[dict[str, Any]]:
    records = _refused(lambda: rows_counted(session, key, year, scope))
    ids = {r.school_id for r in records}
    names = {i: n for i, n in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))}
    return [{"school": names[r.school_id], "row": r.row, "identity": r.identity, "data": r.data}
            for r in records]  # fmt: skip


def _refused(fn: Callable[[], T]) -> T:
    """``fn()``; an unknown scope or indicator is the user's error: its message, exit 2."""
    try:
        return fn()
    except UnknownScope as exc:
        die(exc.message)


def register(app: typer.Typer) -> None:
    app.command()(indicators)
