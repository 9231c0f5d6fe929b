"""The 督办事项 pages' reads. The ladder's proposals as the supervisor's page shows them:
filtered, grouped by unit or task with counts by colour, worst groups first, cut into pages
(pure: a list of proposals in). The list of actions, on both databases: most urgent first, 50 to
a page, counted and cut in SQL, with the counts by state."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from duban.db import Store
from duban.domain.actions import Colour
from duban.permissions import Actor
from duban.queries.action_pages import (
    ProposalFilter,
    action_list_page,
    proposal_page,
    state_counts,
)
from duban.queries.actions import ActionFilter, overdue_count
from duban.queries.ladder import Proposal
from duban.queries.paging import paging
from tests.action_factories import published_plan_id, spread_actions, unit_id
from tests.factories import published_sample

RED, YELLOW, BLUE = Colour.RED, Colour.YELLOW, Colour.BLUE
UNITS = {1: "教育局", 2: "人社局", 3: "财政局"}


def _p(task: int, unit: int, colour: Colour) -> Proposal:
    return Proposal(1, task, str(task), f"任务{task}", None, unit, UNITS[unit], colour, "逾期")


# task order as the ladder gives them (red first overall)
FOUND = [_p(1, 1, RED), _p(2, 2, RED), _p(10, 2, RED), _p(2, 1, YELLOW), _p(3, 3, BLUE),
         _p(10, 1, YELLOW), _p(3, 2, YELLOW)]  # fmt: skip


def test_groups_by_unit_worst_first_with_counts_by_colour() -> None:
    page = proposal_page(FOUND, ProposalFilter())
    assert [(g.label, g.counts, g.total) for g in page.groups] == [
        ("人社局", {"red": 2, "yellow": 1, "blue": 0}, 3),
        ("教育局", {"red": 1, "yellow": 2, "blue": 0}, 3),
        ("财政局", {"red": 0, "yellow": 0, "blue": 1}, 1),
    ]
    assert page.counts == {"red": 3, "yellow": 3, "blue": 1}
    assert (page.total, page.offered, page.paging.page, page.paging.pages) == (7, 7, 1, 1)
    first = page.sections[0]
    assert [(p.task_number, p.colour) for p in first.items] == [("2", RED), ("10", RED),
                                                                 ("3", YELLOW)]  # fmt: skip
    assert page.units == [(2, "人社局"), (1, "教育局"), (3, "财政局")]  # by name


def test_groups_by_task_ties_in_task_number_order() -> None:
    page = proposal_page(FOUND, ProposalFilter(), by="task")
    assert [(g.id, g.total) for g in page.groups] == [(2, 2), (10, 2), (1, 1), (3, 2)]
    assert page.groups[0].label == "2. 任务2"


def test_pages_cut_groups_and_mark_the_continued_one() -> None:
    first, second = (proposal_page(FOUND, ProposalFilter(), page=n, size=4) for n in (1, 2))
    assert (first.paging.pages, second.paging.pages) == (2, 2)
    assert [(s.group.label, len(s.items), s.continued) for s in first.sections] == [
        ("人社局", 3, False), ("教育局", 1, False)]  # fmt: skip
    assert [(s.group.label, len(s.items), s.continued) for s in second.sections] == [
        ("教育局", 2, True), ("财政局", 1, False)]  # fmt: skip
    assert second.groups == first.groups  # the counts are the whole list's, not the page's
    past = proposal_page(FOUND, ProposalFilter(), page=9, size=4)
    assert past.paging.page == 2 and past.sections == second.sections


def test_the_filter_keeps_colour_unit_task_and_notices_only() -> None:
    reds = proposal_page(FOUND, ProposalFilter(colour="red"))
    assert (reds.total, reds.offered) == (3, 7)
    assert reds.counts == {"red": 3, "yellow": 0, "blue": 0}
    assert proposal_page(FOUND, ProposalFilter(unit_id=3)).total == 1
    assert proposal_page(FOUND, ProposalFilter(task_id=10, unit_id=1)).total == 1
    assert proposal_page(FOUND, ProposalFilter(kind="notice")).total == 7
    none = proposal_page(FOUND, ProposalFilter(kind="interview"))
    assert (none.total, none.groups, none.sections, none.paging.pages) == (0, [], [], 1)
    assert len(none.units) == 3  # the unit filter still offers every unit with a proposal


# --- the list of actions ------------------------------------------------------------------------

TODAY = dt.date(2025, 6, 30)
DUDAO = Actor(1, "dudao", "supervisor", None)


def test_paging_clamps_to_the_first_and_last_page() -> None:
    assert [(p.page, p.pages, p.offset) for p in (paging(120, 1), paging(120, 3), paging(120, 9),
            paging(120, 0), paging(100, 2), paging(0, 5))] == [
        (1, 3, 0), (3, 3, 100), (3, 3, 100), (1, 3, 0), (2, 2, 50), (1, 1, 0)]  # fmt: skip
    assert paging(7, 2, size=4).cut(list(range(7))) == [4, 5, 6]


@pytest.fixture
def made(store: Store) -> dict[str, list[int]]:
    return spread_actions(store, published_sample(store), 120, today=TODAY)


def urgent_first(made: dict[str, list[int]]) -> list[int]:
    """Overdue, open, answered, held, then closed and withdrawn together; newest first in each."""
    settled = made["closed"] + made["withdrawn"]
    groups = (made["overdue"], made["open"], made["answered"], made["held"], settled)
    return [i for ids in groups for i in sorted(ids, reverse=True)]


def test_the_list_comes_most_urgent_first_fifty_a_page(
    store: Store, made: dict[str, list[int]]
) -> None:
    with store.read() as session:
        pages = [action_list_page(session, DUDAO, TODAY, ActionFilter(), page=n) for n in (1, 2, 3)]
        past = action_list_page(session, DUDAO, TODAY, ActionFilter(), page=99)
    assert [len(p.rows) for p in pages] == [50, 50, 20]
    assert [(p.paging.page, p.paging.pages, p.paging.total) for p in pages] == [
        (1, 3, 120), (2, 3, 120), (3, 3, 120)]  # fmt: skip
    assert [r.id for p in pages for r in p.rows] == urgent_first(made)
    first = pages[0].rows
    assert all(r.overdue for r in first[:20]) and not any(r.overdue for r in first[20:])
    assert [r.state for r in first[20:50]] == ["open"] * 20 + ["answered"] * 10
    assert (past.paging.page, past.rows) == (3, pages[2].rows)  # past the last: the last


def test_counts_filters_and_a_day_before_anything_happened(
    store: Store, made: dict[str, list[int]]
) -> None:
    with store.read() as session:
        counts = state_counts(session, DUDAO, TODAY)
        late = action_list_page(session, DUDAO, TODAY, ActionFilter(state="overdue"))
        closed = action_list_page(session, DUDAO, TODAY, ActionFilter(state="closed"))
        overdue_n = overdue_count(session, DUDAO, TODAY, published_plan_id(store))
        before = action_list_page(session, DUDAO, TODAY - dt.timedelta(days=31), ActionFilter())
        earlier = state_counts(session, DUDAO, TODAY - dt.timedelta(days=1))
    assert counts == {"overdue": 20, "open": 40, "answered": 20, "held": 20, "closed": 20,
                      "withdrawn": 20}  # fmt: skip
    assert [r.id for r in late.rows] == sorted(made["overdue"], reverse=True)
    assert late.paging.pages == 1 and overdue_n == 20
    assert {r.state for r in closed.rows} == {"closed"} and closed.paging.total == 20
    assert (before.rows, before.paging.page, before.paging.pages) == ([], 1, 1)
    assert earlier == {"open": 100, "overdue": 20}  # the day before: all issued and waiting


def test_a_unit_pages_its_own_issued_actions_only(store: Store, made: dict[str, list[int]]) -> None:
    jyj = Actor(2, "jyj", "reporter", unit_id(store, "zw-edu"))
    rsj = Actor(3, "rsj", "reporter", unit_id(store, "zw-hrss"))
    with store.read() as session:
        own = [action_list_page(session, jyj, TODAY, ActionFilter(), page=n) for n in (1, 2)]
        counts = state_counts(session, jyj, TODAY)
        other = action_list_page(session, rsj, TODAY, ActionFilter(), page=2)
    issued = {k: v for k, v in made.items() if k != "held"}
    assert [r.id for p in own for r in p.rows] == urgent_first(issued | {"held": []})
    assert [p.paging.total for p in own] == [100, 100] and "held" not in counts
    assert (other.rows, other.paging.total, other.paging.page) == ([], 0, 1)


def test_the_list_is_counted_and_cut_in_the_database(
    store: Store, made: dict[str, list[int]]
) -> None:
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with store.read() as session:
        action_list_page(session, DUDAO, TODAY, ActionFilter(), page=2)
    listed = [s for s in statements if "FROM actions" in s]
    assert len(listed) == 2, listed  # one count, one page
    assert "count(*)" in listed[0].lower() and "LIMIT" in listed[1] and "OFFSET" in listed[1]
