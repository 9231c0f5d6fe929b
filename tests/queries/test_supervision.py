"""The supervision report's data and document agree with the status engine, on both databases.

The sample plan with reports as a quarter of work leaves them: task 1 done by its four lead units
in July, task 5 done late by its three (with the reasons given), 人社局 still working on task 17
past its deadline (its reason given), a 教育局 report on task 3 returned, a figure for task 4.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

from docx import Document

from duban.db import Store
from duban.domain.choices import STATUS_LABELS, Status
from duban.exchange.supervision_docx import GROUP_HEADERS, SupervisionReport, supervision_docx
from duban.models import Plan
from duban.queries.dashboard import dashboard
from duban.queries.status import PlanStatus, plan_status
from duban.queries.supervision import supervision_report, task_label
from duban.services import reports
from tests.factories import REPORTER, SUPERVISOR, assignment_id, published_sample, report

D = dt.date
AS_OF = D(2021, 10, 15)
"""Q3 2021 is the latest period owed (due 10 October)."""

SECTIONS = ["一、总体情况", "二、分组推进情况", "三、逾期和逾期完成事项", "四、目标完成情况",
            "五、单位评分", "六、督办事项", "七、下一步工作建议"]  # fmt: skip


def reported_sample(store: Store) -> int:
    """The published sample with the reports of the module docstring; returns the plan id."""
    plan = published_sample(store)
    for unit in ("zw-drc", "zw-edu", "zn-gov", "hy-gov"):
        report(store, assignment_id(store, plan, "1", unit), D(2021, 7, 20), "done",
               accept_on=D(2021, 7, 25))  # fmt: skip
    report(store, assignment_id(store, plan, "5", "zw-edu"), D(2021, 9, 10), "done",
           accept_on=D(2021, 9, 12), reason="受疫情影响延期")  # fmt: skip
    for unit in ("zn-gov", "hy-gov"):
        report(store, assignment_id(store, plan, "5", unit), D(2021, 9, 15), "done",
               accept_on=D(2021, 9, 16), reason="资金到位较晚")  # fmt: skip
    report(store, assignment_id(store, plan, "17", "zw-hrss"), D(2021, 7, 5), "in_progress",
           accept_on=D(2021, 7, 6), reason="企业培训尚未完成")  # fmt: skip
    returned = report(store, assignment_id(store, plan, "3", "zw-edu"), D(2021, 9, 20))
    with store.write() as session:
        reports.return_report(session, returned, reason="佐证材料不全", at=D(2021, 9, 25),
                              actor=SUPERVISOR)  # fmt: skip
        made = reports.submit_report(
            session, assignment_id(store, plan, "4", "zw-hrss"), claimed="in_progress",
            figures={_target_id(session, plan, "4"): 6000}, at=D(2021, 9, 1), actor=REPORTER,
        )  # fmt: skip
        reports.accept_report(session, made.id, at=D(2021, 9, 2), actor=SUPERVISOR)
    return plan


def _target_id(session: Any, plan: int, number: str) -> int:
    task = next(t for t in session.get(Plan, plan).tasks if t.number == number)
    return int(task.targets[0].id)


def gather(store: Store, plan: int, as_of: dt.date) -> tuple[SupervisionReport, PlanStatus]:
    with store.read() as session:
        chosen = session.get(Plan, plan)
        assert chosen is not None
        return supervision_report(session, chosen, as_of), plan_status(session, chosen, as_of)


def late_assignments(status: PlanStatus, wanted: Status) -> set[tuple[str, str]]:
    return {
        (a.unit, task_label(t.number, t.title))
        for t in status.tasks
        for a in t.assignments
        if a.role == "lead" and a.status == wanted
    }


# --- the data ---------------------------------------------------------------------------------


def test_overview_counts_are_the_status_engines(store: Store) -> None:
    data, status = gather(store, reported_sample(store), AS_OF)
    o = data.overview
    assert o.tasks == 25 == sum(o.task_counts.values())
    assert o.task_counts == {
        Status(s): n for s, n in Counter(t.status for t in status.tasks).items()
    }
    assert o.task_counts[Status.DONE] == 1 and o.task_counts[Status.DONE_LATE] == 1
    assert o.assignments == sum(len(t.assignments) for t in status.tasks)
    assert o.lead_assignments == sum(o.lead_counts.values())
    assert o.done_share == 2 / 25


def test_report_tallies_count_the_latest_owed_period_and_all_reports(store: Store) -> None:
    data, _ = gather(store, reported_sample(store), AS_OF)
    o = data.overview
    assert (o.period, o.period_due) == ("2021年第3季度", D(2021, 10, 10))
    # Q3: task 1 ×4 (20 July), task 5 ×3, task 3 (returned), task 4; task 17's 5 July is Q2's
    assert (o.period_reports.received, o.period_reports.accepted, o.period_reports.returned) == (
        9, 8, 1,
    )  # fmt: skip
    assert (o.all_reports.received, o.all_reports.accepted, o.all_reports.returned) == (10, 9, 1)


def test_groups_add_up_to_the_plan_and_match_the_dashboard(store: Store) -> None:
    plan = reported_sample(store)
    data, _ = gather(store, plan, AS_OF)
    with store.read() as session:
        board = dashboard(session, session.get(Plan, plan), AS_OF)  # type: ignore[arg-type]
    assert sum(g.tasks for g in data.groups) == 25
    assert [(g.group, {s.value: n for s, n in g.counts.items()}) for g in data.groups] == [
        (g.title, dict(g.counts)) for g in board.groups
    ]


def test_late_rows_are_exactly_the_overdue_and_late_lead_assignments(store: Store) -> None:
    data, status = gather(store, reported_sample(store), AS_OF)
    overdue = {(r.unit, r.task) for r in data.late if r.status is Status.OVERDUE}
    late = {(r.unit, r.task) for r in data.late if r.status is Status.DONE_LATE}
    assert overdue == late_assignments(status, Status.OVERDUE)
    assert late == late_assignments(status, Status.DONE_LATE)
    assert len(data.late) == len(overdue) + len(late)
    units = [r.unit for r in data.late]
    assert units == sorted(units, key=units.index), "rows are grouped by unit"
    reasons = {(r.unit, r.task[:3]): r.late_reason for r in data.late}
    assert reasons[("中卫市教育局", "5. ")] == "受疫情影响延期"
    assert reasons[("中宁县人民政府", "5. ")] == "资金到位较晚"
    assert reasons[("中卫市人力资源和社会保障局", "17.")] == "企业培训尚未完成"


def test_targets_carry_the_accepted_figure_and_pace(store: Store) -> None:
    data, status = gather(store, reported_sample(store), AS_OF)
    assert len(data.targets) == sum(len(t.targets) for t in status.tasks)
    training = next(t for t in data.targets if t.task.startswith("4. "))
    assert (training.actual, training.unit, training.goal) == (6000, "人次", "≥10000人次")


def test_returned_reports_and_scores_are_listed(store: Store) -> None:
    data, _ = gather(store, reported_sample(store), AS_OF)
    assert [(r.unit, r.task[:2], r.returned_on, r.reason) for r in data.returned] == [
        ("中卫市教育局", "3.", D(2021, 9, 25), "佐证材料不全")
    ]
    assert data.returns_since == D(2021, 7, 1)
    ranks = [s.rank for s in data.scores if s.rank is not None]
    assert ranks == sorted(ranks) and data.score_year == 2021
    assert data.locked == []


def test_a_lock_counts_from_the_day_it_was_made(store: Store) -> None:
    plan = reported_sample(store)
    with store.write() as session:
        reports.lock_period(session, plan, "2021-Q2", actor=SUPERVISOR)
    today = dt.datetime.now(dt.UTC).date()
    assert gather(store, plan, AS_OF)[0].locked == []
    locked = gather(store, plan, today + dt.timedelta(days=1))[0].locked
    assert [p.period for p in locked] == ["2021年第2季度"]


def test_a_date_before_any_report_shows_nothing_done(store: Store) -> None:
    data, _ = gather(store, reported_sample(store), D(2021, 6, 1))
    o = data.overview
    assert o.task_counts.get(Status.DONE, 0) == o.task_counts.get(Status.DONE_LATE, 0) == 0
    assert o.all_reports.received == 0 and data.returned == [] and data.late == []
    assert all(t.actual is None for t in data.targets)


# --- the document, read back ------------------------------------------------------------------


def blocks(data: bytes) -> dict[str, dict[str, Any]]:
    """Each level-1 heading's paragraphs and tables (cell texts by row), in document order."""
    docx = Document(io.BytesIO(data))
    out: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] = {"paragraphs": [], "tables": []}
    for item in docx.iter_inner_content():
        if hasattr(item, "style") and item.style is not None and item.style.name == "Heading 1":
            current = out.setdefault(item.text, {"paragraphs": [], "tables": []})
        elif hasattr(item, "rows"):
            current["tables"].append([[c.text for c in row.cells] for row in item.rows])
        elif item.text:
            current["paragraphs"].append(item.text)
    return out


