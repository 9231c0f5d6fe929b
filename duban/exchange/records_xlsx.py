"""School-record workbooks (学校数据): the template a school fills, read back checked; CSV export.

Contract:
- ``write_template(kind, school_name=…, year=…, rows=…)`` writes one sheet named after the kind
  (title row, note row, header row of field labels — required ones marked ``*`` —, data from
  row 4), a 填写说明 sheet describing every field, drop-downs for choice and 是/否 columns, number
  checks for integer and number columns, text format for text columns (a 工号 0012 stays 0012),
  and a very hidden ``_duban`` sheet naming the kind and the format. With ``rows`` (values by
  field key) it is a filled export.
- ``read_records(data, kind)`` streams the uploaded sheet through ``xlsxread.Workbook`` (hostile
  files refused there) and reads every cell with ``domain.records.read_cell``. Headers are
  matched by label (``*`` and spaces tolerated); a missing required column, an unknown column,
  a bad cell and a repeated identity are each a ``Problem`` by sheet, row and column, raised
  together as one ``ExchangeError``. Empty rows are skipped. A template of another kind is
  refused naming both kinds. Only the checked rows are held, never the sheet.
- ``write_csv(kind, rows)`` gives UTF-8 CSV with a BOM (Excel opens the Chinese correctly);
  text that a spreadsheet would run as a formula is prefixed with ``'``.

Pure: no database. Which school and year the rows belong to is the caller's (never the file's).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from duban.domain.records import (
    TYPE_LABELS,
    Field,
    RecordKind,
    RecordRow,
    Value,
    read_cell,
    school_year_label,
)
from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.xlsxread import CellValue, ReadLimits, Workbook, column_letter

FORMAT = "duban-records/1"
META, HELP = "_duban", "填写说明"
HEADER_ROW = 3
"""Rows 1–2 hold the title and the note; the header is row 3, data from row 4."""
HEADER_SEARCH = 10
"""An upload's header is the first row within these that holds a field label."""
MAX_PROBLEMS = 500
"""Past this many problems reading stops: the list is long enough to act on."""
LAST_ROW = 1_048_576


# --- writing ------------------------------------------------------------------------------------


def write_template(
    kind: RecordKind, *, school_name: str | None, year: int | None,
    rows: Sequence[Mapping[str, Value]] = (),
) -> bytes:  # fmt: skip
    """The workbook for ``kind`` as .xlsx bytes: blank, or filled with ``rows``."""
    book = OpenpyxlWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.label
    _write_main(sheet, kind, school_name, year, rows)
    _write_help(book.create_sheet(HELP), kind)
    _write_meta(book.create_sheet(META), kind, school_name, year)
    book.properties.title = _title(kind, school_name, year)
    book.properties.creator = "督办系统"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")


def _title(kind: RecordKind, school_name: str | None, year: int | None) -> str:
    when = school_year_label(year) if year is not None else ""
    return f"{school_name or ''}{when}{kind.label}数据"


def _write_main(
    ws: Worksheet, kind: RecordKind, school_name: str | None, year: int | None,
    rows: Sequence[Mapping[str, Value]],
) -> None:  # fmt: skip
    width = len(kind.fields)
    note = "　".join([
        f"学校：{school_name or '（上传时按本单位）'}",
        f"学年：{school_year_label(year) if year is not None else '（上传时选择）'}",
        "带 * 的列必填；一行一条，请勿修改表头",
    ])  # fmt: skip
    ws.cell(1, 1, _title(kind, school_name, year)).font = Font(bold=True, size=14)
    ws.cell(2, 1, note).font = Font(size=10, color="595959")
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=max(width, 1))
    for c, field in enumerate(kind.fields, start=1):
        _header_cell(ws, c, field)
        _column(ws, c, field)
    for offset, values in enumerate(rows):
        for c, field in enumerate(kind.fields, start=1):
            _value_cell(ws, HEADER_ROW + 1 + offset, c, field, values.get(field.key))
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _header_cell(ws: Worksheet, c: int, field: Field) -> None:
    cell = ws.cell(HEADER_ROW, c, field.label + ("*" if field.required else ""))
    cell.font = Font(bold=True)
    cell.fill = _REQUIRED_FILL if field.required else _HEAD_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = _BORDER
    comment = Comment(describe(field), "督办系统")
    comment.width, comment.height = 240, 110
    cell.comment = comment


