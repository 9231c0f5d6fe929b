"""The progress workbook on its own: written pre-filled, filled in by hand, read back checked."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from duban.exchange.errors import ExchangeError
from duban.exchange.progress_read import read_progress
from duban.exchange.progress_xlsx import (
    FIGURES,
    MAIN,
    META,
    AssignmentLine,
    FigureLine,
    ProgressSheet,
    write_progress,
)
from tests.office import convert_to_pdf, need_libreoffice, pdf_text

SHEET = ProgressSheet(
    plan_id=1, plan_title="中卫市深化产教融合重点任务分工方案", unit_key="zw-edu",
    unit_name="中卫市教育局", period_key="2023-Q2", period_label="2023年第2季度",
    due_on=dt.date(2023, 7, 10), made_on=dt.date(2023, 6, 20),
    lines=(
        AssignmentLine(11, "2", "建设高水平专业群", "lead", dt.date(2023, 6, 30), True, "正常推进",
                       "2023年4月3日 推进中：已启动", (
                           FigureLine(101, "双师型教师比例", "≥50%", "%", 46.0),
                           FigureLine(102, "实训基地", "≥3个", "个"),
                       )),
        AssignmentLine(12, "5", "推进校企合作", "coop", None, True, "未报送"),
        AssignmentLine(13, "7", "开展职业培训", "lead", dt.date(2021, 12, 31), False, "逾期"),
    ),
)  # fmt: skip
"""Three assignments: one with two targets, one ongoing without a deadline, one overdue."""

Edit = Callable[[Any], None]


def filled(*edits: Edit, sheet: ProgressSheet = SHEET) -> bytes:
    """The workbook as issued, edited cell by cell in openpyxl (as a user's Excel would)."""
    book = openpyxl.load_workbook(io.BytesIO(write_progress(sheet)))
    for edit in edits:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell(sheet: str, ref: str, value: Any) -> Edit:
    def edit(book: Any) -> None:
        book[sheet][ref] = value

    return edit


def test_the_issued_workbook_reads_back_with_nothing_filled() -> None:
    upload = read_progress(write_progress(SHEET))
    assert (upload.plan_id, upload.unit_key, upload.period_key) == (1, "zw-edu", "2023-Q2")
    assert upload.rows == ()


def test_issued_workbook_layout_guides_the_user() -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_progress(SHEET)))
    main, figures = book[MAIN], book[FIGURES]
    assert book.sheetnames == [MAIN, FIGURES, "填报说明", META]
    assert book[META].sheet_state == "veryHidden"
    assert [c.value for c in main[3]][:3] == ["填报编号", "任务编号", "重点任务"]
    assert [main.cell(r, 2).value for r in (4, 5, 6)] == ["2", "5", "7"]
    assert main["E4"].value == "2023年6月30日（长期坚持）" and main["E5"].value == "长期坚持"
    assert main.protection.sheet and main["A4"].protection.locked
    assert not main["H4"].protection.locked and not main["I4"].protection.locked
    assert any("已完成" in (dv.formula1 or "") for dv in main.data_validations.dataValidation)
    assert main.freeze_panes == "C4" and main.page_setup.orientation == "landscape"
    assert [figures.cell(r, 4).value for r in (4, 5)] == ["双师型教师比例", "实训基地"]
    assert figures["G4"].value == 46


def test_filled_rows_come_back_with_state_text_reason_and_figures() -> None:
    data = filled(
        cell(MAIN, "H4", "推进中"), cell(MAIN, "I4", "新建专业群2个"), cell(MAIN, "J4", "资金晚到"),
        cell(FIGURES, "H4", 48), cell(FIGURES, "H5", "３"),
        cell(MAIN, "H6", "已完成"), cell(MAIN, "I6", "培训3200人次"), cell(MAIN, "J6", "延期"),
    )  # fmt: skip
    rows = read_progress(data).rows
    assert [(r.assignment_id, r.number, r.row, r.claimed) for r in rows] == [
        (11, "2", 4, "in_progress"), (13, "7", 6, "done"),
    ]  # fmt: skip
    assert (rows[0].narrative, rows[0].late_reason) == ("新建专业群2个", "资金晚到")
    assert rows[0].figures == {101: 48.0, 102: 3.0} and rows[0].figure_rows == {101: 4, 102: 5}
    assert rows[1].figures == {}


