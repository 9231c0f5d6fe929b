"""The official-document builder, read back with python-docx: page, fonts, footers, tables."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from duban.exchange.officedoc import OfficialDocument


def _sample() -> Any:
    doc = OfficialDocument("关于某项工作的督导报告", subtitle="（截至2023年6月10日）")
    doc.heading("一、总体情况", 1)
    doc.paragraph("截至2023年6月10日，共有任务35项。")
    doc.heading("（一）分组情况", 2)
    doc.heading("1. 第一组", 3)
    doc.table(["单位", "任务数"], [["市教育局", 3], ["市人社局", None]], widths_mm=[100, 56])
    doc.page_break()
    doc.signature("督导室", dt.date(2023, 6, 10))
    return Document(io.BytesIO(doc.to_bytes()))


def _east_asia(rpr: Any) -> str | None:
    fonts = rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _paragraph(docx: Any, text: str) -> Any:
    return next(p for p in docx.paragraphs if p.text == text)


def test_page_is_a4_with_the_standard_margins() -> None:
    section = _sample().sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for margin, mm in ((section.top_margin, 37), (section.bottom_margin, 35)):
        assert abs(margin - Mm(mm)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)


def test_body_is_fangsong_sanhao_on_a_fixed_line_pitch_in_normal_and_defaults() -> None:
    docx = _sample()
    normal = docx.styles["Normal"]
    assert _east_asia(normal.element.rPr) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(normal.paragraph_format.line_spacing.pt - 28.95) < 0.05
    ind = normal.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    defaults = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert _east_asia(defaults.find(qn("w:rPr"))) == "仿宋_GB2312"


def test_title_is_xiaobiaosong_erhao_centred() -> None:
    title = _paragraph(_sample(), "关于某项工作的督导报告")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert _east_asia(run._r.rPr) == "方正小标宋简体"


@pytest.mark.parametrize(
    ("text", "level", "font", "bold"),
    [("一、总体情况", 1, "黑体", False), ("（一）分组情况", 2, "楷体_GB2312", False),
     ("1. 第一组", 3, "仿宋_GB2312", True)],
)  # fmt: skip
def test_headings_use_their_level_font(text: str, level: int, font: str, bold: bool) -> None:
    para = _paragraph(_sample(), text)
    assert para.style.name == f"Heading {level}"
    assert _east_asia(para.style.element.rPr) == font
    assert para.style.font.size == Pt(16)
    assert bool(para.style.font.bold) is bold
    assert para.style.font.color.rgb is None  # no theme blue


def test_page_numbers_are_a_page_field_right_on_odd_and_left_on_even_pages() -> None:
    docx = _sample()
    assert docx.settings.odd_and_even_pages_header_footer
    section = docx.sections[0]
    for footer, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                         (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):  # fmt: skip
        para = footer.paragraphs[0]
        assert para.alignment == side
        assert para.text.startswith("— ") and para.text.endswith(" —")
        instr = [el.text for el in para._p.iter(qn("w:instrText"))]
        assert [i.strip() for i in instr] == ["PAGE"]
        assert {_east_asia(r._r.rPr) for r in para.runs} == {"宋体"}
        assert {r.font.size for r in para.runs} == {Pt(14)}


def test_table_header_repeats_and_is_bold_and_shaded() -> None:
    table = _sample().tables[0]
    header, first = table.rows[0], table.rows[1]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert first._tr.trPr.find(qn("w:tblHeader")) is None
    cell = header.cells[0]
    assert cell.text == "单位" and cell.paragraphs[0].runs[0].bold
    assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "D9D9D9"
    assert [c.text for c in first.cells] == ["市教育局", "3"]
    assert [c.text for c in table.rows[2].cells] == ["市人社局", ""]
    run = first.cells[0].paragraphs[0].runs[0]
    assert run.font.size == Pt(12) and _east_asia(run._r.rPr) == "仿宋_GB2312"
    assert table.style.name == "Table Grid"
    assert abs(table.columns[0].width - Mm(100)) < Mm(0.1)


def test_table_widths_beyond_the_text_block_are_scaled_to_fit() -> None:
    doc = OfficialDocument("表")
    doc.table(["甲", "乙"], [["1", "2"]], widths_mm=[200, 112])
    table = Document(io.BytesIO(doc.to_bytes())).tables[0]
    assert abs(table.columns[0].width - Mm(100)) < Mm(0.1)
    assert abs(table.columns[1].width - Mm(56)) < Mm(0.1)


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    doc = OfficialDocument("表")
    with pytest.raises(ValueError, match="one value per header"):
        doc.table(["甲", "乙"], [["1"]])


def test_signature_puts_unit_over_the_chinese_date_at_the_right() -> None:
    docx = _sample()
    texts = [p.text for p in docx.paragraphs]
    assert texts[-2:] == ["督导室", "2023年6月10日"]
    unit, date = docx.paragraphs[-2], docx.paragraphs[-1]
    assert unit.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent == Pt(64)  # four characters
    assert unit.paragraph_format.right_indent > date.paragraph_format.right_indent


def test_core_properties_name_title_author_and_language() -> None:
    props = _sample().core_properties
    assert props.title == "关于某项工作的督导报告"
    assert props.author == "督导室"
    assert props.language == "zh-CN"
