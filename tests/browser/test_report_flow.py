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


def test_report_with_evidence_then_acceptance_changes_the_dashboard(
    browser: Any, deployment: Deployment
) -> None:
    url = deployment.url
    clerk = sign_in(browser, url, "jyj")
    clerk.goto(f"{url}/my")
    shot(clerk, "workspace")
    clerk.get_by_role("link", name=re.compile(r"^填报 任务 6$")).click()
    clerk.get_by_label("已完成").check()
    clerk.get_by_role("textbox", name=re.compile("^进展情况")).fill(
        "已建成精品课程8门，佐证见附件。"
    )
    clerk.get_by_label(re.compile("精品课程")).fill("8")
    clerk.get_by_role("textbox", name=re.compile("^逾期原因")).fill("课程评审推迟至2023年下半年。")
    clerk.get_by_label("佐证材料").set_input_files(
        [{"name": "精品课程名单.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    clerk.get_by_role("button", name="报送").click()
    assert clerk.get_by_text("已报送").first.is_visible()
    clerk.context.close()

    supervisor = sign_in(browser, url, "dudao")
    supervisor.goto(url)
    before = supervisor.locator("main").inner_text()
    supervisor.goto(f"{url}/review")
    assert supervisor.get_by_text("精品课程名单.pdf").is_visible()
    shot(supervisor, "review")
    supervisor.get_by_role("button", name=re.compile(r"^通过 中卫市教育局 任务 6$")).click()
    supervisor.goto(url)
    after = supervisor.locator("main").inner_text()
    assert re.search(r"(\d+) 个已达成", before) and re.search(r"(\d+) 个已达成", after)
    met = lambda text: int(re.search(r"(\d+) 个已达成", text).group(1))  # noqa: E731
    assert met(after) == met(before) + 1
    supervisor.goto(f"{url}/tasks/1/6")
    assert supervisor.get_by_text("已建成精品课程8门").first.is_visible()
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
