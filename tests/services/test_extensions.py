"""Deadline extensions through the services: the life of a request, its refusals, the audit trail
and the status it moves, on both databases. Task 1 (市教育局 leads) is due 31 July 2021."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from duban.db import Store
from duban.domain import clock
from duban.models import AuditEvent, Extension, Plan, Unit
from duban.queries.status import plan_status
from duban.services import extensions
from duban.services.errors import Conflict, Invalid, NotFound
from tests.factories import ADMIN, REPORTER, SUPERVISOR, assignment_id, published_sample

D = dt.date


@pytest.fixture
def edu_task_1(store: Store) -> int:
    return assignment_id(store, published_sample(store), "1", "zw-edu")


def unit_id(store: Store, key: str) -> int:
    with store.read() as session:
        found = session.scalar(select(Unit.id).where(Unit.key == key))
        assert found is not None
        return found


def ask(store: Store, assignment: int, day: dt.date, proposed: dt.date, **kw: object) -> int:
    with store.write() as session:
        made = extensions.request_extension(session, assignment, proposed=proposed,
                                            reason="实训基地建设受疫情影响推迟", at=day,
                                            actor=REPORTER, **kw)  # type: ignore[arg-type]  # fmt: skip
        return made.id


def review_and_decide(
    store: Store, ext: int, reviewed: dt.date, decided: dt.date, *, approve: bool = True,
    deadline: dt.date | None = None,
) -> None:  # fmt: skip
    with store.write() as session:
        extensions.review_extension(session, ext, agrees=True, opinion="理由充分，同意延期",
                                    at=reviewed, actor=SUPERVISOR)  # fmt: skip
        extensions.decide_extension(session, ext, approve=approve, reason="同意", deadline=deadline,
                                    at=decided, actor=ADMIN)  # fmt: skip


def lead_status(store: Store, day: dt.date, number: str = "1") -> tuple[str, str]:
    with store.read() as session:
        plan = session.scalars(select(Plan)).one()
        task = next(t for t in plan_status(session, plan, day).tasks if t.number == number)
        edu = next(a for a in task.assignments if a.unit_key == "zw-edu")
        return edu.status, edu.reason


def test_request_review_approve_moves_the_deadline_from_the_decision_day(
    store: Store, edu_task_1: int
) -> None:
    ext = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31))
    review_and_decide(store, ext, D(2021, 7, 5), D(2021, 7, 10), deadline=D(2021, 9, 30))
    with store.read() as session:
        made = session.get(Extension, ext)
        assert made is not None
        assert (made.state, made.original_deadline, made.approved_deadline) == (
            "approved", D(2021, 7, 31), D(2021, 9, 30))  # fmt: skip
        assert (made.review_agrees, made.reviewed_by, made.decided_by) == (True, SUPERVISOR, ADMIN)
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["extension.request", "extension.review", "extension.approve"]
    assert lead_status(store, D(2021, 7, 9))[0] == "due_soon"  # before the decision
    assert lead_status(store, D(2021, 8, 5))[0] == "unreported"  # not overdue: extended
    assert lead_status(store, D(2021, 9, 5)) == (
        "due_soon",
        "完成时限2021年7月31日（经批准延期至2021年9月30日），还剩25天",
    )
    assert lead_status(store, D(2021, 10, 2)) == (
        "overdue", "完成时限2021年7月31日（经批准延期至2021年9月30日），已逾期2天")  # fmt: skip


def test_a_refused_request_leaves_the_original_deadline(store: Store, edu_task_1: int) -> None:
    ext = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31))
    review_and_decide(store, ext, D(2021, 7, 5), D(2021, 7, 10), approve=False)
    assert lead_status(store, D(2021, 8, 5)) == ("overdue", "完成时限2021年7月31日，已逾期5天")


def test_a_request_after_the_deadline_is_refused(store: Store, edu_task_1: int) -> None:
    with pytest.raises(Invalid, match="完成时限2021年7月31日已过"):
        ask(store, edu_task_1, D(2021, 8, 1), D(2021, 10, 31))


def test_the_proposed_date_must_be_later(store: Store, edu_task_1: int) -> None:
    with pytest.raises(Invalid, match="不晚于现行完成时限2021年7月31日"):
        ask(store, edu_task_1, D(2021, 7, 1), D(2021, 7, 31))


def test_one_open_request_per_assignment_until_withdrawn(store: Store, edu_task_1: int) -> None:
    first = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31))
    with pytest.raises(Invalid, match="尚未办结"):
        ask(store, edu_task_1, D(2021, 7, 2), D(2021, 9, 30))
    with store.write() as session:
        extensions.withdraw_extension(session, first, actor=REPORTER)
    assert ask(store, edu_task_1, D(2021, 7, 2), D(2021, 9, 30)) > first


def test_another_units_assignment_or_request_is_not_found(store: Store, edu_task_1: int) -> None:
    other = unit_id(store, "zw-hrss")
    with pytest.raises(NotFound, match="不属于您的单位"):
        ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31), own_unit=other)
    ext = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31), own_unit=unit_id(store, "zw-edu"))
    with pytest.raises(NotFound, match="延期申请"), store.write() as session:
        extensions.withdraw_extension(session, ext, own_unit=other, actor=REPORTER)


def test_deciding_before_the_review_is_refused(store: Store, edu_task_1: int) -> None:
    ext = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31))
    with pytest.raises(Conflict, match="尚未经督导室审核"), store.write() as session:
        extensions.decide_extension(session, ext, approve=True, at=D(2021, 7, 2), actor=ADMIN)
    with store.read() as session:
        made = session.get(Extension, ext)
        assert made is not None and made.state == "requested"


def test_a_grant_not_later_than_the_original_is_refused(store: Store, edu_task_1: int) -> None:
    ext = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31))
    with pytest.raises(Invalid, match="不晚于原完成时限"):
        review_and_decide(store, ext, D(2021, 7, 5), D(2021, 7, 10), deadline=D(2021, 7, 31))


def test_refusing_needs_a_reason_and_review_needs_an_opinion(store: Store, edu_task_1: int) -> None:
    ext = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 10, 31))
    with pytest.raises(Invalid, match="请填写审核意见"), store.write() as session:
        extensions.review_extension(session, ext, agrees=False, opinion=" ", actor=SUPERVISOR)
    with store.write() as session:
        extensions.review_extension(session, ext, agrees=False, opinion="理由不足",
                                    at=D(2021, 7, 3), actor=SUPERVISOR)  # fmt: skip
    with pytest.raises(Invalid, match="不予批准的理由"), store.write() as session:
        extensions.decide_extension(session, ext, approve=False, reason="", actor=ADMIN)


def test_a_second_extension_is_asked_against_the_extended_deadline(
    store: Store, edu_task_1: int
) -> None:
    first = ask(store, edu_task_1, D(2021, 7, 1), D(2021, 9, 30))
    review_and_decide(store, first, D(2021, 7, 5), D(2021, 7, 10))
    second = ask(store, edu_task_1, D(2021, 9, 1), D(2021, 12, 31))  # after 31 July: allowed
    with store.read() as session:
        made = session.get(Extension, second)
        assert made is not None and made.original_deadline == D(2021, 9, 30)


def test_a_future_date_is_refused(store: Store, edu_task_1: int) -> None:
    with pytest.raises(Invalid, match="晚于今天"):
        ask(store, edu_task_1, clock.today() + dt.timedelta(days=1), D(2030, 1, 1))


def test_a_task_without_a_deadline_cannot_be_extended(store: Store) -> None:
    plan_id = published_sample(store)
    no_deadline = assignment_id(store, plan_id, "21", "zw-edu")
    with pytest.raises(Invalid, match="没有具体的完成时限"):
        ask(store, no_deadline, D(2021, 7, 1), D(2021, 10, 31))
