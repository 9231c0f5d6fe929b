"""Supervision actions through the services, on both databases: numbered on issue, answered by
the target unit only, closed and reopened with reasons, every step audited and dated; the steps
by their verb (what pages, API and CLI share) and the ladder's proposals decided once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from duban import audit
from duban.db import Store
from duban.domain.actions import Verb
from duban.domain.ladder import Ladder
from duban.models import Action, AuditEvent, Plan, Task, Unit
from duban.permissions import Actor
from duban.queries.actions import (
    ActionFilter,
    action_for,
    action_ref,
    counts_by_unit,
    list_actions,
)
from duban.queries.ladder import proposals
from duban.services import actions
from duban.services.actions import ActionDraft, Step
from duban.services.drafts import Upload
from duban.services.errors import Conflict, Invalid, NotFound
from duban.services.evidence import evidence_path
from duban.services.ladder_actions import decide_proposal
from tests.factories import SUPERVISOR, published_sample

LADDER = Ladder(number_prefix="中卫督办")
D = dt.date
ISSUED = D(2026, 3, 2)
DUE = D(2026, 3, 12)


def _ids(store: Store, number: str = "3", unit: str = "zw-edu") -> tuple[int, int, int]:
    with store.read() as session:
        task = session.scalars(select(Task).where(Task.number == number)).one()
        unit_id = session.scalars(select(Unit.id).where(Unit.key == unit)).one()
        return task.plan_id, task.id, unit_id


def _issue(store: Store, *, unit: str = "zw-edu", due: dt.date | None = DUE,
           kind: str = "rectification", colour: str | None = None) -> int:  # fmt: skip
    plan_id, task_id, unit_id = _ids(store, unit=unit)
    draft = ActionDraft(plan_id, unit_id, kind, "限期整改：补报进展", task_id, colour,
                        due_on=due)  # fmt: skip
    with store.write() as session:
        return actions.issue_action(session, draft, ladder=LADDER, on=ISSUED, actor=SUPERVISOR).id


@pytest.fixture
def plan(store: Store) -> int:
    return published_sample(store)


def test_issued_actions_are_numbered_in_sequence_per_year(store: Store, plan: int) -> None:
    first, second = _issue(store), _issue(store, unit="zw-hrss")
    with store.read() as session:
        numbers = [session.get(Action, i).number for i in (first, second)]  # type: ignore[union-attr]
    assert numbers == ["中卫督办〔2026〕1号", "中卫督办〔2026〕2号"]


def test_a_notice_without_a_due_date_gets_the_ladder_days_for_its_colour(
    store: Store, plan: int
) -> None:
    made = _issue(store, kind="notice", colour="red", due=None)
    with store.read() as session:
        action = session.get(Action, made)
        assert action is not None and action.due_on == ISSUED + dt.timedelta(days=7)
        assert action.title == "限期整改：补报进展" and action.state == "open"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_on": D(2026, 3, 1)}, "答复期限 2026-03-01 早于发文日期 2026-03-02"),
        ({"kind": "scold"}, "督办事项类别“scold”无效"),
        ({"colour": "green", "kind": "notice"}, "督办单颜色“green”无效"),
        ({"colour": "red"}, "只有督办通知（notice）才分蓝、黄、红三色"),
        ({"unit_id": 10**6}, "没有编号为 1000000 的单位"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    store: Store, plan: int, change: dict[str, object], message: str
) -> None:
    plan_id, task_id, unit_id = _ids(store)
    fields = {"plan_id": plan_id, "unit_id": unit_id, "kind": "rectification",
              "task_id": task_id, "due_on": D(2026, 3, 12)} | change  # fmt: skip
    with pytest.raises(Invalid, match=message), store.write() as session:
        actions.issue_action(session, ActionDraft(**fields), ladder=LADDER, on=ISSUED,  # type: ignore[arg-type]
                             actor=SUPERVISOR)  # fmt: skip
    with store.read() as session:
        assert session.scalars(select(Action)).first() is None


def test_a_unit_without_a_part_in_the_task_cannot_be_its_target(store: Store, plan: int) -> None:
    plan_id, task_id, _ = _ids(store)
    _, _, school = _ids(store, unit="zn-school")
    with pytest.raises(Invalid, match="在任务3中没有分工"), store.write() as session:
        actions.issue_action(session, ActionDraft(plan_id, school, "reminder", task_id=task_id),
                             ladder=LADDER, on=ISSUED, actor=SUPERVISOR)  # fmt: skip


def test_the_unit_answers_with_files_kept_by_content(store: Store, plan: int) -> None:
    made = _issue(store)
    _, _, unit_id = _ids(store)
    pdf = b"%PDF-1.4 rectified"
    with store.write() as session:
        actions.respond_action(session, store.settings, made, text="已补报，附整改报告。",
                               uploads=[Upload("整改报告.pdf", pdf, len(pdf))], unit_id=unit_id,
                               on=D(2026, 3, 9), actor="reporter:jyj")  # fmt: skip
    with store.read() as session:
        action = session.get(Action, made)
        assert action is not None and action.state == "answered"
        kept = action.responses[0].files[0]
        assert evidence_path(store.settings, kept.sha256).read_bytes() == pdf
        assert [e.verb for e in action.events] == ["issue", "respond"]


def test_another_units_action_is_not_found_for_the_answer(store: Store, plan: int) -> None:
    made = _issue(store)
    _, _, other = _ids(store, unit="zw-hrss")
    with pytest.raises(NotFound, match=f"没有编号为 {made} 的督办事项"), store.write() as session:
        actions.respond_action(session, store.settings, made, text="不是我们的", unit_id=other,
                               actor="reporter:rsj")  # fmt: skip


def test_a_closed_action_takes_no_answer_until_reopened(store: Store, plan: int) -> None:
    made = _issue(store)
    _, _, unit_id = _ids(store)
    with store.write() as session:
        actions.close_action(session, made, reason="已当面核实", on=D(2026, 3, 5), actor=SUPERVISOR)
    with pytest.raises(Conflict, match="当前为“已办结”，不能答复"), store.write() as session:
        actions.respond_action(session, store.settings, made, text="补充", unit_id=unit_id,
                               on=D(2026, 3, 6), actor="reporter:jyj")  # fmt: skip
    with pytest.raises(Invalid, match="重新打开督办事项须写明理由"), store.write() as session:
        actions.reopen_action(session, made, reason=" ", actor=SUPERVISOR)
    with store.write() as session:
        actions.reopen_action(session, made, reason="整改不到位", due_on=D(2026, 3, 20),
                              on=D(2026, 3, 7), actor=SUPERVISOR)  # fmt: skip
        actions.respond_action(session, store.settings, made, text="再次整改", unit_id=unit_id,
                               on=D(2026, 3, 8), actor="reporter:jyj")  # fmt: skip
    with store.read() as session:
        action = session.get(Action, made)
        assert action is not None and (action.state, action.due_on) == ("answered", D(2026, 3, 20))
        assert action.reason == "整改不到位"


def test_hold_and_withdraw_need_a_reason_and_give_no_number(store: Store, plan: int) -> None:
    plan_id, task_id, unit_id = _ids(store)
    draft = ActionDraft(plan_id, unit_id, "notice", task_id=task_id, colour="yellow")
    with pytest.raises(Invalid, match="暂缓督办事项须写明理由"), store.write() as session:
        actions.hold_action(session, draft, reason="", actor=SUPERVISOR)
    with store.write() as session:
        held = actions.hold_action(session, draft, reason="等区县报送", on=ISSUED, actor=SUPERVISOR)
        assert held.number is None and held.state == "held"
        issued = actions.issue_held_action(session, held.id, ladder=LADDER, on=D(2026, 3, 4),
                                           actor=SUPERVISOR)  # fmt: skip
        assert issued.number == "中卫督办〔2026〕1号" and issued.due_on == D(2026, 3, 14)
        actions.withdraw_action(session, held.id, reason="任务已调整", on=D(2026, 3, 5),
                                actor=SUPERVISOR)  # fmt: skip
    with pytest.raises(Conflict, match="当前为“已撤回”，不能办结"), store.write() as session:
        actions.close_action(session, held.id, actor=SUPERVISOR)


def test_every_step_is_audited_in_the_chain(store: Store, plan: int) -> None:
    made = _issue(store)
    with store.write() as session:
        actions.close_action(session, made, reason="已办结", on=D(2026, 3, 3), actor=SUPERVISOR)
    with store.read() as session:
        found = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "action")
        ).all()
        assert found == ["action.issue", "action.close"]
        assert audit.verify(session).ok


def test_a_step_dated_before_the_last_one_is_refused(store: Store, plan: int) -> None:
    made = _issue(store)
    with pytest.raises(Invalid, match="早于该督办事项上一次办理的日期"), store.write() as session:
        actions.close_action(session, made, reason="x", on=D(2026, 3, 1), actor=SUPERVISOR)


def test_lists_and_counts_read_the_state_as_of_a_day(store: Store, plan: int) -> None:
    made = _issue(store)
    _issue(store, unit="zw-hrss")
    _, _, unit_id = _ids(store)
    with store.write() as session:
        actions.respond_action(session, store.settings, made, text="已整改", unit_id=unit_id,
                               on=D(2026, 3, 20), actor="reporter:jyj")  # fmt: skip
    supervisor = Actor(0, "dudao", "supervisor", None)
    jyj = Actor(0, "jyj", "reporter", unit_id)
    with store.read() as session:
        on_15 = list_actions(session, supervisor, D(2026, 3, 15))
        assert [(r.state, r.overdue) for r in on_15] == [("open", True), ("open", True)]
        on_21 = list_actions(session, supervisor, D(2026, 3, 21), ActionFilter(state="open"))
        assert len(on_21) == 1 and on_21[0].unit == "中卫市人力资源和社会保障局"
        assert list_actions(session, supervisor, D(2026, 3, 1)) == []  # not issued yet
        assert [r.id for r in list_actions(session, jyj, D(2026, 3, 15))] == [made]
        counts = counts_by_unit(session, D(2026, 3, 15))
        assert {(c.open, c.overdue) for c in counts.values()} == {(1, 1)}
        assert action_for(session, jyj, made) is not None
        other = made + 1
        assert action_for(session, jyj, other) is None  # another unit's: not found


def test_take_step_applies_each_supervisor_step_by_its_verb(store: Store, plan: int) -> None:
    plan_id, task_id, unit_id = _ids(store)
    draft = ActionDraft(plan_id, unit_id, "notice", task_id=task_id, colour="red")
    with store.write() as session:
        held = actions.hold_action(session, draft, reason="待核实", on=ISSUED, actor=SUPERVISOR)
        held_id, version = held.id, held.version
    with pytest.raises(Conflict, match="已被他人办理"), store.write() as session:
        actions.take_step(session, held_id, Verb.ISSUE, Step(expected_version=version + 1),
                          ladder=LADDER, actor=SUPERVISOR)  # fmt: skip
    steps = [(Verb.ISSUE, Step(due_on=DUE, expected_version=version), "open"),
             (Verb.CLOSE, Step(), "closed"),
             (Verb.REOPEN, Step("复查未达标", D(2026, 3, 30)), "open"),
             (Verb.WITHDRAW, Step("任务调整"), "withdrawn")]  # fmt: skip
    for n, (verb, step, state) in enumerate(steps):
        with store.write() as session:
            day = ISSUED + dt.timedelta(days=n)
            done = actions.take_step(session, held_id, verb, step, ladder=LADDER, on=day,
                                     actor=SUPERVISOR)  # fmt: skip
            assert done.state == state, verb
    with store.read() as session:
        action = session.get(Action, held_id)
        assert action is not None and action.number == "中卫督办〔2026〕1号"
        assert [(e.verb, e.reason) for e in action.events] == [
            ("hold", "待核实"), ("issue", None), ("close", "办结"), ("reopen", "复查未达标"),
            ("withdraw", "任务调整")]  # fmt: skip
        assert action.due_on == D(2026, 3, 30)
    for verb in (Verb.HOLD, Verb.RESPOND):
        with (
            pytest.raises(Invalid, match="不是督导室对已登记督办事项的办理步骤"),
            store.write() as s,
        ):
            actions.take_step(s, held_id, verb, Step("x"), ladder=LADDER, actor=SUPERVISOR)


def test_a_proposal_is_decided_once_and_a_stale_one_writes_nothing(store: Store, plan: int) -> None:
    day = D(2021, 8, 5)
    with store.write() as session:
        chosen = session.get(Plan, plan)
        key = proposals(session, chosen, day, LADDER)[0].key  # type: ignore[arg-type]
        with pytest.raises(Invalid, match="暂缓督办事项须写明理由"):
            decide_proposal(session, chosen, key, "hold", ladder=LADDER, as_of=day,
                            actor=SUPERVISOR)  # fmt: skip
        with pytest.raises(Invalid, match="没有“keep”这种处理方式"):
            decide_proposal(session, chosen, key, "keep", ladder=LADDER, as_of=day,
                            actor=SUPERVISOR)  # fmt: skip
        made = decide_proposal(session, chosen, key, "issue", ladder=LADDER, as_of=day, on=day,
                               actor=SUPERVISOR)  # fmt: skip
        assert (made.kind, made.colour, made.number) == ("notice", "red", "中卫督办〔2021〕1号")
    before = _count(store)
    stale = f"督办阶梯在 2021-08-05 没有建议“{key}”"
    with pytest.raises(Invalid, match=stale), store.write() as session:
        decide_proposal(session, session.get(Plan, plan), key, "withdraw", reason="重复",
                        ladder=LADDER, as_of=day, actor=SUPERVISOR)  # fmt: skip
    with pytest.raises(Invalid, match="没有建议"), store.write() as session:
        decide_proposal(session, None, key, "issue", ladder=LADDER, as_of=day, actor=SUPERVISOR)
    assert _count(store) == before


def test_an_action_is_found_by_its_id_or_its_document_number(store: Store, plan: int) -> None:
    made = _issue(store)
    _, _, unit_id = _ids(store)
    with store.read() as session:
        assert action_ref(session, "中卫督办〔2026〕1号") == (made, unit_id)
        assert action_ref(session, f" {made} ") == (made, unit_id)
        for missing in ("中卫督办〔2026〕2号", "999", "99999999999", "１", ""):
            assert action_ref(session, missing) is None, missing


def _count(store: Store) -> tuple[int, int]:
    with store.read() as session:
        return (session.scalar(select(func.count(Action.id))) or 0,
                session.scalar(select(func.count(AuditEvent.id))) or 0)  # fmt: skip
