"""Scorecards per unit and year from the store, on both databases; the set-based rows agree with
rows built in plain Python from the ORM objects."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Mapping

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.db import Store
from duban.domain.choices import Cadence, ClaimedState, Pace, Role
from duban.domain.pace import TargetFacts, rate_cadence, target_pace
from duban.domain.periods import counting_period, period_of, periods_between
from duban.domain.scorecard import (
    AssignmentRow,
    ReportRow,
    Scorecard,
    TargetRow,
    rank,
    scorecards,
)
from duban.domain.status import ReportFact, completed_on
from duban.models import Assignment, Plan, Report, Target, Task, Unit
from duban.queries.scorecard import (
    UnitScorecard,
    scorecard_rows,
    scorecards_json,
    unit_scorecards,
)
from duban.services import plans, reports, units
from tests.conftest import SAMPLE
from tests.factories import ADMIN, REPORTER, SUPERVISOR, assignment_id, sample_registry

D = dt.date
TRAINING_MEETINGS = "会议"  # task 24's target: ≥2 meetings a year (每年), a rate


def one_off_sample(store: Store) -> int:
    """The sample plan with its four tasks due December 2021 made one-off (not 长期坚持),
    published: task 11 then has four lead units (the education inspectorates) and nothing else."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "2021年12月前完成并长期坚持", "2021年12月前完成"
    )
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        plan = plans.import_plan(session, text.encode(), "one-off.txt", effective=D(2021, 1, 1),
                                 actor=ADMIN).plan  # fmt: skip
        plans.publish_plan(session, plan.id, actor=ADMIN)
        return plan.id


def send(
    store: Store, assignment: int, day: dt.date, claimed: str = "in_progress", *,
    accept_on: dt.date | None = None, return_on: dt.date | None = None,
    figures: Mapping[int, float] | None = None,
) -> None:  # fmt: skip
    """A report received on ``day``, then accepted or returned if a day is given."""
    with store.write() as session:
        made = reports.submit_report(session, assignment, claimed=claimed, at=day, figures=figures,
                                     late_reason="客观原因", actor=REPORTER)  # fmt: skip
        if accept_on is not None:
            reports.accept_report(session, made.id, at=accept_on, actor=SUPERVISOR)
        if return_on is not None:
            reports.return_report(session, made.id, reason="材料不全", at=return_on,
                                  actor=SUPERVISOR)  # fmt: skip


def meetings_target(store: Store, plan_id: int) -> int:
    with store.read() as session:
        found = session.scalar(
            select(Target.id).join(Task, Task.id == Target.task_id)
            .where(Task.plan_id == plan_id, Task.number == "24",
                   Target.metric == TRAINING_MEETINGS)
        )  # fmt: skip
        assert found is not None
        return found


def history(store: Store) -> int:
    """2021 for a few units. Task 24 (due 2021-09-30, ongoing; the task's target ≥2 meetings a
    year, 每年) and task 25 (no deadline) for the tax and science bureaus, the union and market
    supervision; task 11 (due 2021-12-31, one-off) for the inspectorates."""
    plan_id = one_off_sample(store)
    meetings = meetings_target(store, plan_id)

    def a(number: str, key: str) -> int:
        return assignment_id(store, plan_id, number, key)

    for key in ("zw-tax", "zw-sci"):  # everything on time, done on time
        send(store, a("24", key), D(2021, 4, 5), accept_on=D(2021, 4, 6))
        # the task's target met: for all its lead units
        done = a("24", key)
        send(store, done, D(2021, 6, 15), "done", accept_on=D(2021, 6, 18), figures={meetings: 2})
        send(store, a("24", key), D(2021, 9, 20), "done", accept_on=D(2021, 9, 21))
        send(store, a("24", key), D(2021, 12, 20), "done")  # not yet accepted: still reported
        for day in (D(2021, 4, 5), D(2021, 6, 15), D(2021, 9, 20), D(2021, 12, 20)):
            send(store, a("25", key), day, accept_on=day)
    union = a("24", "zw-union")  # Q2 late (20 July also answers Q3), done late; task 25 silent
    send(store, union, D(2021, 4, 5), accept_on=D(2021, 4, 6))
    send(store, union, D(2021, 7, 20), accept_on=D(2021, 7, 21))
    send(store, union, D(2021, 10, 20), "done", accept_on=D(2021, 10, 21))
    market = a("24", "zw-market")  # Q1 only; a returned report does not count; overdue
    send(store, market, D(2021, 2, 1), accept_on=D(2021, 2, 2))
    send(store, market, D(2021, 5, 5), return_on=D(2021, 5, 10))
    zw_insp = a("11", "zw-edu-insp")  # done in May: no reports owed after it
    send(store, zw_insp, D(2021, 3, 1), accept_on=D(2021, 3, 2))
    send(store, zw_insp, D(2021, 5, 1), "done", accept_on=D(2021, 5, 5))
    # done on 28 December, accepted in January: on time; done in January: overdue for 2021
    send(store, a("11", "hy-edu-insp"), D(2021, 12, 28), "done", accept_on=D(2022, 1, 4))
    send(store, a("11", "zn-edu-insp"), D(2022, 1, 5), "done", accept_on=D(2022, 1, 8))
    return plan_id


