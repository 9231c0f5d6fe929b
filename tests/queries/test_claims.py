"""Claim against data: a report's figures and narrative next to what the school records compute."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.domain.claims import Verdict
from duban.exchange.supervision_docx import supervision_docx
from duban.models import Plan, Target
from duban.queries.claims import claim_checks, current_reports, differing
from duban.queries.supervision import supervision_report
from duban.queries.workspace import review_queue
from duban.services import reports
from duban.services.targets import bind_target
from tests.factories import ADMIN, REPORTER, assignment_id, published_sample
from tests.queries.test_indicator_actuals import DOUBLE, upload

TOMORROW = clock.today() + dt.timedelta(days=1)  # the upload's day in Shanghai, at the latest
WRITTEN = dt.date(2023, 3, 1)  # school year 2022, the records' year


def submit(store: Store, narrative: str, figure: float | None) -> tuple[int, int]:
    """A bound 双师型 target on task 18 and a report on it; (report id, target id)."""
    plan_id = published_sample(store)
    with store.write() as session:
        target_id = session.scalars(select(Target.id).where(Target.metric == DOUBLE)).one()
        bind_target(session, target_id, "double_qualified_share", actor=ADMIN)
    lead = assignment_id(store, plan_id, "18", "zw-edu")
    with store.write() as session:
        sent = reports.submit_report(
            session, lead, claimed="in_progress", narrative=narrative, at=WRITTEN,
            figures={} if figure is None else {target_id: figure}, late_reason="迟",
            actor=REPORTER,
        )  # fmt: skip
    return sent.id, target_id


def test_a_typed_figure_and_a_narrative_claim_are_checked_against_the_records(
    store: Store,
) -> None:
    report_id, target_id = submit(store, "全市双师型教师比例已达到33.3%，超过序时进度。", 80)
    upload(store, "zw-school", professional=4, double=2)
    upload(store, "zn-school", professional=2, double=0)
    with store.read() as session:
        checks = claim_checks(session, [report_id], TOMORROW)[report_id]
    by_source = {c.source: c for c in checks}
    typed, stated = by_source["figure"], by_source["narrative"]
    assert (typed.claimed, typed.verdict) == (80, Verdict.DIFFERS)
    assert typed.computed is not None and round(typed.computed, 1) == 33.3  # 2 of 6 teachers
    assert (typed.year, typed.year_label, typed.scope) == (2022, "2022—2023学年", "city")
    assert (stated.claimed, stated.verdict) == (33.3, Verdict.AGREES)
    assert stated.quote == "全市双师型教师比例已达到33.3%"
    assert {c.target_id for c in checks} == {target_id}
    with store.read() as session:
        flagged = differing(claim_checks(session, [report_id], TOMORROW))
    assert [c.source for c in flagged[report_id]] == ["figure"]


def test_records_that_arrive_after_the_view_date_are_not_yet_there(store: Store) -> None:
    report_id, _ = submit(store, "", 80)
    upload(store, "zw-school", professional=4, double=2)
    before = clock.today() - dt.timedelta(days=1)
    with store.read() as session:
        (check,) = claim_checks(session, [report_id], before)[report_id]
    assert (check.verdict, check.computed, check.year) == (Verdict.NO_DATA, None, None)


def test_a_report_stating_nothing_about_a_bound_target_has_no_checks(store: Store) -> None:
    report_id, _ = submit(store, "已完成年度工作计划，新增合作企业5家。", None)
    upload(store, "zw-school", professional=4, double=2)
    with store.read() as session:
        assert claim_checks(session, [report_id], TOMORROW) == {}
        assert claim_checks(session, [], TOMORROW) == {}


def test_the_review_queue_shows_the_checks(store: Store) -> None:
    report_id, _ = submit(store, "双师型教师比例达到80%", None)
    upload(store, "zw-school", professional=4, double=2)
    with store.read() as session:
        queue = review_queue(session, as_of=TOMORROW)
    (item,) = [i for i in queue.items if i.id == report_id]
    assert [(c.source, c.claimed, c.verdict) for c in item.claims] == [
        ("narrative", 80, Verdict.DIFFERS)
    ]


def test_the_supervision_report_lists_what_the_current_reports_claim_against_the_records(
    store: Store,
) -> None:
    report_id, _ = submit(store, "双师型教师比例达到33.3%", 80)
    upload(store, "zw-school", professional=4, double=2)
    upload(store, "zn-school", professional=2, double=0)
    with store.read() as session:
        plan = session.scalars(select(Plan)).one()
        assert current_reports(session, plan.id, TOMORROW) == [report_id]
        made = supervision_report(session, plan, TOMORROW)
    (row,) = made.claims  # the narrative's 33.3% agrees; the typed 80% does not
    assert row.unit == "中卫市教育局" and row.task.startswith("18. ")
    assert row.stated == f"填报数值：{DOUBLE} 80%"
    assert row.computed == "双师型教师占专业教师比例（2022—2023学年）33.3%"
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(supervision_docx(made))).tables
        for r in table.rows
        for cell in r.cells
    )
    assert row.stated in text and row.computed in text
    with store.write() as session:
        reports.return_report(session, report_id, reason="数据有误", at=WRITTEN, actor=ADMIN)
    with store.read() as session:
        assert supervision_report(session, plan, TOMORROW).claims == []  # returned: not current
