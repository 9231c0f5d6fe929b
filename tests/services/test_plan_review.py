"""Correcting a draft plan before it is published, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Plan, Task, Unit, UnitProposal
from duban.services import plan_review, plans, units
from duban.services.errors import Conflict, Invalid, NotFound
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE, sample_registry

LEADS = ["市发展改革委", "市教育局", "中宁县人民政府", "海原县人民政府"]
COOPS = ["市云计算和大数据局", "市工业和信息化局", "市旅游和文体广电局", "市农业农村局",
         "中卫工业园区管委会"]  # fmt: skip


def draft_sample(store: Store) -> int:
    """The registry loaded and the sample imported as a draft (not published)."""
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        result = plans.import_plan(
            session, SAMPLE.read_bytes(), SAMPLE.name, effective=EFFECTIVE, actor=ADMIN
        )
        return result.plan.id


def correct(store: Store, plan_id: int, number: str = "1", **changes: Any) -> Task:
    fields: dict[str, Any] = {"title": "优化专业布局", "deadline": "2021-07-31", "ongoing": True,
                              "lead_names": LEADS, "coop_names": COOPS} | changes  # fmt: skip
    with store.write() as session:
        return plan_review.correct_task(session, plan_id, number, **fields, actor=ADMIN)


def events(store: Store, action: str) -> list[AuditEvent]:
    with store.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def open_names(store: Store) -> list[str]:
    with store.read() as session:
        query = select(UnitProposal.name).where(UnitProposal.state == "open")
        return list(session.scalars(query.order_by(UnitProposal.id)))


def test_correcting_a_deadline_records_before_and_after(store: Store) -> None:
    plan_id = draft_sample(store)
    task = correct(store, plan_id, deadline="2021-09-30", ongoing=False)
    assert (task.deadline and task.deadline.isoformat(), task.ongoing) == ("2021-09-30", False)
    [event] = events(store, "task.correct")
    assert event.before == {"deadline": "2021-07-31", "ongoing": True}
    assert event.after == {"deadline": "2021-09-30", "ongoing": False}
    assert (event.object_type, event.object_id, event.actor) == ("task", task.id, ADMIN)


def test_a_correction_that_changes_nothing_writes_nothing(store: Store) -> None:
    plan_id = draft_sample(store)
    correct(store, plan_id, lead_names=[" 市发展改革委 ", "", *LEADS[1:], "市教育局"])
    assert events(store, "task.correct") == []


def test_bad_corrections_are_refused_in_chinese(store: Store) -> None:
    plan_id = draft_sample(store)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"deadline": "2021-02-30"}, "完成时限应为日期"),
        ({"title": "  "}, "任务名称不能为空"),
        ({"title": "长" * 301}, "任务名称过长"),
        ({"lead_names": ["", " "]}, "至少要有一个责任单位"),
        ({"coop_names": ["市教育局"]}, "不能同时是责任单位和配合单位"),
        ({"lead_names": ["市教育局\x07"]}, "控制字符"),
    ]
    for changes, message in cases:
        with pytest.raises(Invalid, match=message):
            correct(store, plan_id, **changes)
    with pytest.raises(NotFound, match="没有第99项任务"):
        correct(store, plan_id, "99")
    with pytest.raises(NotFound, match="没有编号为 42 的方案"):
        correct(store, 42)
    assert events(store, "task.correct") == []


def test_an_unknown_unit_becomes_a_proposal_and_goes_when_no_task_uses_it(store: Store) -> None:
    plan_id = draft_sample(store)
    correct(store, plan_id, lead_names=[*LEADS, "市乡村振兴局"])
    assert open_names(store) == ["市乡村振兴局"]
    [event] = events(store, "task.correct")
    assert event.after and event.after["proposals_added"] == ["市乡村振兴局"]
    correct(store, plan_id)
    assert open_names(store) == []
    with store.write() as session:
        plans.publish_plan(session, plan_id, actor=ADMIN)


def test_unit_spans_follow_the_names_they_belong_to(store: Store) -> None:
    plan_id = draft_sample(store)
    with store.read() as session:
        spans = session.scalars(select(Task.spans).where(Task.number == "1")).one()
    task = correct(store, plan_id, lead_names=["市教育局", "市农业农村局"],
                   coop_names=["市发展改革委", "市新设局"])  # fmt: skip
    assert task.spans["lead_units"] == [spans["lead_units"][1], spans["coop_units"][3]]
    assert task.spans["coop_units"] == [spans["lead_units"][0], None]
    assert task.spans["title"] == spans["title"]


def test_published_plans_refuse_corrections_and_proposal_changes(store: Store) -> None:
    plan_id = draft_sample(store)
    with store.write() as session:
        plans.publish_plan(session, plan_id, actor=ADMIN)
    with pytest.raises(Conflict, match="已发布"):
        correct(store, plan_id, deadline="2021-09-30")
    with pytest.raises(Conflict), store.write() as session:
        plan_review.map_plan_proposal(session, plan_id, 1, "zw-edu", actor=ADMIN)


def test_confirming_a_new_unit_checks_key_kind_and_plan_then_lets_it_publish(store: Store) -> None:
    plan_id = draft_sample(store)
    correct(store, plan_id, lead_names=[*LEADS, "市乡村振兴局"])
    with store.read() as session:
        pid = session.scalars(select(UnitProposal.id)).one()
    other = SAMPLE.read_text(encoding="utf-8").replace("2021年8月前", "2021年10月前").encode()
    with store.write() as session:
        other_id = plans.import_plan(session, other, "v2.txt", actor=ADMIN).plan.id
    bad: list[tuple[int, str, str, type[Exception], str]] = [
        (other_id, "zw-rural", "department", NotFound, "没有待确认的单位名称"),
        (plan_id, "乡村振兴", "department", Invalid, "单位键只能由"),
        (plan_id, "zw-rural", "collective", Invalid, "请选择单位类型"),
        (plan_id, "zw-edu", "department", Invalid, "已被使用"),
    ]
    for plan, key, kind, error, message in bad:
        with pytest.raises(error, match=message), store.write() as session:
            plan_review.confirm_plan_proposal(session, plan, pid, key=key, kind=kind, actor=ADMIN)
    with store.write() as session:
        plan_review.confirm_plan_proposal(
            session, plan_id, pid, key="zw-rural", kind="department", actor=ADMIN
        )
        plans.publish_plan(session, plan_id, actor=ADMIN)
    with store.read() as session:
        unit = session.scalars(select(Unit).where(Unit.key == "zw-rural")).one()
        assert (unit.name, unit.kind) == ("市乡村振兴局", "department")
        assert session.get(Plan, plan_id).state == "published"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(UnitProposal)) == 1


def test_mapping_needs_a_chosen_unit(store: Store) -> None:
    plan_id = draft_sample(store)
    correct(store, plan_id, lead_names=[*LEADS, "市乡村振兴局"])
    with store.read() as session:
        pid = session.scalars(select(UnitProposal.id)).one()
    with pytest.raises(Invalid, match="请选择"), store.write() as session:
        plan_review.map_plan_proposal(session, plan_id, pid, " ", actor=ADMIN)
    with store.write() as session:
        plan_review.map_plan_proposal(session, plan_id, pid, "zw-poverty", actor=ADMIN)
    assert open_names(store) == []
