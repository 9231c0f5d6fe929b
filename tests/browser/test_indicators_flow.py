"""A supervisor reads the indicators in a real browser: the city's figure, another scope's, and
the drill-down to the rows behind it."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Deployment, shot
from tests.browser.test_pages import sign_in
from tests.web.test_indicators import YEAR, seed


def test_a_supervisor_switches_scope_and_follows_a_drill_down(
    browser: Any, deployment: Deployment
) -> None:
    seed(deployment.store)
    server = deployment.url
    page = sign_in(browser, server, "dudao")
    page.get_by_role("link", name="指标", exact=True).click()
    page.wait_for_url(f"{server}/indicators")
    page.get_by_label("学年", exact=True).select_option(str(YEAR))
    page.get_by_role("button", name="查看").click()
    row = page.locator("#i-double_qualified_share")
    assert row.locator(".in-value").inner_text() == "75%"
    page.get_by_label("范围", exact=True).select_option("zn-gov")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"{server}/indicators?year={YEAR}&scope=zn-gov")
    assert row.locator(".in-value").inner_text() == "100%"
    page.get_by_label("范围", exact=True).select_option("zw-school")
    page.get_by_role("button", name="查看").click()
    assert row.locator(".in-value").inner_text() == "66.67%"
    shot(page, "indicators")
    row.get_by_role("link", name="查看明细").click()
    page.wait_for_url(f"{server}/indicators/double_qualified_share?scope=zw-school&year={YEAR}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("双师型教师占专业教师比例")
    counted = page.locator("tr.in-counted td:nth-child(4)").all_inner_texts()
    base = page.locator("tr.in-base td:nth-child(4)").all_inner_texts()
    assert (counted, base) == (["T1", "T3"], ["T2"])
    shot(page, "indicator-drill-down")
    page.context.close()
