"""The task list and the task page's read side: filters, scoped report history, versions, source."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.models import Plan, Unit
from duban.permissions import Actor
from duban.queries.task_detail import (
    HistoryRow,
    TaskPage,
    task_list,
    task_page,
    versions,
)
from duban.services import plans, reports
from tests.conftest import SAMPLE
from tests.factories import ADMIN, SUPERVISOR, assignment_id, published_sample, report

SUPERVISOR_ACTOR = Actor(1, "dudao", "supervisor", None)


def reporter_of(store: Store, key: str) -> Actor:
    with store.read() as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.key == key)).one()
    return Actor(2, key, "reporter", unit_id)


def page_for(store: Store, actor: Actor, plan_id: int, number: str, day: dt.date) -> TaskPage:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        page = task_page(session, actor, plan, number, day)
        assert page is not None
        return page


def texts(rows: list[HistoryRow]) -> list[tuple[str, str]]:
    return [(r.narrative, r.state) for r in rows]


def edu_reports_on_task_3(store: Store, plan_id: int) -> None:
    """市教育局 on task 3: one accepted, one submitted and one draft; 市人社局 one submitted."""
    edu = assignment_id(store, plan_id, "3", "zw-edu")
    hrss = assignment_id(store, plan_id, "3", "zw-hrss")
    with store.write() as session:
        done = reports.submit_report(session, edu, claimed="in_progress", narrative="教育局已审核",
                                     at=dt.date(2021, 4, 5), actor="reporter:jyj")  # fmt: skip
        reports.accept_report(session, done.id, at=dt.date(2021, 4, 8), actor=SUPERVISOR)
        reports.submit_report(session, edu, claimed="in_progress", narrative="教育局待审核",
                              at=dt.date(2021, 7, 5), actor="reporter:jyj")  # fmt: skip
        reports.submit_report(session, edu, claimed="done", narrative="教育局草稿",
                              draft=True, actor="reporter:jyj")  # fmt: skip
        reports.submit_report(session, hrss, claimed="in_progress", narrative="人社局已报送",
                              at=dt.date(2021, 7, 6), actor="reporter:rsj")  # fmt: skip


def test_a_reporter_sees_own_reports_and_only_accepted_ones_of_other_units(store: Store) -> None:
    plan_id = published_sample(store)
    edu_reports_on_task_3(store, plan_id)
    today = clock.today()
    hrss = page_for(store, reporter_of(store, "zw-hrss"), plan_id, "3", today)
    edu = page_for(store, reporter_of(store, "zw-edu"), plan_id, "3", today)
    assert texts(hrss.reports) == [("人社局已报送", "submitted"), ("教育局已审核", "accepted")]
    assert texts(edu.reports) == [
        ("教育局草稿", "draft"),
        ("教育局待审核", "submitted"),
        ("教育局已审核", "accepted"),
    ]
    assert [r.own for r in edu.reports] == [True, True, True]


def test_a_supervisor_sees_every_submitted_report_but_no_draft(store: Store) -> None:
    plan_id = published_sample(store)
    edu_reports_on_task_3(store, plan_id)
    page = page_for(store, SUPERVISOR_ACTOR, plan_id, "3", clock.today())
    assert [n for n, _ in texts(page.reports)] == ["人社局已报送", "教育局待审核", "教育局已审核"]


def test_reports_are_shown_as_they_stood_on_the_date(store: Store) -> None:
    plan_id = published_sample(store)
    edu_reports_on_task_3(store, plan_id)
    before_review = page_for(store, SUPERVISOR_ACTOR, plan_id, "3", dt.date(2021, 4, 6))
    assert texts(before_review.reports) == [("教育局已审核", "submitted")]
    assert before_review.reports[0].accepted_on is None
    other_unit = page_for(store, reporter_of(store, "zw-hrss"), plan_id, "3", dt.date(2021, 4, 6))
    assert other_unit.reports == []  # not yet accepted on that day
    before_any = page_for(store, SUPERVISOR_ACTOR, plan_id, "3", dt.date(2021, 4, 1))
    assert before_any.reports == []


def test_assignment_statuses_move_with_the_date(store: Store) -> None:
    plan_id = published_sample(store)
    edu = assignment_id(store, plan_id, "3", "zw-edu")
    report(store, edu, dt.date(2021, 4, 5), accept_on=dt.date(2021, 4, 6))
    march = page_for(store, SUPERVISOR_ACTOR, plan_id, "3", dt.date(2021, 3, 1))
    may = page_for(store, SUPERVISOR_ACTOR, plan_id, "3", dt.date(2021, 5, 1))
    status = {a.unit_key: a.status for a in may.view.assignments}
    assert {a.status for a in march.view.assignments} == {"on_track"}
    assert status["zw-edu"] == "on_track" and status["zw-hrss"] == "unreported"
    assert may.view.status == "unreported"


def test_the_list_filters_by_status_unit_and_text(store: Store) -> None:
    plan_id = published_sample(store)
    day = dt.date(2021, 8, 5)
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        every = task_list(session, plan, day)
        overdue = task_list(session, plan, day, status="overdue")
        school = task_list(session, plan, day, unit_key="zw-hrss")
        found = task_list(session, plan, day, text="专业群")
        by_number = task_list(session, plan, day, text="17")
    assert len(every) == 25
    assert overdue and {t.status for t in overdue} == {"overdue"}
    assert "17" in [t.number for t in overdue] and "2" not in [t.number for t in overdue]
    assert "3" in [t.number for t in school] and "1" not in [t.number for t in school]
    assert [t.number for t in found] == ["2"]
    assert [t.number for t in by_number] == ["17"]


def test_a_revised_plan_shows_what_changed_in_the_task(store: Store) -> None:
    first = published_sample(store)
    revised = SAMPLE.read_text("utf-8").replace(
        "完成时限：2023年12月前完成并长期坚持", "完成时限：2022年12月前完成并长期坚持"
    )
    with store.write() as session:
        second = plans.import_plan(session, revised.encode(), SAMPLE.name, actor=ADMIN).plan.id
        plans.publish_plan(session, second, actor=ADMIN)
    with store.read() as session:
        plan = session.get(Plan, first)
        assert plan is not None
        found = versions(session, plan, "3")
        unchanged = versions(session, plan, "2")
    assert [(v.version, v.state, v.current) for v in found] == [
        (1, "superseded", True),
        (2, "published", False),
    ]
    assert found[0].changes == []
    assert found[1].changes == [
        "完成时限由“2023年12月前完成并长期坚持”改为“2022年12月前完成并长期坚持”"
    ]
    assert unchanged[1].changes == []
