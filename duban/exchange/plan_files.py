"""The plan as a file again (方案导出): a Word document in official style and the 分工表 workbook.

Plain data in (``PlanFile``, gathered by ``queries.plan_export`` from the stored rows, review
corrections included), bytes out. The contract both files keep: read back by our own importer
(``duban.plandoc.parse_bytes``) they give the same tasks — numbers, titles, lead and cooperating
units, deadlines, ongoing flags, sections and groups. So the words are the importer's:

- Word: the front matter (basis, 总体要求, 具体目标 … as the plan wrote them), then each section
  as a level-1 heading (``三、重点任务及分工``), each group as a level-2 heading (``（一）…``),
  each task as ``1.title。text`` followed by ``责任单位：…``, ``配合单位：…`` and ``完成时限：…``;
- Excel: a title row, the header 序号 | 重点任务 | 具体内容 | 责任单位 | 配合单位 | 完成时限,
  section and group rows merged across, one row a task; frozen header, landscape, fit to width.

A task's 完成时限 is the phrase the plan wrote unless a correction changed the deadline or the
ongoing flag; then it is written afresh (``2022年3月前完成并长期坚持``) so that it reads back as
the corrected values. Unit names are joined with ``、``. A number qualified by its group (``2.3``,
for plans that restart numbering in each group) is written as its last part, as the plan did.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from duban.exchange.officedoc import OfficialDocument
from duban.plandoc.deadlines import parse_deadline
from duban.plandoc.outline import match_number

HEADERS = ("序号", "重点任务", "具体内容", "责任单位", "配合单位", "完成时限")
WIDTHS = (7, 20, 70, 26, 30, 18)
"""Column widths in characters of the workbook (a CJK character counts two)."""
SHEET = "重点任务分工"
_CN = "一二三四五六七八九十"


@dataclass(frozen=True)
class PlanTask:
    """One task as the plan stands: the stored row after review corrections."""

    number: str
    title: str
    body: str
    """The task's text after its title sentence (``按照…``); may hold line breaks."""
    lead: tuple[str, ...]
    coop: tuple[str, ...]
    deadline: dt.date | None
    ongoing: bool
    deadline_text: str | None
    """The 完成时限 phrase the plan wrote, if any."""
    section: str | None = None
    section_number: str | None = None
    """``三`` when the plan's heading gave it; ``None``: numbered in order of appearance."""
    group: str | None = None
    group_number: str | None = None


@dataclass(frozen=True)
class PlanFile:
    """A plan ready to be written: title, front matter lines and tasks in order."""

    title: str
    front: tuple[str, ...]
    """Lines before the tasks: headings keep their numbers (``一、总体要求``), others are body."""
    tasks: tuple[PlanTask, ...]


# --- the words ------------------------------------------------------------------------------------


def deadline_phrase(task: PlanTask) -> str:
    """The 完成时限 to write for ``task`` (``deadline_words``)."""
    return deadline_words(task.deadline, task.ongoing, task.deadline_text)


def deadline_words(deadline: dt.date | None, ongoing: bool, written: str | None) -> str:
    """The plan's phrase ``written`` when it still says ``deadline`` and ``ongoing``, else
    the phrase for them: ``2022年3月前完成并长期坚持``, ``长期坚持``, or empty for neither."""
    if written:
        said = parse_deadline(written)
        if (said.date, said.ongoing) == (deadline, ongoing):
            return written
    if deadline is None:
        return "长期坚持" if ongoing else ""
    return f"{_day_phrase(deadline)}前完成" + ("并长期坚持" if ongoing else "")


def _day_phrase(day: dt.date) -> str:
    """``2022年3月`` for a month's last day (as plans write it), else ``2022年3月15日``."""
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{day.year}年{day.month}月"
    return f"{day.year}年{day.month}月{day.day}日"


def units_text(names: tuple[str, ...]) -> str:
    return "、".join(names)


def task_number(task: PlanTask) -> str:
    """The number as the plan writes it: the last part of a group-qualified ``2.3``."""
    return task.number.rsplit(".", 1)[-1]


def task_head(task: PlanTask) -> str:
    """``title。body``: the task's text as it reads after its number."""
    title = task.title.rstrip("。")
    first = task.body.split("\n", 1)[0]
    return f"{title}。{first}" if first else f"{title}。"


@dataclass(frozen=True)
class _Heading:
    text: str
    level: int  # 1 section, 2 group


