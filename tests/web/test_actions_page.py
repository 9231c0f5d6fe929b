"""The supervisor's 督办事项 page with the sample plan's long list of proposals: grouped by unit or
task with counts, 50 to a page, the filters kept in every link, and a decision that comes back to
the same page; the list of issued actions (and the unit's on 我的任务) most urgent first, 50 to a
page, the same way."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from duban.db import Store
from tests.action_factories import published_plan_id, spread_actions, unit_id
from tests.web.test_actions import EDU, writes

Client = Callable[[str], TestClient]
ARTICLE = '<article class="ac-proposal'


def listed(dudao: TestClient) -> list[dict[str, Any]]:
    got = dudao.get("/api/v1/actions/proposals")
    assert got.status_code == 200, got.text
    items: list[dict[str, Any]] = got.json()["items"]
    return items


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="(/actions\?[^"]*)"', page)]


def test_proposals_come_grouped_by_unit_with_counts_and_paged(
    store: Store, client_for: Client
) -> None:
    dudao = client_for("dudao")
    found = listed(dudao)
    assert len(found) > 100  # the sample plan as of today: every deadline long past
    first = dudao.get("/actions")
    assert first.status_code == 200
    assert first.text.count(ARTICLE) == 50
    pages = -(-len(found) // 50)
    assert f"第 1 / {pages} 页" in first.text and 'rel="next"' in first.text
    assert re.search(rf'id="h-proposals">督办阶梯建议 <span class="count">{len(found)}</span>',
                     first.text)  # fmt: skip
    per_unit = Counter(p["unit"] for p in found)
    by_colour = Counter((p["unit"], p["colour"]) for p in found)
    worst = min(per_unit, key=lambda u: (-by_colour[u, "red"], -by_colour[u, "yellow"],
                                         -by_colour[u, "blue"], u))  # fmt: skip
    heads = re.findall(
        r'<h3 class="ac-group">([^<]+?) <span class="count">(\d+)</span>', first.text
    )
    assert heads[0] == (worst, str(per_unit[worst]))
    edu_id = next(p["unit_id"] for p in found if p["unit"] == EDU)
    assert f'href="/actions?unit={edu_id}">{EDU}</a>' in first.text  # the summary links a unit
    last = dudao.get(f"/actions?page={pages}")
    assert last.text.count(ARTICLE) == len(found) - 50 * (pages - 1)
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
    assert dudao.get("/actions?page=999").text.count(ARTICLE) == last.text.count(ARTICLE)


def test_filters_and_grouping_are_kept_in_every_link(store: Store, client_for: Client) -> None:
    dudao = client_for("dudao")
    found = listed(dudao)
    reds = [p for p in found if p["colour"] == "red"]
    page = dudao.get("/actions?colour=red&group=task").text
    assert page.count(ARTICLE) == min(50, len(reds)) and "ac-proposal c-yellow" not in page
    assert f"按筛选条件显示 {len(reds)} / {len(found)}" in page
    kept = [parse_qs(urlsplit(link).query) for link in links(page)]
    other, everything = {"colour": ["red"], "group": ["unit"]}, {"group": ["task"]}
    assert other in kept  # the other grouping keeps the filter
    assert everything in kept  # 显示全部建议 drops the filter, keeps the grouping
    rest = [q for q in kept if q not in (other, everything)]
    assert rest and all(q["colour"] == ["red"] and q["group"] == ["task"] for q in rest)
    pager = next(link for link in links(page) if "page=2" in link)
    assert parse_qs(urlsplit(pager).query) == {"colour": ["red"], "group": ["task"],
                                               "page": ["2"]}  # fmt: skip
    task_id = reds[0]["task_id"]
    assert any(parse_qs(urlsplit(link).query) == {"colour": ["red"], "group": ["task"],
               "task": [str(task_id)]} for link in links(page))  # fmt: skip
    by_task = dudao.get(f"/actions?colour=red&task={task_id}").text
    assert by_task.count(ARTICLE) == sum(1 for p in reds if p["task_id"] == task_id)
    assert f'<option value="{task_id}" selected>' in by_task


def test_a_decision_comes_back_to_the_same_page_with_its_filters(
    store: Store, client_for: Client
) -> None:
    dudao = client_for("dudao")
    found = listed(dudao)
    page = dudao.get("/actions?colour=red&page=2").text
    back = html.unescape(re.findall(r'name="back" value="([^"]*)"', page)[0])
    assert parse_qs(urlsplit(back).query) == {"colour": ["red"], "page": ["2"]}
    key = html.unescape(re.findall(r'name="key" value="([^"]*)"', page)[0])
    sent = dudao.post("/actions/proposals", data={"key": key, "plan": "1", "decision": "hold",
                                                  "reason": "待核实", "back": back},
                      follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text
    where = urlsplit(sent.headers["location"])
    assert where.path == "/actions" and where.fragment == "h-proposals"
    query = parse_qs(where.query)
    assert (query["colour"], query["page"], query["done"]) == (["red"], ["2"], ["hold"])
    again = dudao.get(sent.headers["location"]).text
    assert "已办理：暂缓" in again and f'href="/actions/{query["made"][0]}"' in again
    assert len(listed(dudao)) == len(found) - 1 and f'value="{key}"' not in again


def test_the_back_address_keeps_only_the_lists_own_filters(
    store: Store, client_for: Client
) -> None:
    dudao = client_for("dudao")
    key = listed(dudao)[0]["key"]
    sent = dudao.post("/actions/proposals", data={
        "key": key, "plan": "1", "decision": "withdraw", "reason": "不属实",
        "back": "https://elsewhere.example/steal?colour=blue&next=//evil&unit=3"},
        follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303
    where = urlsplit(sent.headers["location"])
    assert (where.scheme, where.netloc, where.path) == ("", "", "/actions")
    assert set(parse_qs(where.query)) == {"colour", "unit", "done", "made"}


def test_a_kind_filter_blank_filters_and_bad_filters(store: Store, client_for: Client) -> None:
    dudao = client_for("dudao")
    unit_id = next(p["unit_id"] for p in listed(dudao) if p["unit"] == EDU)
    new = {"plan": 1, "unit": unit_id, "kind": "interview", "title": "约谈通知",
           "due_on": "2199-01-01"}  # fmt: skip
    made = dudao.post("/api/v1/actions", json=new)
    assert made.status_code == 201, made.text
    interviews = dudao.get("/actions?kind=interview").text
    assert "没有符合筛选条件的督办阶梯建议。" in interviews and "约谈通知" in interviews
    assert "约谈通知" not in dudao.get("/actions?kind=reminder").text.split("h-list")[1]
    notices = dudao.get(f"/actions?kind=notice&unit={unit_id}").text
    assert notices.count(ARTICLE) == sum(1 for p in listed(dudao) if p["unit_id"] == unit_id)
    blanks = dudao.get("/actions?state=&kind=&colour=&unit=&task=&group=&as_of=&plan=")
    assert blanks.status_code == 200 and blanks.text.count(ARTICLE) == 50  # 全部: no filter
    before = writes(store)
    for query in ("kind=lost", "group=colour", "colour=green", "state=lost"):
        got = dudao.get(f"/actions?{query}")
        assert got.status_code == 400 and "没有“" in got.text, query
    for query in ("page=0", "page=x", "task=0", "made=-1"):
        assert dudao.get(f"/actions?{query}").status_code == 422, query
    assert writes(store) == before


# --- the list of issued actions: most urgent first, 50 to a page -------------------------------

ROW = re.compile(r'<a href="/(?:my/)?actions/\d+">([^<]+)</a>')


def list_part(page: str) -> str:
    """The 督办事项清单 section of the supervisor's page."""
    return page.split('id="h-list"')[1].split('id="h-new"')[0]


