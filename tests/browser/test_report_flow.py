"""Issue 4's must-show in a real browser: a unit reports with evidence, the supervisor accepts,
the dashboard changes; another unit's clerk cannot open or post to that unit's draft."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from duban.models import Report
from tests.browser.conftest import Deployment, shot
from tests.browser.test_pages import sign_in

PDF = b"%PDF-1.4\n% evidence: course list\n"


def count_reports(deployment: Deployment) -> int:
    with deployment.store.read() as session:
        return session.scalar(select(func.count()).select_from(Report)) or 0


def test_a_school_reports_with_evidence_the_supervisor_accepts_the_dashboard_changes(
    browser: Any, deployment: Deployment
) -> None:
    url = deployment.url
    clerk = sign_in(browser, url, "zwxx")  # 市职业技术学校's clerk
    clerk.goto(f"{url}/my")
    shot(clerk, "workspace")
    clerk.get_by_role("link", name=re.compile(r"^填报 任务 2$")).click()
    assert clerk.get_by_text("配合情况").first.is_visible()  # the school cooperates on task 2
    clerk.get_by_label("已完成").check()
    clerk.get_by_role("textbox", name=re.compile("^配合情况")).fill(
        "学校已建成现代加工制造、旅游服务、信息技术、汽车维修4个专业群。"
    )
    clerk.get_by_label(re.compile(r"^专业群.*市职业技术学校")).fill("4")
    clerk.get_by_role("textbox", name=re.compile("^逾期原因")).fill("专业群评审推迟。")
    clerk.get_by_label("佐证材料").set_input_files(
        [{"name": "专业群建设名单.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    clerk.get_by_role("button", name="报送").click()
    assert clerk.get_by_text("已报送").first.is_visible()
    clerk.context.close()

    supervisor = sign_in(browser, url, "dudao")
    before = supervisor.locator("main").inner_text()
    supervisor.goto(f"{url}/review")
    assert supervisor.get_by_text("专业群建设名单.pdf").is_visible()
    shot(supervisor, "review")
    supervisor.get_by_role("button", name=re.compile(r"^通过 中卫市职业技术学校 任务 2$")).click()
    supervisor.goto(url)
    shot(supervisor, "dashboard-after")
    after = supervisor.locator("main").inner_text()
    met = lambda text: int(re.search(r"(\d+) 个已达成", text).group(1))  # type: ignore[union-attr]  # noqa: E731
    assert met(after) == met(before) + 1
    supervisor.goto(f"{url}/tasks/1/2")
    assert supervisor.get_by_text("4个专业群").first.is_visible()
    shot(supervisor, "task")
    supervisor.context.close()


def test_another_units_draft_is_refused_by_url_and_nothing_is_written(
    browser: Any, deployment: Deployment
) -> None:
    url = deployment.url
    clerk = sign_in(browser, url, "jyj")
    clerk.goto(f"{url}/my")
    clerk.get_by_role("link", name=re.compile(r"^填报 任务 9$")).click()
    form_url = clerk.url
    clerk.get_by_label("推进中").check()
    clerk.get_by_role("textbox", name=re.compile("^进展情况")).fill(
        "教材目录正在修订（草稿，不应被他人看到）。"
    )
    clerk.get_by_role("button", name="保存草稿").click()
    with deployment.store.read() as session:
        draft = session.scalars(select(Report.id).where(Report.state == "draft")).first()
    assert draft is not None
    clerk.context.close()

    other = sign_in(browser, url, "rsj")
    before = count_reports(deployment)
    for path in (f"/my/draft/{draft}", form_url.removeprefix(url)):
        response = other.goto(f"{url}{path}")
        assert response is not None and response.status in (403, 404)
        assert "不应被他人看到" not in other.content()
    token = other.locator('input[name="csrf_token"]').first.get_attribute("value") or ""
    posted = other.request.post(
        f"{url}/my/draft/{draft}",
        form={"csrf_token": token, "claimed": "done", "narrative": "篡改", "action": "submit"},
    )
    assert posted.status in (403, 404)
    assert count_reports(deployment) == before
    with deployment.store.read() as session:
        narrative = session.scalars(select(Report.narrative).where(Report.id == draft)).one()
    assert "篡改" not in narrative
    other.context.close()
