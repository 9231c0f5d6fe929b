"""The read side of actions on both databases: the ladder's proposals from the status engine,
the scorecard's action counts, the supervision report's 督办事项 section, all as of a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from duban.config import Settings, load_settings
from duban.db import Store
from duban.domain.actions import Colour
from duban.domain.ladder import Ladder, LadderError
from duban.exchange.supervision_docx import supervision_docx
from duban.models import Plan, Task, Unit
from duban.queries.actions import counts_by_unit
from duban.queries.ladder import load_ladder, proposals
from duban.queries.scorecard import unit_scorecards
from duban.queries.supervision import supervision_report
from duban.services import actions
from duban.services.ladder_actions import proposal_draft
from tests.factories import SUPERVISOR, assignment_id, published_sample, report
from tests.queries.test_supervision import blocks

D = dt.date
LADDER = Ladder(number_prefix="中卫督办")
EDU = "中卫市教育局"


@pytest.fixture
def plan(store: Store) -> int:
    return published_sample(store)


def _proposals(store: Store, plan: int, day: dt.date) -> list[tuple[str, str, Colour]]:
    with store.read() as session:
        chosen = session.get(Plan, plan)
        assert chosen is not None
        return [(p.task_number, p.unit, p.colour) for p in proposals(session, chosen, day, LADDER)]


def test_the_ladder_reads_the_status_engine_over_dates(store: Store, plan: int) -> None:
    # task 1 (deadline 2021-07-31): blue in July, red in August unless a late reason is given
    assert ("1", EDU, Colour.BLUE) in _proposals(store, plan, D(2021, 7, 15))
    assert ("1", EDU, Colour.RED) in _proposals(store, plan, D(2021, 8, 5))
    report(store, assignment_id(store, plan, "1", "zw-edu"), D(2021, 8, 3), reason="场地未落实")
    on_5 = _proposals(store, plan, D(2021, 8, 5))
    assert ("1", EDU, Colour.RED) not in on_5
    assert ("1", EDU, Colour.RED) in _proposals(store, plan, D(2021, 8, 2))  # before the reason


def test_a_recorded_notice_is_not_proposed_again(store: Store, plan: int) -> None:
    day = D(2021, 8, 5)
    with store.write() as session:
        chosen = session.get(Plan, plan)
        assert chosen is not None
        first = proposals(session, chosen, day, LADDER)[0]
        actions.issue_action(session, proposal_draft(first), ladder=LADDER, on=day,
                             actor=SUPERVISOR)  # fmt: skip
    after = _proposals(store, plan, day)
    assert (first.task_number, first.unit, first.colour) not in after
    assert (first.task_number, first.unit, first.colour) in _proposals(store, plan, D(2021, 8, 4))


def _issue_red(store: Store, plan: int, day: dt.date) -> int:
    with store.write() as session:
        chosen = session.get(Plan, plan)
        assert chosen is not None
        found = next(p for p in proposals(session, chosen, day, LADDER) if p.unit == EDU)
        made = actions.issue_action(session, proposal_draft(found), ladder=LADDER, on=day,
                                    actor=SUPERVISOR)  # fmt: skip
        return made.id


def test_scorecards_count_open_and_overdue_actions_as_of_their_date(
    store: Store, plan: int
) -> None:
    _issue_red(store, plan, D(2021, 8, 5))  # red: 7 days to answer, due 2021-08-12
    with store.read() as session:
        on_10 = {c.key: c.card for c in unit_scorecards(session, 2021, as_of=D(2021, 8, 10))}
        on_20 = {c.key: c.card for c in unit_scorecards(session, 2021, as_of=D(2021, 8, 20))}
        on_1 = {c.key: c.card for c in unit_scorecards(session, 2021, as_of=D(2021, 8, 1))}
        assert (on_10["zw-edu"].actions_open, on_10["zw-edu"].actions_overdue) == (1, 0)
        assert (on_20["zw-edu"].actions_open, on_20["zw-edu"].actions_overdue) == (1, 1)
        assert on_1["zw-edu"].actions_open == 0  # not issued yet
        assert counts_by_unit(session, D(2021, 8, 20))[EDU].overdue == 1


def test_the_supervision_report_lists_the_actions_with_state_and_due_date(
    store: Store, plan: int
) -> None:
    action_id = _issue_red(store, plan, D(2021, 8, 5))
    with store.write() as session:
        actions.close_action(session, action_id, reason="已整改", on=D(2021, 9, 1),
                             actor=SUPERVISOR)  # fmt: skip
    with store.read() as session:
        chosen = session.get(Plan, plan)
        assert chosen is not None
        on_20 = blocks(supervision_docx(supervision_report(session, chosen, D(2021, 8, 20))))
        on_sep = blocks(supervision_docx(supervision_report(session, chosen, D(2021, 9, 2))))
        on_4 = blocks(supervision_docx(supervision_report(session, chosen, D(2021, 8, 4))))
    table = on_20["六、督办事项"]["tables"][0]
    assert table[0] == ["文号", "类别", "单位", "事项", "答复期限", "办理状态"]
    assert table[1][:3] == ["中卫督办〔2021〕1号", "红色督办单", EDU]
    assert table[1][4:] == ["2021年8月12日", "待答复（逾期）"]
    assert any("逾期未答复1件" in p for p in on_20["六、督办事项"]["paragraphs"])
    assert any("督办事项逾期未答复" in p for p in on_20["七、下一步工作建议"]["paragraphs"])
    assert on_sep["六、督办事项"]["tables"][0][1][5] == "已办结"
    assert any("未发出催办" in p for p in on_4["六、督办事项"]["paragraphs"])


def test_a_task_and_unit_the_status_engine_does_not_know_are_not_proposed(
    store: Store, plan: int
) -> None:
    with store.read() as session:
        numbers = set(session.scalars(select(Task.number).where(Task.plan_id == plan)))
        units = set(session.scalars(select(Unit.name)))
    found = _proposals(store, plan, D(2021, 8, 5))
    assert found and all(n in numbers and u in units for n, u, _ in found)
    assert [c for _, _, c in found] == sorted((c for _, _, c in found),
                                              key=["red", "yellow", "blue"].index)  # fmt: skip


def test_a_deployment_replaces_the_ladder_by_a_setting(tmp_path: Path) -> None:
    assert load_ladder(Settings(home=tmp_path)).number_prefix == "中卫督办"  # the shipped one
    own = tmp_path / "ladder.yaml"
    own.write_text("number_prefix: 沙坡头督办\nred: {enabled: false}\n", encoding="utf-8")
    ladder = load_ladder(load_settings({"DUBAN_LADDER_PATH": str(own)}))
    assert ladder.number_prefix == "沙坡头督办" and Colour.RED not in ladder.colours
    own.write_text("blue: {days_before_deadline: -3}\n", encoding="utf-8")
    with pytest.raises(LadderError, match="days_before_deadline"):
        load_ladder(Settings(home=tmp_path, ladder_path=own))
