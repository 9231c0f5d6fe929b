"""The JSON API under /api/v1, as a client program uses it (signed in with the session cookie)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Plan, Report
from duban.queries.status import plan_status
from duban.services import plans
from tests.conftest import SAMPLE
from tests.factories import ADMIN, assignment_id, report

Clients = Callable[[str], TestClient]
API = "/api/v1"


def counts(store: Store) -> tuple[int, int]:
    with store.read() as session:
        reports = session.scalar(select(func.count(Report.id))) or 0
        events = session.scalar(select(func.count(AuditEvent.id))) or 0
        return reports, events


def new_report(assignment: int, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"assignment": assignment, "claimed": "in_progress",
                            "narrative": "完成专业调研", "late_reason": "疫情影响"}  # fmt: skip
    return body | fields


def test_a_reporter_files_a_report_with_figures_and_reads_it_back(
    store: Store, client_for: Clients
) -> None:
    client = client_for("jyj")
    task = client.get(f"{API}/plans/1/tasks/3").json()
    mine = next(a for a in task["assignments"] if a["unit"]["key"] == "zw-edu")
    target = task["targets"][0]["id"]
    before = counts(store)
    made = client.post(f"{API}/reports", json=new_report(mine["id"], figures={str(target): 3}))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["state"] == "submitted" and body["unit"]["key"] == "zw-edu"
    assert body["figures"] == [{"target": target, "value": 3.0}] and body["task"] == "3"
    assert counts(store) == (before[0] + 1, before[1] + 1)
    assert client.get(f"{API}/reports/{body['id']}").json() == body


def test_a_draft_is_saved_not_sent_and_only_its_unit_reads_it(
    store: Store, client_for: Clients
) -> None:
    own = assignment_id(store, 1, "3", "zw-edu")
    body = new_report(own, draft=True, narrative="草稿内容X")
    made = client_for("jyj").post(f"{API}/reports", json=body)
    assert made.status_code == 201 and made.json()["state"] == "draft"
    draft = made.json()["id"]
    for name in ("rsj", "dudao", "admin", "leader"):
        refused = client_for(name).get(f"{API}/reports/{draft}")
        assert refused.status_code == 404, name
        assert "草稿内容X" not in refused.text and "zw-edu" not in refused.text


def test_a_reporter_cannot_report_on_another_units_assignment(
    store: Store, client_for: Clients
) -> None:
    other = assignment_id(store, 1, "3", "zw-hrss")
    before = counts(store)
    refused = client_for("jyj").post(f"{API}/reports", json=new_report(other))
    assert refused.status_code == 404
    assert refused.json() == {"error": "没有这项分工，或它不属于您的单位", "status": 404}
    assert counts(store) == before


def test_only_reporters_and_leaders_file_reports(store: Store, client_for: Clients) -> None:
    own = assignment_id(store, 1, "3", "zw-edu")
    before = counts(store)
    for name in ("admin", "dudao", "leader"):
        refused = client_for(name).post(f"{API}/reports", json=new_report(own))
        assert refused.status_code == 403, name
        assert refused.json()["error"] == "您没有权限执行此操作"
    assert counts(store) == before


def test_the_report_list_is_own_unit_plus_others_accepted(
    store: Store, client_for: Clients
) -> None:
    edu, hrss = assignment_id(store, 1, "3", "zw-edu"), assignment_id(store, 1, "3", "zw-hrss")
    edu_sent = report(store, edu, dt.date(2021, 5, 10))
    hrss_sent = report(store, hrss, dt.date(2021, 5, 11))
    hrss_ok = report(store, hrss, dt.date(2021, 8, 1), "done", accept_on=dt.date(2021, 8, 2))
    client = client_for("jyj")
    draft = client.post(f"{API}/reports", json=new_report(edu, draft=True)).json()["id"]

    def ids(name: str, **params: str) -> set[int]:
        listed = client_for(name).get(f"{API}/reports", params=params).json()
        assert listed["total"] == len(listed["items"])
        return {r["id"] for r in listed["items"]}

    assert ids("jyj") == {edu_sent, draft, hrss_ok}
    assert ids("rsj") == {hrss_sent, hrss_ok}
    assert ids("zwxx") == {hrss_ok}
    assert ids("dudao") == ids("leader") == {edu_sent, hrss_sent, hrss_ok}
    assert ids("dudao", unit="zw-hrss", state="accepted") == {hrss_ok}
    assert ids("dudao", plan="1", task="3") == {edu_sent, hrss_sent, hrss_ok}
    assert ids("dudao", task="4") == set()
    assert client_for("jyj").get(f"{API}/reports/{hrss_sent}").status_code == 404


def test_a_supervisor_accepts_from_the_version_seen_and_a_stale_one_is_409(
    store: Store, client_for: Clients
) -> None:
    sent = report(store, assignment_id(store, 1, "3", "zw-edu"), dt.date(2021, 5, 10))
    client = client_for("dudao")
    accepted = client.post(f"{API}/reports/{sent}/accept", json={"version": 1})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted" and accepted.json()["version"] == 2
    again = client.post(f"{API}/reports/{sent}/accept", json={"version": 1})
    assert again.status_code == 409 and "已被他人修改" in again.json()["error"]


def test_returning_a_report_needs_a_reason(store: Store, client_for: Clients) -> None:
    sent = report(store, assignment_id(store, 1, "3", "zw-hrss"), dt.date(2021, 5, 10))
    client = client_for("admin")
    assert client.post(f"{API}/reports/{sent}/return", json={"version": 1}).status_code == 422
    blank = client.post(f"{API}/reports/{sent}/return", json={"version": 1, "reason": "  "})
    assert blank.status_code == 400 and "退回原因" in blank.json()["error"]
    back = client.post(f"{API}/reports/{sent}/return", json={"version": 1, "reason": "数据不全"})
    assert back.status_code == 200
    assert back.json()["state"] == "returned" and back.json()["return_reason"] == "数据不全"
    refused = client_for("jyj").post(f"{API}/reports/{sent}/accept", json={"version": 2})
    assert refused.status_code == 403


def test_plans_are_published_ones_and_admins_also_see_drafts(
    store: Store, client_for: Clients
) -> None:
    text = SAMPLE.read_bytes() + "\n（修订稿）\n".encode()
    with store.write() as session:
        draft = plans.import_plan(session, text, "修订稿.txt", effective=dt.date(2022, 1, 1),
                                  actor=ADMIN).plan.id  # fmt: skip
    listed = client_for("leader").get(f"{API}/plans").json()
    assert [(p["id"], p["state"], p["task_count"]) for p in listed] == [(1, "published", 25)]
    assert {p["id"] for p in client_for("admin").get(f"{API}/plans").json()} == {1, draft}
    assert client_for("dudao").get(f"{API}/plans/{draft}").status_code == 404
    detail = client_for("admin").get(f"{API}/plans/{draft}").json()
    assert detail["state"] == "draft" and len(detail["tasks"]) == 25


def test_status_has_the_shape_of_status_json(store: Store, client_for: Clients) -> None:
    client = client_for("leader")
    day = dt.date(2021, 8, 5)
    got = client.get(f"{API}/plans/1/status", params={"as_of": day.isoformat()}).json()
    with store.read() as session:
        plan = session.get(Plan, 1)
        assert plan is not None
        expected = plan_status(session, plan, day).to_json()
    assert got == expected
    mine = client.get(f"{API}/plans/1/status", params={"as_of": "2021-08-05", "unit": "zw-hrss"})
    units = {a["unit"] for t in mine.json()["tasks"] for a in t["assignments"]}
    assert units == {"中卫市人力资源和社会保障局"}
    unknown = client.get(f"{API}/plans/1/status", params={"unit": "nowhere"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "没有这个单位"


def test_a_task_gives_the_ids_a_client_reports_with(client_for: Clients) -> None:
    task = client_for("rsj").get(f"{API}/plans/1/tasks/17", params={"as_of": "2021-08-05"})
    body = task.json()
    assert body["status"] == "overdue" and body["deadline"] == "2021-06-30"
    assert {a["unit"]["key"] for a in body["assignments"]} >= {"zw-hrss", "zw-edu"}
    assert all(isinstance(a["id"], int) for a in body["assignments"])
    assert body["targets"] and all(t["pace"] for t in body["targets"])
    assert client_for("rsj").get(f"{API}/plans/1/tasks/99").status_code == 404


def test_me_and_units(client_for: Clients) -> None:
    client = client_for("zwxx")
    me = client.get(f"{API}/me").json()
    assert me["role"] == "reporter"
    assert me["unit"] == {"key": "zw-school", "name": "中卫市职业技术学校"}
    assert me["permissions"] == [
        "plan.view", "report.submit", "records.submit", "extension.request", "indicators.view",
        "action.respond",
    ]  # fmt: skip
    schools = client.get(f"{API}/units", params={"kind": "school"}).json()
    assert "zw-school" in {u["key"] for u in schools} and {u["kind"] for u in schools} == {"school"}


def test_bad_input_is_a_clear_4xx_never_a_500(store: Store, client_for: Clients) -> None:
    own = assignment_id(store, 1, "3", "zw-edu")
    client = client_for("jyj")
    before = counts(store)
    gets = [f"/plans/{2**40}", "/plans/0", "/plans/x", "/plans/1/status?as_of=2021-13-45",
            "/plans/1/status?as_of=0001-01-01", "/plans/1/tasks/%00", "/reports?state=lost",
            f"/reports?plan={2**63}", "/reports?limit=100000", f"/reports/{2**63}",
            "/reports?unit=" + "x" * 65, "/units?kind=%00"]  # fmt: skip
    for path in gets:
        answer = client.get(API + path)
        assert answer.status_code in (400, 404, 422), (path, answer.text)
        assert set(answer.json()) == {"error", "status"}
    posts: list[Any] = [
        new_report(own, claimed="finished"), new_report(2**40), new_report(own, extra=1),
        new_report(own, narrative="x" * 20001), new_report(own, narrative="a\x00b"),
        new_report(own, figures={"1": "many"}), new_report(own, figures={str(2**40): 1}),
        new_report(own, figures={"1": 1}), [], "text", None,
    ]  # fmt: skip
    for body in posts:
        answer = client.post(f"{API}/reports", json=body)
        assert answer.status_code in (400, 404, 422), (body, answer.text)
    as_json = {"content-type": "application/json"}
    nan = b'{"assignment": %d, "claimed": "done", "figures": {"1": NaN}}' % own
    for raw in (nan, b"{not json", b"\xff\xfe"):
        answer = client.post(f"{API}/reports", content=raw, headers=as_json)
        assert answer.status_code == 422, (raw, answer.text)
    assert counts(store) == before


def test_the_api_needs_a_session_and_the_csrf_header(
    app: FastAPI, store: Store, client_for: Clients
) -> None:
    anonymous = TestClient(app)
    for path in ("/plans", "/me", "/reports", "/reports/1", "/units"):
        answer = anonymous.get(API + path)
        assert answer.status_code == 401 and answer.json() == {"error": "请先登录", "status": 401}
    own = assignment_id(store, 1, "3", "zw-edu")
    assert anonymous.post(f"{API}/reports", json=new_report(own)).status_code == 401
    client = client_for("jyj")
    before = counts(store)
    forged = client.post(f"{API}/reports", json=new_report(own), headers={"x-csrf-token": "x"})
    assert forged.status_code == 403 and "CSRF" in forged.json()["error"]
    del client.headers["x-csrf-token"]
    assert client.post(f"{API}/reports", json=new_report(own)).status_code == 403
    assert counts(store) == before


def test_openapi_describes_every_endpoint(app: FastAPI) -> None:
    spec = TestClient(app).get(f"{API}/openapi.json").json()
    paths = {p for p in spec["paths"] if p.startswith(API)}
    assert paths == {
        f"{API}/plans", f"{API}/plans/{{plan_id}}", f"{API}/plans/{{plan_id}}/status",
        f"{API}/plans/{{plan_id}}/tasks/{{number}}", f"{API}/units", f"{API}/me",
        f"{API}/reports", f"{API}/reports/{{report_id}}", f"{API}/reports/{{report_id}}/accept",
        f"{API}/reports/{{report_id}}/return",
        f"{API}/meetings", f"{API}/meetings/{{meeting_id}}",
        f"{API}/meetings/{{meeting_id}}/decisions", f"{API}/meetings/{{meeting_id}}/circulate",
        f"{API}/meetings/{{meeting_id}}/sign", f"{API}/meetings/{{meeting_id}}/paper-signoffs",
        f"{API}/extensions", f"{API}/extensions/{{extension_id}}",
        f"{API}/extensions/{{extension_id}}/withdraw", f"{API}/extensions/{{extension_id}}/review",
        f"{API}/extensions/{{extension_id}}/decide",
        f"{API}/actions", f"{API}/actions/proposals", f"{API}/actions/{{action_id}}",
        f"{API}/actions/{{action_id}}/close", f"{API}/actions/{{action_id}}/issue",
        f"{API}/actions/{{action_id}}/reopen", f"{API}/actions/{{action_id}}/responses",
        f"{API}/actions/{{action_id}}/responses/multipart", f"{API}/actions/{{action_id}}/withdraw",
        f"{API}/indicators", f"{API}/indicators/{{key}}/rows", f"{API}/reminder-channels",
    }  # fmt: skip
    post = spec["paths"][f"{API}/reports"]["post"]
    assert "201" in post["responses"] and "409" in post["responses"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("ReportIn")


def test_a_body_that_is_not_utf8_is_a_400_in_the_api_error_shape(
    store: Store, client_for: Clients
) -> None:
    """Found by fuzzing: FastAPI refuses an undecodable body with Starlette's own exception,
    which answered ``{"detail": "There was an error parsing the body"}`` outside the schema."""
    sent = report(store, assignment_id(store, 1, "3", "zw-edu"), dt.date(2021, 5, 10))
    as_json = {"content-type": "application/json"}
    before = counts(store)
    for name, path in (("jyj", "/reports"), ("admin", f"/reports/{sent}/accept"),
                       ("admin", f"/reports/{sent}/return")):  # fmt: skip
        answer = client_for(name).post(API + path, content=b"\x81\xfe{", headers=as_json)
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json() == {"error": "请求内容无法解析：须为 UTF-8 编码的 JSON", "status": 400}
    assert counts(store) == before


def test_openapi_describes_what_the_report_body_accepts(app: FastAPI) -> None:
    """Found by fuzzing: bodies valid by the description (figures keyed by any string, text with
    NUL) were refused 422; the description now says what is accepted."""
    schemas = TestClient(app).get(f"{API}/openapi.json").json()["components"]["schemas"]
    figures = schemas["ReportIn"]["properties"]["figures"]
    assert figures["propertyNames"] == {"pattern": "^[1-9][0-9]{0,8}$"}
    no_nul = "^[^\\x00]*$"
    assert schemas["ReportIn"]["properties"]["narrative"]["pattern"] == no_nul
    assert schemas["ReportIn"]["properties"]["late_reason"]["anyOf"][0]["pattern"] == no_nul
    assert schemas["ReturnIn"]["properties"]["reason"]["pattern"] == no_nul
