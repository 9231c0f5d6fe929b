"""Tasks of a plan laid out as a table (分工表 / 台账): one row a task, columns found by header.

Header words and column order vary from office to office (序号 | 重点任务 | 具体内容 | 牵头单位 |
配合单位 | 完成时限, or 编号 | 工作任务 | 主要措施 | 责任部门 | 协同单位 | 时间节点 …); headings of
groups are rows merged across the table or a category column merged down; a table broken over
pages continues without its header, and a row broken over pages continues without its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from duban.plandoc.fields import HEADER_WORDS, Field
from duban.plandoc.outline import match_number
from duban.plandoc.repair import Cell, Grid


class Col(Enum):
    NUMBER = "number"
    GROUP = "group"
    TITLE = "title"
    TEXT = "text"
    LEAD = "lead"
    COOP = "coop"
    DEADLINE = "deadline"
    NOTE = "note"


_HEADERS: tuple[tuple[Col, re.Pattern[str]], ...] = (
    (Col.NOTE, re.compile(r"备注|进展|完成情况|落实情况|佐证|说明|分值|得分|领导|责任人|联系人")),
    (Col.NUMBER, re.compile(r"^(?:序号|编号|序|号|NO\.?|No\.?)$")),
    (Col.COOP, HEADER_WORDS[Field.COOP]),
    (Col.LEAD, HEADER_WORDS[Field.LEAD]),
    (Col.DEADLINE, HEADER_WORDS[Field.DEADLINE]),
    (Col.GROUP, re.compile(r"^(?:类别|类型|领域|板块|分类|方面|重点领域|任务类别|项目类别|专项)$")),
    (
        Col.TEXT,
        re.compile(
            r"具体|内容|措施|举措|目标任务|任务要求|工作要求|工作目标|任务目标|主要目标|标准|要求"
        ),
    ),
    (Col.TITLE, re.compile(r"任务|事项|项目|工作|名称")),
)


@dataclass
class RowTask:
    """One task read from a table row (or rows merged by a shared number cell)."""

    number: Cell | None
    title: Cell | None
    text: list[Cell] = field(default_factory=list)
    lead: list[Cell] = field(default_factory=list)
    coop: list[Cell] = field(default_factory=list)
    deadline: list[Cell] = field(default_factory=list)
    section: Cell | None = None
    group: Cell | None = None
    title_more: list[Cell] = field(default_factory=list)  # the title cell continued on a new page

    def text_cells(self) -> list[Cell]:
        """The task's text: its content cells, or its title cell where the table has no other."""
        if self.text:
            return self.text
        return ([self.title] if self.title else []) + self.title_more


@dataclass
class TableReader:
    """Reads consecutive grids; keeps the column map so a continued table needs no header."""

    columns: dict[int, Col] | None = None
    width: int = 0
    section: Cell | None = None
    group: Cell | None = None
    tasks: list[RowTask] = field(default_factory=list)

    def read(self, grid: Grid) -> list[RowTask]:
        """Tasks of ``grid``; ``[]`` when it is not a task table (nor continues one)."""
        rows = [row for row in grid.rows if any(c.text for c in row)]
        start = self._header(rows)
        if start is None:
            if self.columns is None or not rows or len(rows[0]) != self.width:
                return []
            start = 0
        before = len(self.tasks)
        for row in rows[start:]:
            self._row(row)
        return self.tasks[before:]

    def _header(self, rows: list[tuple[Cell, ...]]) -> int | None:
        for i, row in enumerate(rows[:6]):
            columns = header_columns(row)
            if columns is None:
                continue
            if i + 1 < len(rows):
                below = header_columns(rows[i + 1], partial=True)
                if below:
                    columns = {**columns, **below}
                    i += 1
            if columns != self.columns or len(row) != self.width:
                self.section = self.group = None  # a new table, not the header repeated on a page
            self.columns, self.width = columns, len(row)
            return i + 1
        return None

    def _row(self, row: tuple[Cell, ...]) -> None:
        assert self.columns is not None
        if header_columns(row) is not None:
            return  # the header repeated on a new page
        heading = _heading(row)
        if heading is not None:
            self._set_heading(heading)
            return
        cells = {col: row[i] for i, col in self.columns.items() if i < len(row) and row[i].text}
        if Col.GROUP in cells:
            self._set_heading(cells[Col.GROUP], column=True)
        last = self.tasks[-1] if self.tasks else None
        number = cells.get(Col.NUMBER)
        if last and _continues(last, number, cells):
            _merge(last, cells)
            return
        if not ({Col.TEXT, Col.TITLE, Col.LEAD} & cells.keys()):
            return
        task = RowTask(number, cells.get(Col.TITLE), section=self.section, group=self.group)
        _merge(task, cells)
        self.tasks.append(task)

    def _set_heading(self, cell: Cell, *, column: bool = False) -> None:
        found = match_number(cell.text)
        if found and found[0] in ("cn", "part"):
            if self.section is not cell:
                self.section, self.group = cell, None
        elif column or found is None or found[0] != "cn":
            self.group = cell