def outline(plan: PlanFile) -> list[_Heading | PlanTask]:
    """Tasks in order with the section and group headings that open before each."""
    out: list[_Heading | PlanTask] = []
    section: tuple[str | None, str | None] = (None, None)
    group: tuple[str | None, str | None] = (None, None)
    sections = groups = 0
    for task in plan.tasks:
        if task.section and (task.section, task.section_number) != section:
            section, group, groups = (task.section, task.section_number), (None, None), 0
            sections += 1
            number = task.section_number or _cn(sections)
            out.append(_Heading(f"{number}、{task.section}", 1))
        if task.group and (task.group, task.group_number) != group:
            group = (task.group, task.group_number)
            groups += 1
            out.append(_Heading(f"（{task.group_number or _cn(groups)}）{task.group}", 2))
        out.append(task)
    return out


def _cn(n: int) -> str:
    """一 … 九十九: the Chinese numeral of a heading."""
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[ones - 1] if ones else "")


# --- Word -----------------------------------------------------------------------------------------


def plan_docx(plan: PlanFile) -> bytes:
    """The plan as an official-style Word document (module docstring)."""
    doc = OfficialDocument(plan.title, author="督办系统")
    for line in plan.front:
        _front_line(doc, line)
    for item in outline(plan):
        if isinstance(item, _Heading):
            doc.heading(item.text, item.level)
        else:
            _docx_task(doc, item)
    return doc.to_bytes()


def _front_line(doc: OfficialDocument, line: str) -> None:
    found = match_number(line)
    levels = {"cn": 1, "part": 1, "cn_paren": 2}
    if found and found[0] in levels and len(line) <= 40 and "。" not in line[:-1]:
        doc.heading(line, levels[found[0]])
    else:
        doc.paragraph(line)


def _docx_task(doc: OfficialDocument, task: PlanTask) -> None:
    doc.paragraph(f"{task_number(task)}.{task_head(task)}")
    for line in task.body.split("\n")[1:]:
        if line.strip():
            doc.paragraph(line)
    doc.paragraph(f"责任单位：{units_text(task.lead)}")
    if task.coop:
        doc.paragraph(f"配合单位：{units_text(task.coop)}")
    phrase = deadline_phrase(task)
    if phrase:
        doc.paragraph(f"完成时限：{phrase}")


# --- Excel ----------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
_FONT = "仿宋"
_LINE_PT = 14.5  # one line of 11 pt text


def plan_xlsx(plan: PlanFile) -> bytes:
    """The plan as the 分工表 workbook (module docstring)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    _title_row(sheet, plan.title)
    _header_row(sheet)
    for item in outline(plan):
        if isinstance(item, _Heading):
            _merged_row(sheet, item.text, bold=True, fill=_GROUP_FILL)
        else:
            _task_row(sheet, item)
    _page_setup(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title_row(sheet: Worksheet, title: str) -> None:
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    cell = sheet.cell(1, 1)
    cell.font = Font(name="方正小标宋简体", size=16, bold=True)
    cell.alignment = _CENTRE
    sheet.row_dimensions[1].height = 48


def _header_row(sheet: Worksheet) -> None:
    sheet.append(list(HEADERS))
    for col, width in enumerate(WIDTHS, start=1):
        cell = sheet.cell(2, col)
        cell.font, cell.alignment = Font(name="黑体", size=12), _CENTRE
        cell.fill, cell.border = _HEAD_FILL, _BORDER
        sheet.column_dimensions[cell.column_letter].width = width


def _merged_row(sheet: Worksheet, text: str, *, bold: bool, fill: PatternFill) -> None:
    sheet.append([text])
    row = sheet.max_row
    for col in range(1, len(HEADERS) + 1):
        sheet.cell(row, col).border = _BORDER
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    cell = sheet.cell(row, 1)
    cell.font = Font(name="楷体", size=12, bold=bold)
    cell.alignment, cell.fill = Alignment(vertical="center"), fill


def _task_row(sheet: Worksheet, task: PlanTask) -> None:
    number = task_number(task)
    values = [int(number) if number.isdigit() else number, task.title, task.body,
              units_text(task.lead), units_text(task.coop), deadline_phrase(task)]  # fmt: skip
    sheet.append(values)
    row = sheet.max_row
    for col in range(1, len(HEADERS) + 1):
        cell = sheet.cell(row, col)
        cell.font, cell.border = Font(name=_FONT, size=11), _BORDER
        cell.alignment = _CENTRE if col in (1, 6) else _WRAP
    lines = max(_lines(str(v), w) for v, w in zip(values, WIDTHS, strict=True))
    sheet.row_dimensions[row].height = max(lines, 2) * _LINE_PT + 4


def _lines(text: str, width: int) -> int:
    """Lines ``text`` wraps to in a column ``width`` wide (Excel and LibreOffice do not size
    rows of wrapped text when they open a file, so the height is set from this)."""
    usable = max(width - 2, 1)
    return sum(max(1, -(-_display_width(part) // usable)) for part in text.split("\n"))


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _page_setup(sheet: Worksheet) -> None:
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.5
    margins.top = margins.bottom = 0.6
