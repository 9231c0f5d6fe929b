"""Issue 7's joint meeting in a real browser: the admin records a meeting with a decision (a
refused form comes back filled in), the decision is a task of the decisions plan on /tasks, the
minutes go round, the attending unit's leader signs them from 我的任务 and the 督导室 records
the other unit's sign-off that came back on paper, with its scan."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from duban.models import MeetingAttendee
from duban.services import users
from tests.browser.conftest import PASSWORD, Deployment, shot
from tests.browser.test_pages import sign_in
from tests.factories import ADMIN


def test_admin_records_a_meeting_with_a_decision_and_a_leader_signs(
    browser: Any, deployment: Deployment, tmp_path: Path
) -> None:
    url = deployment.url
    with deployment.store.write() as session:
        users.add_user(session, "jyjfzr", PASSWORD, role="leader", unit_key="zw-edu", actor=ADMIN)
    admin = sign_in(browser, url, "admin")
    admin.get_by_role("link", name="联席会议").first.click()
    assert admin.get_by_role("heading", name="建议议题").is_visible()
    assert "研究逾期未完成的重点任务" in admin.get_by_label("会议议程").input_value()
    admin.get_by_label("召开日期").fill("2021-09-10")
    admin.get_by_label("召集人").fill("副市长王某")
    admin.get_by_label("参会单位").fill("市教育局、火星局")
    admin.get_by_label("会议纪要").fill("会议听取了逾期任务的情况汇报，议定如下。")
    admin.get_by_role("button", name="登记会议").click()
    assert admin.get_by_role("alert").get_by_text("参会单位“火星局”不在单位名录中").is_visible()
    assert admin.get_by_label("召集人").input_value() == "副市长王某"  # the form, kept
    admin.get_by_label("参会单位").fill("市教育局、市人社局")
    admin.get_by_role("button", name="登记会议").click()
    assert admin.get_by_role("heading", name=re.compile("第1次联席会议")).is_visible()
    admin.get_by_label("议定事项内容").fill("年底前建成市级公共实训基地。")
    admin.locator("#leads").fill("市教育局")
    admin.locator("#coops").fill("市财政局")
    admin.get_by_label("完成时限").fill("2021-12-31")
    admin.get_by_role("button", name="添加议定事项").click()
    admin.get_by_role("link", name="1-1").click()
    assert admin.get_by_role("link", name="第1次联席会议").is_visible()  # back to the meeting
    admin.goto(f"{url}/tasks?plan=2")
    assert admin.get_by_text("年底前建成市级公共实训基地").first.is_visible()
    shot(admin, "meeting-decisions-tasks")
    admin.goto(f"{url}/meetings/1")
    admin.get_by_role("button", name="纪要送会签").click()
    assert admin.get_by_text("待会签").first.is_visible()
    shot(admin, "meeting")
    admin.context.close()

    head = sign_in(browser, url, "jyjfzr")
    head.goto(f"{url}/my")
    head.get_by_role("link", name="第1次联席会议").click()
    head.get_by_label("会签意见（可不填）").fill("同意。")
    head.get_by_role("button", name="会签", exact=True).click()
    assert head.get_by_text("已会签。").is_visible()
    head.context.close()

    office = sign_in(browser, url, "dudao")
    office.goto(f"{url}/meetings/1")
    office.get_by_label("会签单位").select_option(label="中卫市人力资源和社会保障局")
    office.get_by_label("签字人").fill("张局长")
    scan = tmp_path / "签字页.pdf"
    scan.write_bytes(b"%PDF-1.4 signed page")
    office.get_by_label("签字页扫描件（可不传）").set_input_files(scan)
    office.get_by_role("button", name="登记纸质会签").click()
    assert office.get_by_text("已登记纸质会签。").is_visible()
    assert office.get_by_text("签字人：张局长").is_visible()
    assert office.get_by_role("link", name="扫描件").is_visible()
    assert office.get_by_role("heading", name=re.compile("已会签")).is_visible()
    shot(office, "meeting-paper-signoff")
    office.context.close()
    with deployment.store.read() as session:
        signed = session.scalars(select(MeetingAttendee.opinion).where(
            MeetingAttendee.signed_on.is_not(None)).order_by(MeetingAttendee.id)).all()  # fmt: skip
    assert signed == ["同意。", None]
