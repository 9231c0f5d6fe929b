"""``duban data …``: school records (学校数据) — templates, import, export, the kinds.

Thin: the workbook is written and read by ``exchange.records_xlsx``, stored by
``services.records.replace_records`` (all or nothing; the same file twice changes nothing), and
read back by ``queries.records``. The command line acts with the whole registry in view.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from duban.cli.ledger import actor, die, reading, writing
from duban.domain.records import TYPE_LABELS, RecordKind, school_year_label
from duban.exchange.errors import ExchangeError
from duban.exchange.records_xlsx import read_records, template_meta, write_csv, write_template
from duban.exchange.xlsxread import ReadLimits
from duban.permissions import Actor
from duban.queries.records import record_rows
from duban.services import records

data_app = typer.Typer(help="School records (学校数据): templates, import, export.",
                       no_args_is_help=True)  # fmt: skip

KindArgument = Annotated[str, typer.Argument(help="Record kind (see duban data kinds).")]
SchoolOption = Annotated[str, typer.Option("--school", help="School unit key (see duban units).")]
YearOption = Annotated[int, typer.Option("--year", help="School year by its first year: 2022.")]


def _kind(key: str) -> RecordKind:
    kinds = records.record_kinds()
    if key not in kinds:
        known = "、".join(f"{k.key}（{k.label}）" for k in kinds.values())
        die(f"没有“{key}”这类学校数据，可选：{known}")
    return kinds[key]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        die(f"{path}：无法写入（{exc.strerror or exc}）")


@data_app.command("kinds")
def kinds() -> None:
    """List the record kinds and their fields."""
    console = Console()
    for kind in records.record_kinds().values():
        table = Table(title=f"{kind.key}（{kind.label}）", title_justify="left")
        for head in ("字段", "列名", "类型", "必填", "可选项或范围"):
            table.add_column(head, overflow="fold")
        for f in kind.fields:
            limits = "、".join(f.choices) or " 到 ".join(
                f"{v:g}" for v in (f.minimum, f.maximum) if v is not None
            )
            table.add_row(f.key, f.label, TYPE_LABELS[f.type], "是" if f.required else "", limits)
        console.print(table)


@data_app.command("template")
def template(
    kind: KindArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    school: Annotated[str | None, typer.Option("--school", help="School unit key.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="School year: 2022.")] = None,
) -> None:
    """Write the blank template of a record kind."""
    chosen = _kind(kind)
    name = _school_name(school) if school else None
    _write(output, write_template(chosen, school_name=name, year=year))
    print(f"已生成模板：{output}（{chosen.label}，{len(chosen.fields)} 列）")


def _school_name(key: str) -> str:
    return reading(lambda session: records.school_unit(session, key).name)


@data_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A filled template (.xlsx).")],
    school: SchoolOption,
    year: YearOption,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Record kind (default: the template's).")
    ] = None,
) -> None:
    """Replace a school's records of one kind and year with a filled template (all or nothing)."""
    data = _bytes(file)
    try:
        chosen = _kind(kind or _file_kind(file, data))
        rows = read_records(data, chosen)
    except ExchangeError as exc:
        for problem in exc.problems:
            print(f"duban: {file}: {problem}", file=sys.stderr)
        die(f"{file}：共 {len(exc.problems)} 处问题，未保存任何内容")
    sha = hashlib.sha256(data).hexdigest()
    with writing() as session:
        result = records.replace_records(session, chosen.key, school, year, rows, sha256=sha,
                                         source_name=file.name, actor=actor())  # fmt: skip
    where = f"{result.school} {school_year_label(year)} {result.kind}"
    if result.unchanged:
        print(f"{where}：与已导入的文件相同，未作改动")
    else:
        print(f"{where}：已导入 {result.rows} 条（替换原有 {result.replaced} 条）")


def _file_kind(file: Path, data: bytes) -> str:
    key = template_meta(data).get("kind")
    if not key:
        die(f"{file}：不是本系统的学校数据模板，无法判断数据类别，请用 --kind 指明")
    return key


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


@data_app.command("export")
def export(
    kind: KindArgument,
    school: SchoolOption,
    year: YearOption,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="CSV file to write.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write: .csv, or .xlsx (filled).")
    ] = None,
) -> None:
    """Write a school's current records of one kind and year as CSV (or a filled workbook)."""
    target = csv_file or output
    if target is None:
        die("请用 --csv 或 -o 指明输出文件")
    chosen = _kind(kind)
    as_xlsx = csv_file is None and target.suffix.lower() == ".xlsx"
    reader = Actor(0, actor(), "admin", None)

    def build(session: Session) -> tuple[bytes, int]:
        unit = records.school_unit(session, school)
        rows = record_rows(session, reader, chosen.key, unit.id, year)
        if as_xlsx:
            held = list(rows)
            return write_template(chosen, school_name=unit.name, year=year, rows=held), len(held)
        counted = [0]

        def counting() -> Iterator[dict[str, Any]]:
            for row in rows:
                counted[0] += 1
                yield row

        return write_csv(chosen, counting()), counted[0]

    data, count = reading(build)
    _write(target, data)
    print(f"已导出：{target}（{chosen.label} {count} 条）")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