def test_document_tables_hold_the_status_engines_figures(store: Store) -> None:
    data, status = gather(store, reported_sample(store), AS_OF)
    parts = blocks(supervision_docx(data))
    assert list(parts) == SECTIONS
    groups = parts["二、分组推进情况"]["tables"][0]
    assert tuple(groups[0]) == GROUP_HEADERS
    body, total = groups[1:-1], groups[-1]
    assert sum(int(row[1]) for row in body) == 25 == int(total[1])
    for row in body:
        assert int(row[1]) == sum(int(x) for x in row[2:])
    counts = Counter(t.status for t in status.tasks)
    assert [int(x) for x in total[2:]] == [
        counts[s] for s in ("done", "done_late", "overdue", "due_soon", "unreported", "on_track")
    ]
    late = parts["三、逾期和逾期完成事项"]["tables"][0][1:]
    overdue_label = STATUS_LABELS[Status.OVERDUE]
    assert {(r[0], r[1]) for r in late if r[3] == overdue_label} == late_assignments(
        status, Status.OVERDUE
    )
    assert any("逾期原因：受疫情影响延期" in r[4] for r in late)
    returns = parts["六、督办事项"]["tables"][0]
    assert returns[1][0] == "中卫市教育局" and returns[1][4] == "佐证材料不全"
    advice = " ".join(parts["七、下一步工作建议"]["paragraphs"])
    assert f"对已逾期的{counts['overdue']}项任务" in advice and "退回的1份报告" in advice


def test_document_before_any_report_says_so_plainly(store: Store) -> None:
    data, _ = gather(store, reported_sample(store), D(2021, 6, 1))
    parts = blocks(supervision_docx(data))
    assert list(parts) == SECTIONS
    status_table = parts["一、总体情况"]["tables"][0]
    done_rows = [r for r in status_table if r[0] in ("已完成", "逾期完成")]
    assert [r[1] for r in done_rows] == ["0", "0"]
    assert parts["三、逾期和逾期完成事项"]["tables"] == []
    assert "没有逾期或逾期完成的责任单位分工" in parts["三、逾期和逾期完成事项"]["paragraphs"][0]
    assert "没有退回报告" in parts["六、督办事项"]["paragraphs"][0]