def _column(ws: Worksheet, c: int, field: Field) -> None:
    """Width, text format and the drop-down or number check of one column, from row 4 down."""
    letter = column_letter(c - 1)
    dimension = ws.column_dimensions[letter]
    dimension.width = _width(field)
    if field.type == "text":
        dimension.number_format = "@"
    rule = _validation(field)
    if rule is not None:
        ws.add_data_validation(rule)
        rule.add(f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW}")


def _width(field: Field) -> float:
    longest = max([len(field.label) + 1, *(len(c) for c in field.choices), 4])
    return float(min(40, 2 * longest + 2))


def _validation(field: Field) -> DataValidation | None:
    if field.type in ("choice", "boolean"):
        choices = field.choices if field.type == "choice" else ("是", "否")
        return DataValidation(
            type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
            showErrorMessage=True, errorTitle=field.label,
            error="请从下拉列表中选择：" + "、".join(choices),
        )  # fmt: skip
    if field.type in ("integer", "number"):
        low = field.minimum if field.minimum is not None else -1e15
        high = field.maximum if field.maximum is not None else 1e15
        return DataValidation(
            type="whole" if field.type == "integer" else "decimal", operator="between",
            formula1=f"{low:g}" if abs(low) < 1e15 else str(int(low)),
            formula2=f"{high:g}" if abs(high) < 1e15 else str(int(high)),
            allow_blank=True, showErrorMessage=True, errorTitle=field.label,
            error=f"请填写{TYPE_LABELS[field.type]}" + _range_text(field, "（{}）"),
        )  # fmt: skip
    return None


def _value_cell(ws: Worksheet, r: int, c: int, field: Field, value: Value) -> None:
    shown: Value = ("是" if value else "否") if isinstance(value, bool) else value
    cell = ws.cell(r, c, shown)
    if field.type == "text":
        cell.number_format = "@"
        if isinstance(shown, str):
            cell.data_type = "s"  # never a formula, even for text that starts with "="
    cell.border = _BORDER


def describe(field: Field) -> str:
    """How to fill ``field``, in one line: type, required, choices or range, note."""
    parts = [TYPE_LABELS[field.type], "必填" if field.required else "选填"]
    if field.type == "choice":
        parts.append("可选：" + "、".join(field.choices))
    elif field.type == "boolean":
        parts.append("填“是”或“否”")
    elif field.type == "text":
        parts.append("按文字填写（编号前面的 0 会保留）")
    parts.append(_range_text(field, "{}"))
    parts.append(field.note)
    return "；".join(p for p in parts if p)


def _range_text(field: Field, shape: str) -> str:
    low, high = field.minimum, field.maximum
    if low is not None and high is not None:
        return shape.format(f"{low:g} 到 {high:g}")
    if low is not None:
        return shape.format(f"不小于 {low:g}")
    if high is not None:
        return shape.format(f"不大于 {high:g}")
    return ""


