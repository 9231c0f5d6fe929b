"""The client of tests/crash_http.py: people writing through a served Duban, and what it knows it
wrote.

A write is ``tried`` before its request goes out and ``acked`` once its answer says it is stored
(the redirect or the JSON a person would see): the client's promise that tests/crash_http_checks.py
holds the store to after every kill. ``sign_in`` and ``session_client`` also serve the stress
tests (tests/web/test_stress_one_row.py).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import openpyxl

from duban.domain.records import Value
from duban.exchange.progress_xlsx import MAIN
from duban.exchange.records_xlsx import write_template
from duban.services.records import record_kinds

PASSWORD = "crash-test-9"
YEAR = 2022  # the school year of the teacher uploads
PROGRESS_ROWS = 2  # rows filled in each progress workbook


# --- what the client knows it wrote -------------------------------------------------------------


@dataclass
class Write:
    """One write: its number ``n`` (unique in the run), its kind and what it should leave."""

    n: int
    kind: str  # submit | accept | return | records | progress
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Log:
    """Every write tried and every write acknowledged, over all rounds."""

    tried: dict[int, Write] = field(default_factory=dict)
    acked: dict[int, Write] = field(default_factory=dict)
    in_flight: Counter[str] = field(default_factory=Counter)
    """Kills that landed while a request was out (tried, not answered), by its kind."""
    errors: list[str] = field(default_factory=list)


def evidence_bytes(n: int) -> bytes:
    """Write ``n``'s evidence file: its own content, so it is stored as its own file."""
    return (f"第{n}次报送的佐证材料\n" * 200).encode()


def report_figures(n: int, targets: list[int]) -> dict[int, float]:
    return {target: n + k / 4 for k, target in enumerate(targets)}


def progress_narrative(n: int, row: int) -> str:
    return f"离线填报第{n}次（第{row}行）"


@dataclass(frozen=True)
class Stage:
    """What the client needs to know of the deployment: 教育局's assignments with their targets
    (those with targets first), and the school's name for its workbooks."""

    assignments: list[tuple[int, list[int]]]
    school: str


# --- the client ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    cookie: str
    csrf: str


def sign_in(url: str, name: str) -> Credentials:
    """Sign ``name`` in as a browser does; the session cookie and the CSRF token it carries."""
    with httpx.Client(base_url=url, timeout=30) as http:
        token = _csrf(http.get("/login").text)
        page = http.post("/login", data={"username": name, "password": PASSWORD,
                                         "csrf_token": token, "next": "/"},
                         follow_redirects=True)  # fmt: skip
        assert page.status_code == 200, page.text[:500]
        return Credentials(http.cookies["duban_session"], _csrf(page.text))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def progress_workbook(url: str, jyj: Credentials) -> bytes:
    """The bureau's blank progress workbook of the current period, as downloaded."""
    with session_client(url, jyj) as http:
        response = http.get("/my/progress/1.xlsx")
        assert response.status_code == 200, response.text[:500]
        return response.content


def session_client(url: str, who: Credentials) -> httpx.Client:
    """A client on ``who``'s session: its cookie, and its CSRF token on every request."""
    return httpx.Client(base_url=url, timeout=30, cookies={"duban_session": who.cookie},
                        headers={"x-csrf-token": who.csrf})  # fmt: skip


