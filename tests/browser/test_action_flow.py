"""Issue 7's actions in a real browser: the supervisor works through the ladder's long list of
proposals (50 to a page, grouped by unit or task, filtered by unit) and issues a red notice,
coming back to the same filtered list; the unit answers with a file in its workspace; the
supervisor closes it."""

from __future__ import annotations

import re
from typing import Any

from duban.models import Action
from tests.browser.conftest import Deployment, shot
from tests.browser.test_pages import sign_in

PDF = b"%PDF-1.4\n% rectification plan\n"


def test_supervisor_issues_unit_answers_supervisor_closes(
    browser: Any, deployment: Deployment
) -> None:
    url = deployment.url
    supervisor = sign_in(browser, url, "dudao")
    supervisor.get_by_role("link", name="督办事项").first.click()
    assert supervisor.get_by_role("heading", name=re.compile("^督办阶梯建议")).is_visible()
    assert supervisor.locator("article.ac-proposal").count() == 50  # a page of a long list
    assert supervisor.get_by_role("link", name="下一页").is_visible()
    shot(supervisor, "actions-proposals")
    supervisor.get_by_role("link", name="按任务").click()
    supervisor.wait_for_url(re.compile(r"group=task"))
    supervisor.locator("select#unit").select_option(label="中卫市教育局")
    supervisor.get_by_role("button", name="筛选").click()
    supervisor.wait_for_url(re.compile(r"unit=\d+.*group=task|group=task.*unit=\d+"))
    assert supervisor.get_by_role("heading", name=re.compile(r"^\d+\. ")).first.is_visible()
    shot(supervisor, "actions-proposals-by-task")
    issue = supervisor.get_by_role("button", name=re.compile(r"^发出 中卫市教育局 \d+$")).first
    issue.click()
    supervisor.wait_for_url(re.compile(r"/actions\?.*done=issue"))
    assert "group=task" in supervisor.url and "unit=" in supervisor.url  # the same list
    action_id = int(re.search(r"made=(\d+)", supervisor.url).group(1))  # type: ignore[union-attr]
    assert supervisor.get_by_text("已办理：发出").is_visible()
    supervisor.get_by_role("link", name="查看该督办事项").click()
    supervisor.wait_for_url(re.compile(rf"/actions/{action_id}$"))
    assert supervisor.get_by_text(re.compile(r"中卫督办〔\d{4}〕1号")).first.is_visible()
    supervisor.context.close()

    clerk = sign_in(browser, url, "jyj")
    clerk.goto(f"{url}/my")
    assert clerk.get_by_role("heading", name=re.compile("^督办事项")).is_visible()
    shot(clerk, "my-actions")
    clerk.locator(f'a[href="/my/actions/{action_id}"]').click()
    clerk.get_by_label("答复内容").fill("已制定整改方案，9月底前完成。")
    clerk.get_by_label(re.compile("^附件")).set_input_files(
        [{"name": "整改方案.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    clerk.get_by_role("button", name="提交答复").click()
    assert clerk.get_by_text("答复已提交，等待督导室办理。").is_visible()
    clerk.context.close()

    supervisor = sign_in(browser, url, "dudao")
    supervisor.goto(f"{url}/actions/{action_id}")
    assert supervisor.get_by_role("link", name="整改方案.pdf").is_visible()
    supervisor.get_by_label("办结意见").fill("整改方案可行")
    supervisor.get_by_role("button", name="办结").click()
    supervisor.wait_for_url(re.compile(r"\?done=close"))
    assert supervisor.get_by_text("已办结").first.is_visible()
    shot(supervisor, "action-closed")
    supervisor.context.close()
    with deployment.store.read() as session:
        found = session.get(Action, action_id)
        assert found is not None and found.state == "closed" and found.colour == "red"
        assert found.responses[0].files[0].name == "整改方案.pdf"
