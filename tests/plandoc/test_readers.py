"""Readers turn every supported format into the same paragraphs and tables, in reading order."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from duban.plandoc.model import Document, Paragraph, Table
from duban.plandoc.readers import Limits, read_document, read_path
from duban.plandoc.readers.xlsx import render
from tests.plandoc import docmaker

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "docs"
IN_PROCESS = Limits(pdf_isolated=False)
GROUP_ONE = "（一）构建职业教育改革发展新格局"
TASK_FIVE_LEAD = "市教育局，中宁、海原县人民政府"


def paragraphs(document: Document) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Paragraph)]


def tables(document: Document) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def task_rows(document: Document) -> dict[str, tuple[str, ...]]:
    """Table rows whose first cell is a task number, by number."""
    return {row[0]: row for t in tables(document) for row in t.rows if row[0].isdigit()}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def plan() -> docmaker.Plan:
    return docmaker.split_plan()


# --- text ----------------------------------------------------------------------------------------


def test_utf8_sample_reads_one_paragraph_per_non_blank_line() -> None:
    document = read_path(docmaker.SAMPLE)
    assert document.format == "txt"
    assert document.encoding == "utf-8"
    assert paragraphs(document) == docmaker.sample_lines()


@pytest.mark.parametrize(
    ("name", "encodings"),
    [
        ("zhongwei_gbk.txt", {"gbk", "gb18030"}),
        ("zhongwei_utf16.txt", {"utf-16-le"}),
        ("zhongwei_utf8bom.txt", {"utf-8-sig"}),
    ],
)
def test_encoded_samples_decode_to_the_utf8_text(name: str, encodings: set[str]) -> None:
    document = read_path(DOCS / name)
    assert document.encoding in encodings
    assert paragraphs(document) == docmaker.sample_lines()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_told_by_its_nul_bytes(encoding: str) -> None:
    document = read_document(docmaker.sample_text().encode(encoding))
    assert document.encoding == encoding
    assert paragraphs(document)[0].startswith("中卫市贯彻落实")


def test_text_only_gb18030_can_encode_is_read_as_gb18030() -> None:
    text = "重点任务：建设㐀𠀀实训基地\n责任单位：市教育局\n"
    document = read_document(text.encode("gb18030"))
    assert document.encoding == "gb18030"
    assert paragraphs(document) == ["重点任务：建设㐀𠀀实训基地", "责任单位：市教育局"]


def test_text_keeps_indent_and_order_drops_blank_lines_and_trailing_space() -> None:
    data = "　　一、总体要求  \r\n\r\n\t\r\n1.优化专业布局。\r\n完成时限：长期坚持\r\n".encode()
    assert paragraphs(read_document(data)) == [
        "　　一、总体要求",
        "1.优化专业布局。",
        "完成时限：长期坚持",
    ]


def test_type_comes_from_content_not_name() -> None:
    docx = read_document((DOCS / "zhongwei_table.docx").read_bytes(), "plan.txt")
    text = read_document("一、总体要求".encode(), "plan.docx")
    assert (docx.format, text.format) == ("docx", "txt")


# --- docx ----------------------------------------------------------------------------------------


def test_prose_docx_gives_the_sample_lines_across_page_breaks() -> None:
    document = read_path(DOCS / "zhongwei_prose.docx")
    assert document.format == "docx"
    assert paragraphs(document) == docmaker.sample_lines()
    assert not tables(document)


def test_table_docx_keeps_title_intro_table_and_trailer_in_order(plan: docmaker.Plan) -> None:
    document = read_path(DOCS / "zhongwei_table.docx")
    kinds = ["T" if isinstance(block, Table) else "P" for block in document.blocks]
    assert "".join(kinds) == "P" * (1 + len(plan.intro)) + "T" + "P"
    assert paragraphs(document)[:2] == [plan.title, plan.intro[0]]
    assert paragraphs(document)[-1].startswith("附件")


def test_table_docx_rows_hold_header_groups_and_task_fields(plan: docmaker.Plan) -> None:
    (table,) = tables(read_path(DOCS / "zhongwei_table.docx"))
    assert table.rows[0] == docmaker.TABLE_HEADER
    assert table.rows[1] == (GROUP_ONE,) * 6
    rows = task_rows(read_path(DOCS / "zhongwei_table.docx"))
    for task in plan.tasks:
        expected = (task.number, task.title, task.content, task.lead, task.coop, task.deadline)
        assert rows[task.number] == expected


def test_docx_merged_cells_fill_every_grid_position_they_cover() -> None:
    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        + row(cell("（一）分组", '<w:gridSpan w:val="3"/>'))
        + row(cell("1"), cell("市教育局", '<w:vMerge w:val="restart"/>'), cell("2021年"))
        + row(cell("2"), cell("", "<w:vMerge/>"), cell("2022年"))
        + "</w:tbl>"
    )
    (table,) = tables(read_document(docmaker.docx_from_body(body)))
    assert table.rows == (
        ("（一）分组",) * 3,
        ("1", "市教育局", "2021年"),
        ("2", "市教育局", "2022年"),
    )


def test_docx_cell_paragraphs_join_with_newlines_and_nested_tables_flatten() -> None:
    nested = "<w:tbl>" + row(cell("市财政局"), cell("市民政局")) + "</w:tbl>"
    inner = f"<w:tc>{para('市教育局')}{para('人社局')}{nested}{para('')}</w:tc>"
    body = "<w:tbl>" + row(cell("单位"), inner) + "</w:tbl>"
    (table,) = tables(read_document(docmaker.docx_from_body(body)))
    assert table.rows == (("单位", "市教育局\n人社局\n市财政局 市民政局"),)


def test_docx_reads_controls_and_insertions_but_not_deletions_or_text_boxes() -> None:
    body = (
        "<w:sdt><w:sdtContent>" + para("一、总体要求") + "</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>责任单位：</w:t></w:r>"
        "<w:ins><w:r><w:t>市教育局</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>市财政局</w:delText></w:r></w:del>"
        "<w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></w:r>"
        "<w:r><w:fldChar/><w:instrText>PAGE</w:instrText><w:t>、人社局</w:t></w:r></w:p>"
    )
    assert paragraphs(read_document(docmaker.docx_from_body(body))) == [
        "一、总体要求",
        "责任单位：市教育局、人社局",
    ]


def test_docx_soft_line_break_starts_a_new_paragraph() -> None:
    body = "<w:p><w:r><w:t>1.优化专业布局。</w:t><w:br/><w:t>完成时限：长期坚持</w:t></w:r></w:p>"
    assert paragraphs(read_document(docmaker.docx_from_body(body))) == [
        "1.优化专业布局。",
        "完成时限：长期坚持",
    ]


def row(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para(text)}</w:tc>"


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


# --- xlsx ----------------------------------------------------------------------------------------


def test_ledger_title_row_becomes_a_paragraph_and_the_rest_one_table(plan: docmaker.Plan) -> None:
    document = read_path(DOCS / "zhongwei_ledger.xlsx")
    assert document.format == "xlsx"
    assert paragraphs(document) == [plan.title]  # the 说明 sheet is not a task table: left out
    (table,) = tables(document)
    assert table.rows[0] == docmaker.LEDGER_HEADER
    assert table.rows[1] == (GROUP_ONE,) * 6
    assert ("四、保障措施",) * 6 in table.rows


def test_ledger_vertical_merge_repeats_the_unit_in_both_task_rows(plan: docmaker.Plan) -> None:
    rows = task_rows(read_path(DOCS / "zhongwei_ledger.xlsx"))
    assert rows["5"][3] == rows["6"][3] == TASK_FIVE_LEAD
    assert rows["1"] == ("1", "优化专业布局", *(_fields(plan.tasks[0])))


def _fields(task: docmaker.TaskRow) -> tuple[str, ...]:
    return (task.content, task.lead, task.coop, task.deadline)


def test_xlsx_cells_render_as_a_reader_sees_them() -> None:
    rows = [
        ["序号", "重点任务", "责任单位", "完成时限", "目标"],
        [1.0, "建设实训基地", "市教育局", dt.datetime(2021, 7, 31), 0.5],
    ]
    (table,) = tables(read_document(docmaker.xlsx_rows(rows)))
    assert table.rows[1] == ("1", "建设实训基地", "市教育局", "2021年7月31日", "0.5")


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (dt.datetime(2021, 7, 31), "yyyy-mm-dd", "2021年7月31日"),
        (dt.datetime(2021, 7, 31, 14, 30), "yyyy-mm-dd hh:mm", "2021年7月31日 14:30"),
        (dt.date(2023, 6, 30), "yyyy-mm-dd", "2023年6月30日"),
        (1.0, "General", "1"),
        (2.5, "General", "2.5"),
        (0.1 + 0.2, "General", "0.3"),
        (0.5, "0%", "50%"),
        (True, "General", "是"),
        (None, "General", ""),
    ],
)
def test_render(value: object, number_format: str, shown: str) -> None:
    assert render(value, number_format) == shown


def test_workbook_without_a_task_header_gives_every_visible_sheet() -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["中卫市职业教育工作要点"])
    book.active.append(["一、总体要求"])
    book.create_sheet("隐藏").append(["不应读出"])
    book["隐藏"].sheet_state = "hidden"
    book.create_sheet("二").append(["二、具体目标", "到2023年"])
    out = io.BytesIO()
    book.save(out)
    document = read_document(out.getvalue())
    assert paragraphs(document) == ["中卫市职业教育工作要点", "一、总体要求"]
    assert tables(document)[0].rows == (("二、具体目标", "到2023年"),)


# --- pdf -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table_pdf() -> Document:
    return read_path(DOCS / "zhongwei_table.pdf")  # isolated, as in production


def test_pdf_table_rows_hold_the_task_fields(table_pdf: Document, plan: docmaker.Plan) -> None:
    assert table_pdf.format == "pdf"
    rows = task_rows(table_pdf)
    assert sorted(rows, key=int) == [task.number for task in plan.tasks]
    for task in plan.tasks:
        assert rows[task.number][1:] == (task.title, *_fields(task))
    assert any("市教育局" in row[3] for row in rows.values())


def test_pdf_merged_cells_spread_across_and_down(table_pdf: Document) -> None:
    all_rows = [row for t in tables(table_pdf) for row in t.rows]
    assert (GROUP_ONE,) * 6 in all_rows
    rows = task_rows(table_pdf)
    assert rows["5"][3] == rows["6"][3] == TASK_FIVE_LEAD


def test_pdf_blocks_run_top_to_bottom_with_pages(table_pdf: Document, plan: docmaker.Plan) -> None:
    first = table_pdf.blocks[0]
    assert isinstance(first, Paragraph) and first.text == plan.title and first.page == 1
    pages = [block.page for block in table_pdf.blocks]
    assert pages == sorted(pages) and None not in pages
    heading = paragraphs(table_pdf).index("三、重点任务及分工")
    assert isinstance(table_pdf.blocks[heading + 1], Table)


def test_pdf_in_process_reads_the_same_as_isolated(table_pdf: Document) -> None:
    assert read_path(DOCS / "zhongwei_table.pdf", limits=IN_PROCESS) == table_pdf


def test_prose_pdf_text_is_the_sample_text() -> None:
    document = read_path(DOCS / "zhongwei_prose.pdf", limits=IN_PROCESS)
    assert not tables(document)
    assert squeeze("".join(paragraphs(document))) == squeeze(docmaker.sample_text())
    assert {block.page for block in document.blocks} == set(range(1, 9))


def test_pdf_cell_joins_wrapped_lines_but_keeps_the_authors_breaks() -> None:
    from fpdf import FPDF

    task = "Build three training bases with local enterprises and share them across schools"
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    with pdf.table(col_widths=(20, 50, 40), first_row_as_headings=False) as table:
        for cells in (("No.", "Task", "Lead"), ("1", task, "Education Bureau\nFinance Bureau")):
            row = table.row()
            for text in cells:
                row.cell(text)
    (block,) = read_document(bytes(pdf.output()), limits=IN_PROCESS).blocks
    assert block == Table(
        rows=(("No.", "Task", "Lead"), ("1", task, "Education Bureau\nFinance Bureau")), page=1
    )


def test_pdf_frame_of_one_cell_is_not_a_table() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.rect(5, 5, 200, 287)
    pdf.set_xy(20, 20)
    pdf.multi_cell(100, 6, "1. Plan\nLead: Education Bureau")
    document = read_document(bytes(pdf.output()), limits=IN_PROCESS)
    assert document.blocks == (
        Paragraph("1. Plan", page=1),
        Paragraph("Lead: Education Bureau", page=1),
    )


# --- html ----------------------------------------------------------------------------------------


def test_html_table_page_reads_like_the_ledger(plan: docmaker.Plan) -> None:
    document = read_path(DOCS / "zhongwei_table.html")
    assert (document.format, document.encoding) == ("html", "utf-8")
    assert paragraphs(document) == [plan.title, *plan.intro]  # no <title>, no script text
    (table,) = tables(document)
    assert table.rows[0] == docmaker.LEDGER_HEADER
    assert table.rows[1] == (GROUP_ONE,) * 6
    rows = task_rows(document)
    assert rows["5"][3] == rows["6"][3] == TASK_FIVE_LEAD
    assert rows["6"][4:] == (plan.tasks[5].coop, plan.tasks[5].deadline)


def test_html_in_gbk_with_breaks_lists_and_nested_tables() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><p>一、总体\n要求<br>坚持&nbsp;以人为本</p>"
        "<ol><li>优化专业布局</li><li>打造特色专业</li></ol>"
        "<table><tr><td>单位</td><td>市教育局<table><tr><td>市财政局</td><td>民政局</td></tr>"
        "</table></td></tr></table></body></html>"
    )
    document = read_document(page.encode("gbk"))
    assert document.encoding in {"gbk", "gb18030"}
    assert paragraphs(document) == [
        "一、总体要求",
        "坚持 以人为本",
        "1.优化专业布局",
        "2.打造特色专业",
    ]
    assert tables(document)[0].rows == (("单位", "市教育局\n市财政局 民政局"),)


def test_html_fragment_starting_with_a_table_is_html() -> None:
    document = read_document("<table><tr><td>序号</td><td>任务</td></tr></table>".encode())
    assert document.format == "html"
    assert tables(document)[0].rows == (("序号", "任务"),)
