"""School-record templates: written for Excel, filled by hand, read back exactly; every problem
named by row and column; other kinds' templates and hostile files refused; CSV for Excel."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from duban.domain.records import RecordKind
from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.records_xlsx import (
    HELP,
    META,
    read_records,
    template_meta,
    write_csv,
    write_template,
)
from duban.services.records import record_kinds
from tests.exchange.test_xlsxread import (
    BILLION_LAUGHS,
    HOSTILE,
    MAIN,
    replace_part,
    zip_bytes,
)
from tests.office import convert_to_pdf, pdf_text

MB = 1024 * 1024
TEACHER = record_kinds()["teacher"]
MAJOR = record_kinds()["major"]
ZHANG = ["0012", "张三", "是", "否", None, None, 30, "技术能手"]


def filled(kind: RecordKind, *rows: list[Any], header: list[str] | None = None) -> bytes:
    """The kind's template with ``rows`` typed in from row 4 (and the header replaced)."""
    book = openpyxl.load_workbook(io.BytesIO(write_template(kind, school_name="市职业技术学校",
                                                            year=2022)))  # fmt: skip
    sheet = book[kind.label]
    if header is not None:
        for c in range(1, sheet.max_column + 1):
            sheet.cell(3, c).value = None
        for c, text in enumerate(header, start=1):
            sheet.cell(3, c).value = text
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(data: bytes, kind: RecordKind = TEACHER) -> list[str]:
    with pytest.raises(ExchangeError) as refused:
        read_records(data, kind)
    return [str(p) for p in refused.value.problems]


def test_the_template_is_laid_out_for_excel() -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_template(TEACHER, school_name="市职业技术学校",
                                                            year=2022)))  # fmt: skip
    assert book.sheetnames == ["教师", HELP, META]
    sheet = book["教师"]
    assert sheet["A1"].value == "市职业技术学校2022—2023学年教师数据"
    assert "学年：2022—2023学年" in sheet["A2"].value and "带 * 的列必填" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == [
        "工号*", "姓名*", "专业课教师*", "双师型教师*", "思政课教师", "所学专业对口",
        "本学年企业实践天数", "荣誉称号",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["A"].number_format == "@"  # 工号 0012 stays text
    assert "整数" in sheet["G3"].comment.text and "0 到 366" in sheet["G3"].comment.text
    checks = sheet.data_validations.dataValidation
    rules = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in checks}
    assert rules["C4:C1048576"] == ("list", '"是,否"', None)
    assert rules["H4:H1048576"] == ("list", '"无,技术能手,技能大师,教学名师,其他"', None)
    assert rules["G4:G1048576"] == ("whole", "0", "366")
    assert book[META].sheet_state == "veryHidden"
    assert book[HELP]["B3"].value == "工号" and book[HELP]["E9"].value == "0 到 366"


def test_a_filled_template_reads_back_exactly() -> None:
    data = filled(TEACHER, ZHANG, ["T7", "李四", "否", "是", "是", "否", 0, "无"],
                  [None] * 8, ["0100", " 王五 ", "是", "是"])  # fmt: skip
    rows = read_records(data, TEACHER)
    assert [(r.row, dict(r.values)) for r in rows] == [
        (4, {"staff_no": "0012", "name": "张三", "professional": True, "double_qualified": False,
             "ideology": None, "field_match": None, "practice_days": 30, "honour": "技术能手"}),
        (5, {"staff_no": "T7", "name": "李四", "professional": False, "double_qualified": True,
             "ideology": True, "field_match": False, "practice_days": 0, "honour": "无"}),
        (7, {"staff_no": "0100", "name": "王五", "professional": True, "double_qualified": True,
             "ideology": None, "field_match": None, "practice_days": None, "honour": None}),
    ]  # fmt: skip


def test_a_filled_export_reads_back_as_the_same_rows() -> None:
    values = [{"code": "510201", "name": "计算机应用", "industry": "其他", "pathway": "3+2",
               "apprenticeship": True, "x_certificate": False}]  # fmt: skip
    data = write_template(MAJOR, school_name="中宁县职业技术学校", year=2021, rows=values)
    (row,) = read_records(data, MAJOR)
    assert {k: v for k, v in row.values.items() if v is not None} == values[0]
    assert template_meta(data)["kind"] == "major"


def test_headers_match_with_spaces_and_stars_and_in_any_order() -> None:
    header = ["双师型 教师", "工号", "姓名 *", "专业课教师＊"]
    rows = read_records(filled(TEACHER, ["否", "0012", "张三", "是"], header=header), TEACHER)
    assert rows[0].values["staff_no"] == "0012" and rows[0].values["double_qualified"] is False


