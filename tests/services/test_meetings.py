"""Joint meetings through the services, on both databases: a meeting is recorded, its decision
becomes a task of the decisions plan that the status engine tracks, the minutes circulate and
are signed by every attending unit; refusals name what is wrong and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.models import Assignment, AuditEvent, Meeting, Plan, Task
from duban.permissions import Actor
from duban.queries.dashboard import published_plans
from duban.queries.meetings import (
    agenda_draft,
    meeting_check,
    meeting_of_task,
    meeting_page,
    minutes_of,
    to_sign,
)
from duban.queries.units import unit_ids
from duban.services import meetings
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.meetings import DecisionInput, MeetingInput
from tests.factories import ADMIN, published_sample

HELD = dt.date(2021, 9, 10)
ATTENDING = ["市教育局", "市人社局"]


def entered(**changes: object) -> MeetingInput:
    values: dict[str, object] = {"held_on": HELD, "convener": "副市长王某",
                                 "attendees": ATTENDING, "place": "市政府第三会议室",
                                 "agenda": ["听取汇报"],
                                 "minutes": "会议听取了汇报。\n议定如下。"}  # fmt: skip
    values.update(changes)
    return MeetingInput(**values)  # type: ignore[arg-type]


def recorded(store: Store) -> int:
    with store.write() as session:
        return meetings.record_meeting(session, entered(), actor=ADMIN).id


def decide(store: Store, meeting_id: int, **changes: object) -> str:
    values: dict[str, object] = {"text": "年底前建成市级公共实训基地。", "leads": ["市教育局"],
                                 "coops": ["市财政局", "市教育局"],
                                 "deadline": dt.date(2021, 12, 31)}  # fmt: skip
    values.update(changes)
    with store.write() as session:
        decision = meetings.add_decision(
            session,
            meeting_id,
            DecisionInput(**values),
            actor=ADMIN,  # type: ignore[arg-type]
        )
        return session.get(Task, decision.task_id).number  # type: ignore[union-attr]


def test_a_decision_becomes_a_task_of_the_published_decisions_plan(store: Store) -> None:
    published_sample(store)
    meeting_id = recorded(store)
    assert decide(store, meeting_id) == "1-1"
    assert decide(store, meeting_id, text="完善校企合作激励政策", leads=["市人社局"],
                  coops=[], deadline=None) == "1-2"  # fmt: skip
    with store.read() as session:
        plan = session.scalars(select(Plan).where(Plan.kind == "meetings")).one()
        assert (plan.state, plan.title, plan.effective) == ("published", "联席会议议定事项", HELD)
        task = session.scalars(
            select(Task).where(Task.plan_id == plan.id, Task.number == "1-1")
        ).one()
        assert task.group_title == "第1次联席会议" and task.deadline == dt.date(2021, 12, 31)
        roles = sorted((a.role, a.named_as) for a in task.assignments)
        assert roles == [("coop", "市财政局"), ("lead", "市教育局")]  # lead wins over coop
        # the ledger: past the deadline without a done report, the decision is overdue
        page = meeting_page(session, meeting_id, dt.date(2022, 1, 5))
        assert page is not None and page.plan_id == plan.id
        assert (page.decisions[0].number, page.decisions[0].status) == ("1-1", "overdue")
        assert page.decisions[0].leads == ["中卫市教育局"]
        assert meeting_of_task(session, plan.id, "1-1") == (meeting_id, "第1次联席会议")
        # the sample plan stays the default of the dashboard and the task list
        assert published_plans(session)[-1][1] != "联席会议议定事项"


def test_the_agenda_puts_overdue_decisions_of_earlier_meetings_after_red_tasks(
    store: Store,
) -> None:
    published_sample(store)
    decide(store, recorded(store))
    with store.read() as session:
        groups = agenda_draft(session, dt.date(2022, 1, 5))
    titles = [g.title for g in groups]
    assert titles[:2] == ["逾期未完成的重点任务", "逾期未落实的前次会议议定事项"]
    assert [i.number for i in groups[1].items] == ["1-1"]
    assert all(not i.decision for i in groups[0].items)


def test_minutes_circulate_and_are_signed_by_every_attending_unit(store: Store) -> None:
    published_sample(store)
    meeting_id = recorded(store)
    with store.read() as session:
        ids = unit_ids(session)
    edu, hrss = ids["zw-edu"], ids["zw-hrss"]
    with store.write() as session:
        meetings.circulate_minutes(session, meeting_id, at=dt.date(2021, 9, 12), actor=ADMIN)
    with store.read() as session:
        leader = Actor(9, "fzr", "leader", edu)
        assert [m.id for m in to_sign(session, leader)] == [meeting_id]
    with store.write() as session:
        meetings.sign_minutes(session, meeting_id, edu, opinion="同意。", at=dt.date(2021, 9, 13),
                              actor="leader:edu")  # fmt: skip
    with store.write() as session:
        assert session.get(Meeting, meeting_id).state == "circulating"  # type: ignore[union-attr]
        meetings.sign_minutes(session, meeting_id, hrss, at=dt.date(2021, 9, 14), actor="leader:h")
    with store.read() as session:
        assert session.get(Meeting, meeting_id).state == "signed"  # type: ignore[union-attr]
        minutes = minutes_of(session, meeting_id)
        assert minutes is not None
        assert [(s.unit, s.signed_on, s.opinion) for s in minutes.signatures] == [
            ("中卫市教育局", dt.date(2021, 9, 13), "同意。"),
            ("中卫市人力资源和社会保障局", dt.date(2021, 9, 14), None),
        ]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "meeting")
        )
        assert list(actions) == [
            "meeting.record",
            "meeting.circulate",
            "meeting.sign",
            "meeting.sign",
        ]


def test_refusals_name_the_problem_and_write_nothing(store: Store) -> None:
    published_sample(store)
    meeting_id = recorded(store)
    with store.read() as session:
        before = session.scalar(select(func.count(AuditEvent.id)))
        edu = unit_ids(session)["zw-edu"]
        other = unit_ids(session)["zw-agri"]
    cases = [
        (lambda s: meetings.record_meeting(s, entered(attendees=["火星局"]), actor=ADMIN),
         Invalid, "参会单位“火星局”不在单位名录中"),
        (lambda s: meetings.record_meeting(s, entered(convener=" "), actor=ADMIN),
         Invalid, "请填写会议召集人"),
        (lambda s: meetings.add_decision(s, meeting_id, DecisionInput("事项", leads=[]),
                                         actor=ADMIN),
         Invalid, "请填写责任单位"),
        (lambda s: meetings.add_decision(s, meeting_id, DecisionInput(
            "事项", leads=["市教育局"], deadline=dt.date(2021, 1, 1)), actor=ADMIN),
         Invalid, "早于会议日期"),
        (lambda s: meetings.sign_minutes(s, meeting_id, edu, actor=ADMIN),
         Conflict, "不在会签中"),
        (lambda s: meetings.sign_minutes(s, meeting_id, other, actor=ADMIN),
         NotFound, "不是第1次联席会议的参会单位"),
        (lambda s: meetings.circulate_minutes(s, 999, actor=ADMIN), NotFound, "没有编号为 999"),
    ]  # fmt: skip
    for call, error, words in cases:
        with pytest.raises(error) as caught, store.write() as session:
            call(session)
        assert words in caught.value.message
    with store.write() as session:
        meetings.circulate_minutes(session, meeting_id, actor=ADMIN)
    with pytest.raises(Conflict, match="已送会签"), store.write() as session:
        meetings.edit_meeting(session, meeting_id, entered(place="别处"), actor=ADMIN)
    with store.read() as session:
        assert session.scalar(select(func.count(AuditEvent.id))) == before + 1  # the circulate
        assert session.scalar(select(func.count(Assignment.id)).join(Task).join(Plan).where(
            Plan.kind == "meetings")) == 0  # fmt: skip


def test_the_year_check_counts_meetings_held(store: Store) -> None:
    published_sample(store)
    recorded(store)
    with store.read() as session:
        assert meeting_check(session, dt.date(2021, 10, 1)).pace == "on_track"
        assert meeting_check(session, dt.date(2021, 6, 1)).held == 0
        assert meeting_check(session, dt.date(2022, 8, 1)).pace == "behind"
