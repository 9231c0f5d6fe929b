"""Importing and publishing plans on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.models import Assignment, AuditEvent, Plan, Task, Unit, UnitProposal
from duban.services import plans, units
from duban.services.errors import Conflict, Invalid
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE, published_sample, sample_registry


def test_the_same_document_twice_gives_the_same_plan(store: Store) -> None:
    data = SAMPLE.read_bytes()
    with store.write() as session:
        first = plans.import_plan(session, data, "a.txt", effective=EFFECTIVE, actor=ADMIN)
    with store.write() as session:
        again = plans.import_plan(session, data, "b.txt", effective=EFFECTIVE, actor=ADMIN)
    assert (first.created, again.created) == (True, False)
    assert first.plan.id == again.plan.id
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 1


def test_a_revised_document_is_a_new_version_with_its_task_diff(store: Store) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    revised = text.replace(
        "完成时限：2021年8月前完成并长期坚持", "完成时限：2021年10月前完成并长期坚持"
    )
    with store.write() as session:
        first = plans.import_plan(session, text.encode(), "v1.txt", actor=ADMIN)
    with store.write() as session:
        second = plans.import_plan(session, revised.encode(), "v2.txt", actor=ADMIN)
    assert second.plan.version == 2
    assert second.plan.previous_id == first.plan.id
    assert second.diff == {"added": [], "removed": [], "changed": ["5"]}


def test_unknown_units_become_proposals_and_hold_back_publishing(store: Store) -> None:
    with store.write() as session:
        result = plans.import_plan(session, SAMPLE.read_bytes(), SAMPLE.name, actor=ADMIN)
    assert "市教育局" in result.unknown_units  # an empty registry knows nobody
    with pytest.raises(Conflict, match="未确认的单位名称"), store.write() as session:
        plans.publish_plan(session, result.plan.id, actor=ADMIN)
    with store.read() as session:
        assert session.get(Plan, result.plan.id).state == "draft"  # type: ignore[union-attr]


def test_mapping_a_proposal_adds_an_alias(store: Store) -> None:
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
    odd = SAMPLE.read_text(encoding="utf-8").replace("市委组织部", "市委组织部门")
    with store.write() as session:
        result = plans.import_plan(session, odd.encode(), "odd.txt", actor=ADMIN)
    assert result.unknown_units == ["市委组织部门"]
    with store.write() as session:
        proposal = session.scalars(select(UnitProposal)).one()
        units.map_proposal(session, proposal.id, "zw-org", actor=ADMIN)
        plans.publish_plan(session, result.plan.id, actor=ADMIN)


def test_publishing_assigns_each_member_of_a_collective(store: Store) -> None:
    plan_id = published_sample(store)
    with store.read() as session:
        keys = session.scalars(
            select(Unit.key)
            .join(Assignment, Assignment.unit_id == Unit.id)
            .join(Task)
            .where(Task.plan_id == plan_id, Task.number == "4", Assignment.role == "lead")
        ).all()
    assert set(keys) == {"zw-hrss", "zw-edu", "spt-gov", "zn-gov", "hy-gov"}


def test_a_file_that_is_not_a_plan_is_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(Invalid, match=r"bad\.docx"), store.write() as session:
        plans.import_plan(session, b"PK\x03\x04broken", "bad.docx", actor=ADMIN)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
