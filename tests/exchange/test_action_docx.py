"""A supervision action as a Word document in official-document layout: read back with
python-docx, opened by LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document

from duban.exchange.action_docx import ActionDocument, action_docx
from tests.office import convert_to_pdf, pdf_text

RED = ActionDocument(
    number="中卫督办〔2026〕3号",
    heading="红色督办单",
    title="关于任务1“优化专业布局”的红色督办单",
    unit="中卫市教育局",
    body="你单位承担的第1项任务“优化专业布局”，经督导，已逾期5天。\n请抓紧推进。",
    required_response="书面答复推进情况和整改措施。",
    issued_on=dt.date(2026, 3, 2),
    due_on=dt.date(2026, 3, 9),
    task="1. 优化专业布局",
    deadline=dt.date(2021, 7, 31),
    rule="完成时限2021年7月31日，已逾期5天，未说明逾期原因，也无经批准的延期",
)


def test_the_document_reads_back_in_order() -> None:
    doc = Document(io.BytesIO(action_docx(RED)))
    paragraphs = [p.text for p in doc.paragraphs if p.text]
    assert paragraphs[:4] == ["红色督办单", "中卫督办〔2026〕3号", "中卫市教育局：", RED.title]
    assert "请抓紧推进。" in paragraphs
    assert (
        "请于2026年3月9日前将办理情况书面答复督导室。逾期未答复的，将按程序升级督办。" in paragraphs
    )
    assert paragraphs[-2:] == ["督导室", "2026年3月2日"]
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table[0] == ["项目", "内容"]
    assert ["督办单号", "中卫督办〔2026〕3号"] in table
    assert ["完成时限", "2021年7月31日"] in table and ["答复期限", "2026年3月9日"] in table
    assert doc.core_properties.title == "红色督办单"
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_without_task_or_due_date_the_rows_are_left_out() -> None:
    plain = ActionDocument("督办〔2026〕1号", "催办通知", "催报第三季度进展", "中宁县人民政府",
                           "请尽快报送。", "报送进展。", dt.date(2026, 10, 12), None)  # fmt: skip
    doc = Document(io.BytesIO(action_docx(plain)))
    labels = [row.cells[0].text for row in doc.tables[0].rows]
    assert "涉及任务" not in labels and "督办缘由" not in labels
    assert any(p.text.startswith("请及时将办理情况") for p in doc.paragraphs)


def test_libreoffice_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "督办单.docx"
    path.write_bytes(action_docx(RED))
    text = pdf_text(convert_to_pdf(path, tmp_path))
    for words in ("红色督办单", "中卫督办〔2026〕3号", "中卫市教育局：", "答复期限"):
        assert words in text.replace(" ", "")
