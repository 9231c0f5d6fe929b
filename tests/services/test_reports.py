"""Reports: the life of a report, version checks, locks and concurrency, on both databases."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Report
from duban.services import reports
from duban.services.errors import Conflict, Invalid
from tests.factories import REPORTER, SUPERVISOR, assignment_id, published_sample, report


@pytest.fixture
def edu_task_1(store: Store) -> int:
    return assignment_id(store, published_sample(store), "1", "zw-edu")


def test_submit_then_accept_records_dates_and_audit(store: Store, edu_task_1: int) -> None:
    report_id = report(
        store, edu_task_1, dt.date(2021, 7, 5), "done", accept_on=dt.date(2021, 7, 8)
    )
    with store.read() as session:
        made = session.get(Report, report_id)
        assert made is not None
        assert (made.state, made.period_key, made.on_paper) == ("accepted", "2021-Q2", True)
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["report.submit", "report.accept"]


def test_return_needs_a_reason(store: Store, edu_task_1: int) -> None:
    report_id = report(store, edu_task_1, dt.date(2021, 4, 2))
    with pytest.raises(Invalid, match="退回原因"), store.write() as session:
        reports.return_report(session, report_id, reason=" ", actor=SUPERVISOR)


def test_an_edit_from_a_stale_version_is_refused(store: Store, edu_task_1: int) -> None:
    report_id = report(store, edu_task_1, dt.date(2021, 4, 2))
    with store.write() as session:
        reports.return_report(
            session, report_id, reason="缺少佐证", expected_version=1, actor=SUPERVISOR
        )
    with pytest.raises(Conflict, match="已被他人修改"), store.write() as session:
        reports.accept_report(session, report_id, expected_version=1, actor=SUPERVISOR)


def test_an_accepted_report_is_superseded_not_edited(store: Store, edu_task_1: int) -> None:
    first = report(store, edu_task_1, dt.date(2021, 4, 2), accept_on=dt.date(2021, 4, 3))
    second = report(store, edu_task_1, dt.date(2021, 4, 6), "done", accept_on=dt.date(2021, 4, 7))
    with store.read() as session:
        old, new = session.get(Report, first), session.get(Report, second)
        assert old is not None and new is not None
        assert (old.state, old.claimed, old.accepted_on) == (
            "superseded",
            "in_progress",
            dt.date(2021, 4, 3),
        )
        assert (new.state, new.supersedes_id) == ("accepted", first)
    with pytest.raises(Conflict), store.write() as session:
        reports.return_report(session, first, reason="改", actor=SUPERVISOR)


def test_a_late_report_on_open_work_must_say_why(store: Store, edu_task_1: int) -> None:
    with pytest.raises(Invalid, match="逾期原因"):
        report(store, edu_task_1, dt.date(2021, 9, 1))  # task 1 was due 2021-07-31
    report(store, edu_task_1, dt.date(2021, 9, 1), reason="等待县级方案批复")


def test_a_locked_period_takes_no_more_reports(store: Store, edu_task_1: int) -> None:
    with store.read() as session:
        from duban.models import Assignment

        plan_id = session.get(Assignment, edu_task_1).task.plan_id  # type: ignore[union-attr]
    with store.write() as session:
        reports.lock_period(session, plan_id, "2021-Q2", actor=SUPERVISOR)
    with pytest.raises(Conflict, match="已锁定"):
        report(store, edu_task_1, dt.date(2021, 5, 2))


def test_bad_claimed_state_is_refused_and_nothing_written(store: Store, edu_task_1: int) -> None:
    with pytest.raises(Invalid, match="进展状态"), store.write() as session:
        reports.submit_report(session, edu_task_1, claimed="finished", actor=REPORTER)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_two_reporters_submitting_at_once_lose_nothing(store: Store) -> None:
    plan_id = published_sample(store)
    targets = [assignment_id(store, plan_id, str(n), "zw-edu") for n in (2, 3, 5, 6, 8, 9)]
    errors: list[BaseException] = []

    def submit(assignment: int) -> None:
        try:
            for _ in range(3):
                report(store, assignment, dt.date(2021, 4, 2))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(a,)) for a in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 18
        from duban import audit

        assert audit.verify(session).ok
