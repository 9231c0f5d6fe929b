"""The plan's status from the store, as of any date, on both databases."""

from __future__ import annotations

import datetime as dt

from duban.db import Store
from duban.models import Plan
from duban.queries.status import PlanStatus, plan_status
from tests.factories import assignment_id, published_sample, report


def status_on(store: Store, plan_id: int, day: dt.date) -> PlanStatus:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return plan_status(session, plan, day)


def task(result: PlanStatus, number: str) -> dict[str, str]:
    view = next(t for t in result.tasks if t.number == number)
    return {"status": view.status, **{a.unit_key: a.status for a in view.assignments}}


def history(store: Store) -> int:
    """Task 17 (due 2021-06-30): hrss done in time; task 1 (due 2021-07-31): only edu done."""
    plan_id = published_sample(store)
    hrss_17 = assignment_id(store, plan_id, "17", "zw-hrss")
    report(store, hrss_17, dt.date(2021, 4, 8), accept_on=dt.date(2021, 4, 9))
    report(store, hrss_17, dt.date(2021, 6, 20), "done", accept_on=dt.date(2021, 6, 22))
    edu_1 = assignment_id(store, plan_id, "1", "zw-edu")
    report(store, edu_1, dt.date(2021, 7, 20), "done", accept_on=dt.date(2021, 8, 2))
    return plan_id


def test_status_as_of_a_past_date_is_what_it_was_then(store: Store) -> None:
    plan_id = history(store)
    before = status_on(store, plan_id, dt.date(2021, 7, 25))
    assert task(before, "1")["zw-edu"] == "due_soon"  # reported done, not yet accepted
    after = status_on(store, plan_id, dt.date(2021, 8, 5))
    assert task(after, "1")["zw-edu"] == "done"
    assert task(after, "1")["status"] == "overdue"  # three other lead units never reported
    assert status_on(store, plan_id, dt.date(2021, 7, 25)) == before  # the past does not move


def test_every_status_kind_appears_in_a_history(store: Store) -> None:
    plan_id = history(store)
    zn_17 = assignment_id(store, plan_id, "17", "zn-gov")  # due 2021-06-30, done a fortnight late
    report(
        store, zn_17, dt.date(2021, 7, 15), "done", accept_on=dt.date(2021, 7, 16), reason="资金"
    )
    edu_2 = assignment_id(store, plan_id, "2", "zw-edu")  # due 2023: reported for Q2
    report(store, edu_2, dt.date(2021, 7, 5), accept_on=dt.date(2021, 7, 6))
    result = status_on(store, plan_id, dt.date(2021, 8, 5))
    assert task(result, "17")["zn-gov"] == "done_late"
    assert task(result, "17")["zw-hrss"] == "done"
    assert task(result, "1")["zw-drc"] == "overdue"
    assert task(result, "5")["zw-edu"] == "due_soon"  # due 2021-08-31
    assert task(result, "2")["zw-edu"] == "on_track"
    assert task(result, "2")["zn-gov"] == "unreported"  # nothing for 2021-Q2
    kinds = {t.status for t in result.tasks}
    assert {"overdue", "due_soon", "unreported"} <= kinds


def test_unit_filter_keeps_only_its_own_rows(store: Store) -> None:
    plan_id = history(store)
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        result = plan_status(session, plan, dt.date(2021, 8, 5), unit_key="zn-school")
    assert result.tasks == ()  # the school holds no assignment in the plan itself
