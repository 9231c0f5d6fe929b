"""The ledger's 汇总 sheet: tasks per status and per group × status, with native Excel charts.

Two tables, then two charts that reference their cells (so they follow any edit in Excel): a bar
chart of each group's tasks stacked by status, and a pie chart of the overall counts. Statuses
appear in the dashboard's order, with the labels and colours of ``duban.domain.choices`` and
duban.css. A task's group is its group title, else its section, else 其他任务 — as on the
dashboard.
"""

from __future__ import annotations

import math
from collections import Counter

from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.series import DataPoint
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from duban.domain.choices import STATUS_LABELS, Status
from duban.domain.reasons import day
from duban.exchange.ledger_model import Ledger, LedgerRow
from duban.exchange.ledger_style import (
    BODY,
    BORDER,
    COLOURS,
    FONT,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    print_setup,
    status_fill,
    status_font,
)

ORDER = (Status.OVERDUE, Status.DUE_SOON, Status.UNREPORTED, Status.ON_TRACK, Status.DONE_LATE,
         Status.DONE)  # fmt: skip
"""The dashboard's order: the statuses needing attention first."""

STATUS_TABLE_ROW = 4
OTHER_GROUP = "其他任务"
_ROW_CM = 0.53  # a default-height row, to place the pie chart below the bar chart


def group_of(row: LedgerRow) -> str:
    return row.group or row.section or OTHER_GROUP


def write_summary(sheet: Worksheet, ledger: Ledger) -> None:
    """Fill ``sheet`` with the counts of ``ledger`` and the charts drawn from them."""
    title = "任务状态汇总" + (f"（{ledger.unit}）" if ledger.unit else "")
    sheet.cell(1, 1, title).font = Font(name=FONT, size=16, bold=True)
    sheet.cell(2, 1, f"截至 {day(ledger.as_of)}，共 {len(ledger.rows)} 项任务").font = BODY
    counts = Counter(row.status for row in ledger.rows)
    last_status = _status_table(sheet, counts)
    groups: dict[str, Counter[str]] = {}
    for row in ledger.rows:
        groups.setdefault(group_of(row), Counter())[row.status] += 1
    group_head = last_status + 3
    _group_table(sheet, group_head, groups)
    sheet.column_dimensions["A"].width = 34
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 10
    below = STATUS_TABLE_ROW
    if groups:
        bar = _bar_chart(sheet, group_head, len(groups))
        sheet.add_chart(bar, f"J{below}")
        below += math.ceil(bar.height / _ROW_CM) + 2
    if ledger.rows:
        sheet.add_chart(_pie_chart(sheet), f"J{below}")
    print_setup(sheet, one_page=True)


def _status_table(sheet: Worksheet, counts: Counter[str]) -> int:
    """状态 | 任务数, one row per status and a 合计 row; returns the 合计 row's number."""
    _header(sheet, STATUS_TABLE_ROW, ["状态", "任务数"])
    line = STATUS_TABLE_ROW
    for line, status in enumerate(ORDER, start=STATUS_TABLE_ROW + 1):
        _body(sheet, line, [STATUS_LABELS[status], counts.get(status, 0)])
        sheet.cell(line, 1).fill, sheet.cell(line, 1).font = status_fill(status), status_font()
    total = line + 1
    _body(sheet, total, ["合计", sum(counts.values())])
    sheet.cell(total, 1).font = HEADER_FONT
    return total


def _group_table(sheet: Worksheet, head: int, groups: dict[str, Counter[str]]) -> None:
    """任务组 | each status | 合计, one row per group."""
    _header(sheet, head, ["任务组", *(STATUS_LABELS[s] for s in ORDER), "合计"])
    for line, (title, counts) in enumerate(groups.items(), start=head + 1):
        values = [counts.get(s, 0) for s in ORDER]
        _body(sheet, line, [title, *values, sum(values)])


def _header(sheet: Worksheet, line: int, texts: list[str]) -> None:
    for index, text in enumerate(texts, start=1):
        cell = sheet.cell(line, index, text)
        cell.font, cell.fill, cell.border, cell.alignment = (
            HEADER_FONT, HEADER_FILL, BORDER, HEADER_ALIGN,
        )  # fmt: skip


def _body(sheet: Worksheet, line: int, values: list[str | int]) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(line, index, value)
        cell.font, cell.border, cell.alignment = BODY, BORDER, WRAP


def _bar_chart(sheet: Worksheet, head: int, rows: int) -> BarChart:
    """Each group's tasks as one bar, stacked by status, from the group table."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "各任务组推进情况"
    chart.y_axis.title = "任务数"
    chart.x_axis.scaling.orientation = "maxMin"  # groups top to bottom, as in the table
    chart.x_axis.delete = chart.y_axis.delete = False  # Excel hides axes left unset
    data = Reference(sheet, min_col=2, max_col=1 + len(ORDER), min_row=head, max_row=head + rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=head + 1, max_row=head + rows))
    for series, status in zip(chart.series, ORDER, strict=True):
        series.graphicalProperties.solidFill = COLOURS[status]
        series.graphicalProperties.line.solidFill = COLOURS[status]
    chart.height, chart.width = max(7.5, 1.2 * rows + 3), 18
    return chart


def _pie_chart(sheet: Worksheet) -> PieChart:
    """The overall counts per status, from the status table."""
    chart = PieChart()
    chart.title = "任务状态分布"
    first, last = STATUS_TABLE_ROW + 1, STATUS_TABLE_ROW + len(ORDER)
    chart.add_data(Reference(sheet, min_col=2, min_row=STATUS_TABLE_ROW, max_row=last),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    for index, status in enumerate(ORDER):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = COLOURS[status]
        chart.series[0].dPt.append(point)
    chart.height, chart.width = 7.5, 12
    return chart
