"""``duban export ledger``: the ledger (台账) of a published plan as an Excel workbook.

Parse the options, gather the ledger (``queries.ledger``), render it (``exchange.ledger_xlsx``)
and write the file whole or not at all. A wrong plan, unit or date exits 2 with a Chinese
message, before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.cli.export_reports import check_target, write_file
from duban.cli.ledger import PlanOption, die, parse_date, pick_plan, reading
from duban.domain import clock
from duban.exchange.ledger_xlsx import write_ledger
from duban.models import Assignment, Plan, Task, Unit
from duban.queries.ledger import ledger
from duban.queries.units import current_registry

XlsxOption = Annotated[Path, typer.Option("--xlsx", help="Excel file to write (.xlsx).")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Ledger as of this day, YYYY-MM-DD (default today).")
]
UnitOption = Annotated[
    str | None, typer.Option("--unit", help="Only this unit's part (key, name or alias).")
]
PerUnitOption = Annotated[
    bool, typer.Option("--per-unit", help="Add one sheet per unit with its own assignments.")
]


def register(export_app: typer.Typer, app: typer.Typer) -> None:
    """Add ``duban export ledger``."""
    export_app.command("ledger")(export_ledger)


def export_ledger(
    xlsx: XlsxOption,
    plan: PlanOption = None,
    as_of: AsOfOption = None,
    unit: UnitOption = None,
    per_unit: PerUnitOption = False,
) -> None:
    """The ledger (台账) of a published plan as of a day, as an Excel workbook."""
    day = parse_date(as_of, "--as-of") or clock.today()
    check_target(xlsx, ".xlsx")

    def build(session: Session) -> tuple[bytes, int]:
        chosen = pick_plan(session, plan, published=True)
        if chosen.state != "published":
            die(f"方案“{chosen.title}”尚未发布，不能导出台账")
        key = unit_in_plan(session, chosen, unit) if unit is not None else None
        found = ledger(session, chosen, day, unit_key=key)
        return write_ledger(found, per_unit=per_unit), len(found.rows)

    data, tasks = reading(build)
    write_file(xlsx, data)
    print(f"已导出台账：{xlsx}（{tasks} 项任务）")


def unit_in_plan(session: Session, plan: Plan, unit: str) -> str:
    """The key of the unit named by ``unit`` (key, name or alias), which must have a part in
    ``plan``."""
    key: str | None = session.scalars(select(Unit.key).where(Unit.key == unit)).first()
    if key is None:
        match = current_registry(session).match(unit)
        if match.entry is None:
            die(f"单位“{unit}”不在单位名录中" if not match.ambiguous else f"单位“{unit}”不唯一")
        key = match.entry.key
    part = session.scalars(
        select(Assignment.id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan.id, Unit.key == key)
        .limit(1)
    ).first()
    if part is None:
        die(f"单位“{unit}”在方案 {plan.id} 中没有分工")
    return key
