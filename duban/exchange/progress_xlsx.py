"""The offline progress workbook (进展填报表): written pre-filled for one unit, read back checked.

A unit downloads the workbook of its assignments in one plan for the current reporting period,
fills 完成情况 / 本期进展情况 / 逾期说明 and the figures offline, and uploads it. Layout:

- 进展填报: one row per assignment. Grey columns are what we wrote (locked); 完成情况*,
  本期进展情况* and 逾期说明 are the unit's.
- 目标数据: one row per (assignment, target); 本期数值* is the unit's.
- 填报说明: how to fill it in.
- ``_duban`` (very hidden): plan, unit, period, the issued rows and a checksum over all of it.

``progress_read.read_progress`` reads it back. Neither knows the database: whether the rows still
belong to the uploader, the deadline rule and the period lock are the import service's checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from duban.domain.choices import CLAIMED_LABELS
from duban.exchange.xlsxread import column_letter

FORMAT = "duban-progress/1"
MAIN, FIGURES, HELP, META = "进展填报", "目标数据", "填报说明", "_duban"
MAIN_HEADERS = ("填报编号", "任务编号", "重点任务", "责任类型", "完成时限", "当前状态", "上次报送",
                "完成情况*", "本期进展情况*", "逾期说明")  # fmt: skip
FIGURE_HEADERS = ("目标编号", "填报编号", "任务编号", "目标", "目标值", "计量单位", "上次数值",
                  "本期数值*")  # fmt: skip
HEADER_ROW = 3
"""Rows 1–2 hold the title and the note; the header is row 3, data from row 4."""
MAX_TEXT = 20000
MAX_FIGURE = 1e12
_ROLE_LABELS = {"lead": "责任", "coop": "配合"}


@dataclass(frozen=True)
class FigureLine:
    target_id: int
    metric: str
    goal: str
    unit: str | None
    last_value: float | None = None


@dataclass(frozen=True)
class AssignmentLine:
    """One assignment of the unit as the workbook issues it."""

    assignment_id: int
    number: str
    title: str
    role: str
    deadline: dt.date | None
    ongoing: bool
    status: str
    """The status label as of the day the workbook was made (正常推进, 逾期, …)."""
    last_report: str = ""
    """``2023年4月3日 推进中：……`` — the latest report sent, for reference."""
    targets: tuple[FigureLine, ...] = ()


@dataclass(frozen=True)
class ProgressSheet:
    plan_id: int
    plan_title: str
    unit_key: str
    unit_name: str
    period_key: str
    period_label: str
    due_on: dt.date
    made_on: dt.date
    lines: tuple[AssignmentLine, ...]


@dataclass(frozen=True)
class FilledRow:
    """What the unit filled in for one assignment; ``row`` is its row on 进展填报."""

    assignment_id: int
    number: str
    row: int
    claimed: str
    narrative: str
    late_reason: str
    figures: dict[int, float] = field(default_factory=dict)
    figure_rows: dict[int, int] = field(default_factory=dict)
    """Target id → its row on 目标数据 (for messages)."""


@dataclass(frozen=True)
class ProgressUpload:
    plan_id: int
    unit_key: str
    unit_name: str
    period_key: str
    period_label: str
    made_on: dt.date
    rows: tuple[FilledRow, ...]


# --- writing ------------------------------------------------------------------------------------


def write_progress(sheet: ProgressSheet) -> bytes:
    """The pre-filled workbook for ``sheet`` as .xlsx bytes."""
    book = OpenpyxlWorkbook()
    main = book.active
    assert main is not None
    main.title = MAIN
    _write_main(main, sheet)
    _write_figures(book.create_sheet(FIGURES), sheet)
    _write_help(book.create_sheet(HELP), sheet)
    _write_meta(book.create_sheet(META), sheet)
    book.properties.title = f"{sheet.unit_name}进展填报表"
    book.properties.creator = "督办系统"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


def _write_main(ws: Worksheet, sheet: ProgressSheet) -> None:
    note = (
        f"报送期：{sheet.period_label}（{cn_date(sheet.due_on)}前报送） "
        f"下载日期：{cn_date(sheet.made_on)}　带 * 的黄色列由本单位填写，灰色列请勿修改"
    )
    _title(ws, f"{sheet.plan_title}——{sheet.unit_name}进展填报表", len(MAIN_HEADERS), note)
    _header(ws, MAIN_HEADERS)
    for offset, line in enumerate(sheet.lines):
        r = HEADER_ROW + 1 + offset
        values: tuple[Any, ...] = (
            line.assignment_id, line.number, line.title, _ROLE_LABELS.get(line.role, line.role),
            _deadline(line), line.status, line.last_report, None, None, None,
        )  # fmt: skip
        _row(ws, r, values, editable=range(8, 11), number_format="@")
    claimed = DataValidation(
        type="list", formula1='"' + ",".join(CLAIMED_LABELS.values()) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="完成情况",
        error="请从下拉列表中选择：未启动、推进中或已完成",
    )  # fmt: skip
    _validate(ws, claimed, "H", len(sheet.lines))
    _layout(ws, (9, 9, 36, 8, 14, 10, 36, 11, 60, 30))


def _write_figures(ws: Worksheet, sheet: ProgressSheet) -> None:
    note = "本期数值填写截至报送时的实际数，只填数字：百分比填 46 表示 46%，人数填 800 表示 800 人"
    _title(ws, f"{sheet.unit_name}目标数据填报", len(FIGURE_HEADERS), note)
    _header(ws, FIGURE_HEADERS)
    r = HEADER_ROW
    for line in sheet.lines:
        for target in line.targets:
            r += 1
            values = (target.target_id, line.assignment_id, line.number, target.metric,
                      target.goal, target.unit or "", target.last_value, None)  # fmt: skip
            _row(ws, r, values, editable=range(8, 9), number_format="General")
    number = DataValidation(
        type="decimal", operator="between", formula1="0", formula2=str(int(MAX_FIGURE)),
        allow_blank=True, showErrorMessage=True, errorTitle="本期数值", error="请填写数字",
    )  # fmt: skip
    _validate(ws, number, "H", r - HEADER_ROW)
    _layout(ws, (9, 9, 9, 36, 12, 10, 10, 12))


def _write_help(ws: Worksheet, sheet: ProgressSheet) -> None:
    lines = [
        f"{sheet.unit_name}：{sheet.period_label}进展填报说明",
        "1. 在“进展填报”表中，每项任务一行。请在“完成情况*”列选择未启动、推进中或已完成，"
        "在“本期进展情况*”列写明本期工作进展、取得的成效和下一步安排。",
        "2. 已过完成时限但尚未完成的任务，须在“逾期说明”列写明原因。",
        "3. 任务设有量化目标的，在“目标数据”表的“本期数值*”列填写实际数（只填数字）。",
        "4. 本期没有进展要报的任务可以留空，留空的行不会报送。",
        "5. 灰色列、工作表名称和表头请勿修改，不要增删行；隐藏的工作表请勿删除。",
        f"6. 填好后在督办系统“我的任务”页上传本文件。请在 {cn_date(sheet.due_on)} 前完成报送。",
        "7. 同一文件重复上传不会重复报送；上传时如有问题，系统会逐条列出所在工作表、行和列，"
        "全部改正后才会保存。",
    ]
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=r == 1, size=14 if r == 1 else 11)
    ws.column_dimensions["A"].width = 110


def _write_meta(ws: Worksheet, sheet: ProgressSheet) -> None:
    meta = _meta(sheet)
    for r, (key, value) in enumerate(meta.items(), start=1):
        ws.cell(r, 1, key)
        ws.cell(r, 2, value)
    ws.cell(len(meta) + 1, 1, "checksum")
    ws.cell(len(meta) + 1, 2, checksum(meta))
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _meta(sheet: ProgressSheet) -> dict[str, str]:
    """Everything the upload is checked against, as text (what a cell stores unchanged)."""
    rows = [[line.assignment_id, line.number, _deadline(line)] for line in sheet.lines]
    targets = [[t.target_id, line.assignment_id] for line in sheet.lines for t in line.targets]
    return {
        "format": FORMAT,
        "plan": str(sheet.plan_id),
        "unit": sheet.unit_key,
        "unit_name": sheet.unit_name,
        "period": sheet.period_key,
        "period_label": sheet.period_label,
        "made_on": sheet.made_on.isoformat(),
        "rows": json.dumps(rows, ensure_ascii=False),
        "targets": json.dumps(targets),
    }


def checksum(meta: dict[str, str]) -> str:
    """A digest of the issued content: any edit of it (or of the meta sheet) changes it."""
    body = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def _title(ws: Worksheet, title: str, width: int, note: str) -> None:
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.cell(2, 1, note).font = Font(size=10, color="595959")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[1].height = 24


def _header(ws: Worksheet, headers: tuple[str, ...]) -> None:
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, c, text)
        cell.font = Font(bold=True)
        cell.fill = _INPUT_FILL if text.endswith("*") or text == "逾期说明" else _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER


def _row(
    ws: Worksheet, r: int, values: tuple[Any, ...], *, editable: range, number_format: str
) -> None:
    """One data row: issued cells grey and locked, the unit's cells yellow and unlocked."""
    for c, value in enumerate(values, start=1):
        cell = ws.cell(r, c, value)
        cell.alignment = _WRAP
        cell.border = _BORDER
        if c in editable:
            cell.fill, cell.protection = _INPUT_FILL, _UNLOCKED
            cell.number_format = number_format
        else:
            cell.fill = _LOCKED_FILL


def _validate(ws: Worksheet, rule: DataValidation, column: str, count: int) -> None:
    if count:
        ws.add_data_validation(rule)
        rule.add(f"{column}{HEADER_ROW + 1}:{column}{HEADER_ROW + count}")


def _layout(ws: Worksheet, widths: tuple[int, ...]) -> None:
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(c - 1)].width = width
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights stay free


def _deadline(line: AssignmentLine) -> str:
    if line.deadline is None:
        return "长期坚持" if line.ongoing else ""
    return cn_date(line.deadline) + ("（长期坚持）" if line.ongoing else "")


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
