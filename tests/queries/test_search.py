"""全文检索: tasks by their text, reports by their narrative, each reader finding only what they
may read — on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from duban.db import Store
from duban.migrate import downgrade, upgrade
from duban.models import Report, Unit
from duban.permissions import Actor
from duban.queries.search import Hit, search, snippet
from duban.services import reports
from tests.factories import ADMIN, SUPERVISOR, assignment_id, published_sample

DAY = dt.date(2021, 2, 1)


@dataclass
class World:
    store: Store
    plan: int
    edu_sent: int
    edu_draft: int
    hrss_accepted: int

    def actor(self, role: str, unit_key: str | None = None) -> Actor:
        with self.store.read() as session:
            unit = session.scalars(select(Unit.id).where(Unit.key == unit_key)).first()
        return Actor(1, f"{role}-{unit_key}", role, unit)

    def find(self, actor: Actor, q: str) -> list[Hit]:
        with self.store.read() as session:
            return search(session, actor, q)


def _report(store: Store, assignment: int, narrative: str, *, draft: bool = False) -> int:
    with store.write() as session:
        at = None if draft else DAY
        made = reports.submit_report(
            session,
            assignment,
            claimed="in_progress",
            narrative=narrative,
            at=at,
            draft=draft,
            actor=ADMIN,
        )
        return made.id


@pytest.fixture
def world(store: Store) -> World:
    """Task 18 (建好“双师型”教师队伍) with a submitted and a draft report of 市教育局 and an
    accepted report of 市人社局."""
    plan = published_sample(store)
    edu, hrss = (assignment_id(store, plan, "18", key) for key in ("zw-edu", "zw-hrss"))
    sent = _report(store, edu, "教育局已完成双师型教师认定120人，实训基地挂牌")
    draft = _report(store, edu, "草稿：秘密进展尚未核实", draft=True)
    accepted = _report(store, hrss, "人社局组织企业技师进校园，督导检查两次")
    with store.write() as session:
        reports.accept_report(session, accepted, at=DAY, actor=SUPERVISOR)
    return World(store, plan, sent, draft, accepted)


def _tasks(hits: list[Hit]) -> set[str]:
    return {h.number for h in hits if h.kind == "task"}


def _reports(hits: list[Hit]) -> list[str]:
    return ["".join(t for t, _ in h.snippet) for h in hits if h.kind == "report"]


def test_task_found_by_a_word_in_its_text(world: World) -> None:
    hits = world.find(world.actor("reporter", "zn-school"), "双师型")
    assert {"18", "19"} <= _tasks(hits)
    task = next(h for h in hits if h.kind == "task" and h.number == "18")
    assert ("双师型", True) in task.title and task.plan_id == world.plan


def test_task_found_by_phrases_of_the_plan(world: World) -> None:
    viewer = world.actor("viewer")
    assert "13" in _tasks(world.find(viewer, "实训基地"))
    assert "11" in _tasks(world.find(viewer, "督导评估"))


def test_two_and_one_character_queries_fall_back_to_like(world: World) -> None:
    viewer = world.actor("viewer")
    assert "11" in _tasks(world.find(viewer, "督导"))
    assert "11" in _tasks(world.find(viewer, "督"))


def test_report_found_by_its_narrative_by_its_own_unit(world: World) -> None:
    found = _reports(world.find(world.actor("reporter", "zw-edu"), "认定120人"))
    assert found and "认定120人" in found[0]


def test_other_units_submitted_report_hidden_from_a_reporter_shown_to_supervisor(
    world: World,
) -> None:
    assert _reports(world.find(world.actor("reporter", "zw-hrss"), "认定120人")) == []
    assert _reports(world.find(world.actor("leader", "zw-school"), "认定120人")) == []
    for role in ("supervisor", "admin", "viewer"):
        assert len(_reports(world.find(world.actor(role), "认定120人"))) == 1


def test_other_units_accepted_report_found_by_a_reporter(world: World) -> None:
    assert len(_reports(world.find(world.actor("reporter", "zw-edu"), "企业技师进校园"))) == 1


def test_draft_found_only_by_its_own_unit(world: World) -> None:
    assert len(_reports(world.find(world.actor("reporter", "zw-edu"), "秘密进展"))) == 1
    for actor in (world.actor("reporter", "zw-hrss"), world.actor("supervisor"),
                  world.actor("admin"), world.actor("viewer")):  # fmt: skip
        assert _reports(world.find(actor, "秘密进展")) == []
        assert _reports(world.find(actor, "秘密")) == []


def test_index_follows_edits_and_deletions(world: World) -> None:
    supervisor = world.actor("supervisor")
    with world.store.write() as session:
        report = session.get(Report, world.edu_sent)
        assert report is not None
        report.narrative = "改写后的进展：校企合作订单班"
    assert _reports(world.find(supervisor, "认定120人")) == []
    assert len(_reports(world.find(supervisor, "订单班"))) == 1
    with world.store.write() as session:
        session.delete(session.get(Report, world.edu_sent))
    assert _reports(world.find(supervisor, "订单班")) == []


def test_like_wildcards_are_taken_literally(world: World) -> None:
    viewer = world.actor("viewer")
    for hit in world.find(viewer, "%"):
        assert "%" in "".join(t for t, _ in [*hit.title, *hit.snippet])
    assert world.find(viewer, "_x") == []
    assert world.find(viewer, '"双') == []
    assert world.find(viewer, '"双师型"') == []  # the plan writes “双师型”


def test_empty_query_finds_nothing(world: World) -> None:
    assert world.find(world.actor("admin"), "   ") == []


def test_downgrade_and_upgrade_rebuild_the_index(world: World) -> None:
    downgrade(world.store.engine, "0003")
    upgrade(world.store.engine)
    assert "18" in _tasks(world.find(world.actor("viewer"), "双师型"))
    assert len(_reports(world.find(world.actor("supervisor"), "认定120人"))) == 1


def test_snippet_marks_every_match_around_the_first() -> None:
    text = "甲" * 100 + "实训基地和实训基地" + "乙" * 100
    parts = snippet(text, "实训基地", width=5)
    assert parts[0] == ("…", False) and parts[-1] == ("…", False)
    assert [t for t, hit in parts if hit] == ["实训基地", "实训基地"]
    assert snippet("没有匹配", "实训")[0] == ("没有匹配", False)
