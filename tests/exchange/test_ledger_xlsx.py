"""The ledger workbook as a person opens it: layout, colours, print setup, summary, unit sheets.

Pure: the ledger is built by hand here (the store-backed ledger is tested in
tests/queries/test_ledger.py); each workbook is read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from duban.domain.choices import STATUS_LABELS, Status
from duban.exchange.ledger_model import Ledger, LedgerRow, Progress, TargetLine, UnitPart
from duban.exchange.ledger_text import sheet_name
from duban.exchange.ledger_xlsx import write_ledger
from tests.office import convert_to_pdf, pdf_text

AS_OF = dt.date(2023, 6, 10)
HEADER = ["序号", "重点任务", "具体内容", "责任单位", "配合单位", "完成时限", "进展情况", "状态",
          "目标完成情况"]  # fmt: skip
CSS = {"overdue": "B3261E", "due_soon": "8A5A00", "unreported": "6B4FA3", "on_track": "1D6FB8",
       "done_late": "4F7A28", "done": "1E7A3C"}  # fmt: skip
"""The dashboard's colours, copied from duban.css: the workbook must match the screen."""


def part(key: str, name: str, role: str = "lead", status: str = "on_track", *,
         day: dt.date | None = None, text: str = "") -> UnitPart:  # fmt: skip
    progress = Progress(day, "in_progress", text) if day else None
    return UnitPart(key, name, role, status, f"{name}的状态说明", progress)


FIRST, SECOND = "（一）构建职业教育改革发展新格局", "（二）提升职业教育发展水平"


def task(number: int, status: str, *, group: str = FIRST,
         section: str = "三、重点任务及分工", parts: tuple[UnitPart, ...] = (),
         targets: tuple[TargetLine, ...] = (), ongoing: bool = True,
         deadline: dt.date | None = dt.date(2021, 7, 31)) -> LedgerRow:  # fmt: skip
    return LedgerRow(
        number=str(number), title=f"任务{number}标题", text=f"任务{number}的具体内容。" * 3,
        section=section, group=group, lead_names=("市教育局", "中宁县人民政府"),
        coop_names=("市财政局",), deadline=deadline, ongoing=ongoing,
        deadline_text="2021年7月前完成并长期坚持", status=status, reason="说明",
        parts=parts, targets=targets,
    )  # fmt: skip


EDU = part("zw-edu", "市教育局", day=dt.date(2023, 4, 3), text="已完成专业布局调整。")
ZN = part("zn-gov", "中宁县人民政府", status="overdue", day=dt.date(2023, 5, 6), text="正在推进。")
FIN = part("zw-fin", "市财政局", "coop", day=dt.date(2023, 4, 9), text="资金已到位。")
TEACHERS = TargetLine("双师型教师比例", "≥50%", 46.0, "%", "behind", "全市")
STARTED = part("zw-edu", "市教育局", day=dt.date(2023, 1, 5), text="启动。")
BASES = TargetLine("实训基地", "≥3个", None, "个", "no_data", "市职业技术学校")


def sample_ledger(unit: str | None = None) -> Ledger:
    """Six tasks, one per status, in two groups; task 1 has three units and two targets."""
    rows = [
        task(1, "overdue", parts=(EDU, ZN, FIN), targets=(TEACHERS, BASES)),
        task(2, "due_soon", parts=(part("zw-edu", "市教育局", status="due_soon"),)),
        task(3, "unreported", parts=(STARTED,)),
        task(4, "on_track", group=SECOND, ongoing=False),
        task(5, "done_late", group=SECOND, deadline=None, ongoing=True),
        task(6, "done", group=SECOND, parts=(FIN,)),
    ]
    units = (("zw-edu", "市教育局"), ("zn-gov", "中宁县人民政府"), ("zw-fin", "市财政局"))
    return Ledger("中卫市职业教育分工方案", AS_OF, tuple(rows), unit, units)


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def values(sheet: Worksheet, row: int) -> list[object]:
    return [c.value for c in sheet[row]]


def find(sheet: Worksheet, text: str | int) -> int:
    """The row whose first cell holds ``text`` (a task number, a group title…)."""
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == text)


