"""The ladder's proposals as the supervisor's page shows them: filtered, grouped by unit or task
with counts by colour, worst groups first, cut into pages (pure: a list of proposals in)."""

from __future__ import annotations

from duban.domain.actions import Colour
from duban.queries.action_pages import ProposalFilter, proposal_page
from duban.queries.ladder import Proposal

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
    assert (page.total, page.offered, page.page, page.pages) == (7, 7, 1, 1)
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
    assert (first.pages, second.pages) == (2, 2)
    assert [(s.group.label, len(s.items), s.continued) for s in first.sections] == [
        ("人社局", 3, False), ("教育局", 1, False)]  # fmt: skip
    assert [(s.group.label, len(s.items), s.continued) for s in second.sections] == [
        ("教育局", 2, True), ("财政局", 1, False)]  # fmt: skip
    assert second.groups == first.groups  # the counts are the whole list's, not the page's
    past = proposal_page(FOUND, ProposalFilter(), page=9, size=4)
    assert past.page == 2 and past.sections == second.sections


def test_the_filter_keeps_colour_unit_task_and_notices_only() -> None:
    reds = proposal_page(FOUND, ProposalFilter(colour="red"))
    assert (reds.total, reds.offered) == (3, 7)
    assert reds.counts == {"red": 3, "yellow": 0, "blue": 0}
    assert proposal_page(FOUND, ProposalFilter(unit_id=3)).total == 1
    assert proposal_page(FOUND, ProposalFilter(task_id=10, unit_id=1)).total == 1
    assert proposal_page(FOUND, ProposalFilter(kind="notice")).total == 7
    none = proposal_page(FOUND, ProposalFilter(kind="interview"))
    assert (none.total, none.groups, none.sections, none.pages) == (0, [], [], 1)
    assert len(none.units) == 3  # the unit filter still offers every unit with a proposal
