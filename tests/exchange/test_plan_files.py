"""The plan exported as Word and Excel: read back by our own importer, it is the stored plan.

The stored plan (the Zhongwei sample published, or a draft after a review correction) is gathered
by ``queries.plan_export``, written by ``exchange.plan_files`` and fed back through
``duban.plandoc.parse_bytes``: the tasks that come back are the stored tasks, field by field, and
the sample still scores 1.000 against its gold annotation (the workbook carries no basis and no
objectives — a 分工表 has only its tasks — so those two measures are left out for it).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from duban.db import Store
from duban.exchange.plan_files import PlanFile, PlanTask, deadline_words, plan_docx, plan_xlsx
from duban.models import Plan, Task
from duban.plandoc import parse_bytes
from duban.queries.plan_export import export_name, plan_file
from duban.services import plan_review, plans, units
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE, published_sample, sample_registry
from tests.office import convert_to_pdf, pdf_text

WRITERS = {"docx": plan_docx, "xlsx": plan_xlsx}
WORKBOOK_ONLY_LACKS = {"basis", "objectives"}


def _stored(store: Store, plan_id: int) -> tuple[PlanFile, list[dict[str, Any]]]:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        rows = session.scalars(select(Task).where(Task.plan_id == plan_id).order_by(Task.seq))
        return plan_file(session, plan), [_fields_of_row(t) for t in rows]


def _fields_of_row(task: Task) -> dict[str, Any]:
    return {"number": task.number, "title": task.title, "lead": list(task.lead_names),
            "coop": list(task.coop_names), "deadline": task.deadline, "ongoing": task.ongoing,
            "section": task.section, "group": task.group_title}  # fmt: skip


def _reimported(data: bytes, name: str) -> list[dict[str, Any]]:
    return [
        {"number": t.number, "title": t.title, "lead": t.lead_units, "coop": t.coop_units,
         "deadline": t.deadline, "ongoing": t.ongoing, "section": t.section, "group": t.group}
        for t in parse_bytes(data, name).tasks
    ]  # fmt: skip


@pytest.fixture
def sample(store: Store) -> tuple[PlanFile, list[dict[str, Any]]]:
    return _stored(store, published_sample(store))


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_exported_sample_reads_back_as_the_stored_tasks(
    sample: tuple[PlanFile, list[dict[str, Any]]], kind: str
) -> None:
    found, stored = sample
    assert len(stored) == 25
    assert _reimported(WRITERS[kind](found), f"方案.{kind}") == stored


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_exported_sample_still_scores_1_against_the_gold(
    sample: tuple[PlanFile, list[dict[str, Any]]], kind: str, scorer: ModuleType,
    gold: dict[str, Any],
) -> None:  # fmt: skip
    plan = parse_bytes(WRITERS[kind](sample[0]), f"方案.{kind}").to_json()
    rows = scorer.score(gold, plan)
    assert scorer.headline(rows) == 1.0
    left_out = WORKBOOK_ONLY_LACKS if kind == "xlsx" else set()
    assert {name: values[-1] for name, values in rows.items() if name not in left_out} == {
        name: 1.0 for name in rows if name not in left_out
    }
    if kind == "docx":
        assert plan["basis"] == ["宁政规发〔2020〕3号", "卫党办发〔2020〕41号"]


def test_a_review_correction_on_a_draft_shows_in_both_files(store: Store) -> None:
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        draft = plans.import_plan(session, SAMPLE.read_bytes(), SAMPLE.name, effective=EFFECTIVE,
                                  actor=ADMIN).plan.id  # fmt: skip
        plan_review.correct_task(
            session, draft, "5", title="提高职业教育办学质量", deadline="2022-03-15",
            ongoing=False, lead_names=["市教育局", "市财政局"], coop_names=["中卫工业园区管委会"],
            actor=ADMIN,
        )  # fmt: skip
    found, stored = _stored(store, draft)
    edited = next(t for t in stored if t["number"] == "5")
    assert edited == {"number": "5", "title": "提高职业教育办学质量",
                      "lead": ["市教育局", "市财政局"], "coop": ["中卫工业园区管委会"],
                      "deadline": dt.date(2022, 3, 15), "ongoing": False,
                      "section": "重点任务及分工", "group": "提升职业教育发展水平"}  # fmt: skip
    for kind, write in WRITERS.items():
        assert _reimported(write(found), f"方案.{kind}") == stored, kind
    text = "\n".join(p.text for p in Document(io.BytesIO(plan_docx(found))).paragraphs)
    assert "5.提高职业教育办学质量。市、县政府落实发展职业教育的主体责任" in text
    assert "完成时限：2022年3月15日前完成" in text and "提高职业教育办学水平" not in text


def test_word_layout_title_front_matter_headings_and_task_lines(
    sample: tuple[PlanFile, list[dict[str, Any]]],
) -> None:
    doc = Document(io.BytesIO(plan_docx(sample[0])))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert paragraphs[0][1].startswith("中卫市贯彻落实《自治区深化产教融合")
    basis = paragraphs[1][1]
    assert basis.startswith("为加快推进我市职业教育改革") and "宁政规发" in basis
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings[:5] == [("Heading 1", "一、总体要求"), ("Heading 1", "二、具体目标"),
                            ("Heading 1", "三、重点任务及分工"),
                            ("Heading 2", "（一）构建职业教育改革发展新格局"),
                            ("Heading 2", "（二）提升职业教育发展水平")]  # fmt: skip
    assert ("Heading 1", "四、保障措施") in headings
    texts = [text for _, text in paragraphs]
    first = texts.index(next(t for t in texts if t.startswith("1.优化专业布局。按照")))
    assert texts[first + 1 : first + 4] == [
        "责任单位：市发展改革委、市教育局、中宁县人民政府、海原县人民政府",
        "配合单位：市云计算和大数据局、市工业和信息化局、市旅游和文体广电局、市农业农村局、"
        "中卫工业园区管委会",
        "完成时限：2021年7月前完成并长期坚持",
    ]
    seven = texts.index(next(t for t in texts if t.startswith("7.")))
    assert texts[seven + 2] == "完成时限：2021年12月前完成并长期坚持"  # no 配合单位 line
    assert "完成时限：长期坚持" in texts  # task 21


def test_workbook_layout_header_merged_rows_frozen_and_printed_landscape(
    sample: tuple[PlanFile, list[dict[str, Any]]],
) -> None:
    sheet = load_workbook(io.BytesIO(plan_xlsx(sample[0]))).active
    assert sheet is not None
    assert sheet["A1"].value.startswith("中卫市贯彻落实")
    assert [c.value for c in sheet[2]] == ["序号", "重点任务", "具体内容", "责任单位", "配合单位",
                                           "完成时限"]  # fmt: skip
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A3:F3", "A4:F4"} <= merged
    assert sheet["A3"].value == "三、重点任务及分工"
    assert sheet["A4"].value == "（一）构建职业教育改革发展新格局"
    row = [c.value for c in sheet[5]]
    assert row[:2] == [1, "优化专业布局"] and row[2].startswith("按照“十四五”发展规划")
    assert row[3:] == ["市发展改革委、市教育局、中宁县人民政府、海原县人民政府",
                       "市云计算和大数据局、市工业和信息化局、市旅游和文体广电局、市农业农村局、"
                       "中卫工业园区管委会", "2021年7月前完成并长期坚持"]  # fmt: skip
    assert sheet["C5"].alignment.wrap_text and sheet.row_dimensions[5].height > 30
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def _task(**changes: Any) -> PlanTask:
    base: dict[str, Any] = {"number": "1", "title": "优化专业布局", "body": "按照规划调整专业。",
                            "lead": ("市教育局",), "coop": (), "deadline": None,
                            "ongoing": False, "deadline_text": None}  # fmt: skip
    return PlanTask(**(base | changes))


@pytest.mark.parametrize(
    ("deadline", "ongoing", "written", "expected"),
    [
        (dt.date(2021, 7, 31), True, "2021年7月前完成并长期坚持", "2021年7月前完成并长期坚持"),
        (dt.date(2022, 3, 31), True, "2021年7月前完成并长期坚持", "2022年3月前完成并长期坚持"),
        (dt.date(2022, 3, 15), False, "2021年7月前完成并长期坚持", "2022年3月15日前完成"),
        (None, True, "2021年7月前完成并长期坚持", "长期坚持"),
        (None, False, None, ""),
    ],
)
def test_deadline_is_the_plans_phrase_unless_a_correction_changed_it(
    deadline: dt.date | None, ongoing: bool, written: str | None, expected: str
) -> None:
    assert deadline_words(deadline, ongoing, written) == expected


def test_a_plan_without_sections_and_a_group_qualified_number_read_back() -> None:
    """A plan read from a table may have groups but no sections. The workbook keeps that; in
    running text the one heading level above tasks reads as a section (a known limit)."""
    tasks = (
        _task(number="1.1", group="组织保障", deadline=dt.date(2022, 6, 30)),
        _task(number="2.1", title="加强督导", group="督导考核", lead=("市教育局", "市财政局"),
              coop=("市人力资源社会保障局",), ongoing=True),
    )  # fmt: skip
    found = PlanFile("某市重点任务分工方案", ("依据文件：某政发〔2021〕1号",), tasks)
    expected = [
        ("1.1", "组织保障", ["市教育局"], [], dt.date(2022, 6, 30), False),
        ("2.1", "督导考核", ["市教育局", "市财政局"], ["市人力资源社会保障局"], None, True),
    ]
    for kind, write in WRITERS.items():
        back = parse_bytes(write(found), f"x.{kind}").tasks
        heading = [t.group if kind == "xlsx" else t.section for t in back]
        got = [(t.number, h, t.lead_units, t.coop_units, t.deadline, t.ongoing)
               for t, h in zip(back, heading, strict=True)]  # fmt: skip
        assert got == expected, kind


def test_file_names_carry_the_title_and_mark_a_draft() -> None:
    plan = Plan(id=3, title="某市/方案:2021", state="draft")
    assert export_name(plan, "docx") == "某市方案2021（校对稿）.docx"
    plan.state = "published"
    assert export_name(plan, "xlsx") == "某市方案2021.xlsx"


def _parsed_sample() -> PlanFile:
    """The sample straight from the importer (no store): enough for LibreOffice to open."""
    parsed = parse_bytes(SAMPLE.read_bytes(), SAMPLE.name)
    tasks = tuple(
        _task(number=t.number, title=t.title, body=t.text.removeprefix(t.title + "。"),
              lead=tuple(t.lead_units), coop=tuple(t.coop_units), deadline=t.deadline,
              ongoing=t.ongoing, deadline_text=t.deadline_text, section=t.section, group=t.group)
        for t in parsed.tasks
    )  # fmt: skip
    return PlanFile(parsed.title, (), tasks)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_libreoffice_opens_the_exported_plan(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"plan.{kind}"
    path.write_bytes(WRITERS[kind](_parsed_sample()))
    text = "".join(pdf_text(convert_to_pdf(path, tmp_path)).split())
    for expected in ("重点任务暨分工方案", "优化专业布局", "二、保障措施", "责任单位"):
        assert expected in text