def titles(part: str) -> list[str]:
    return ROW.findall(part)


def kinds(names: list[str]) -> list[str]:
    return [name.split("-")[0] for name in names]


def test_the_list_comes_most_urgent_first_fifty_a_page(store: Store, client_for: Client) -> None:
    spread_actions(store, published_plan_id(store))
    dudao = client_for("dudao")
    first = dudao.get("/actions").text
    assert '<h1>督办事项 <span class="count">120</span></h1>' in first
    assert "待答复 40 · 已逾期 20 · 已答复 20 · 暂缓 20" in first
    pages = [titles(list_part(dudao.get(f"/actions?list_page={n}").text)) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    assert kinds(pages[0]) == ["overdue"] * 20 + ["open"] * 20 + ["answered"] * 10
    assert kinds(pages[1]) == ["answered"] * 10 + ["held"] * 20 + kinds(pages[1])[30:]
    assert set(kinds(pages[1])[30:] + kinds(pages[2])) == {"closed", "withdrawn"}
    assert pages[0][:2] == ["overdue-114", "overdue-108"]  # newest first within a state
    assert titles(list_part(first)) == pages[0]  # no number, blank: the first page
    assert titles(list_part(dudao.get("/actions?list_page=").text)) == pages[0]
    last = list_part(dudao.get("/actions?list_page=3").text)
    assert "第 3 / 3 页" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert titles(list_part(dudao.get("/actions?list_page=99").text)) == pages[2]  # the last
    assert 'href="/actions?list_page=2#h-list" rel="next"' in list_part(first)


def test_the_lists_pages_keep_the_filters_and_the_other_lists_page(
    store: Store, client_for: Client
) -> None:
    spread_actions(store, published_plan_id(store))
    dudao = client_for("dudao")
    edu = unit_id(store, "zw-edu")
    page = list_part(dudao.get(f"/actions?kind=reminder&unit={edu}&group=task&list_page=2").text)
    kept = [parse_qs(urlsplit(link).query) for link in links(page)]
    filters = {"kind": ["reminder"], "unit": [str(edu)], "group": ["task"]}
    assert kept == [filters, filters | {"list_page": ["3"]}]  # 上一页 is page 1: no number
    both = dudao.get("/actions?page=2&list_page=2").text
    pagers = [parse_qs(urlsplit(link).query) for link in links(both) if "page=" in link]
    assert {"page": ["2"], "list_page": ["3"]} in pagers  # the list's pager keeps the proposals'
    assert {"page": ["3"], "list_page": ["2"]} in pagers  # and the other way round
    back = html.unescape(re.findall(r'name="back" value="([^"]*)"', both)[0])
    assert parse_qs(urlsplit(back).query) == {"page": ["2"], "list_page": ["2"]}
    overdue = dudao.get("/actions?state=overdue").text
    assert kinds(titles(list_part(overdue))) == ["overdue"] * 20
    assert '<span class="count">20</span></h1>' in overdue and "au-pager" not in list_part(overdue)
    none = dudao.get("/actions?state=answered&kind=interview&list_page=5")
    assert none.status_code == 200 and "没有符合条件的督办事项。" in none.text


def test_bad_page_numbers_are_refused_and_nothing_is_written(
    store: Store, client_for: Client
) -> None:
    dudao, jyj = client_for("dudao"), client_for("jyj")
    before = writes(store)
    for query in ("x", "0", "-1", "1.5", "99999999999", "%00"):
        got = dudao.get(f"/actions?list_page={query}")
        assert got.status_code == 422 and "list_page" in got.text, query
        assert jyj.get(f"/my?page={query}").status_code == 422, query
    assert dudao.get("/actions?page=&list_page=").status_code == 200
    assert writes(store) == before


def test_my_page_lists_the_units_own_actions_fifty_a_page(store: Store, client_for: Client) -> None:
    spread_actions(store, published_plan_id(store))  # 100 issued to 市教育局, 20 held
    jyj, rsj = client_for("jyj"), client_for("rsj")
    first = jyj.get("/my").text
    assert '<h2 id="h-my-actions">督办事项 <span class="count">40</span></h2>' in first
    pages = [titles(jyj.get(f"/my?page={n}").text) for n in (1, 2)]
    assert [len(p) for p in pages] == [50, 50] and titles(first) == pages[0]
    assert kinds(pages[0]) == ["overdue"] * 20 + ["open"] * 20 + ["answered"] * 10
    assert "held" not in kinds(pages[0] + pages[1])  # never issued: not the unit's to see
    assert 'href="/my?page=2#h-my-actions" rel="next"' in first and "第 1 / 2 页" in first
    second = jyj.get("/my?page=2").text
    assert 'href="/my#h-my-actions" rel="prev"' in second and 'rel="next"' not in second
    assert titles(jyj.get("/my?page=7").text) == pages[1]  # past the last: the last
    assert titles(jyj.get("/my?page=").text) == pages[0]
    assert 'id="h-my-actions"' not in rsj.get("/my").text  # another unit has none