def test_the_main_sheet_has_title_date_line_and_header_in_the_customary_layout() -> None:
    sheet = read(write_ledger(sample_ledger()))["台账"]
    assert sheet.cell(1, 1).value == "中卫市职业教育分工方案重点任务推进台账"
    assert sheet.cell(2, 1).value == "截至 2023年6月10日"
    assert values(sheet, 3) == HEADER
    assert sheet.freeze_panes == "A4"  # the header stays while scrolling
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    body = sheet.cell(6, 3)
    assert body.alignment.wrap_text and body.alignment.vertical == "top"


def test_tasks_sit_under_merged_shaded_section_and_group_rows() -> None:
    sheet = read(write_ledger(sample_ledger()))["台账"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    section, first, second = (find(sheet, t) for t in ("三、重点任务及分工", FIRST, SECOND))
    assert (section, first) == (4, 5)
    for row in (section, first, second):
        assert f"A{row}:I{row}" in merged
        assert sheet.cell(row, 1).fill.fgColor.rgb.endswith(("E4DCD0", "F0ECE6"))
    assert [sheet.cell(r, 2).value for r in range(first + 1, second)] == [
        "任务1标题", "任务2标题", "任务3标题"]  # fmt: skip
    assert sheet.max_row == second + 3  # the section row is not repeated for the second group


def test_status_cells_carry_the_dashboard_label_and_colour() -> None:
    sheet = read(write_ledger(sample_ledger()))["台账"]
    seen = {}
    for row in range(4, sheet.max_row + 1):
        cell = sheet.cell(row, 8)
        if cell.value:
            seen[cell.value] = cell.fill.fgColor.rgb[-6:]
            assert cell.font.color.rgb.endswith("FFFFFF")
    assert seen == {STATUS_LABELS[Status(s)]: colour for s, colour in CSS.items()}


def test_deadlines_are_real_dates_in_chinese_format_and_ongoing_tasks_say_so() -> None:
    sheet = read(write_ledger(sample_ledger()))["台账"]
    ongoing = sheet.cell(find(sheet, 1), 6)
    assert ongoing.value == dt.datetime(2021, 7, 31)
    assert ongoing.number_format == 'yyyy"年"m"月"d"日\n长期坚持"'
    fixed = sheet.cell(find(sheet, 4), 6)
    assert fixed.number_format == 'yyyy"年"m"月"d"日"'
    assert sheet.cell(find(sheet, 5), 6).value == "长期坚持"  # no date, ongoing


def test_progress_names_each_unit_and_date_and_targets_read_goal_actual_pace() -> None:
    sheet = read(write_ledger(sample_ledger()))["台账"]
    first, third = find(sheet, 1), find(sheet, 3)
    assert sheet.cell(first, 7).value == (
        "市教育局（2023年4月3日）：已完成专业布局调整。\n"
        "中宁县人民政府（2023年5月6日）：正在推进。\n"
        "市财政局（配合，2023年4月9日）：资金已到位。"
    )
    assert sheet.cell(third, 7).value == "启动。（2023年1月5日）"  # one unit: no label needed
    assert sheet.cell(find(sheet, 2), 7).value is None  # nothing reported yet
    assert sheet.cell(first, 9).value == (
        "双师型教师比例 ≥50%：实际 46%（滞后）\n实训基地（市职业技术学校） ≥3个：暂无数据"
    )


def test_every_sheet_prints_landscape_a4_one_page_wide_with_header_and_page_numbers() -> None:
    book = read(write_ledger(sample_ledger(), per_unit=True))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # 9: A4
        assert setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_options.horizontalCentered
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    main = book["台账"]
    assert main.page_setup.fitToHeight == 0  # as many pages long as it takes
    assert main.print_title_rows == "$3:$3"


def test_the_summary_counts_tasks_by_status_and_group_and_charts_them() -> None:
    sheet = read(write_ledger(sample_ledger()))["汇总"]
    head = find(sheet, "状态")
    counts = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(head + 1, head + 8)}
    assert counts == {**{label: 1 for label in STATUS_LABELS.values()}, "合计": 6}
    groups = find(sheet, "任务组")
    order = ["已逾期", "即将到期", "未报送", "正常推进", "逾期完成", "已完成"]
    assert values(sheet, groups)[:8] == ["任务组", *order, "合计"]
    assert values(sheet, groups + 1)[:8] == [FIRST, 1, 1, 1, 0, 0, 0, 3]
    assert values(sheet, groups + 2)[:8] == [SECOND, 0, 0, 0, 1, 1, 1, 3]