def test_every_bad_cell_is_named_by_row_and_column() -> None:
    data = filled(
        TEACHER, ["0012", "张三", "也许", "否", None, None, "三十", "院士"],
        ["0013", None, "是", "否", None, None, 400], ["0014", "赵六", "是"],
    )  # fmt: skip
    assert problems(data) == [
        "工作表“教师”第4行C列（专业课教师）：“也许”应为“是”或“否”",
        "工作表“教师”第4行G列（本学年企业实践天数）：“三十”不是整数",
        "工作表“教师”第4行H列（荣誉称号）：“院士”不是可选项，应为：无、技术能手、技能大师、教学名师、其他",
        "工作表“教师”第5行B列（姓名）：必填，不能为空",
        "工作表“教师”第5行G列（本学年企业实践天数）：400 大于上限 366",
        "工作表“教师”第6行D列（双师型教师）：必填，不能为空",
    ]


def test_a_repeated_identity_names_both_rows() -> None:
    data = filled(TEACHER, ZHANG, ["0013", "李四", "是", "是"], ["0012", "王五", "是", "是"])
    assert problems(data) == [
        "工作表“教师”第6行A列（工号）：与第4行的工号相同（“0012”），每条记录只能出现一次"
    ]


def test_an_unknown_column_and_a_missing_required_one_are_named() -> None:
    header = ["工号", "姓名", "专业课教师", "身份证号"]
    assert problems(filled(TEACHER, header=header)) == [
        "工作表“教师”第3行D列：“身份证号”不是教师数据的列，请删除此列或改用模板中的表头",
        "工作表“教师”第3行：缺少必填列：双师型教师",
    ]


def test_another_kinds_template_is_refused_naming_both() -> None:
    assert problems(filled(MAJOR, ["510201", "计算机应用"])) == [
        "这是“专业”数据的模板，不是“教师”数据的；请下载“教师”模板填写，或上传时选择“专业”"
    ]


def test_a_sheet_without_the_header_is_refused() -> None:
    book = openpyxl.Workbook()
    book.active.append(["随便", "什么"])
    out = io.BytesIO()
    book.save(out)
    (message,) = problems(out.getvalue())
    assert message.startswith("工作表“Sheet”：找不到表头行（应有：工号、姓名")


def test_a_zip_bomb_is_refused() -> None:
    base = zipfile.ZipFile(io.BytesIO(filled(TEACHER, ZHANG)))
    parts: dict[str, str | bytes] = {n: base.read(n) for n in base.namelist()}
    parts["xl/media/image1.png"] = bytes(20 * MB)
    (message,) = problems(zip_bytes(parts))
    assert "疑似压缩炸弹" in message


def test_an_entity_bomb_is_refused() -> None:
    dtd = BILLION_LAUGHS.split("<sst")[0]
    sheet = (f'{dtd}<worksheet xmlns="{MAIN}"><sheetData><row r="3"><c r="A3" t="inlineStr">'
             "<is><t>&e;</t></is></c></row></sheetData></worksheet>")  # fmt: skip
    data = replace_part(filled(TEACHER, ZHANG), "xl/worksheets/sheet1.xml", sheet)
    assert problems(data) == [HOSTILE]


def test_csv_opens_in_excel_with_labels_and_text_kept() -> None:
    rows = [{"staff_no": "0012", "name": "=HYPERLINK(\"x\")", "professional": True,
             "double_qualified": False, "practice_days": 30}]  # fmt: skip
    data = write_csv(TEACHER, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [f.label for f in TEACHER.fields]
    assert lines[1] == '0012,"\'=HYPERLINK(""x"")",是,否,,,30,'


def test_problem_shape_is_the_shared_one() -> None:
    assert str(Problem("x", "教师", 4, "A", "工号")) == "工作表“教师”第4行A列（工号）：x"


def test_libreoffice_opens_the_template(tmp_path: Path) -> None:
    path = tmp_path / "教师.xlsx"
    path.write_bytes(write_template(TEACHER, school_name="市职业技术学校", year=2022,
                                    rows=[{"staff_no": "0012", "name": "张三", "professional": True,
                                           "double_qualified": False}]))  # fmt: skip
    text = pdf_text(convert_to_pdf(path, tmp_path))
    for expected in ("市职业技术学校2022—2023学年教师数据", "工号*", "0012", "张三", "是"):
        assert expected in text
