"""Issue 7's deadline extension in a real browser: the unit asks from 我的任务, the supervisor
reviews, the admin approves; the task, due soon today and overdue a few days after the
deadline, is no longer overdue on that later date, and its page keeps the original deadline."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from duban.domain import clock
from tests.browser.conftest import Deployment, shot
from tests.browser.test_pages import sign_in
from tests.extension_factories import month_end, revise_task_5_due_this_month


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def status_of(page: Any) -> str:
    text: str = page.locator("h1 .badge").inner_text()
    return text.strip()


def test_a_unit_asks_the_supervisor_reviews_the_admin_approves_the_status_turns_back(
    browser: Any, deployment: Deployment
) -> None:
    url, today = deployment.url, clock.today()
    plan = revise_task_5_due_this_month(deployment.store, today)
    deadline = month_end(today)
    later, proposed = deadline + dt.timedelta(days=5), deadline + dt.timedelta(days=92)

    supervisor = sign_in(browser, url, "dudao")
    supervisor.goto(f"{url}/tasks/{plan}/5")
    assert status_of(supervisor) == "即将到期"
    supervisor.goto(f"{url}/tasks/{plan}/5?as_of={later.isoformat()}")
    assert status_of(supervisor) == "已逾期"  # without an approved extension

    clerk = sign_in(browser, url, "jyj")  # 市教育局's clerk
    clerk.goto(f"{url}/my")
    clerk.get_by_text(re.compile(r"^申请延期 任务 5$")).click()
    clerk.get_by_label("申请延期至").fill(proposed.isoformat())
    clerk.get_by_label("延期理由").fill("实训设备采购资金晚到，需延后三个月完成。")
    shot(clerk, "extension-request")
    clerk.get_by_role("button", name=re.compile(r"^提交延期申请 任务 5$")).click()
    assert clerk.get_by_text("延期申请已提交").is_visible()
    assert clerk.get_by_role("button", name=re.compile(r"^撤回延期申请 任务 5$")).is_visible()
    clerk.context.close()

    supervisor.goto(f"{url}/extensions")
    assert supervisor.get_by_text("实训设备采购资金晚到").is_visible()
    supervisor.get_by_label("同意", exact=True).check()
    supervisor.get_by_label(re.compile("^意见说明")).fill("理由属实，同意延期。")
    shot(supervisor, "extension-review")
    supervisor.get_by_role("button", name=re.compile(r"^提交审核意见")).click()
    assert supervisor.get_by_text("已提交审核意见").is_visible()

    admin = sign_in(browser, url, "admin")
    admin.goto(f"{url}/extensions")
    admin.get_by_label("批准", exact=True).check()
    admin.get_by_role("button", name=re.compile(r"^提交审批")).click()
    assert admin.get_by_text("已批准延期").is_visible()
    shot(admin, "extension-approved")
    admin.context.close()

    supervisor.goto(f"{url}/tasks/{plan}/5?as_of={later.isoformat()}")
    assert status_of(supervisor) not in ("已逾期", "即将到期")
    assert supervisor.get_by_text(f"原定{cn(deadline)}，延期至{cn(proposed)}").first.is_visible()
    shot(supervisor, "extension-task")
    supervisor.context.close()
