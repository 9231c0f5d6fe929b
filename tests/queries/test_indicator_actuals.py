"""Targets bound to indicators: the actual comes from the school records, as of the upload day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.domain.binding import propose
from duban.models import Plan, RecordBatch, Target
from duban.queries.indicators import CITY, catalogue, evaluate, rows_counted
from duban.queries.status import TargetView, plan_status
from duban.services import reports
from duban.services.records import RecordRow, replace_records
from duban.services.targets import bind_proposed, bind_target
from tests.factories import ADMIN, REPORTER, SUPERVISOR, assignment_id, published_sample

DOUBLE = "“双师型”教师在专业教师中的结构比例"
TODAY = clock.today()


def teachers(school: str, professional: int, double: int) -> tuple[str, list[RecordRow]]:
    rows = [
        RecordRow(4 + i, {"staff_no": f"{school}-{i}", "name": f"教师{i}", "professional": True,
                          "double_qualified": i < double})
        for i in range(professional)
    ]  # fmt: skip
    return school, rows


def upload(store: Store, school: str, professional: int, double: int) -> None:
    with store.write() as session:
        _, rows = teachers(school, professional, double)
        replace_records(session, "teacher", school, 2022, rows, sha256=f"{school}{double}",
                        actor="reporter:学校")  # fmt: skip


def double_target(store: Store, as_of: dt.date) -> TargetView:
    with store.read() as session:
        plan = session.scalars(select(Plan)).one()
        task = next(t for t in plan_status(session, plan, as_of).tasks if t.number == "18")
    return next(g for g in task.targets if g.metric == DOUBLE)


@pytest.mark.parametrize(
    ("metric", "unit", "expected"),
    [
        (DOUBLE, "%", "double_qualified_share"),
        ("学徒培养数量占毕业生总数比例", "%", "apprentice_graduate_share"),
        ("“校中厂”", "个", "factories_in_school"),
        ("专业教师在企业实践时间", "个月", None),  # a duration per teacher, not a share
        ("双师型教师", "个", None),  # a count cannot be measured by a percentage
        ("精品课程", "门", None),
    ],
)
def test_a_target_is_proposed_the_indicator_that_measures_it(
    metric: str, unit: str, expected: str | None
) -> None:
    found = propose(metric, unit, catalogue())
    assert (found.key if found else None) == expected


def test_a_bound_target_takes_its_actual_from_the_records(store: Store) -> None:
    published_sample(store)
    with store.write() as session:
        plan_id = session.scalars(select(Plan.id)).one()
        bound = {b.metric: b.indicator for b in bind_proposed(session, plan_id, actor=ADMIN)}
    assert bound[DOUBLE] == "double_qualified_share"
    upload(store, "zw-school", professional=4, double=2)
    upload(store, "zn-school", professional=2, double=0)
    after = double_target(store, TODAY + dt.timedelta(days=1))  # the upload's day in Shanghai
    assert after.indicator == "double_qualified_share"
    assert after.actual == pytest.approx(
        100 * 2 / 6
    )  # the city: 2 of 6, not the mean of 50% and 0%
    assert after.pace != "met"
    before = double_target(store, TODAY - dt.timedelta(days=1))
    assert before.actual is None and before.pace == "no_data"


def test_typed_in_figures_give_way_to_the_records_once_bound(store: Store) -> None:
    plan_id = published_sample(store)
    with store.read() as session:
        target_id = session.scalars(select(Target.id).where(Target.metric == DOUBLE)).one()
    lead = assignment_id(store, plan_id, "18", "zw-edu")
    with store.write() as session:
        sent = reports.submit_report(
            session, lead, claimed="in_progress", figures={target_id: 80},
            at=dt.date(2023, 3, 1), late_reason="迟", actor=REPORTER,
        )  # fmt: skip
        reports.accept_report(session, sent.id, at=dt.date(2023, 3, 2), actor=SUPERVISOR)
    assert double_target(store, TODAY).actual == 80
    with store.write() as session:
        bind_target(session, target_id, "double_qualified_share", actor=ADMIN)
    upload(store, "zw-school", professional=4, double=3)
    assert double_target(store, TODAY + dt.timedelta(days=1)).actual == 75
    with store.write() as session:
        bind_target(session, target_id, None, actor=ADMIN)
    assert double_target(store, TODAY).actual == 80


def test_a_past_date_counts_the_rows_that_were_current_then(store: Store) -> None:
    """A re-upload supersedes the rows before it; a date before it still sees those rows."""
    published_sample(store)
    with store.write() as session:
        target_id = session.scalars(select(Target.id).where(Target.metric == DOUBLE)).one()
        bind_target(session, target_id, "double_qualified_share", actor=ADMIN)
    for double, day in ((2, dt.date(2023, 1, 10)), (3, dt.date(2023, 5, 10))):
        upload(store, "zw-school", professional=4, double=double)
        with store.write() as session:  # as if uploaded on that day (Shanghai noon)
            batch = session.scalars(select(RecordBatch).order_by(RecordBatch.id.desc())).first()
            assert batch is not None
            batch.imported_at = dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC)
    march, june = dt.date(2023, 3, 1), dt.date(2023, 6, 1)
    with store.read() as session:
        city = {d: evaluate(session, 2022, scope=CITY, as_of=d) for d in (march, june, None)}
        share = {d: next(v for v in vs if v.key == "double_qualified_share").value
                 for d, vs in city.items()}  # fmt: skip
        counted = rows_counted(session, "double_qualified_share", 2022, CITY, as_of=march)
        before_any = evaluate(session, 2022, scope=CITY, as_of=dt.date(2023, 1, 9))
    assert share == {march: 50, june: 75, None: 75}
    assert [r.data["staff_no"] for r in counted] == ["zw-school-0", "zw-school-1"]
    assert all(v.value is None for v in before_any if v.key == "double_qualified_share")
    assert double_target(store, march).actual == 50
    assert double_target(store, june).actual == 75
