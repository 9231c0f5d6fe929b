"""A plan's status is computed once per state of the database, and never served stale."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete

from duban.db import Store
from duban.models import Plan, Report
from duban.queries import memo
from duban.queries.status import PlanStatus, plan_status
from duban.services import reports
from tests.factories import REPORTER, assignment_id, published_sample, report

DAY = dt.date(2021, 8, 5)


def status(store: Store, plan_id: int, day: dt.date = DAY) -> PlanStatus:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return plan_status(session, plan, day)


def edu_1(result: PlanStatus) -> str:
    task = next(t for t in result.tasks if t.number == "1")
    return next(a.status for a in task.assignments if a.unit_key == "zw-edu")


def test_the_same_state_is_computed_once(store: Store) -> None:
    plan_id = published_sample(store)
    first = status(store, plan_id)
    hits, misses = memo.stats()
    again = status(store, plan_id)
    assert again is first  # the very same result, not recomputed
    assert memo.stats() == (hits + 1, misses)
    assert status(store, plan_id, DAY + dt.timedelta(days=1)) is not first  # another day


def test_an_audited_write_is_seen_at_once(store: Store) -> None:
    plan_id = published_sample(store)
    assert edu_1(status(store, plan_id)) == "overdue"  # due 2021-07-31, nothing reported
    report(store, assignment_id(store, plan_id, "1", "zw-edu"), dt.date(2021, 7, 20), "done",
           accept_on=dt.date(2021, 8, 2))  # fmt: skip
    assert edu_1(status(store, plan_id)) == "done"


def test_a_write_transaction_neither_reads_nor_leaves_a_remembered_result(store: Store) -> None:
    plan_id = published_sample(store)
    target = assignment_id(store, plan_id, "1", "zw-edu")
    before = status(store, plan_id)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), store.write() as session:
        made = reports.submit_report(session, target, claimed="done", at=dt.date(2021, 7, 20),
                                     actor=REPORTER)  # fmt: skip
        reports.accept_report(session, made.id, at=dt.date(2021, 8, 2), actor=REPORTER)
        plan = session.get(Plan, plan_id)
        assert plan is not None
        inside = plan_status(session, plan, DAY)
        assert edu_1(inside) == "done"  # the uncommitted report counts inside its transaction
        assert inside is not before
        raise Abandon  # rolled back: the report never existed
    after = status(store, plan_id)
    assert edu_1(after) == "overdue"
    assert after is before


def test_the_unit_filter_is_cut_from_the_remembered_whole(store: Store) -> None:
    plan_id = published_sample(store)
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        whole = plan_status(session, plan, DAY)
        edu = plan_status(session, plan, DAY, unit_key="zw-edu")
    assert edu.tasks and all(
        [a.unit_key for a in t.assignments] == ["zw-edu"] for t in edu.tasks
    )  # only its own rows
    mine = {t.number for t in whole.tasks if any(a.unit_key == "zw-edu" for a in t.assignments)}
    assert {t.number for t in edu.tasks} == mine
    by_number = {t.number: t for t in whole.tasks}
    assert all(t.status == by_number[t.number].status for t in edu.tasks)  # all leads decide


def test_a_write_that_skips_the_audit_trail_is_not_seen(store: Store) -> None:
    """The one way to be served a stale status, shown so nobody adds such a write: every change
    that the status reads must leave an audit event (docs/architecture.md, results remembered)."""
    plan_id = published_sample(store)
    report(store, assignment_id(store, plan_id, "1", "zw-edu"), dt.date(2021, 7, 20), "done",
           accept_on=dt.date(2021, 8, 2))  # fmt: skip
    assert edu_1(status(store, plan_id)) == "done"
    with store.write() as session:
        session.execute(delete(Report))  # no audit event: the state's name does not change
    assert edu_1(status(store, plan_id)) == "done"
    memo.forget()
    assert edu_1(status(store, plan_id)) == "overdue"
