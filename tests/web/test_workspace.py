"""我的任务: a unit's assignments, report form, drafts, evidence — and nothing of another unit's.

The cast: jyj reports for 市教育局 (zw-edu, lead on task 2, cooperating on task 17); rsj (市人社局)
and zwxx (市职业技术学校) are the *other* units that must never reach 教育局's work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.db import Store
from duban.models import Evidence, Plan, Report, Target, Task
from duban.services import reports
from tests.factories import SUPERVISOR, assignment_id

Client = Callable[[str], TestClient]
PDF = b"%PDF-1.4\n% minutes of the meeting\n"


def plan_id(store: Store) -> int:
    with store.read() as session:
        found = session.scalar(select(Plan.id).where(Plan.state == "published"))
        assert found is not None
        return found


def edu(store: Store, number: str = "2") -> int:
    return assignment_id(store, plan_id(store), number, "zw-edu")


def first_target(store: Store, number: str = "2") -> int:
    with store.read() as session:
        query = select(Target.id).join(Task).where(Task.number == number).order_by(Target.seq)
        found = session.scalars(query).first()
        assert found is not None
        return found


def count(store: Store, model: type[Report] | type[Evidence]) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def post_form(
    client: TestClient, url: str, files: Sequence[tuple[str, bytes]] = (), **data: str
) -> httpx.Response:
    """Post the report form as a browser does (multipart, with files if any)."""
    parts = [("evidence", (name, body, "application/octet-stream")) for name, body in files]
    return client.post(url, data=data, files=parts or None, follow_redirects=False)


def submit(
    client: TestClient, assignment: int, files: Sequence[tuple[str, bytes]] = (), **extra: str
) -> httpx.Response:
    """Send a report on ``assignment`` (in progress, with a late reason unless told otherwise)."""
    fields = {
        "action": "submit",
        "claimed": "in_progress",
        "narrative": "进展",
        "late_reason": "原因",
    }
    return post_form(client, f"/my/report/{assignment}", files, **(fields | extra))


def test_workspace_lists_the_units_assignments_with_status_and_period(
    client_for: Client,
) -> None:
    page = client_for("jyj").get("/my")
    assert page.status_code == 200
    assert "市教育局" in page.text and "2. 打造优势特色专业及专业群" in page.text
    assert "配合" in page.text  # task 17: 市教育局 cooperates
    assert "badge s-" in page.text and "前报送" in page.text and "本期待报送" in page.text
    assert "已过" in page.text  # every sample deadline lies in 2021–2023


def test_workspace_is_for_reporters_and_leaders_only(client_for: Client) -> None:
    assert client_for("jyj").get("/my").status_code == 200
    assert client_for("dudao").get("/my").status_code == 403
    assert client_for("leader").get("/my").status_code == 403


def test_reporter_submits_a_report_with_a_figure_and_evidence(
    store: Store, client_for: Client
) -> None:
    client, a, target = client_for("jyj"), edu(store), first_target(store)
    form = client.get(f"/my/report/{a}")
    assert form.status_code == 200
    assert f'name="figure_{target}"' in form.text and "目标" in form.text
    assert 'name="late_reason"' in form.text and "报送时必须说明逾期原因" in form.text
    sent = post_form(
        client,
        f"/my/report/{a}",
        [("会议纪要.pdf", PDF)],
        action="submit",
        claimed="in_progress",
        narrative="已建成3个专业群",
        late_reason="疫情影响",
        **{f"figure_{target}": "3"},
    )
    assert sent.status_code == 303, sent.text
    with store.read() as session:
        report = session.scalars(select(Report).where(Report.assignment_id == a)).one()
        assert report.state == "submitted" and report.narrative == "已建成3个专业群"
        assert [(f.target_id, f.value) for f in report.figures] == [(target, 3.0)]
        assert [e.name for e in report.evidence] == ["会议纪要.pdf"]
    assert "本期已报送" in client.get("/my").text


def test_a_bad_file_refuses_the_whole_submission(store: Store, client_for: Client) -> None:
    before = (count(store, Report), count(store, Evidence))
    files = [("会议纪要.pdf", PDF), ("工具.exe", b"MZ\x90\x00binary")]
    page = submit(client_for("jyj"), edu(store), files, narrative="三个专业群已建成")
    assert page.status_code == 400
    assert "工具.exe" in page.text and "本次填报未保存" in page.text
    assert "三个专业群已建成" in page.text  # what was typed is kept on the form
    assert (count(store, Report), count(store, Evidence)) == before
    assert not (store.settings.home / "evidence").exists()  # not even the good file is kept


def test_late_reason_is_required_to_submit_past_the_deadline_but_not_for_a_draft(
    store: Store, client_for: Client
) -> None:
    client, a = client_for("jyj"), edu(store)
    refused = post_form(
        client, f"/my/report/{a}", action="submit", claimed="in_progress", narrative="进展"
    )
    assert refused.status_code == 400 and "逾期原因" in refused.text
    assert count(store, Report) == 0
    saved = post_form(
        client, f"/my/report/{a}", action="draft", claimed="in_progress", narrative="进展"
    )
    assert saved.status_code == 303 and "/my/draft/" in saved.headers["location"]
    no_deadline = client.get(f"/my/report/{edu(store, '21')}")  # 21: no deadline
    assert no_deadline.status_code == 200 and 'name="late_reason"' not in no_deadline.text


def test_a_draft_is_listed_edited_and_sent(store: Store, client_for: Client) -> None:
    client, a, figure = client_for("jyj"), edu(store), f"figure_{first_target(store)}"
    fields = {"action": "draft", "claimed": "not_started", "narrative": "初稿", figure: "2"}
    saved = post_form(client, f"/my/report/{a}", **fields)
    draft_url = saved.headers["location"].split("?")[0]
    assert "继续编辑" in client.get("/my").text
    page = client.get(draft_url)
    assert page.status_code == 200 and "初稿" in page.text and 'value="2"' in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    sent = post_form(
        client,
        draft_url,
        [("说明.txt", "文字说明".encode())],
        action="submit",
        version=version[1],
        claimed="in_progress",
        narrative="定稿",
        late_reason="原因",
        **{figure: "5"},
    )
    assert sent.status_code == 303, sent.text
    with store.read() as session:
        report = session.scalars(select(Report)).one()
        assert (report.state, report.narrative, len(report.evidence)) == ("submitted", "定稿", 1)
        assert [f.value for f in report.figures] == [5.0]


def test_a_stale_draft_version_is_a_409(store: Store, client_for: Client) -> None:
    client = client_for("jyj")
    saved = post_form(
        client, f"/my/report/{edu(store)}", action="draft", claimed="in_progress", narrative="初稿"
    )
    url = saved.headers["location"].split("?")[0]
    fresh = post_form(
        client, url, action="draft", version="1", claimed="in_progress", narrative="第二稿"
    )
    assert fresh.status_code == 303
    stale = post_form(client, url, action="draft", version="1", claimed="done", narrative="旧稿")
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    with store.read() as session:
        assert session.scalars(select(Report.narrative)).one() == "第二稿"


def test_a_returned_report_shows_its_reason_in_the_workspace(
    store: Store, client_for: Client
) -> None:
    client, a = client_for("jyj"), edu(store)
    submit(client, a)
    with store.write() as session:
        report = session.scalars(select(Report)).one()
        reports.return_report(session, report.id, reason="缺少佐证材料", actor=SUPERVISOR)
    page = client.get("/my")
    assert "被退回的报告" in page.text and "缺少佐证材料" in page.text
    assert "缺少佐证材料" in client.get(f"/my/report/{a}").text


def test_another_units_assignment_and_draft_are_404_and_nothing_is_written(
    store: Store, client_for: Client
) -> None:
    a = edu(store)
    saved = post_form(
        client_for("jyj"),
        f"/my/report/{a}",
        action="draft",
        claimed="in_progress",
        narrative="教育局的草稿",
    )
    draft_url = saved.headers["location"].split("?")[0]
    before = count(store, Report)
    for name in ("rsj", "zwxx"):
        other = client_for(name)
        for url in (f"/my/report/{a}", draft_url):
            page = other.get(url)
            assert page.status_code == 404 and "教育局的草稿" not in page.text
            posted = post_form(
                other,
                url,
                action="submit",
                version="1",
                claimed="done",
                narrative="篡改",
                late_reason="x",
            )
            assert posted.status_code == 404
    assert count(store, Report) == before
    with store.read() as session:
        draft = session.scalars(select(Report)).one()
        assert (draft.narrative, draft.version, draft.state) == ("教育局的草稿", 1, "draft")


def test_viewers_and_supervisors_cannot_post_reports(store: Store, client_for: Client) -> None:
    for name in ("leader", "dudao"):
        posted = submit(client_for(name), edu(store), claimed="done")
        assert posted.status_code == 403
    assert count(store, Report) == 0


def test_evidence_download_follows_who_may_see_the_report(store: Store, client_for: Client) -> None:
    submit(client_for("jyj"), edu(store), [("会议纪要.pdf", PDF)])
    with store.read() as session:
        evidence_id, report_id = session.execute(select(Evidence.id, Evidence.report_id)).one()
    url = f"/evidence/{evidence_id}"
    own = client_for("jyj").get(url)
    assert own.status_code == 200 and own.content == PDF
    assert own.headers["content-type"] == "application/pdf"
    assert own.headers["content-disposition"].startswith("attachment;")
    assert client_for("dudao").get(url).status_code == 200
    assert client_for("admin").get(url).status_code == 200
    assert client_for("rsj").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 404  # not yet accepted
    with store.write() as session:
        reports.accept_report(session, report_id, actor=SUPERVISOR)
    assert client_for("leader").get(url).status_code == 200
    assert client_for("zwxx").get(url).status_code == 404


def test_lead_unit_sees_accepted_contributions_and_a_coop_unit_reports_one(
    store: Store, client_for: Client
) -> None:
    coop = assignment_id(store, plan_id(store), "5", "zw-hrss")  # 市人社局 cooperates on task 5
    day = dt.date(2021, 6, 21)
    with store.write() as session:
        made = reports.submit_report(
            session, coop, claimed="in_progress", narrative="人社局配合说明", at=day, actor="rsj"
        )
        reports.accept_report(session, made.id, at=day, actor=SUPERVISOR)
    lead_form = client_for("jyj").get(f"/my/report/{edu(store, '5')}").text
    assert "配合单位的配合情况" in lead_form and "人社局配合说明" in lead_form
    coop_form = client_for("rsj").get(f"/my/report/{coop}").text
    assert "填报配合情况" in coop_form and "人社局配合说明" not in coop_form
