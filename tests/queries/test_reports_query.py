"""Finding reports: a task's reports include its cooperating units' contributions."""

from __future__ import annotations

import datetime as dt

from duban.db import Store
from duban.queries.reports import list_reports
from tests.factories import assignment_id, published_sample, report


def test_a_lead_unit_sees_the_cooperating_units_contributions(store: Store) -> None:
    plan_id = published_sample(store)
    report(store, assignment_id(store, plan_id, "2", "zw-fin"), dt.date(2021, 4, 2))  # coop
    report(
        store,
        assignment_id(store, plan_id, "2", "zw-edu"),
        dt.date(2021, 4, 5),
        accept_on=dt.date(2021, 4, 6),
    )
    with store.read() as session:
        rows = list_reports(session, plan_id, task="2")
        coop = list_reports(session, plan_id, task="2", role="coop")
        pending = list_reports(session, plan_id, state="submitted")
    assert [(r.unit, r.role, r.state) for r in rows] == [
        ("中卫市教育局", "lead", "accepted"),
        ("中卫市财政局", "coop", "submitted"),
    ]
    assert [r.unit for r in coop] == ["中卫市财政局"]
    assert [r.unit for r in pending] == ["中卫市财政局"]
