"""Which items a unit is reminded of, as of a date: a view on the status engine, on both databases.

The sample plan (effective 2021-01-01, quarterly, 10 grace days, 30 warning days): 海原县人民政府
(hy-gov) leads 24 tasks; task 17 is due 2021-06-30, task 1 2021-07-31.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from duban.db import Store
from duban.domain.choices import Status
from duban.domain.reminders import Digest
from duban.models import Plan
from duban.queries.reminders import unit_digests
from duban.queries.status import plan_status
from tests.factories import ADMIN, SUPERVISOR, assignment_id, published_sample, report

UNIT = "hy-gov"
_KIND = {Status.OVERDUE: "overdue", Status.DUE_SOON: "due_soon", Status.UNREPORTED: "unreported"}


def digest_of(store: Store, day: dt.date, unit: str = UNIT) -> Digest | None:
    with store.read() as session:
        found = unit_digests(session, day, unit_key=unit)
    return next(iter(found.values()), None)


def kinds(digest: Digest | None) -> Counter[str]:
    return Counter(i.kind.value for i in digest.items) if digest else Counter()


def engine_view(store: Store, plan_id: int, day: dt.date, unit: str) -> set[tuple[str, str]]:
    """(task number, kind) the domain status engine gives the unit's assignments."""
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        status = plan_status(session, plan, day, unit_key=unit)
    return {
        (t.number, _KIND[Status(a.status)])
        for t in status.tasks
        for a in t.assignments
        if Status(a.status) in _KIND
    }


# as_of → (overdue, due soon, unreported) for hy-gov with no reports at all
CASES = [
    (dt.date(2021, 3, 1), 0, 0, 0),  # nothing owed yet, no deadline within 30 days
    (dt.date(2021, 4, 10), 0, 0, 0),  # Q1 still within its grace days
    (dt.date(2021, 4, 11), 0, 0, 24),  # Q1 owed from the 11th
    (dt.date(2021, 6, 1), 0, 1, 23),  # task 17 due within 30 days outranks unreported
    (dt.date(2021, 6, 30), 0, 1, 23),  # the deadline day itself is not overdue
    (dt.date(2021, 7, 1), 1, 1, 22),  # task 17 overdue; task 1 due soon
    (dt.date(2021, 7, 11), 1, 1, 22),  # Q2 now owed, still the same tasks
    (dt.date(2021, 8, 1), 2, 1, 21),  # task 1 overdue; another task now due within 30 days
]


@pytest.mark.parametrize(("day", "overdue", "soon", "unreported"), CASES)
def test_items_per_date_follow_the_status_engine(
    store: Store, day: dt.date, overdue: int, soon: int, unreported: int
) -> None:
    plan_id = published_sample(store)
    digest = digest_of(store, day)
    expected = Counter(overdue=overdue, due_soon=soon, unreported=unreported)
    assert kinds(digest) == +expected
    got = {(i.number, i.kind.value) for i in digest.items} if digest else set()
    assert got == engine_view(store, plan_id, day, UNIT)


def test_unreported_item_names_the_owed_period_and_its_last_day(store: Store) -> None:
    published_sample(store)
    digest = digest_of(store, dt.date(2021, 7, 20))
    assert digest is not None
    item = next(i for i in digest.items if i.kind.value == "unreported")
    assert (item.period, item.period_label, item.due_on) == (
        "2021-Q2", "2021年第2季度", dt.date(2021, 7, 10),
    )  # fmt: skip


def test_a_counting_report_removes_the_unreported_item(store: Store) -> None:
    plan_id = published_sample(store)
    report(store, assignment_id(store, plan_id, "2", UNIT), dt.date(2021, 4, 5))
    digest = digest_of(store, dt.date(2021, 4, 20))
    assert digest is not None
    numbers = {i.number for i in digest.items}
    assert "2" not in numbers and "3" in numbers


def test_accepted_done_report_removes_the_overdue_item(store: Store) -> None:
    plan_id = published_sample(store)
    aid = assignment_id(store, plan_id, "17", UNIT)
    report(store, aid, dt.date(2021, 6, 20), "done", accept_on=dt.date(2021, 6, 25))
    digest = digest_of(store, dt.date(2021, 7, 5))
    assert digest is not None
    assert not any(i.number == "17" for i in digest.items)


def test_units_without_anything_due_get_no_digest(store: Store) -> None:
    published_sample(store)
    with store.read() as session:
        assert unit_digests(session, dt.date(2021, 3, 1)) == {}
        many = unit_digests(session, dt.date(2021, 4, 11))
    assert len(many) > 20
    assert all(d.items for d in many.values())


def test_open_actions_are_included_until_answered(store: Store) -> None:
    from duban.domain.ladder import Ladder
    from duban.models import Unit
    from duban.services import actions
    from duban.services.actions import ActionDraft

    plan_id = published_sample(store)
    with store.write() as session:
        unit = session.query(Unit).filter_by(key=UNIT).one()
        draft = ActionDraft(plan_id=plan_id, unit_id=unit.id, kind="rectification",
                            title="限期报送整改方案", due_on=dt.date(2021, 3, 20))  # fmt: skip
        action = actions.issue_action(session, draft, ladder=Ladder(), on=dt.date(2021, 3, 1),
                                      actor=ADMIN.replace("admin", "supervisor"))  # fmt: skip
        action_id, unit_id = action.id, unit.id
    assert digest_of(store, dt.date(2021, 2, 28)) is None  # not issued yet
    digest = digest_of(store, dt.date(2021, 3, 25))
    assert digest is not None
    (item,) = digest.items
    assert (item.kind.value, item.ref, item.due_on) == ("action", action_id, dt.date(2021, 3, 20))
    assert item.detail == "限期整改" and item.number
    assert "已逾期5天" in digest.text
    with store.write() as session:
        actions.respond_action(session, store.settings, action_id, text="已整改", unit_id=unit_id,
                               on=dt.date(2021, 3, 26), actor=SUPERVISOR)  # fmt: skip
    assert digest_of(store, dt.date(2021, 3, 25)) is not None  # as of then, still open
    assert digest_of(store, dt.date(2021, 3, 27)) is None


def test_an_approved_extension_moves_the_deadline_reminded_of(store: Store) -> None:
    from duban.services import extensions

    plan_id = published_sample(store)
    aid = assignment_id(store, plan_id, "17", UNIT)
    with store.write() as session:
        ext = extensions.request_extension(session, aid, proposed=dt.date(2021, 9, 30),
                                           reason="资金未到位", at=dt.date(2021, 6, 10),
                                           actor=ADMIN)  # fmt: skip
        extensions.review_extension(session, ext.id, agrees=True, opinion="同意",
                                    at=dt.date(2021, 6, 12), actor=SUPERVISOR)  # fmt: skip
        extensions.decide_extension(session, ext.id, approve=True, at=dt.date(2021, 6, 15),
                                    actor=ADMIN)  # fmt: skip
    before = digest_of(store, dt.date(2021, 6, 14))
    assert before is not None
    assert ("17", "due_soon", dt.date(2021, 6, 30)) in {
        (i.number, i.kind.value, i.due_on) for i in before.items
    }
    after = digest_of(store, dt.date(2021, 9, 5))
    assert after is not None
    (item,) = [i for i in after.items if i.number == "17"]
    assert (item.kind.value, item.due_on) == ("due_soon", dt.date(2021, 9, 30))
    assert "完成时限2021年9月30日，还有25天" in after.text
    assert {(i.number, i.kind.value) for i in after.items} == engine_view(
        store, plan_id, dt.date(2021, 9, 5), UNIT
    )