def cards_of(
    store: Store, year: int, as_of: dt.date | None = None, plan_id: int | None = None
) -> dict[str, UnitScorecard]:
    with store.read() as session:
        return {c.key: c for c in unit_scorecards(session, year, as_of=as_of, plan_id=plan_id)}


def card(unit: str, **counts: int) -> Scorecard:
    return Scorecard(unit=unit, year=2021, **counts)


def test_cards_count_completion_reports_and_targets(store: Store) -> None:
    history(store)
    cards = cards_of(store, 2021)
    tax, union = cards["zw-tax"].card, cards["zw-union"].card
    assert tax == card(tax.unit, due=1, done_on_time=1, reports_on_time=8, targets=1,
                       targets_met=1)  # fmt: skip
    assert union == card(union.unit, due=1, done_late=1, reports_on_time=3, reports_late=1,
                         reports_missing=4, targets=1, targets_met=1)  # fmt: skip
    market = cards["zw-market"].card
    assert market == card(market.unit, due=1, overdue=1, reports_on_time=1, reports_missing=7,
                          targets=1, targets_met=1)  # fmt: skip
    zw_insp = cards["zw-edu-insp"].card
    assert zw_insp == card(zw_insp.unit, due=1, done_on_time=1, reports_on_time=2)
    hy, zn = cards["hy-edu-insp"].card, cards["zn-edu-insp"].card
    # the one report counts for Q4 and answers late for Q3
    late_q3 = {"reports_on_time": 1, "reports_late": 1, "reports_missing": 2}
    assert hy == card(hy.unit, due=1, done_on_time=1, **late_q3)
    assert zn == card(zn.unit, due=1, overdue=1, **late_q3)
    emergency = cards["zw-emergency"].card  # a cooperating unit only owes reports
    assert emergency == card(emergency.unit, reports_missing=4)
    assert (union.unit, emergency.unit) == ("中卫市总工会", "中卫市应急管理局")


def test_targets_count_in_their_year_for_every_lead_unit(store: Store) -> None:
    history(store)
    fin = cards_of(store, 2021)["zw-fin"].card
    # task 19's stock target (due 2021) unmet; task 24's yearly one met; task 21's has no deadline
    assert (fin.targets, fin.targets_met) == (2, 1)
    later = cards_of(store, 2022)["zw-fin"].card
    assert (later.targets, later.targets_met) == (1, 0)  # only the yearly one, no 2022 figure


def test_ranking_orders_by_score_with_ties_sharing_a_rank(store: Store) -> None:
    history(store)
    cards = cards_of(store, 2021)
    keys = ("zw-tax", "hy-edu-insp", "zn-edu-insp", "zw-housing", "zw-emergency")
    assert {key: cards[key].card.score for key in keys} == {
        "zw-tax": 100.0, "hy-edu-insp": 63.9, "zn-edu-insp": 19.4, "zw-housing": 10.0,
        "zw-emergency": 0.0,
    }  # fmt: skip
    ranks = {key: c.rank for key, c in cards.items()}
    assert ranks["zw-tax"] == ranks["zw-sci"] == ranks["zw-edu-insp"] == 1
    order = ("hy-edu-insp", "zw-union", "zn-edu-insp", "zw-market", "zw-housing", "zw-water")
    assert [ranks[k] for k in order] == [4, 5, 6, 7, 8, 8]
    last = max(r for r in ranks.values() if r is not None)
    assert ranks["zw-emergency"] == ranks["spt-edu-insp"] == last
    with store.read() as session:
        ordered = unit_scorecards(session, 2021)
    assert [c.rank for c in ordered] == sorted(c.rank for c in ordered if c.rank is not None)