def _write_help(ws: Worksheet, kind: RecordKind) -> None:
    ws.cell(1, 1, f"{kind.label}数据填写说明").font = Font(bold=True, size=14)
    headers = ("列", "字段", "类型", "必填", "可选项或范围", "说明")
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(2, c, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD_FILL, _BORDER
    for r, field in enumerate(kind.fields, start=3):
        values = (
            column_letter(r - 3), field.label, TYPE_LABELS[field.type],
            "是" if field.required else "否",
            "、".join(field.choices) or ("是、否" if field.type == "boolean" else "")
            or _range_text(field, "{}"),
            field.note,
        )  # fmt: skip
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.border, cell.alignment = _BORDER, Alignment(wrap_text=True, vertical="top")
    identity = "、".join(kind.field(k).label for k in kind.identity)
    tail = len(kind.fields) + 4
    for offset, text in enumerate([
        f"每条记录的{identity}不能重复；上传后替换本校本学年已有的{kind.label}数据。",
        "请只在第一张工作表中填写，不要修改表头、工作表名称，不要删除隐藏的工作表。",
        "上传时如有问题，系统会逐条列出所在的行和列，全部改正后才会保存。",
    ]):  # fmt: skip
        ws.cell(tail + offset, 1, text)
    for letter, width in zip("ABCDEF", (6, 22, 10, 6, 44, 44), strict=True):
        ws.column_dimensions[letter].width = width


def _write_meta(ws: Worksheet, kind: RecordKind, school_name: str | None, year: int | None) -> None:
    meta = {"format": FORMAT, "kind": kind.key, "kind_label": kind.label,
            "school": school_name or "", "year": "" if year is None else str(year)}  # fmt: skip
    for r, (key, value) in enumerate(meta.items(), start=1):
        ws.cell(r, 1, key)
        ws.cell(r, 2, value).data_type = "s"
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


# --- reading ------------------------------------------------------------------------------------


def template_meta(data: bytes, *, limits: ReadLimits | None = None) -> dict[str, str]:
    """The hidden ``_duban`` sheet of an uploaded workbook (``{}`` when it has none)."""
    return _meta(Workbook(data, limits=limits or ReadLimits()))


def _meta(book: Workbook) -> dict[str, str]:
    if not book.has_sheet(META):
        return {}
    out = {}
    for r, values in book.rows(META):
        if r > 20:
            break
        if len(values) >= 2 and isinstance(values[0], str):
            out[values[0]] = "" if values[1] is None else str(values[1])
    return out if out.get("format", "").startswith("duban-records/") else {}


def read_records(
    data: bytes, kind: RecordKind, *, limits: ReadLimits | None = None
) -> list[RecordRow]:
    """The checked rows of an uploaded ``kind`` workbook; ``ExchangeError`` lists every problem."""
    book = Workbook(data, limits=limits or ReadLimits())
    meta = _meta(book)
    if meta and meta.get("kind") != kind.key:
        other = meta.get("kind_label") or meta.get("kind")
        raise ExchangeError(f"这是“{other}”数据的模板，不是“{kind.label}”数据的；"
                            f"请下载“{kind.label}”模板填写，或上传时选择“{other}”")  # fmt: skip
    sheet = _data_sheet(book, kind)
    reader = _Reader(kind, sheet)
    try:
        reader.read(book.rows(sheet))
    except _Enough:
        reader.problems.append(Problem(f"问题超过 {MAX_PROBLEMS} 处，未再继续检查", sheet))
    if reader.problems:
        raise ExchangeError(reader.problems)
    return reader.rows


def _data_sheet(book: Workbook, kind: RecordKind) -> str:
    """The kind's sheet by name, else the first visible sheet that is not ours."""
    if book.has_sheet(kind.label):
        return kind.label
    for info in book.sheets:
        if info.state == "visible" and info.name not in (HELP, META):
            return info.name
    raise ExchangeError(f"工作簿中没有可读取的工作表，请使用“{kind.label}”模板填写")


class _Enough(Exception):
    """Raised once ``MAX_PROBLEMS`` problems are listed."""


@dataclass(frozen=True)
class _Column:
    index: int
    field: Field | None
    """``None``: a column with no header (any value in it is a problem)."""


def normal(label: object) -> str:
    """A header as typed, for matching: no ``*``, no spaces of any width, no line breaks."""
    text = "" if label is None else str(label)
    return "".join(text.replace("*", "").replace("＊", "").split())


class _Reader:
    """Reads one sheet's rows: finds the header, then checks every data row."""

    def __init__(self, kind: RecordKind, sheet: str) -> None:
        self.kind, self.sheet = kind, sheet
        self.columns: list[_Column] | None = None
        self.rows: list[RecordRow] = []
        self.problems: list[Problem] = []
        self.seen: dict[tuple[Value, ...], int] = {}

    def read(self, rows: Iterator[tuple[int, list[CellValue]]]) -> None:
        for r, values in rows:
            if self.columns is not None:
                self._data(r, values)
            elif r > HEADER_SEARCH:
                break
            elif any(normal(v) in self._labels() for v in values):
                self.columns = self._header(r, values)
        if self.columns is None:
            labels = "、".join(f.label for f in self.kind.fields)
            self._add(None, None, f"找不到表头行（应有：{labels}），请使用“{self.kind.label}”模板")

    def _labels(self) -> dict[str, Field]:
        return {normal(f.label): f for f in self.kind.fields}

    def _header(self, r: int, values: list[CellValue]) -> list[_Column]:
        labels, found, columns = self._labels(), set(), []
        for i, value in enumerate(values):
            text = normal(value)
            field = labels.get(text)
            if text and field is None:
                self._add(r, i, f"“{str(value).strip()}”不是{self.kind.label}数据的列，"
                                f"请删除此列或改用模板中的表头")  # fmt: skip
            elif field is not None and field.key in found:
                self._add(r, i, f"“{field.label}”列重复出现")
                field = None
            if field is not None:
                found.add(field.key)
            columns.append(_Column(i, field))
        missing = [f.label for f in self.kind.fields if f.required and f.key not in found]
        if missing:
            self._add(r, None, f"缺少必填列：{'、'.join(missing)}")
        return columns

    def _data(self, r: int, values: list[CellValue]) -> None:
        if not any(normal(v) for v in values):
            return
        assert self.columns is not None
        out: dict[str, Value] = {f.key: None for f in self.kind.fields}
        ok = True
        for i, raw in enumerate(values):
            column = self.columns[i] if i < len(self.columns) else _Column(i, None)
            if column.field is None:
                if normal(raw):
                    ok = self._add(r, i, "此列没有表头，内容无法识别，请删除或补上表头")
                continue
            out[column.field.key], reason = read_cell(column.field, raw)
            if reason is not None:
                ok = self._add(r, i, reason)
        ok = self._required(r, values, out) and ok
        ok = self._unique(r, out) and ok
        if ok:
            self.rows.append(RecordRow(r, out))

    def _required(self, r: int, values: list[CellValue], out: dict[str, Value]) -> bool:
        """Required fields whose cells lie past the row's last value (trailing empties)."""
        ok = True
        for column in self.columns or ():
            field = column.field
            if field is not None and field.required and column.index >= len(values):
                ok = self._add(r, column.index, "必填，不能为空")
        return ok

    def _unique(self, r: int, out: dict[str, Value]) -> bool:
        """A row with the identity of an earlier one is refused (bad rows count as seen too)."""
        identity = tuple(out[k] for k in self.kind.identity)
        if any(v is None for v in identity):
            return True  # missing identity: already a problem of its own
        first = self.seen.setdefault(identity, r)
        if first == r:
            return True
        labels = "、".join(self.kind.field(k).label for k in self.kind.identity)
        shown = "、".join(str(v) for v in identity)
        key = self.kind.identity[0]
        index = next(c.index for c in self.columns or () if c.field and c.field.key == key)
        message = f"与第{first}行的{labels}相同（“{shown}”），每条记录只能出现一次"
        return self._add(r, index, message)

    def _add(self, r: int | None, index: int | None, message: str) -> bool:
        """Record a problem at row ``r``, column ``index``; always ``False`` (the row is bad)."""
        columns = self.columns or []
        field = columns[index].field if index is not None and index < len(columns) else None
        letter = column_letter(index) if index is not None else None
        header = field.label if field else None
        self.problems.append(Problem(message, self.sheet, r, letter, header))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Enough
        return False


# --- CSV ----------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_csv(kind: RecordKind, rows: Iterable[Mapping[str, Value]]) -> bytes:
    """``rows`` (values by field key) as CSV bytes: UTF-8 with BOM, header = the field labels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.label for f in kind.fields])
    for values in rows:
        writer.writerow([_csv_cell(f, values.get(f.key)) for f in kind.fields])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(field: Field, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return "'" + text if field.type == "text" and text.startswith(_FORMULA_START) else text
