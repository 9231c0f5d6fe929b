"""``duban export progress`` and ``duban import-progress``: the offline progress workbook."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.cli.ledger import JsonOption, PlanOption, actor, die, emit, pick_plan, reading, writing
from duban.domain import clock
from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.progress_read import read_progress
from duban.exchange.progress_xlsx import ProgressUpload, write_progress
from duban.exchange.xlsxread import ReadLimits
from duban.models import Unit
from duban.queries.progress import progress_sheet, unit_plans
from duban.services.progress import InvalidRows, import_progress


def export_progress(
    unit: Annotated[str, typer.Option("--unit", help="Unit key (see duban units).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    plan: PlanOption = None,
) -> None:
    """Write a unit's pre-filled progress workbook for the current reporting period."""

    def build(session: Session) -> tuple[bytes, int]:
        found = session.scalars(select(Unit).where(Unit.key == unit)).first()
        if found is None:
            die(f"没有单位“{unit}”（duban units 可查看单位名录）")
        chosen = pick_plan(session, plan, published=True)
        if chosen.id not in {pid for pid, _ in unit_plans(session, found.id)}:
            die(f"“{found.name}”在方案“{chosen.title}”中没有承担任务")
        sheet = progress_sheet(session, found, chosen, clock.today())
        return write_progress(sheet), len(sheet.lines)

    data, count = reading(build)
    try:
        output.write_bytes(data)
    except OSError as exc:
        die(f"{output}：无法写入（{exc.strerror or exc}）")
    print(f"已生成填报表：{output}（{count} 项任务）")


def import_progress_cmd(
    file: Annotated[Path, typer.Argument(help="A filled progress workbook (.xlsx).")],
    unit: Annotated[
        str | None, typer.Option("--unit", help="Refuse unless the workbook is this unit's.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a unit's filled progress workbook: every row checked, all or nothing."""
    data = _bytes(file)
    upload = _read(file, data)
    if unit is not None and unit != upload.unit_key:
        die(f"{file}：这是“{upload.unit_name}”的填报表，不是 {unit} 的")
    with writing() as session:
        try:
            result = import_progress(session, upload, data, unit_id=None, actor=actor())
        except InvalidRows as exc:
            _print_problems(file, exc.problems)
            die(f"{file}：共 {len(exc.problems)} 处问题，未保存任何内容")
    if as_json:
        emit(asdict(result))
        return
    print(f"{result.unit} {result.period}：报送 {result.submitted} 项，"
          f"与已报送内容相同 {result.unchanged} 项，未填 {result.blank} 项")  # fmt: skip


def _bytes(file: Path) -> bytes:
    """The file's bytes, refused by its size before it is read."""
    limit = ReadLimits().max_bytes
    try:
        size = file.stat().st_size
        if size > limit:
            die(f"{file}：文件过大（{size / 2**20:.1f} MB，上限 {limit / 2**20:g} MB）")
        return file.read_bytes()
    except OSError as exc:
        die(f"{file}：无法读取（{exc.strerror or exc}）")


def _read(file: Path, data: bytes) -> ProgressUpload:
    try:
        return read_progress(data)
    except ExchangeError as exc:
        _print_problems(file, exc.problems)
        die(f"{file}：共 {len(exc.problems)} 处问题，未保存任何内容")


def _print_problems(file: Path, problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"duban: {file}: {problem}", file=sys.stderr)


def register(export_app: typer.Typer, app: typer.Typer) -> None:
    export_app.command("progress")(export_progress)
    app.command("import-progress")(import_progress_cmd)
