"""Excel .xlsx ledgers: the task-table sheets as Tables, title rows above them as Paragraphs.

openpyxl (full mode, for merged ranges) does the parsing, but only after a streaming pre-scan of
every XML part has counted the cells and the positions merged ranges cover: openpyxl materialises
one object per covered position, so a single hostile ``A1:XFD1048576`` merge would otherwise
exhaust memory. Values are rendered as people read them: dates ``2021年7月31日``, ``1.0`` as
``1``, percent-formatted numbers as ``50%``.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
import openpyxl
from openpyxl.utils.cell import range_boundaries

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Block, Document, Paragraph
from duban.plandoc.readers.grid import make_table
from duban.plandoc.readers.limits import Limits
from duban.plandoc.readers.safezip import SafeZip
from duban.plandoc.readers.xmlsafe import HOSTILE_XML

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_CELL_TAGS = frozenset(f"{{{ns}}}c" for ns in _MAIN)
_MERGE_TAGS = frozenset(f"{{{ns}}}mergeCell" for ns in _MAIN)
_HEADER_WORDS = (
    "序号", "编号", "任务", "内容", "措施", "举措", "单位", "部门",
    "牵头", "责任", "配合", "协同", "时限", "时间", "完成",
)  # fmt: skip
_HEADER_SCAN_ROWS = 20


def read_xlsx(archive: SafeZip, data: bytes, limits: Limits) -> Document:
    """Read a checked workbook container (``data`` is its bytes, for openpyxl)."""
    _prescan(archive, limits)
    workbook = _load(data)
    grids = [grid for grid in _sheet_grids(workbook, limits) if grid]
    tasks = [grid for grid in grids if _header_row(grid) is not None]
    blocks = [block for grid in (tasks or grids) for block in _sheet_blocks(grid)]
    return Document(blocks=tuple(blocks), format="xlsx")


# --- pre-scan ------------------------------------------------------------------------------------


def _prescan(archive: SafeZip, limits: Limits) -> None:
    """Count cells and merged positions in every XML part; refuse past ``limits.sheet_cells``."""
    total = 0
    for name in sorted(archive.names):
        if archive.size(name) and _is_xml(archive.head(name)):
            total += _count_cells(archive.read(name), limits.sheet_cells - total)
    if total > limits.sheet_cells:
        raise PlanReadError(f"工作簿过大（超过 {limits.sheet_cells} 个单元格）")


def _is_xml(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _count_cells(part: bytes, budget: int) -> int:
    """Cells plus merged positions in one part, stopping early once past ``budget``."""
    count = 0
    try:
        for _, element in SafeET.iterparse(io.BytesIO(part), events=("end",), forbid_dtd=True):
            if element.tag in _CELL_TAGS:
                count += 1
            elif element.tag in _MERGE_TAGS:
                count += _merge_area(element.get("ref", ""))
            element.clear()
            if count > budget:
                break
    except defusedxml.DefusedXmlException as exc:
        raise PlanReadError(HOSTILE_XML) from exc
    except SafeET.ParseError:
        return count  # not XML after all; openpyxl will judge the parts it needs
    return count


def _merge_area(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return 0
    if min_col is None or min_row is None or max_col is None or max_row is None:
        return 0
    return int((max_col - min_col + 1) * (max_row - min_row + 1))


# --- load and render -----------------------------------------------------------------------------


def _load(data: bytes) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
        try:
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=True, keep_links=False
            )
        except PlanReadError:
            raise
        except defusedxml.DefusedXmlException as exc:
            raise PlanReadError(HOSTILE_XML) from exc
        except Exception as exc:  # openpyxl raises anything on damaged input
            raise PlanReadError(f"文件已损坏：xlsx 无法解析（{type(exc).__name__}）") from exc


def _sheet_grids(workbook: Any, limits: Limits) -> Iterator[list[list[str]]]:
    """Each visible sheet as a grid of rendered values with merged ranges spread; a sheet whose
    used range is over ``limits.sheet_cells`` (sparse cells far apart) is skipped."""
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or sheet.max_row * sheet.max_column > limits.sheet_cells:
            continue
        grid = [
            [render(cell.value, cell.number_format) for cell in row]
            for row in sheet.iter_rows(
                min_row=1, min_col=1, max_row=sheet.max_row, max_col=sheet.max_column
            )
        ]
        _spread_merges(grid, sheet.merged_cells.ranges)
        yield grid


def _spread_merges(grid: list[list[str]], ranges: Any) -> None:
    """Copy each merged range's top-left value into every position it covers."""
    for merged in ranges:
        if merged.min_row > len(grid) or merged.min_col > len(grid[0]):
            continue
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            row = grid[r]
            for c in range(merged.min_col - 1, min(merged.max_col, len(row))):
                row[c] = value


def render(value: object, number_format: str = "General") -> str:
    """A cell value as text, the way a reader of the sheet sees it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        day = _date(value.date())
        return day if value.time() == dt.time() else f"{day} {value:%H:%M}"
    if isinstance(value, dt.date):
        return _date(value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, int | float):
        if "%" in number_format:
            return _number(value * 100) + "%"
        return _number(value)
    return str(value)


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.15g}"


# --- layout --------------------------------------------------------------------------------------


def _sheet_blocks(grid: list[list[str]]) -> list[Block]:
    """Rows above the table (titles merged across) as Paragraphs, the rest as one Table."""
    rows = [row for row in grid if any(cell.strip() for cell in row)]
    header = _header_row(rows)
    top = header if header is not None else _leading_single_rows(rows)
    blocks: list[Block] = [Paragraph(text) for row in rows[:top] for text in _distinct(row)]
    table = make_table(rows[top:])
    if table is not None:
        blocks.append(table)
    return blocks


def _header_row(grid: Sequence[Sequence[str]]) -> int | None:
    """Index of the first row with at least three short cells naming task-table columns."""
    for index, row in enumerate(grid[:_HEADER_SCAN_ROWS]):
        named = {cell for cell in row if len(cell) <= 12 and any(w in cell for w in _HEADER_WORDS)}
        if len(named) >= 3:
            return index
    return None


def _leading_single_rows(rows: Sequence[Sequence[str]]) -> int:
    """How many rows at the top hold a single text (titles and prose pasted into a column)."""
    count = 0
    while count < len(rows) and len(_distinct(rows[count])) <= 1:
        count += 1
    return count


def _distinct(row: Sequence[str]) -> list[str]:
    out: list[str] = []
    for cell in row:
        text = cell.strip()
        if text and text not in out:
            out.append(text)
    return out
