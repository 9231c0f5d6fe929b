"""The admin sets up a unit's reminder channel in a real browser."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import shot
from tests.browser.test_pages import sign_in


def test_admin_adds_a_dingtalk_robot_for_a_unit(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.goto(f"{server}/admin/units")
    page.get_by_role("link", name="提醒渠道").click()
    page.wait_for_url(f"{server}/admin/reminders")
    assert page.get_by_text("尚未设置提醒渠道").is_visible()
    page.get_by_label("单位", exact=True).select_option("hy-gov")
    page.get_by_label("渠道类型").select_option("dingtalk")
    page.get_by_label("邮件地址或网址").fill("https://oapi.dingtalk.com/robot/send?access_token=t")
    page.get_by_label("签名密钥（钉钉、飞书）").fill("SECbrowser")
    page.get_by_role("button", name="添加", exact=True).click()
    assert page.get_by_role("status").inner_text() == "已添加提醒渠道"
    row = page.get_by_role("row", name="海原县人民政府")
    assert "钉钉群机器人" in row.inner_text() and "已设" in row.inner_text()
    assert "SECbrowser" not in page.content()
    shot(page, "reminder-channels")
    page.context.close()
