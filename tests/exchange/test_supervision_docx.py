"""The supervision report document from plain data: its parts, tables and advice; and the real
sample's report opened by LibreOffice, with its first page kept as a picture to look at."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docx import Document

from duban.domain.choices import Pace, Status
from duban.exchange.supervision_docx import (
    GroupRow,
    LateRow,
    LockedPeriod,
    Overview,
    ReportTally,
    ReturnedReport,
    ScoreRow,
    SupervisionReport,
    TargetRow,
    suggestions,
    supervision_docx,
)
from duban.models import Plan
from duban.queries.supervision import supervision_report
from tests.conftest import migrated_store
from tests.office import convert_to_pdf, pdf_pages, pdf_text
from tests.queries.test_supervision import AS_OF, SECTIONS, blocks, reported_sample

D = dt.date
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def overview(**changes: Any) -> Overview:
    values: dict[str, Any] = dict(
        tasks=4, assignments=9, lead_assignments=6,
        task_counts={Status.DONE: 1, Status.OVERDUE: 2, Status.ON_TRACK: 1},
        lead_counts={Status.DONE: 2, Status.OVERDUE: 3, Status.ON_TRACK: 1},
        period="2023年第1季度", period_due=D(2023, 4, 10),
        period_reports=ReportTally(5, 4, 1), all_reports=ReportTally(12, 10, 2),
    )  # fmt: skip
    values.update(changes)
    return Overview(**values)


def sample_report(**changes: Any) -> SupervisionReport:
    values: dict[str, Any] = dict(
        plan_title="中卫市贯彻落实《自治区实施方案》重点任务暨分工方案",
        as_of=D(2023, 6, 10),
        overview=overview(),
        groups=[GroupRow("构建新格局", {Status.DONE: 1, Status.OVERDUE: 1}),
                GroupRow("保障措施", {Status.OVERDUE: 1, Status.ON_TRACK: 1})],
        late=[LateRow("中卫市教育局", "1. 优化专业布局", D(2021, 7, 31), Status.OVERDUE,
                      "完成时限2021年7月31日，已逾期679天", "场地未落实"),
              LateRow("中宁县人民政府", "5. 提高办学水平", D(2021, 8, 31), Status.DONE_LATE,
                      "于2021年9月15日报完成，晚于完成时限15天")],
        targets=[TargetRow("4. 技能培训", "职业技能培训", "≥10000人次", 6000, 7500,
                           Pace.BEHIND, "人次"),
                 TargetRow("2. 专业群", "专业群", "≥4个", None, 2, Pace.NO_DATA, "个")],
        score_year=2023, score_formula="综合得分 = ……。",
        scores=[ScoreRow(1, "中卫市财政局", 2, 2, 0, 0, 4, 0, 100.0),
                ScoreRow(2, "中卫市教育局", 3, 0, 1, 2, 1, 3, 31.5)],
        returns_since=D(2023, 1, 1),
        returned=[ReturnedReport("中卫市教育局", "3. 人才培养", D(2023, 3, 2), D(2023, 3, 5),
                                 "佐证材料不全")],
        locked=[LockedPeriod("2022年第4季度", D(2023, 1, 20))],
    )  # fmt: skip
    values.update(changes)
    return SupervisionReport(**values)


def test_title_nests_the_plans_own_quotation_marks() -> None:
    report = sample_report()
    assert report.title == "《中卫市贯彻落实〈自治区实施方案〉重点任务暨分工方案》推进情况督导报告"
    docx = Document(io.BytesIO(supervision_docx(report)))
    texts = [p.text for p in docx.paragraphs]
    assert texts[0] == report.title and texts[1] == "（截至2023年6月10日）"
    assert texts[-2:] == ["督导室", "2023年6月10日"]
    assert docx.core_properties.title == report.title


def test_every_part_is_there_with_its_table() -> None:
    parts = blocks(supervision_docx(sample_report()))
    assert list(parts) == SECTIONS
    first = " ".join(parts["一、总体情况"]["paragraphs"])
    assert "重点任务4项" in first and "完成率25.0%" in first
    assert "2023年第1季度（报送截止2023年4月10日），收到进展报告5份，审核通过4份，退回1份" in first
    assert "累计收到进展报告12份，审核通过10份，退回2份" in first
    statuses = parts["一、总体情况"]["tables"][0]
    assert statuses[1] == ["已完成", "1", "25.0%", "2"] and statuses[-1][:2] == ["合计", "4"]
    groups = parts["二、分组推进情况"]["tables"][0]
    assert groups[1] == ["构建新格局", "2", "1", "0", "1", "0", "0", "0"]
    assert groups[-1] == ["合计", "4", "1", "0", "2", "0", "0", "1"]
    late = parts["三、逾期和逾期完成事项"]["tables"][0]
    assert late[1][:4] == ["中卫市教育局", "1. 优化专业布局", "2021年7月31日", "已逾期"]
    assert late[1][4].endswith("逾期原因：场地未落实")
    targets = parts["四、目标完成情况"]["tables"][0]
    assert targets[1][3:] == ["6000人次", "滞后（应达7500人次）"]
    assert targets[2][3:] == ["—", "暂无数据（应达2个）"]
    scores = parts["五、单位评分"]["tables"][0]
    assert scores[2] == ["2", "中卫市教育局", "3", "0", "1", "2", "1", "3", "31.5"]
    actions = parts["六、督办事项"]
    assert actions["tables"][0][1] == ["中卫市教育局", "3. 人才培养", "2023年3月2日",
                                       "2023年3月5日", "佐证材料不全"]  # fmt: skip
    assert any("2022年第4季度（2023年1月20日锁定）" in p for p in actions["paragraphs"])


def test_advice_follows_the_figures() -> None:
    advice = suggestions(sample_report())
    assert advice[0].startswith(
        "对已逾期的2项任务（1项责任单位分工），建议向中卫市教育局发出督办通知"
    )
    assert "约谈" in advice[0]
    assert any("1个目标落后于序时进度，建议相关单位分析原因" in a for a in advice)
    assert any("1个目标尚无报送数据" in a for a in advice)
    assert any(a.startswith("中卫市教育局的评分低于60分") for a in advice)
    assert any("退回的1份报告" in a for a in advice)


def test_a_plan_on_track_gets_one_plain_sentence_and_no_empty_tables() -> None:
    calm = sample_report(
        overview=overview(task_counts={Status.ON_TRACK: 4}, lead_counts={Status.ON_TRACK: 6},
                          period=None, period_due=None),
        late=[], targets=[], scores=[], returned=[], locked=[],
    )  # fmt: skip
    assert suggestions(calm) == [
        "各项任务均按计划推进。建议各责任单位继续按期报送进展，保持工作力度。"
    ]
    parts = blocks(supervision_docx(calm))
    assert parts["三、逾期和逾期完成事项"]["tables"] == []
    assert parts["四、目标完成情况"]["paragraphs"] == ["方案各任务没有量化目标。"]
    assert parts["五、单位评分"]["paragraphs"] == ["2023年尚无可考核的分工和报送期。"]
    assert parts["六、督办事项"]["tables"] == []
    assert "目前尚无到期应报送的报送期" in " ".join(parts["一、总体情况"]["paragraphs"])
    assert (
        "2023年1月1日以来，没有退回报告、锁定报送期等督办记录。"
        in parts["六、督办事项"]["paragraphs"]
    )


def test_the_sample_report_opens_in_libreoffice_as_an_official_document(tmp_path: Path) -> None:
    with migrated_store("sqlite", tmp_path) as store:
        plan = reported_sample(store)
        with store.read() as session:
            data = supervision_report(session, session.get(Plan, plan), AS_OF)  # type: ignore[arg-type]
    path = tmp_path / "督导报告.docx"
    path.write_bytes(supervision_docx(data))
    pdf = convert_to_pdf(path, tmp_path)
    text = pdf_text(pdf)
    assert "推进情况督导报告" in text and "总体情况" in text and "下一步工作建议" in text
    assert pdf_pages(pdf) >= 2
    if shutil.which("pdftoppm"):  # the first page, to look at (test-artifacts/ is not committed)
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
             str(ARTIFACTS / "supervision-report")],
            check=True, timeout=60,
        )  # fmt: skip