def test_the_summary_charts_are_native_and_reference_the_tables() -> None:
    sheet = read(write_ledger(sample_ledger()))["汇总"]
    bar, pie = sheet._charts
    assert (type(bar).__name__, type(pie).__name__) == ("BarChart", "PieChart")
    assert bar.grouping == "stacked" and len(bar.series) == 6  # one series per status
    groups, statuses = find(sheet, "任务组"), find(sheet, "状态")
    assert bar.series[0].val.numRef.f == f"'汇总'!$B${groups + 1}:$B${groups + 2}"
    assert pie.series[0].val.numRef.f == f"'汇总'!$B${statuses + 1}:$B${statuses + 6}"


def test_per_unit_sheets_hold_each_units_own_parts_with_role_and_own_status() -> None:
    book = read(write_ledger(sample_ledger(), per_unit=True))
    assert book.sheetnames == ["台账", "汇总", "市教育局", "中宁县人民政府", "市财政局"]
    edu = book["市教育局"]
    assert values(edu, 3) == [*HEADER[:3], "责任类型", *HEADER[3:8], "状态说明", HEADER[8]]
    numbers = [edu.cell(r, 1).value for r in range(4, edu.max_row + 1) if edu.cell(r, 4).value]
    assert numbers == [1, 2, 3]
    fin = book["市财政局"]
    row = find(fin, 1)
    assert [fin.cell(row, c).value for c in (4, 8, 9, 10)] == [
        "配合", "资金已到位。（2023年4月9日）", "正常推进", "市财政局的状态说明"]  # fmt: skip
    assert "正在推进" not in str([c.value for r in fin.iter_rows() for c in r])
    assert read(write_ledger(sample_ledger())).sheetnames == ["台账", "汇总"]


def test_a_unit_scoped_ledger_names_the_unit_and_always_has_its_sheet() -> None:
    scoped = sample_ledger(unit="市教育局")
    book = read(write_ledger(Ledger(scoped.plan_title, AS_OF, scoped.rows[:3], "市教育局",
                                    (("zw-edu", "市教育局"),))))  # fmt: skip
    assert book.sheetnames == ["台账", "汇总", "市教育局"]
    assert book["台账"].cell(1, 1).value.endswith("重点任务推进台账（市教育局）")


def test_sheet_names_are_valid_unique_and_at_most_31_characters() -> None:
    taken = {"台账", "汇总"}
    asked = ("台账", "市教育局[2]", "a/b:c*d?e\\f", "市教育局2", "某" * 40, "某" * 40, "''")
    names = [sheet_name(n, taken) for n in asked]
    assert names == ["台账（2）", "市教育局2", "abcdef", "市教育局2（2）", "某" * 31,
                     "某" * 28 + "（2）", "单位"]  # fmt: skip
    assert len(set(names)) == len(names) and all(len(n) <= 31 for n in names)


def test_two_thousand_tasks_render_in_seconds() -> None:
    # Measured on the development machine: 2.1 s for 2,000 tasks with three units each, 5.1 s
    # with the unit sheets (6,000 rows more). The bound leaves room for slow CI machines.
    parts = (EDU, ZN, FIN)
    rows = tuple(task(n, "on_track", group=f"（{n // 100}）组", parts=parts) for n in range(2000))
    big = Ledger("大方案", AS_OF, rows, None, (("zw-edu", "市教育局"),))
    started = time.perf_counter()
    data = write_ledger(big, per_unit=True)
    assert time.perf_counter() - started < 30
    assert read(data)["市教育局"].max_row > 2000


def test_libreoffice_opens_the_workbook_with_its_contents(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(write_ledger(sample_ledger(), per_unit=True))
    text = pdf_text(convert_to_pdf(path, tmp_path))
    assert "重点任务推进台账" in text and "任务1标题" in text and "任务状态汇总" in text
