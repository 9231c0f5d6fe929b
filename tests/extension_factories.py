"""A revision of the sample whose task 5 falls due at the end of the current month, so that a
unit can ask for an extension today (the sample's own deadlines, 2021–2023, have all passed),
led by 市教育局 alone, so that its extension decides the task's status."""

from __future__ import annotations

import datetime as dt

from duban.db import Store
from duban.services import plans
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE

TASK_5 = (
    "责任单位：市教育局，中宁、海原县人民政府\n\n配合单位：市人力资源社会保障局、财政局、民政局、"
    "扶贫办\n\n完成时限：2021年8月前完成并长期坚持"
)


def month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def revise_task_5_due_this_month(store: Store, today: dt.date) -> int:
    """Import and publish the sample again (a new version, units already loaded) with task 5 led
    by 市教育局 alone and due on the last day of ``today``'s month: due soon today (0–30 days).
    Returns the plan id."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(TASK_5) == 1
    _, coop, _ = TASK_5.split("\n\n")
    revised = f"责任单位：市教育局\n\n{coop}\n\n完成时限：{today.year}年{today.month}月前完成"
    text = text.replace(TASK_5, revised)
    with store.write() as session:
        plan = plans.import_plan(session, text.encode(), "中卫方案（修订）.txt",
                                 effective=EFFECTIVE, actor=ADMIN).plan  # fmt: skip
        plans.publish_plan(session, plan.id, actor=ADMIN)
        return plan.id