def test_card_as_of_a_past_day_counts_only_what_was_decided_then(store: Store) -> None:
    history(store)
    cards = cards_of(store, 2021, as_of=D(2021, 7, 1))
    tax, union = cards["zw-tax"].card, cards["zw-union"].card
    assert tax == card(tax.unit, due=1, done_on_time=1, reports_on_time=4, targets=1,
                       targets_met=1)  # fmt: skip
    # task 24 not yet due, Q2 not yet owed; the task's target was met by then (tax, 15 June)
    assert union == card(union.unit, reports_on_time=1, reports_missing=1, targets=1,
                         targets_met=1)  # fmt: skip
    before = cards_of(store, 2021, as_of=D(2021, 6, 16))["zw-union"].card
    assert (before.targets, before.targets_met) == (0, 0)  # figure not yet accepted: undecided
    # hy's completion of 28 December was accepted on 4 January: overdue until then, then on time
    pending, accepted = (cards_of(store, 2021, as_of=D(2022, 1, d))["hy-edu-insp"] for d in (3, 4))
    assert (pending.card.overdue, accepted.card.done_on_time) == (1, 1)
    later = cards_of(store, 2021, as_of=D(2022, 3, 1))
    assert later["zn-edu-insp"].card == cards_of(store, 2021)["zn-edu-insp"].card


def test_one_plan_a_draft_and_an_empty_year(store: Store) -> None:
    plan_id = history(store)
    with store.write() as session:
        plans.import_plan(session, SAMPLE.read_bytes(), SAMPLE.name, actor=ADMIN)  # a draft
    assert cards_of(store, 2021, plan_id=plan_id) == cards_of(store, 2021)
    assert cards_of(store, 2021, plan_id=plan_id + 1) == {}
    assert cards_of(store, 2019) == {}
    with store.read() as session:
        data = scorecards_json(2021, None, unit_scorecards(session, 2021))
    assert data["formula"].startswith("综合得分")
    best = {u["key"]: u for u in data["units"] if u["rank"] == 1}
    assert set(best) == {"zw-tax", "zw-sci", "zw-edu-insp"}
    assert best["zw-tax"]["reports_due"] == 8 and best["zw-tax"]["on_time_rate"] == 1.0


# --- the SQL rows against rows built in plain Python from the ORM objects ---------------------


def random_history(store: Store, seed: int) -> int:
    """The one-off sample with random reports (some with figures) accepted, returned or left."""
    rng = random.Random(seed)
    plan_id = one_off_sample(store)
    with store.read() as session:
        rows = session.execute(
            select(Assignment.id, Assignment.task_id).join(Task).where(Task.plan_id == plan_id)
        ).all()
        targets: dict[int, list[tuple[int, float]]] = {}
        for target in session.scalars(select(Target).where(Target.task_id.is_not(None))):
            targets.setdefault(target.task_id or 0, []).append((target.id, target.value))
    for assignment, task_id in rng.sample(rows, 70):
        day = D(2021, 1, 2)
        for _ in range(rng.randint(1, 6)):
            day += dt.timedelta(days=rng.randint(15, 160))
            if day > D(2024, 3, 1):
                break
            figures = {t: round(v * rng.uniform(0, 1.4), 1) for t, v in targets.get(task_id, [])
                       if rng.random() < 0.5}  # fmt: skip
            claimed = rng.choice(["in_progress", "in_progress", "done", "not_started"])
            decided, fate = day + dt.timedelta(days=rng.randint(0, 25)), rng.random()
            send(store, assignment, day, claimed, figures=figures,
                 accept_on=decided if fate < 0.7 else None,
                 return_on=decided if 0.7 <= fate < 0.85 else None)  # fmt: skip
    return plan_id


Rows = tuple[list[AssignmentRow], list[ReportRow], list[TargetRow]]


def python_rows(session: Session, year: int, as_of: dt.date | None) -> Rows:
    """The rows of ``duban.queries.scorecard``'s rules, one ORM object at a time."""
    end = D(year, 12, 31)
    cut, known = min(as_of or end, end), as_of or dt.date.max
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    sent: dict[int, list[Report]] = {}
    for r in session.scalars(select(Report).where(Report.submitted_on.is_not(None))):
        sent.setdefault(r.assignment_id, []).append(r)
    rows: Rows = ([], [], [])
    for plan in session.scalars(select(Plan).where(Plan.state == "published")):
        for task in plan.tasks:
            for a in task.assignments:
                facts = [
                    ReportFact(r.submitted_on, ClaimedState(r.claimed), r.accepted_on,
                               r.returned_on, r.id)
                    for r in sent.get(a.id, []) if r.submitted_on is not None
                ]  # fmt: skip
                python_assignment_rows(names[a.unit_id], plan, task, a, facts, year, cut, known,
                                       rows)  # fmt: skip
            leads = [names[a.unit_id] for a in task.assignments if a.role == Role.LEAD]
            task_reports = [r for a in task.assignments for r in sent.get(a.id, [])]
            for target in task.targets:
                met = python_target_met(plan, task, target, task_reports, year, as_of)
                rows[2].extend(TargetRow(name, met) for name in leads if met is not None)
    return rows


