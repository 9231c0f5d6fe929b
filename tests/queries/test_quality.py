"""The ledger's side of the quality report: what a school's and the city's draft say for 2022.

The world: the Zhongwei sample corrected before publishing so that 市职业技术学校 leads tasks 3
and 7 and cooperates on task 18; the school then reports — one report accepted in December 2021
(must not be quoted for 2022), one accepted in April 2022 with a figure, one on overdue task 7
with a late explanation, one returned in July 2022.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from docx import Document
from sqlalchemy import select

from duban.db import Store
from duban.exchange.quality_docx import NOTE, QualityReport, quality_docx
from duban.models import Plan, RecordBatch, Target, Task
from duban.queries.quality import QualityRefused, quality_report
from duban.services import plan_review, plans, reports, units
from duban.services.records import replace_records
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE, SUPERVISOR, assignment_id, sample_registry
from tests.queries.test_indicator_actuals import teachers

D = dt.date
TODAY = D(2025, 3, 1)
SCHOOL = "zw-school"
OLD = "上一年度：与宁夏职业技术学院商谈合作"
NEW = "与宁夏职业技术学院合办3个“3+2”专业，招生120人"


@dataclass
class World:
    store: Store
    plan: int
    target: int  # task 3: “3+2”高职专业 of 市职业技术学校, 10个

    def report(self, year: int, school: str | None = SCHOOL, today: D = TODAY) -> QualityReport:
        with self.store.read() as session:
            plan = session.get(Plan, self.plan)
            assert plan is not None
            return quality_report(session, plan, year, school_key=school, today=today)


def school_plan(store: Store) -> int:
    """The sample with 市职业技术学校 added to tasks 3 and 7 (lead) and 18 (coop), published."""
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        plan = plans.import_plan(session, SAMPLE.read_bytes(), SAMPLE.name, effective=EFFECTIVE,
                                 actor=ADMIN).plan  # fmt: skip
        for number, role in (("3", "lead"), ("7", "lead"), ("18", "coop")):
            task = session.scalars(select(Task).where(Task.plan_id == plan.id,
                                                      Task.number == number)).one()  # fmt: skip
            lead, coop = list(task.lead_names), list(task.coop_names)
            (lead if role == "lead" else coop).append("市职业技术学校")
            plan_review.correct_task(session, plan.id, number, title=task.title,
                                     deadline=task.deadline, ongoing=task.ongoing,
                                     lead_names=lead, coop_names=coop, actor=ADMIN)  # fmt: skip
        plans.publish_plan(session, plan.id, actor=ADMIN)
        return plan.id


def school_report(
    store: Store, assignment: int, day: D, narrative: str, *, accept: D | None = None,
    returned: tuple[D, str] | None = None, late: str | None = None,
    figures: dict[int, float] | None = None,
) -> int:  # fmt: skip
    with store.write() as session:
        made = reports.submit_report(
            session, assignment, claimed="in_progress", narrative=narrative, at=day,
            late_reason=late, figures=figures, actor="reporter:市职业技术学校",
        )  # fmt: skip
        if accept:
            reports.accept_report(session, made.id, at=accept, actor=SUPERVISOR)
        if returned:
            reports.return_report(session, made.id, reason=returned[1], at=returned[0],
                                  actor=SUPERVISOR)  # fmt: skip
        return made.id


@pytest.fixture
def world(store: Store) -> World:
    plan = school_plan(store)
    a3, a7, a18 = (assignment_id(store, plan, n, SCHOOL) for n in ("3", "7", "18"))
    with store.read() as session:
        target = session.scalars(
            select(Target.id).join(Task, Task.id == Target.task_id)
            .where(Task.plan_id == plan, Task.number == "3", Target.scope == "市职业技术学校",
                   Target.metric == "“3+2”高职专业")
        ).one()  # fmt: skip
    school_report(store, a3, D(2021, 12, 20), OLD, accept=D(2021, 12, 28))
    school_report(store, a3, D(2022, 4, 5), NEW, accept=D(2022, 4, 10), figures={target: 6})
    school_report(store, a7, D(2022, 3, 1), "普职融通试点班筹备中", accept=D(2022, 3, 5),
                  late="试点班审批未完成")  # fmt: skip
    school_report(store, a18, D(2022, 7, 5), "双师型教师认定推进中",
                  returned=(D(2022, 7, 8), "缺少认定名单"))  # fmt: skip
    return World(store, plan, target)


def test_school_report_covers_its_own_assignments_with_roles(world: World) -> None:
    found = world.report(2022)
    assert (found.subject, found.parent, found.as_of) == ("中卫市职业技术学校", "中卫市人民政府",
                                                          D(2022, 12, 31))  # fmt: skip
    assert [(t.number, t.role) for t in found.tasks] == [("3", "lead"), ("7", "lead"),
                                                          ("18", "coop")]  # fmt: skip
    assert (found.lead_count, found.coop_count) == (2, 1)
    assert found.mentions == (("2", "打造优势特色专业及专业群"), ("4", "积极开展职业技能培训"))
    assert dict(found.status_counts) == {"overdue": 1, "unreported": 2}


def test_only_reports_accepted_in_the_year_are_quoted(world: World) -> None:
    quotes = {t.number: t.quotes for t in world.report(2022).tasks}
    assert [(q.narrative, q.submitted_on, q.accepted_on) for q in quotes["3"]] == [
        (NEW, D(2022, 4, 5), D(2022, 4, 10))
    ]
    assert quotes["18"] == ()  # returned, never accepted
    assert [q.narrative for q in world.report(2021).tasks[0].quotes] == [OLD]


def test_targets_keep_the_whole_city_and_the_schools_own_scope(world: World) -> None:
    targets = world.report(2022).targets
    assert {t.scope for t in targets} == {"全市", "市职业技术学校"}
    own = next(t for t in targets if t.task_number == "3" and t.scope == "市职业技术学校"
               and t.metric == "“3+2”高职专业")  # fmt: skip
    assert (own.actual, own.reported_on, own.pace, own.goal) == (6, D(2022, 4, 5), "on_pace",
                                                                 "=10个")  # fmt: skip
    assert all(t.actual is None for t in world.report(2023, today=D(2023, 6, 30)).targets)


def test_problems_list_overdue_with_the_units_reason_and_returned_reports(world: World) -> None:
    issues = [(i.kind, i.task_number, i.explanation, i.day) for i in world.report(2022).issues]
    assert issues == [("overdue", "7", "试点班审批未完成", None),
                      ("returned", "18", "缺少认定名单", D(2022, 7, 8))]  # fmt: skip


def test_next_year_lists_tasks_due_ongoing_and_carried_over(world: World) -> None:
    found = world.report(2022)
    assert [t.number for t in found.due_next] == ["3", "18"]  # 2023-12-31 and 2023-06-30
    assert [t.number for t in found.ongoing] == ["3", "7", "18"]
    assert [t.number for t in found.carried] == ["7"]


def test_city_report_covers_every_task_and_quotes_every_unit(world: World) -> None:
    found = world.report(2022, school=None)
    assert (found.subject, found.school, len(found.tasks)) == ("中卫市", None, 25)
    quoted = [q.narrative for t in found.tasks for q in t.quotes]
    assert NEW in quoted and OLD not in quoted
    assert found.title == "中卫市职业教育质量年度报告（2022年度）"
    overdue = {i.task_number for i in found.issues if i.kind == "overdue"}
    assert {"1", "4", "7"} <= overdue and found.unit_count > 20


def test_a_running_year_is_reported_as_of_today(world: World) -> None:
    assert world.report(2022, today=D(2022, 5, 1)).as_of == D(2022, 5, 1)
    on_9_april = world.report(2022, today=D(2022, 4, 9))  # the April report is accepted on 10th
    assert [q.narrative for t in on_9_april.tasks for q in t.quotes] == ["普职融通试点班筹备中"]


@pytest.mark.parametrize(
    ("year", "school", "message"),
    [
        (2022, "zw-edu", "“中卫市教育局”（zw-edu）不是学校"),
        (2022, "no-such-unit", "单位名录中没有“no-such-unit”"),
        (2026, SCHOOL, "2026年度尚未开始"),
        (2020, SCHOOL, "方案自2021年1月1日起施行，2020年度没有台账数据"),
    ],
)
def test_refused_with_a_chinese_reason(world: World, year: int, school: str, message: str) -> None:
    with pytest.raises(QualityRefused) as refused:
        world.report(year, school=school)
    assert message in refused.value.message


def test_the_draft_reads_back_with_the_quote_and_without_the_old_one(world: World) -> None:
    doc = Document(io.BytesIO(quality_docx(world.report(2022))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert NOTE in text and NEW in text and OLD not in text
    assert "中卫市职业技术学校（牵头，2022年4月5日报送，2022年4月10日审核通过，自报推进中）" in text
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[4][:5] == ["3", "“3+2”高职专业（市职业技术学校）", "=10个",
                            "6个（2022年4月5日）", "符合序时进度"]  # fmt: skip


def test_a_part_done_late_is_a_problem_of_the_year_it_was_done_in(world: World) -> None:
    a7 = assignment_id(world.store, world.plan, "7", SCHOOL)
    with world.store.write() as session:
        done = reports.submit_report(session, a7, claimed="done", narrative="试点班已开班",
                                     at=D(2022, 9, 1), late_reason="审批延误",
                                     actor="reporter:市职业技术学校")  # fmt: skip
        reports.accept_report(session, done.id, at=D(2022, 9, 3), actor=SUPERVISOR)
    late = [(i.kind, i.task_number, i.explanation) for i in world.report(2022).issues]
    assert ("done_late", "7", "审批延误") in late
    next_year = world.report(2023, today=D(2023, 12, 31)).issues
    assert [(i.kind, i.task_number) for i in next_year] == [("overdue", "18")]
    assert "7" not in [t.number for t in world.report(2022).carried]


def test_data_indicators_are_computed_from_the_records_current_at_the_report_date(
    world: World,
) -> None:
    assert world.report(2022).indicators == ()  # no records: the draft says so, no figure
    for school, double in ((SCHOOL, 2), ("zn-school", 0)):
        with world.store.write() as session:
            _, rows = teachers(school, professional=4 if school == SCHOOL else 2, double=double)
            replace_records(session, "teacher", school, 2022, rows, sha256=school, actor=ADMIN)
            batch = session.scalars(select(RecordBatch).order_by(RecordBatch.id.desc())).first()
            assert batch is not None
            batch.imported_at = dt.datetime(2022, 10, 8, 2, tzinfo=dt.UTC)
    school, city = world.report(2022), world.report(2022, school=None)
    assert school.indicator_year == "2022—2023学年"
    shares = {f.name: (f.value, f.basis) for f in school.indicators}
    assert shares["双师型教师占专业教师比例"] == ("50%", "2/4")
    city_shares = {f.name: (f.value, f.basis) for f in city.indicators}
    assert city_shares["双师型教师占专业教师比例"] == ("33.3%", "2/6")
    assert school.indicators_missing > 0  # no student, major or base records yet
    assert world.report(2021).indicators == ()  # the records came after 2021's report date
    doc = Document(io.BytesIO(quality_docx(school)))
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[0] == ["指标", "数值", "计算依据"]
    assert ["双师型教师占专业教师比例", "50%", "2/4"] in cells
