"""The demo in a browser: the sign-in page says where the accounts are, a printed account signs
in, and the dashboard shows done and overdue work (its screenshot is the README's)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from duban.config import Settings
from duban.db import Store
from duban.domain import clock
from duban.migrate import upgrade
from duban.services.demo import Demo, build_demo
from duban.web.app import create_app
from tests.browser.conftest import serving, shot


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Demo]]:
    home = tmp_path_factory.mktemp("demo-home")
    settings = Settings(home=home, demo=True, secret_key="d" * 40)
    store = Store(settings)
    upgrade(store.engine)
    with store.write() as session:
        made = build_demo(session, settings, today=clock.today(), seed=1)
    with serving(create_app(settings, store)) as url:
        yield url, made
    store.dispose()


def test_a_printed_account_signs_in_and_sees_the_ledger(
    browser: Any, demo: tuple[str, Demo]
) -> None:
    url, made = demo
    account = next(a for a in made.accounts if a.username == "dudao")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{url}/login")
    assert page.get_by_text("演示模式").is_visible()
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码").fill(account.password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/")
    assert page.get_by_role("heading", name="已逾期").is_visible()
    shot(page, "demo-dashboard")
    if shots := _readme_shot():
        page.screenshot(path=str(shots), full_page=False)
    context.close()


def test_a_units_account_sees_its_own_tasks(browser: Any, demo: tuple[str, Demo]) -> None:
    url, made = demo
    account = next(a for a in made.accounts if a.username == "zw-edu")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码").fill(account.password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/my")
    assert page.get_by_role("heading", name="我的任务").first.is_visible()
    context.close()


def _readme_shot() -> Path | None:
    """Where to refresh the README's screenshot: only when DUBAN_README_SHOT names the file."""
    target = os.environ.get("DUBAN_README_SHOT")
    return Path(target) if target else None
