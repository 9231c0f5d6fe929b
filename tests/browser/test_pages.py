"""A clerk's and a supervisor's day in a real browser."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import PASSWORD, shot


def sign_in(browser: Any, server: str, name: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server}/")
    return page


def test_the_dashboard_shows_overdue_tasks_in_words(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "dudao")
    page.goto(f"{server}/?as_of=2021-08-05")
    assert page.get_by_role("heading", name="已逾期").is_visible()
    assert page.get_by_text("17. 完善企业职工在岗教育培训体系").is_visible()
    shot(page, "dashboard")
    page.context.close()


def test_a_wrong_password_says_so(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{server}/login")
    page.get_by_label("用户名").fill("jyj")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确"
    context.close()
