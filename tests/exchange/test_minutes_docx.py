"""The minutes of a joint meeting as Word: read back with python-docx, opened by LibreOffice; and
the supervision report's 联席会议 paragraph from the real store (the meeting rule)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document

from duban.db import Store
from duban.exchange.minutes_docx import DecisionLine, Minutes, SignLine, minutes_docx
from duban.exchange.supervision_docx import supervision_docx
from duban.models import Plan
from duban.queries.supervision import supervision_report
from duban.services import meetings
from duban.services.meetings import MeetingInput
from tests.factories import ADMIN, published_sample
from tests.office import convert_to_pdf, pdf_text

D = dt.date
MINUTES = Minutes(
    number="第3次联席会议", held_on=D(2022, 6, 20), convener="副市长王某", place="市政府第三会议室",
    agenda=["听取逾期任务汇报", "研究部署下半年工作"], minutes="会议听取了汇报。\n会议议定如下。",
    state="circulating",
    decisions=[DecisionLine("3-1", "年底前建成市级公共实训基地。", ["中卫市教育局"],
                            ["中卫市财政局"], D(2022, 12, 31)),
               DecisionLine("3-2", "完善激励政策。", ["中卫市人力资源和社会保障局"], [], None)],
    signatures=[SignLine("中卫市教育局", D(2022, 6, 22), "同意。"),
                SignLine("中卫市人力资源和社会保障局", None, None)],
)  # fmt: skip


def test_the_minutes_read_back_with_their_decisions_and_sign_off_table() -> None:
    doc = Document(io.BytesIO(minutes_docx(MINUTES)))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "第3次联席会议纪要" and text[1] == "（2022年6月20日）（纪要送会签中）"
    assert "2022年6月20日，副市长王某在市政府第三会议室主持召开第3次联席会议。" in text[3]
    assert [h for h in text if h[:2] in ("一、", "二、", "三、", "四、", "五、")] == [
        "一、会议基本情况", "二、会议议程", "三、会议纪要", "四、议定事项", "五、会签情况",
    ]  # fmt: skip
    decisions, signs = ([[c.text for c in row.cells] for row in t.rows] for t in doc.tables)
    assert decisions[1] == ["3-1", "年底前建成市级公共实训基地。", "中卫市教育局", "中卫市财政局",
                            "2022年12月31日"]  # fmt: skip
    assert decisions[2][3:] == ["—", "—"]
    assert signs[1:] == [["中卫市教育局", "2022年6月22日", "同意。"],
                         ["中卫市人力资源和社会保障局", "未会签", ""]]  # fmt: skip
    assert text[-1] == "2022年6月20日" and text[-2] == "联席会议办公室"


def test_libreoffice_opens_the_minutes(tmp_path: Path) -> None:
    path = tmp_path / "第3次联席会议纪要.docx"
    path.write_bytes(minutes_docx(MINUTES))
    text = pdf_text(convert_to_pdf(path, tmp_path)).replace(" ", "").replace("\n", "")
    assert "第3次联席会议纪要" in text and "年底前建成市级公共实训基" in text
    assert "未会签" in text and "已会签1个" in text


def test_the_supervision_report_says_how_often_the_meeting_met(
    store: Store, tmp_path: Path
) -> None:
    plan_id = published_sample(store)
    with store.write() as session:
        for day in (D(2022, 3, 1), D(2022, 9, 1)):
            entered = MeetingInput(day, "副市长王某", ["市教育局"], minutes="纪要")
            meetings.record_meeting(session, entered, actor=ADMIN)
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        behind = supervision_report(session, plan, D(2021, 8, 1))
        met = supervision_report(session, plan, D(2022, 10, 1))
    assert behind.meetings is not None and behind.meetings.pace == "behind"
    text = "\n".join(p.text for p in Document(io.BytesIO(supervision_docx(met))).paragraphs)
    assert "联席会议：2022年截至10月1日召开联席会议2次，达到每年至少2次的要求（已达标）。" in text
    if store.engine.dialect.name == "sqlite":  # one conversion is enough
        path = tmp_path / "report.docx"
        path.write_bytes(supervision_docx(behind))
        assert "未达序时要求" in pdf_text(convert_to_pdf(path, tmp_path)).replace(" ", "")
