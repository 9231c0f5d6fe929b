"""Claim against data on the pages: the review queue and the task page flag a report whose figure
the school records contradict, and link to the rows counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.models import Plan, Target
from duban.services import reports
from duban.services.targets import bind_target
from tests.factories import ADMIN, REPORTER, assignment_id
from tests.queries.test_indicator_actuals import DOUBLE, upload

Client = Callable[[str], TestClient]
TOMORROW = (clock.today() + dt.timedelta(days=1)).isoformat()


def flagged_report(store: Store) -> int:
    """Task 18's 双师型 target bound, 2 of 6 teachers in the records, a report claiming 80%."""
    with store.write() as session:
        plan_id = session.scalars(select(Plan.id).where(Plan.state == "published")).one()
        target_id = session.scalars(select(Target.id).where(Target.metric == DOUBLE)).one()
        bind_target(session, target_id, "double_qualified_share", actor=ADMIN)
    upload(store, "zw-school", professional=4, double=2)
    upload(store, "zn-school", professional=2, double=0)
    with store.write() as session:
        reports.submit_report(
            session, assignment_id(store, plan_id, "18", "zw-edu"), claimed="in_progress",
            narrative="全市双师型教师比例达到80%，已完成目标。", at=dt.date(2023, 3, 1),
            late_reason="迟", actor=REPORTER,
        )  # fmt: skip
    return plan_id


def test_the_review_queue_flags_a_claim_the_records_contradict(
    store: Store, client_for: Client
) -> None:
    flagged_report(store)
    page = client_for("dudao").get("/review").text
    assert "与学校数据不符" in page
    assert "全市双师型教师比例达到80%" in page
    assert "33.33%" in page  # 2 of 6 professional teachers
    assert 'href="/indicators/double_qualified_share?scope=city&amp;year=2022"' in page


def test_the_task_page_flags_it_too(store: Store, client_for: Client) -> None:
    plan_id = flagged_report(store)
    page = client_for("dudao").get(f"/tasks/{plan_id}/18", params={"as_of": TOMORROW}).text
    assert "与学校数据不符" in page and "2022—2023学年" in page
    before = client_for("leader").get(f"/tasks/{plan_id}/18", params={"as_of": "2023-03-02"})
    assert "全市双师型教师比例达到80%" in before.text
    assert "与学校数据不符" not in before.text  # the records arrived later
    assert "学校数据暂无" in before.text
