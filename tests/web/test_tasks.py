"""任务: the task list and the task page as people use them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.db import Store
from duban.services import plans, reports
from duban.web.task_charts import marked_excerpt
from tests.conftest import SAMPLE
from tests.factories import ADMIN, SUPERVISOR, assignment_id, report

Client = Callable[[str], TestClient]
PLAN = 1  # the sample plan the app fixture publishes


def test_the_list_groups_tasks_and_links_each_to_its_page(client_for: Client) -> None:
    page = client_for("leader").get("/tasks", params={"as_of": "2021-08-05"})
    assert page.status_code == 200
    assert "构建职业教育改革发展新格局" in page.text  # a group heading
    assert f'href="/tasks/{PLAN}/17?as_of=2021-08-05"' in page.text
    assert "共 25 项任务" in page.text
    assert '<th scope="col">' in page.text and "badge s-overdue" in page.text


def test_the_status_filter_keeps_only_tasks_in_that_status(client_for: Client) -> None:
    params = {"plan": PLAN, "as_of": "2021-08-05", "status": "overdue"}
    page = client_for("dudao").get("/tasks", params=params)
    assert page.status_code == 200
    assert "完善企业职工在岗教育培训体系" in page.text  # 17, overdue since 30 June
    assert "打造优势特色专业及专业群" not in page.text  # 2, due 2023
    assert "badge s-on_track" not in page.text and "badge s-due_soon" not in page.text


def test_the_unit_and_text_filters_narrow_the_list(client_for: Client) -> None:
    client = client_for("rsj")
    by_unit = client.get("/tasks", params={"unit": "zw-hrss", "as_of": "2021-08-05"})
    by_text = client.get("/tasks", params={"q": "专业群", "as_of": "2021-08-05"})
    assert "提升职业教育人才培养层次" in by_unit.text and "优化专业布局" not in by_unit.text
    assert "共 1 项任务" in by_text.text and "打造优势特色专业及专业群" in by_text.text


def test_the_pages_need_a_sign_in(app: FastAPI) -> None:
    with TestClient(app) as anonymous:
        for url in ("/tasks", f"/tasks/{PLAN}/3"):
            answer = anonymous.get(url, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_every_signed_in_role_may_read_the_plan(client_for: Client) -> None:
    for name in ("zwxx", "leader"):  # plan.view: every role; a school's clerk and a reader
        assert client_for(name).get(f"/tasks/{PLAN}/3").status_code == 200, name


def test_the_task_page_shows_each_unit_status_reason_and_target(
    store: Store, client_for: Client
) -> None:
    report(store, assignment_id(store, PLAN, "3", "zw-edu"), dt.date(2021, 4, 5),
           accept_on=dt.date(2021, 4, 6))  # fmt: skip
    page = client_for("leader").get(f"/tasks/{PLAN}/3", params={"as_of": "2021-05-01"})
    assert page.status_code == 200
    assert "提升职业教育人才培养层次" in page.text and "截至 2021年5月1日" in page.text
    assert "中卫市人力资源和社会保障局" in page.text and "中卫市财政局" in page.text
    assert "配合单位" in page.text and "badge s-unreported" in page.text
    assert "2023年12月31日" in page.text and "长期坚持" in page.text
    assert 'class="tbar"' in page.text and "≥20个" in page.text and "暂无数据" in page.text


def test_time_travel_changes_the_statuses_shown(store: Store, client_for: Client) -> None:
    for unit in ("zw-hrss", "spt-gov", "zn-gov", "hy-gov"):
        a = assignment_id(store, PLAN, "17", unit)
        report(store, a, dt.date(2021, 6, 20), "done", accept_on=dt.date(2021, 6, 25))
    client = client_for("dudao")
    before = client.get(f"/tasks/{PLAN}/17", params={"as_of": "2021-06-21"}).text
    after = client.get(f"/tasks/{PLAN}/17", params={"as_of": "2021-08-05"}).text
    assert "badge s-done" not in before and "badge s-due_soon" in before
    assert "badge s-done" in after and "badge s-due_soon" not in after


def test_a_reporter_sees_other_units_reports_only_once_accepted(
    store: Store, client_for: Client
) -> None:
    edu = assignment_id(store, PLAN, "3", "zw-edu")
    with store.write() as session:
        kept = reports.submit_report(session, edu, claimed="in_progress",
                                     narrative="教育局已审核的进展", at=dt.date(2021, 4, 5),
                                     actor="reporter:jyj")  # fmt: skip
        reports.accept_report(session, kept.id, at=dt.date(2021, 4, 8), actor=SUPERVISOR)
        reports.submit_report(session, edu, claimed="in_progress", narrative="教育局报送待审核",
                              at=dt.date(2021, 7, 5), actor="reporter:jyj")  # fmt: skip
        reports.submit_report(session, edu, claimed="done", narrative="教育局的草稿内容",
                              draft=True, actor="reporter:jyj")  # fmt: skip
    other = client_for("rsj").get(f"/tasks/{PLAN}/3").text
    own = client_for("jyj").get(f"/tasks/{PLAN}/3").text
    supervisor = client_for("dudao").get(f"/tasks/{PLAN}/3").text
    assert "教育局已审核的进展" in other
    assert "教育局报送待审核" not in other and "教育局的草稿内容" not in other
    assert all(
        text in own for text in ("教育局已审核的进展", "教育局报送待审核", "教育局的草稿内容")
    )
    assert "教育局报送待审核" in supervisor and "教育局的草稿内容" not in supervisor


def test_the_source_excerpt_marks_the_lead_units(client_for: Client) -> None:
    page = client_for("zwxx").get(f"/tasks/{PLAN}/1")
    assert '<mark class="f-lead">市教育局</mark>' in page.text
    assert '<mark class="f-title">优化专业布局</mark>' in page.text
    assert '<mark class="f-deadline">2021年7月前完成并长期坚持</mark>' in page.text


def test_the_excerpt_escapes_the_text_and_drops_bad_spans() -> None:
    spans = {"number": [0, 1], "title": [2, 5], "lead_units": [[9, 12], [10, 11], [40, 99]]}
    shown = str(marked_excerpt("1.<b>、负责：教育局", spans))
    assert (
        shown
        == '1.<mark class="f-title">&lt;b&gt;</mark>、负责：<mark class="f-lead">教育局</mark>'
    )
    assert str(marked_excerpt("abc", {"title": [5, 9], "text": "bad"})) == ""


def test_an_unknown_plan_or_task_is_a_404_page_and_a_bad_status_a_400(client_for: Client) -> None:
    client = client_for("dudao")
    for url in (f"/tasks/{PLAN}/99", "/tasks/999/1", "/tasks?plan=999"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert "未找到" in page.text and "Traceback" not in page.text
    refused = client.get("/tasks", params={"status": "nonsense"})
    assert refused.status_code == 400 and "nonsense" in refused.text


def test_a_revised_task_shows_its_versions_and_links_between_them(
    store: Store, client_for: Client
) -> None:
    revised = SAMPLE.read_text("utf-8").replace(
        "完成时限：2023年12月前完成并长期坚持", "完成时限：2022年12月前完成并长期坚持"
    )
    with store.write() as session:
        second = plans.import_plan(session, revised.encode(), SAMPLE.name, actor=ADMIN).plan.id
        plans.publish_plan(session, second, actor=ADMIN)
    client = client_for("dudao")
    old = client.get(f"/tasks/{PLAN}/3", params={"as_of": "2021-05-01"})
    assert old.status_code == 200
    assert f'href="/tasks/{second}/3?as_of=2021-05-01"' in old.text  # to the current version
    assert "完成时限由“2023年12月前完成并长期坚持”改为“2022年12月前完成并长期坚持”" in old.text
    listed = client.get("/tasks", params={"plan": PLAN})
    assert listed.status_code == 200 and "已被新版本替代" in listed.text