def header_columns(row: tuple[Cell, ...], *, partial: bool = False) -> dict[int, Col] | None:
    """Map column index → role when ``row`` reads as a task table's header."""
    columns: dict[int, Col] = {}
    words: dict[int, str] = {}
    for i, cell in enumerate(row):
        text = re.sub(r"\s+", "", cell.text)
        if not text or len(text) > 12:
            continue
        role = next((col for col, pattern in _HEADERS if pattern.search(text)), None)
        if role is Col.LEAD and Col.LEAD in columns.values() and Col.COOP not in columns.values():
            role = _second_unit_column(columns, words, text)
        if role is not None and role not in columns.values():
            columns[i], words[i] = role, text
        elif role is Col.TEXT and Col.TITLE not in columns.values():
            columns[i] = Col.TITLE
    roles = set(columns.values())
    if partial:
        return columns if roles & {Col.LEAD, Col.COOP} and len(roles) <= 3 else None
    has_text = bool(roles & {Col.TEXT, Col.TITLE})
    has_field = bool(roles & {Col.LEAD, Col.COOP, Col.DEADLINE})
    return columns if has_text and has_field else None


def _second_unit_column(columns: dict[int, Col], words: dict[int, str], text: str) -> Col | None:
    """Of 牵头单位 and 责任单位 side by side, 牵头 leads and 责任 is the units doing their part."""
    first = next(i for i, col in columns.items() if col is Col.LEAD)
    if text.startswith("牵头") and not words[first].startswith("牵头"):
        columns[first] = Col.COOP
        return Col.LEAD
    return Col.COOP if words[first].startswith("牵头") else None


def _heading(row: tuple[Cell, ...]) -> Cell | None:
    """A group heading: one text merged across the row, or a heading alone in an empty row."""
    filled = [c for c in row if c.text]
    if len({c.start for c in filled}) != 1:
        return None
    cell = filled[0]
    if len(filled) > 1:
        return cell
    if len(row) <= 2 or re.fullmatch(r"\d{1,3}[.、]?", cell.text):
        return None
    found = match_number(cell.text)
    if found and found[0] in ("cn", "cn_paren", "part"):
        return cell
    return cell if len(cell.text) <= 30 and "。" not in cell.text else None


def _continues(last: RowTask, number: Cell | None, cells: dict[Col, Cell]) -> bool:
    """A row without its own number continues the task above (merged number, page break)."""
    if number is not None:
        return last.number is not None and number.start == last.number.start
    return last.number is not None and not ({Col.LEAD, Col.DEADLINE} & cells.keys())


def _merge(task: RowTask, cells: dict[Col, Cell]) -> None:
    targets = {Col.TEXT: task.text, Col.LEAD: task.lead, Col.COOP: task.coop}
    targets[Col.DEADLINE] = task.deadline
    for col, bucket in targets.items():
        cell = cells.get(col)
        if cell is not None and all(c.start != cell.start for c in bucket):
            bucket.append(cell)
    title = cells.get(Col.TITLE)
    if task.title is None:
        task.title = title
    elif title is not None and title.start != task.title.start:
        task.title_more.append(title)