class Driver:
    """Writes through one server in a fixed cycle until the server is gone."""

    CYCLE = ("submit", "decide", "records", "submit", "decide", "progress")

    def __init__(self, url: str, cast: dict[str, Credentials], stage: Stage, workbook: bytes,
                 log: Log, first: int) -> None:  # fmt: skip
        self.http = {name: session_client(url, who) for name, who in cast.items()}
        self.stage, self.workbook, self.log, self.first = stage, workbook, log, first
        self.acked = threading.Event()
        self.last: Write | None = None
        self.sent = 0  # the report the next decision is on

    def run(self) -> None:
        try:
            for n in itertools.count(self.first):
                write = self._prepare(n)
                self.last = write
                self.log.tried[n] = write
                self._send(write)
                self.log.acked[n] = write
                self.last = None
                self.acked.set()
        except httpx.TransportError:
            return  # the server was killed
        except AssertionError as exc:
            self.log.errors.append(str(exc))
            self.acked.set()
        finally:
            for http in self.http.values():
                http.close()

    def _prepare(self, n: int) -> Write:
        kind = self.CYCLE[n % len(self.CYCLE)]
        if kind == "submit":
            assignment, targets = self.stage.assignments[n % len(self.stage.assignments)]
            facts = {"assignment": assignment, "figures": report_figures(n, targets),
                     "sha": hashlib.sha256(evidence_bytes(n)).hexdigest()}  # fmt: skip
            return Write(n, kind, facts)
        if kind == "decide":
            kind = "accept" if n % 4 == 1 else "return"
            return Write(n, kind, {"id": self.sent})
        data = self._teachers(n) if kind == "records" else self._progress(n)
        return Write(n, kind, {"data": data, "sha": hashlib.sha256(data).hexdigest()})

    def _send(self, write: Write) -> None:
        send = {"submit": self._submit, "accept": self._decide, "return": self._decide,
                "records": self._records, "progress": self._import}[write.kind]  # fmt: skip
        send(write)

    def _submit(self, write: Write) -> None:
        n, facts = write.n, write.facts
        fields = {"action": "submit", "claimed": ("in_progress", "done")[n % 2],
                  "narrative": f"第{n}次报送", "late_reason": "崩溃测试",
                  **{f"figure_{t}": str(v) for t, v in facts["figures"].items()}}  # fmt: skip
        files = [("evidence", (f"佐证{n}.txt", evidence_bytes(n), "text/plain"))]
        answer = self.http["jyj"].post(f"/my/report/{facts['assignment']}", data=fields,
                                       files=files)  # fmt: skip
        sent = re.match(r"/my\?sent=(\d+)#", answer.headers.get("location", ""))
        assert answer.status_code == 303 and sent, f"submit {n}: {answer.status_code}"
        facts["id"] = self.sent = int(sent.group(1))

    def _decide(self, write: Write) -> None:
        verb = write.kind
        body: dict[str, Any] = {"version": 1}  # a report just sent is at its first version
        if verb == "return":
            body["reason"] = f"第{write.n}次退回"
        answer = self.http["dudao"].post(f"/api/v1/reports/{write.facts['id']}/{verb}", json=body)
        assert answer.status_code == 200, f"{verb} {write.n}: {answer.status_code} {answer.text}"
        expected = "accepted" if verb == "accept" else "returned"
        assert answer.json()["state"] == expected

    def _records(self, write: Write) -> None:
        files = {"file": ("教师.xlsx", write.facts["data"], "application/octet-stream")}
        answer = self.http["zwxx"].post("/my/data", data={"kind": "teacher", "year": str(YEAR)},
                                        files=files)  # fmt: skip
        where = answer.headers.get("location", "")
        assert answer.status_code == 303 and "unchanged=0" in where, f"records {write.n}"

    def _import(self, write: Write) -> None:
        files = {"file": ("填报表.xlsx", write.facts["data"], "application/octet-stream")}
        answer = self.http["jyj"].post("/my/progress", files=files)
        where = answer.headers.get("location", "")
        assert answer.status_code == 303 and f"submitted={PROGRESS_ROWS}&" in where, (
            f"progress {write.n}: {answer.status_code} {answer.text[:300]}"
        )

    def _teachers(self, n: int) -> bytes:
        """A filled teacher workbook of 1–5 rows whose numbers are this write's own."""
        rows: list[dict[str, Value]] = [
            {"staff_no": f"{n}-{i}", "name": f"教师{i}", "professional": True,
             "double_qualified": i % 2 == 0} for i in range(1 + n % 5)
        ]  # fmt: skip
        kind = record_kinds()["teacher"]
        return write_template(kind, school_name=self.stage.school, year=YEAR, rows=rows)

    def _progress(self, n: int) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(self.workbook))
        for row in range(4, 4 + PROGRESS_ROWS):
            cells = {"H": "推进中", "I": progress_narrative(n, row), "J": "崩溃测试"}
            for column, value in cells.items():
                book[MAIN][f"{column}{row}"] = value
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
