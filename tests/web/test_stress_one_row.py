"""One row, sixteen requests at once, through a served app (uvicorn on loopback, real sockets):
exactly one write wins per version, every other gets 409, the row ends as the winner left it and
the audit trail holds the winners' events and nothing else — on SQLite and on PostgreSQL.

The same upload twice, or by two clerks at once, leaves the store as one upload would: a records
workbook and a progress workbook.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import httpx
import openpyxl
import pytest
import uvicorn
from sqlalchemy import func, select

from duban.config import Settings
from duban.db import Store
from duban.domain.records import Value
from duban.exchange.progress_xlsx import MAIN
from duban.exchange.records_xlsx import write_template
from duban.models import AuditEvent, Record, RecordBatch, Report
from duban.services import users
from duban.services.records import record_kinds
from duban.web.app import create_app
from tests.crash_http import free_port
from tests.crash_http_client import PASSWORD, Credentials, session_client, sign_in
from tests.factories import ADMIN, assignment_id, published_sample

THREADS = 16
ROUNDS = 4  # versions raced for in turn
CAST = {"jyj": ("reporter", "zw-edu"), "jyj2": ("reporter", "zw-edu"),
        "dudao": ("supervisor", None), "zwxx": ("reporter", "zw-school"),
        "zwxx2": ("reporter", "zw-school")}  # fmt: skip


@cache
def password_hash() -> str:
    return users.hash_password(PASSWORD)


@dataclass
class Site:
    url: str
    store: Store
    plan: int
    sessions: dict[str, Credentials] = field(default_factory=dict)

    def client(self, name: str) -> httpx.Client:
        return session_client(self.url, self.signed_in(name))

    def signed_in(self, name: str) -> Credentials:
        """One sign-in per person per site (argon2 makes each take a while)."""
        if name not in self.sessions:
            self.sessions[name] = sign_in(self.url, name)
        return self.sessions[name]


@pytest.fixture
def site(store: Store) -> Iterator[Site]:
    """The published sample with the cast, served by uvicorn in a thread on a free port."""
    plan = published_sample(store)
    with store.write() as session:
        for name, (role, unit) in CAST.items():
            users.add_user(session, name, PASSWORD, role=role, unit_key=unit,
                           hashed=password_hash(), actor=ADMIN)  # fmt: skip
    settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                        secret_key="k" * 40)  # fmt: skip
    config = uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=free_port(),
                            log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        threading.Event().wait(0.02)
    yield Site(f"http://127.0.0.1:{config.port}", store, plan)
    server.should_exit = True
    thread.join(10)


def race(site: Site, name: str, send: Callable[[httpx.Client, int], httpx.Response]
         ) -> list[httpx.Response]:  # fmt: skip
    """``send(client, i)`` from THREADS threads, each on its own connection, released at once."""
    clients = [site.client(name) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    answers: list[httpx.Response | None] = [None] * THREADS

    def run(i: int) -> None:
        start.wait()
        answers[i] = send(clients[i], i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for client in clients:
        client.close()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def one_winner(answers: list[httpx.Response], won: int) -> int:
    """The index of the only answer with status ``won``; every other answer is a 409."""
    codes = [answer.status_code for answer in answers]
    assert sorted(codes) == sorted([won] + [409] * (THREADS - 1)), codes
    return codes.index(won)


def events(store: Store, report_id: int) -> list[tuple[str, dict[str, object]]]:
    with store.read() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.after)
            .where(AuditEvent.object_type == "report", AuditEvent.object_id == report_id)
            .order_by(AuditEvent.id)
        ).all()
    return [(action, after or {}) for action, after in rows]


def report_row(store: Store, report_id: int) -> Report:
    with store.read() as session:
        report = session.get(Report, report_id)
        assert report is not None
        return report


def test_sixteen_reviewers_deciding_one_report_at_once_one_wins(site: Site) -> None:
    assignment = assignment_id(site.store, site.plan, "2", "zw-edu")
    jyj = site.client("jyj")
    for round_ in range(ROUNDS):
        made = jyj.post("/api/v1/reports", json={"assignment": assignment, "claimed": "done",
                                                  "narrative": f"第{round_}轮",
                                                  "late_reason": "原因"})  # fmt: skip
        assert made.status_code == 201, made.text
        report_id, version = made.json()["id"], made.json()["version"]

        def decide(client: httpx.Client, i: int, rid: int = report_id, v: int = version
                   ) -> httpx.Response:  # fmt: skip
            if i % 2:
                return client.post(f"/api/v1/reports/{rid}/accept", json={"version": v})
            return client.post(f"/api/v1/reports/{rid}/return",
                               json={"version": v, "reason": f"第{i}号审核人退回"})  # fmt: skip

        answers = race(site, "dudao", decide)
        winner = one_winner(answers, 200)
        refusals = [a.json() for a in answers if a.status_code == 409]
        assert all("已被他人修改" in r["error"] or "当前状态" in r["error"] for r in refusals)
        report = report_row(site.store, report_id)
        assert report.version == version + 1
        trail = events(site.store, report_id)
        decision = "report.accept" if winner % 2 else "report.return"
        assert [action for action, _ in trail] == ["report.submit", decision]
        if winner % 2:
            assert report.state == "accepted"
        else:
            assert report.state == "returned" and report.return_reason == f"第{winner}号审核人退回"
            assert trail[1][1]["reason"] == report.return_reason
    jyj.close()


def test_sixteen_tabs_saving_one_draft_at_once_keep_one_save_per_version(site: Site) -> None:
    assignment = assignment_id(site.store, site.plan, "2", "zw-edu")
    with site.client("jyj") as jyj:
        made = jyj.post("/api/v1/reports", json={"assignment": assignment, "claimed": "in_progress",
                                                  "draft": True})  # fmt: skip
    assert made.status_code == 201, made.text
    report_id, version = made.json()["id"], made.json()["version"]
    token = site.signed_in("jyj").csrf
    winners = []
    for round_ in range(ROUNDS + 1):
        action = "submit" if round_ == ROUNDS else "draft"  # the last race sends it

        def save(client: httpx.Client, i: int, v: int = version, r: int = round_,
                 act: str = action) -> httpx.Response:  # fmt: skip
            form = {"csrf_token": token, "version": str(v), "action": act,
                    "claimed": "in_progress", "narrative": f"第{r}轮第{i}号标签页",
                    "late_reason": "原因"}  # fmt: skip
            return client.post(f"/my/draft/{report_id}", data=form)

        answers = race(site, "jyj", save)
        winner = one_winner(answers, 303)
        winners.append(winner)
        report = report_row(site.store, report_id)
        assert report.narrative == f"第{round_}轮第{winner}号标签页"
        version = report.version
    assert report.state == "submitted" and version == 1 + ROUNDS + 2  # the last save also sends
    assert [action for action, _ in events(site.store, report_id)] == (
        ["report.draft"] * (1 + ROUNDS + 1) + ["report.submit"]
    )


def teacher_workbook(school: str) -> bytes:
    rows: list[dict[str, Value]] = [{"staff_no": f"T{i}", "name": f"教师{i}", "professional": True,
             "double_qualified": i % 2 == 0} for i in range(30)]  # fmt: skip
    return write_template(record_kinds()["teacher"], school_name=school, year=2022, rows=rows)


def both_at_once(site: Site, names: tuple[str, str], send: Callable[[httpx.Client], httpx.Response]
                 ) -> list[httpx.Response]:  # fmt: skip
    clients = [site.client(name) for name in names]
    start = threading.Barrier(2)
    answers: dict[int, httpx.Response] = {}

    def run(i: int) -> None:
        start.wait()
        answers[i] = send(clients[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    answers[2] = send(clients[0])  # and the same file once more
    for client in clients:
        client.close()
    return [answers[i] for i in range(3)]


def test_one_records_upload_twice_or_by_two_clerks_at_once_is_stored_once(site: Site) -> None:
    data = teacher_workbook("中卫市职业技术学校")

    def upload(client: httpx.Client) -> httpx.Response:
        return client.post(
            "/my/data",
            data={"kind": "teacher", "year": "2022"},
            files={"file": ("教师.xlsx", data, "application/octet-stream")},
        )

    answers = both_at_once(site, ("zwxx", "zwxx2"), upload)
    assert [a.status_code for a in answers] == [303, 303, 303]
    flags = sorted("unchanged=1" in a.headers["location"] for a in answers)
    assert flags == [False, True, True]
    with site.store.read() as session:
        assert session.scalar(select(func.count()).select_from(RecordBatch)) == 1
        assert session.scalar(select(func.count()).select_from(Record)) == 30
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "records.import")) == 1  # fmt: skip


def test_one_progress_workbook_twice_or_by_two_clerks_at_once_is_stored_once(site: Site) -> None:
    with site.client("jyj") as jyj:
        blank = jyj.get(f"/my/progress/{site.plan}.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(blank))
    for row in (4, 5):
        for column, value in {"H": "推进中", "I": f"第{row}行进展", "J": "资金晚到"}.items():
            book[MAIN][f"{column}{row}"] = value
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()

    def upload(client: httpx.Client) -> httpx.Response:
        return client.post(
            "/my/progress", files={"file": ("填报表.xlsx", data, "application/octet-stream")}
        )

    answers = both_at_once(site, ("jyj", "jyj2"), upload)
    assert [a.status_code for a in answers] == [303, 303, 303]
    assert sorted(a.headers["location"].split("&")[0] for a in answers) == [
        "/my/progress?submitted=0", "/my/progress?submitted=0", "/my/progress?submitted=2",
    ]  # fmt: skip
    with site.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 2
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "progress.import")) == 1  # fmt: skip
