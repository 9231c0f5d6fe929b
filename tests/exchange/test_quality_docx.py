"""The quality report draft as Word, from plain data: read back with python-docx and LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from docx import Document

from duban.exchange.quality_docx import (
    NOTE,
    Issue,
    NextTask,
    QualityReport,
    Quote,
    TargetProgress,
    TaskProgress,
    quality_docx,
)
from tests.office import convert_to_pdf, pdf_text

D = dt.date
PLAN = "中卫市贯彻落实《自治区深化产教融合推进职业教育改革发展实施方案》重点任务暨分工方案"


def school() -> QualityReport:
    quote = Quote("中卫市职业技术学校", "lead", D(2022, 4, 5), D(2022, 4, 10), "in_progress",
                  "合办3个“3+2”专业")  # fmt: skip
    tasks = (
        TaskProgress("3", "提升职业教育人才培养层次", "构建职业教育改革发展新格局",
                     "2023年12月前完成并长期坚持", "on_track", "按期推进，最近一次报送2022年4月5日",
                     role="lead", quotes=(quote,)),
        TaskProgress("18", "建好“双师型”教师队伍", "促进产教融合校企“双元”育人",
                     "2023年6月前完成并长期坚持", "unreported", "2022年第3季度进展未报送",
                     role="coop"),
    )  # fmt: skip
    target = TargetProgress("3", "“3+2”高职专业", "=10个", "市职业技术学校", 6, "个",
                            D(2022, 4, 5), "on_pace", "目标10个，当前6个")  # fmt: skip
    issue = Issue("returned", "18", "建好“双师型”教师队伍", "中卫市职业技术学校",
                  "2022年7月5日报送的进展报告", "缺少认定名单", D(2022, 7, 8))  # fmt: skip
    return QualityReport(
        year=2022, as_of=D(2022, 12, 31), plan_title=PLAN, subject="中卫市职业技术学校",
        school="中卫市职业技术学校", parent="中卫市人民政府", lead_count=1, coop_count=1,
        status_counts=(("on_track", 1), ("unreported", 1)),
        mentions=(("2", "打造优势特色专业及专业群"),), tasks=tasks, targets=(target,),
        issues=(issue,), due_next=(NextTask("18", "建好“双师型”教师队伍",
                                            "2023年6月前完成并长期坚持", "unreported"),),
    )  # fmt: skip


def _read(report: QualityReport) -> tuple[list[tuple[str, str]], list[list[str]]]:
    doc: Any = Document(io.BytesIO(quality_docx(report)))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    tables = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return paragraphs, tables


def test_title_note_and_the_five_parts_of_the_national_template() -> None:
    paragraphs, _ = _read(school())
    assert paragraphs[0][1] == "中卫市职业技术学校质量年度报告（2022年度）"
    assert paragraphs[1][1] == "（初稿　数据截至2022年12月31日）"
    assert paragraphs[2][1] == f"说明：{NOTE}。"
    level1 = [text for style, text in paragraphs if style == "Heading 1"]
    assert level1 == ["一、基本情况", "二、重点任务推进情况", "三、目标达成情况", "四、存在问题",
                      "五、下一年工作打算"]  # fmt: skip


def test_basics_name_the_schools_part_and_indicators_wait_for_school_records() -> None:
    texts = [text for _, text in _read(school())[0]]
    assert ("中卫市职业技术学校（隶属中卫市人民政府）在《中卫市贯彻落实〈自治区深化产教融合推进职业"
            "教育改革发展实施方案〉重点任务暨分工方案》中承担2项任务的分工：牵头1项、配合1项。"
            ) in texts  # fmt: skip
    named = "方案正文提及本校、但本校未列为责任或配合单位的任务：第2项“打造优势特色专业及专业群”。"
    assert named in texts
    assert "截至2022年12月31日，正常推进1项，未报送1项。" in texts
    indicators = texts[texts.index("（二）数据指标") + 1]
    assert "导入学校基础数据" in indicators and "本稿不列指标数值" in indicators
    assert not any(ch.isdigit() for ch in indicators)


def test_tasks_by_group_with_status_and_the_quote_with_its_dates() -> None:
    texts = [text for _, text in _read(school())[0]]
    at = texts.index("（一）构建职业教育改革发展新格局")
    assert texts[at + 1 : at + 4] == [
        "3.提升职业教育人才培养层次（本校牵头；完成时限：2023年12月前完成并长期坚持）",
        "推进状态：正常推进。按期推进，最近一次报送2022年4月5日。",
        "中卫市职业技术学校（牵头，2022年4月5日报送，2022年4月10日审核通过，自报推进中）："
        "“合办3个“3+2”专业”",
    ]
    assert "2022年度没有审核通过的进展报告。" in texts  # task 18


def test_targets_table_problems_and_next_year() -> None:
    paragraphs, tables = _read(school())
    texts = [text for _, text in paragraphs]
    assert tables == [
        ["任务", "目标", "目标值", "本年度实际", "达成情况", "说明"],
        ["3", "“3+2”高职专业（市职业技术学校）", "=10个", "6个（2022年4月5日）", "符合序时进度",
         "目标10个，当前6个"],
    ]  # fmt: skip
    assert ("第18项“建好“双师型”教师队伍”，中卫市职业技术学校：2022年7月5日报送的进展报告，"
            "于2022年7月8日被退回，退回原因：缺少认定名单。") in texts  # fmt: skip
    assert "（一）2023年到期的任务" in texts
    assert "18.建好“双师型”教师队伍（完成时限：2023年6月前完成并长期坚持；目前未报送）" in texts


def test_the_city_draft_without_data_says_so_rather_than_inventing_any() -> None:
    city = QualityReport(year=2021, as_of=D(2021, 12, 31), plan_title=PLAN, subject="中卫市")
    texts = [text for _, text in _read(city)[0]]
    assert texts[0] == "中卫市职业教育质量年度报告（2021年度）"
    for said in ("本年度没有需要报告的任务。", "上述任务在方案中没有可量化的目标。",
                 "2021年度台账中没有逾期或报告被退回的记录。",
                 "请结合上述任务，补充2022年的工作目标、主要举措和时间安排。"):  # fmt: skip
        assert said in texts


def test_libreoffice_opens_the_draft(tmp_path: Path) -> None:
    path = tmp_path / "quality.docx"
    path.write_bytes(quality_docx(school()))
    text = "".join(pdf_text(convert_to_pdf(path, tmp_path)).split())
    for expected in ("质量年度报告（2022年度）", NOTE, "二、重点任务推进情况", "缺少认定名单"):
        assert expected in text