def python_assignment_rows(
    unit: str, plan: Plan, task: Task, assignment: Assignment, facts: list[ReportFact],
    year: int, cut: dt.date, known: dt.date, rows: Rows,
) -> None:  # fmt: skip
    done_on = completed_on([f for f in facts if f.submitted_on <= cut], known)
    if assignment.role == Role.LEAD and task.deadline and task.deadline.year == year:
        rows[0].append(AssignmentRow(unit, task.deadline, done_on))
    cadence, grace = Cadence(plan.cadence), plan.grace_days
    first = period_of(plan.effective, cadence)
    for period in periods_between(D(year, 1, 1), D(year, 12, 31), cadence):
        window_opens = period.start + dt.timedelta(days=grace)
        if period < first or (not task.ongoing and done_on is not None and done_on < window_opens):
            continue
        answering = (period, period.next())
        days = [
            f.submitted_on
            for f in facts
            if f.counts_at(known) and counting_period(f.submitted_on, cadence, grace) in answering
        ]
        rows[1].append(ReportRow(unit, period.end, period.due_on(grace), min(days, default=None)))


def python_target_met(
    plan: Plan, task: Task, target: Target, reports: list[Report], year: int,
    as_of: dt.date | None,
) -> bool | None:  # fmt: skip
    """Whether the target is met in the year; ``None`` when it does not count (then)."""
    end = D(year, 12, 31)
    cut, known = min(as_of or end, end), as_of or dt.date.max
    rate = rate_cadence(target.period) is not None
    if rate:
        last = None if task.ongoing or task.deadline is None else task.deadline.year
        if not plan.effective.year <= year <= (last or year):
            return None
    elif task.deadline is None or task.deadline.year != year:
        return None
    actuals = sorted(
        (r.submitted_on, r.id, f.value)
        for r in reports
        for f in r.figures
        if f.target_id == target.id
        and r.submitted_on is not None
        and r.submitted_on <= cut
        and r.accepted_on is not None
        and r.accepted_on <= known
    )
    facts = TargetFacts(
        op=target.op,  # type: ignore[arg-type]
        value=target.value, value_max=target.value_max, period=target.period,
        deadline=task.deadline, effective=plan.effective, unit=target.unit,
        actuals=tuple((day, value) for day, _, value in actuals),
    )  # fmt: skip
    met = target_pace(facts, cut).pace is Pace.MET
    if as_of is None:
        return met
    if rate:
        return met if as_of >= D(year, 1, 1) and (met or end < as_of) else None
    return met if met or (task.deadline is not None and task.deadline < as_of) else None


AS_OF = [None, D(2021, 7, 1), D(2021, 10, 11), D(2022, 1, 5), D(2022, 7, 10), D(2023, 12, 31),
         D(2025, 1, 1)]  # fmt: skip


@pytest.mark.parametrize("seed", [3])
def test_sql_rows_and_cards_agree_with_plain_python(store: Store, seed: int) -> None:
    random_history(store, seed)
    seen: Counter[str] = Counter()
    with store.read() as session:
        for year in (2021, 2022, 2023):
            for as_of in AS_OF:
                sql = scorecard_rows(session, year, as_of=as_of)
                python = python_rows(session, year, as_of)
                assert Counter(sql[0]) == Counter(python[0]), (year, as_of)
                assert Counter(sql[1]) == Counter(python[1]), (year, as_of)
                assert Counter(sql[2]) == Counter(python[2]), (year, as_of)
                expected = rank(scorecards(year, *python, as_of=as_of))
                cards = unit_scorecards(session, year, as_of=as_of)
                assert [(c.rank, c.card) for c in cards] == expected, (year, as_of)
                for c in cards:
                    seen.update({k: v for k, v in vars(c.card).items() if isinstance(v, int)})
    assert all(seen[k] > 0 for k in ("done_on_time", "done_late", "overdue", "reports_on_time",
                                     "reports_late", "reports_missing", "targets_met"))  # fmt: skip