@pytest.mark.parametrize(
    ("typed", "value"), [("46%", 46.0), ("1,200", 1200.0), ("４６", 46.0), (" 7.5 ", 7.5), (3, 3.0)]
)
def test_figures_typed_as_people_type_them(typed: object, value: float) -> None:
    data = filled(cell(MAIN, "H4", "推进中"), cell(MAIN, "I4", "进展"), cell(FIGURES, "H4", typed))
    assert read_progress(data).rows[0].figures == {101: value}


def test_every_problem_is_named_by_sheet_row_and_column_at_once() -> None:
    data = filled(
        cell(MAIN, "H4", "差不多"), cell(MAIN, "I4", "有进展"),  # not a choice
        cell(MAIN, "H5", "推进中"),  # no narrative
        cell(MAIN, "I6", "培训"), cell(MAIN, "B6", "8"),  # no state; task number altered
        cell(FIGURES, "H4", "约一半"), cell(FIGURES, "H5", dt.datetime(2023, 3, 4)),
    )  # fmt: skip
    with pytest.raises(ExchangeError) as caught:
        read_progress(data)
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert found == {
        (MAIN, 4, "H"), (MAIN, 5, "I"), (MAIN, 6, "B"), (MAIN, 6, "H"),
        (FIGURES, 4, "H"), (FIGURES, 5, "H"),
    }  # fmt: skip
    message = caught.value.message
    assert "工作表“进展填报”第4行H列（完成情况）：“差不多”不是可选的完成情况" in message
    assert "“约一半”不是数字" in message and "Excel 把输入当成了日期（2023年3月4日）" in message
    assert "任务编号被改为“8”，应为“7”" in message


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (cell(META, "B2", "2"), "模板已被修改"),
        (cell(MAIN, "C3", "任务名称"), "表头被修改"),
        (cell(MAIN, "E4", "2024年6月30日"), "完成时限被改为“2024年6月30日”"),
        (cell(MAIN, "A7", 99), "填报编号“99”不是本表下发的"),
        (cell(FIGURES, "B4", 12), "填报编号应为 11"),
        (lambda book: book.remove(book[META]), "缺少工作表“_duban”"),
        (lambda book: setattr(book[MAIN], "title", "Sheet1"), "缺少工作表“进展填报”"),
    ],
)
def test_an_altered_template_is_refused(edit: Edit, reason: str) -> None:
    with pytest.raises(ExchangeError, match=reason):
        read_progress(filled(cell(MAIN, "H4", "推进中"), cell(MAIN, "I4", "有进展"), edit))


def test_a_copied_row_is_refused_not_counted_twice() -> None:
    def copy_row(book: Any) -> None:
        ws = book[MAIN]
        for c in range(1, 11):
            ws.cell(7, c, ws.cell(4, c).value)

    with pytest.raises(ExchangeError, match="填报编号 11 重复出现（又见第4行）"):
        read_progress(filled(cell(MAIN, "H4", "推进中"), cell(MAIN, "I4", "有"), copy_row))


def test_other_files_are_refused_with_what_they_are(tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match=r"不是 Excel|损坏"):
        read_progress("进展：已完成".encode())
    other = openpyxl.Workbook()
    out = io.BytesIO()
    other.save(out)
    with pytest.raises(ExchangeError, match="缺少工作表“_duban”"):
        read_progress(out.getvalue())


def test_libreoffice_opens_the_workbook_and_its_own_save_reads_back(tmp_path: Path) -> None:
    """A unit may fill the workbook in LibreOffice or WPS: their save must still be accepted."""
    soffice = need_libreoffice()
    source = tmp_path / "填报表.xlsx"
    source.write_bytes(filled(cell(MAIN, "H4", "已完成"), cell(MAIN, "I4", "专业群建成"),
                              cell(FIGURES, "H4", 52)))  # fmt: skip
    assert "进展填报表" in pdf_text(convert_to_pdf(source, tmp_path))
    resaved = tmp_path / "lo"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'p2').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(resaved), str(source)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    rows = read_progress((resaved / "填报表.xlsx").read_bytes()).rows
    assert [(r.assignment_id, r.claimed, r.narrative, r.figures) for r in rows] == [
        (11, "done", "专业群建成", {101: 52.0})
    ]
