"""审核: the supervisor's queue of submitted reports; accept, or return with a reason."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.db import Store
from duban.models import Plan, Report, Unit
from duban.services import reports
from tests.factories import SUPERVISOR, assignment_id, report

Client = Callable[[str], TestClient]
PDF = b"%PDF-1.4\n% evidence\n"


def plan_id(store: Store) -> int:
    with store.read() as session:
        found = session.scalar(select(Plan.id).where(Plan.state == "published"))
        assert found is not None
        return found


def state_of(store: Store, report_id: int) -> tuple[str, int]:
    with store.read() as session:
        found = session.get(Report, report_id)
        assert found is not None
        return found.state, found.version


def version_on(page: str, report_id: int) -> str:
    found = re.search(
        rf'action="/review/{report_id}/accept">\s*'
        r'<input type="hidden" name="csrf_token" value="[^"]+">\s*'
        r'<input type="hidden" name="version" value="(\d+)">',
        page,
    )
    assert found, "no accept form for the report"
    return found[1]


def test_reporter_submits_and_the_supervisor_accepts_from_the_queue(
    store: Store, client_for: Client
) -> None:
    a = assignment_id(store, plan_id(store), "2", "zw-edu")
    target = client_for("jyj")
    form = target.get(f"/my/report/{a}").text
    figure = re.search(r'name="(figure_\d+)"', form)
    assert figure is not None
    sent = target.post(
        f"/my/report/{a}",
        data={"action": "submit", "claimed": "done", "narrative": "建成专业群3个",
              "late_reason": "审批延后", figure[1]: "3"},
        files=[("evidence", ("验收报告.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303, sent.text
    with store.read() as session:
        report_id = session.scalars(select(Report.id)).one()
    supervisor = client_for("dudao")
    queue = supervisor.get("/review")
    assert queue.status_code == 200
    for shown in ("市教育局", "建成专业群3个", "审批延后", "验收报告.pdf", "已完成", "2. 打造"):
        assert shown in queue.text, shown
    accepted = supervisor.post(
        f"/review/{report_id}/accept",
        data={"version": version_on(queue.text, report_id)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert state_of(store, report_id)[0] == "accepted"
    assert "没有待审核的报告" in supervisor.get(accepted.headers["location"]).text


def test_queue_is_oldest_first_and_filters_by_unit(store: Store, client_for: Client) -> None:
    plan = plan_id(store)
    newer = report(store, assignment_id(store, plan, "3", "zw-edu"), dt.date(2021, 6, 20))
    older = report(store, assignment_id(store, plan, "3", "zw-hrss"), dt.date(2021, 5, 10))
    client = client_for("dudao")
    page = client.get("/review").text
    assert page.index(f'id="r{older}"') < page.index(f'id="r{newer}"')
    with store.read() as session:
        hrss = session.scalars(select(Unit.id).where(Unit.key == "zw-hrss")).one()
    only = client.get("/review", params={"unit": hrss, "plan": plan}).text
    assert f'id="r{older}"' in only and f'id="r{newer}"' not in only


def test_a_decision_on_a_changed_report_is_a_409(store: Store, client_for: Client) -> None:
    made = report(store, assignment_id(store, plan_id(store), "3", "zw-edu"), dt.date(2021, 6, 20))
    client = client_for("dudao")
    seen = version_on(client.get("/review").text, made)
    with store.write() as session:  # another reviewer returns it first
        reports.return_report(session, made, reason="请补充数据", actor=SUPERVISOR)
    stale = client.post(f"/review/{made}/accept", data={"version": seen})
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    assert state_of(store, made)[0] == "returned"


def test_returning_needs_a_reason_which_the_unit_then_sees(
    store: Store, client_for: Client
) -> None:
    made = report(store, assignment_id(store, plan_id(store), "3", "zw-edu"), dt.date(2021, 6, 20))
    client = client_for("dudao")
    refused = client.post(f"/review/{made}/return", data={"version": "1", "reason": "  "})
    assert refused.status_code == 400 and "退回原因" in refused.text
    assert state_of(store, made) == ("submitted", 1)
    returned = client.post(
        f"/review/{made}/return", data={"version": "1", "reason": "数据与台账不一致"}
    )
    assert returned.status_code == 200  # followed to the queue
    assert state_of(store, made)[0] == "returned"
    assert "数据与台账不一致" in client_for("jyj").get("/my").text


def test_review_is_for_supervisors_and_admins_only(store: Store, client_for: Client) -> None:
    made = report(store, assignment_id(store, plan_id(store), "3", "zw-edu"), dt.date(2021, 6, 20))
    assert client_for("dudao").get("/review").status_code == 200
    assert client_for("admin").get("/review").status_code == 200
    for name in ("jyj", "leader"):
        client = client_for(name)
        assert client.get("/review").status_code == 403
        assert client.post(f"/review/{made}/accept", data={"version": "1"}).status_code == 403
    no_token = client_for("dudao")
    del no_token.headers["x-csrf-token"]
    assert no_token.post(f"/review/{made}/accept", data={"version": "1"}).status_code == 403
    assert state_of(store, made) == ("submitted", 1)
