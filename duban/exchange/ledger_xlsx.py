"""The ledger (台账) as an Excel workbook in the customary layout: ``write_ledger(ledger)``.

Sheets:
- ``台账``: a title row (plan title + 重点任务推进台账), a ``截至 2023年6月10日`` line, then the
  header 序号 | 重点任务 | 具体内容 | 责任单位 | 配合单位 | 完成时限 | 进展情况 | 状态 |
  目标完成情况; tasks grouped under merged, shaded section (``三、…``) and group (``（一）…``)
  rows. The header is frozen and repeats on every printed page; text wraps, top-aligned; 状态
  cells take the dashboard's status colours; 完成时限 is a real date shown ``2021年7月31日``
  (a second line ``长期坚持`` for ongoing tasks comes from the number format: it stays a date).
- ``汇总``: counts per status and per group, with charts (``ledger_summary``).
- with ``per_unit`` (always for a unit-scoped ledger): one sheet per unit, named by its short name,
  with its own parts — the same columns plus 责任类型 and that unit's own status and reason.

openpyxl in normal mode (merged cells need it). Row heights are estimated from the text, as Excel
does not fit wrapped rows when it opens a file. 2,000 tasks render in a few seconds (see the test).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from duban.domain.choices import STATUS_LABELS, Status
from duban.domain.reasons import day
from duban.exchange.ledger_model import Ledger, LedgerRow, UnitPart
from duban.exchange.ledger_style import (
    BODY,
    BORDER,
    CENTRE,
    FONT,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    print_setup,
    status_fill,
    status_font,
)
from duban.exchange.ledger_summary import write_summary
from duban.exchange.ledger_text import (
    ROLE_WORDS,
    display_width,
    extended_deadline,
    progress_text,
    sheet_name,
    targets_text,
    undated_deadline,
)

MAIN_SHEET = "台账"
SUMMARY_SHEET = "汇总"
TITLE_SUFFIX = "重点任务推进台账"
HEADER_ROW = 3
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
ONGOING_DATE_FORMAT = 'yyyy"年"m"月"d"日\n长期坚持"'  # the line feed shows with wrap text on

_SECTION_FONT = Font(name=FONT, size=11, bold=True)
_SECTION_FILL = PatternFill("solid", fgColor="E4DCD0")
_GROUP_FONT = Font(name=FONT, size=10.5, bold=True, color="8C1C13")  # duban.css --brand
_GROUP_FILL = PatternFill("solid", fgColor="F0ECE6")  # duban.css .tk-group
_LINE_HEIGHT = 14.0  # points per wrapped line of 10.5 pt text
_MAX_HEIGHT = 409.0  # Excel's tallest row

Value = str | int | dt.date | None
Pick = Callable[[LedgerRow, UnitPart | None], Value]


@dataclass(frozen=True)
class Column:
    """A ledger column: header, width (in characters), what a row shows, how it is aligned."""

    header: str
    width: float
    value: Pick
    centred: bool = False


def _number(row: LedgerRow, part: UnitPart | None) -> Value:
    return int(row.number) if row.number.isdigit() else row.number


def _deadline(row: LedgerRow, part: UnitPart | None) -> Value:
    if not row.deadline:
        return undated_deadline(row.ongoing, row.deadline_text)
    parts = row.parts if part is None else (part,)
    if any(p.extended_to is not None for p in parts):  # both dates, as words
        return extended_deadline(row.deadline, parts, one_unit=part is not None)
    return row.deadline


def _progress(row: LedgerRow, part: UnitPart | None) -> Value:
    return progress_text(row.parts if part is None else (part,))


def _status(row: LedgerRow, part: UnitPart | None) -> Value:
    return part.status if part else row.status


def _role(row: LedgerRow, part: UnitPart | None) -> Value:
    return ROLE_WORDS.get(part.role, part.role) if part else ""


def _reason(row: LedgerRow, part: UnitPart | None) -> Value:
    return part.reason if part else row.reason


MAIN_COLUMNS = (
    Column("序号", 6, _number, centred=True),
    Column("重点任务", 16, lambda r, p: r.title),
    Column("具体内容", 48, lambda r, p: r.text),
    Column("责任单位", 16, lambda r, p: "、".join(r.lead_names)),
    Column("配合单位", 16, lambda r, p: "、".join(r.coop_names)),
    Column("完成时限", 15, _deadline, centred=True),
    Column("进展情况", 44, _progress),
    Column("状态", 10, _status, centred=True),
    Column("目标完成情况", 30, lambda r, p: targets_text(r.targets)),
)
UNIT_COLUMNS = (
    *MAIN_COLUMNS[:3],
    Column("责任类型", 8, _role, centred=True),
    *MAIN_COLUMNS[3:8],
    Column("状态说明", 24, _reason),
    MAIN_COLUMNS[8],
)


def write_ledger(ledger: Ledger, *, per_unit: bool = False) -> bytes:
    """The workbook of ``ledger`` as .xlsx bytes (unit sheets with ``per_unit``)."""
    book = Workbook()
    main = book.active
    main.title = MAIN_SHEET
    title = f"{ledger.plan_title}{TITLE_SUFFIX}" + (f"（{ledger.unit}）" if ledger.unit else "")
    write_table(main, title, ledger.as_of, [(row, None) for row in ledger.rows], MAIN_COLUMNS)
    write_summary(book.create_sheet(SUMMARY_SHEET), ledger)
    if per_unit or ledger.unit is not None:
        taken = {MAIN_SHEET.casefold(), SUMMARY_SHEET.casefold()}
        for key, name in ledger.units:
            rows = [(r, p) for r in ledger.rows for p in r.parts if p.unit_key == key]
            sheet = book.create_sheet(sheet_name(name, taken))
            write_table(sheet, f"{name}{TITLE_SUFFIX}", ledger.as_of, rows, UNIT_COLUMNS)
    book.properties.title = title
    book.properties.creator = "Duban 督办"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_table(
    sheet: Worksheet, title: str, as_of: dt.date,
    rows: Sequence[tuple[LedgerRow, UnitPart | None]], columns: tuple[Column, ...],
) -> None:  # fmt: skip
    """Title, date line, header, then the rows under their section and group rows."""
    last = len(columns)
    _banner(sheet, 1, title, Font(name=FONT, size=16, bold=True), last, height=30)
    _banner(sheet, 2, f"截至 {day(as_of)}", Font(name=FONT, size=11), last, height=20)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.header)
        cell.font, cell.fill, cell.border, cell.alignment = (
            HEADER_FONT, HEADER_FILL, BORDER, HEADER_ALIGN,
        )  # fmt: skip
        sheet.column_dimensions[cell.column_letter].width = column.width
    line, section, group = HEADER_ROW + 1, None, None
    for row, part in rows:
        if row.section and row.section != section:
            _group_row(sheet, line, row.section, _SECTION_FONT, _SECTION_FILL, last)
            line, group = line + 1, None
        if row.group and row.group != group:
            _group_row(sheet, line, row.group, _GROUP_FONT, _GROUP_FILL, last)
            line += 1
        section, group = row.section, row.group
        _task_row(sheet, line, row, part, columns)
        line += 1
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    print_setup(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _banner(sheet: Worksheet, line: int, text: str, font: Font, last: int, height: float) -> None:
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=last)
    cell = sheet.cell(line, 1, text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center" if line == 1 else "left", vertical="center")
    sheet.row_dimensions[line].height = height


def _group_row(
    sheet: Worksheet, line: int, text: str, font: Font, fill: PatternFill, last: int
) -> None:
    """A section or group heading: one merged, shaded row across the table."""
    for index in range(1, last + 1):
        cell = sheet.cell(line, index)
        cell.fill, cell.border = fill, BORDER
    first = sheet.cell(line, 1, text)
    first.font, first.alignment = font, Alignment(vertical="center")
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=last)
    sheet.row_dimensions[line].height = 20


def _task_row(
    sheet: Worksheet, line: int, row: LedgerRow, part: UnitPart | None,
    columns: tuple[Column, ...],
) -> None:  # fmt: skip
    lines = 1
    for index, column in enumerate(columns, start=1):
        value = column.value(row, part)
        cell = sheet.cell(line, index, value if value != "" else None)
        cell.font, cell.border = BODY, BORDER
        cell.alignment = CENTRE if column.centred else WRAP
        shown = str(value or "")
        if isinstance(value, dt.date):
            cell.number_format = ONGOING_DATE_FORMAT if row.ongoing else DATE_FORMAT
            shown = day(value) + ("\n长期坚持" if row.ongoing else "")
        elif column.value is _status and isinstance(value, str):
            shown = _status_cell(cell, value)
        lines = max(lines, _lines(shown, column.width))
    sheet.row_dimensions[line].height = min(_MAX_HEIGHT, lines * _LINE_HEIGHT + 4)


def _status_cell(cell: Cell, status: str) -> str:
    """Write the status's label on its colour; returns the label."""
    fill = status_fill(status)
    cell.value = STATUS_LABELS[Status(status)] if fill else status
    if fill:
        cell.fill, cell.font = fill, status_font()
    return str(cell.value)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (an estimate)."""
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(display_width(p) / usable)) for p in text.split("\n"))
