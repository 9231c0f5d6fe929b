"""The permission matrix: every route × method × member of the cast × own / other unit's object.

``ROUTES`` declares, one line per route, the action of ``duban.permissions.ACTIONS`` that guards it
(or ``PUBLIC`` / ``SIGNED_IN``), the unit-owned object it reaches, the answer when allowed and the
body an unsafe request sends. The expected answer of every request follows from that line and
the permission table: no sign-in → 303 to /login (pages) or 401 (API); an action not held → 403;
another unit's object → 404. A refusal writes nothing and shows nothing of the object. A route
that is not in ``ROUTES`` fails the test, so a new route comes with its line.

The same walk sends every unsafe route a request without the CSRF token (403, nothing written),
every path and query parameter an absurd id and a NUL character (never a 500), and checks the
security headers of every answer. It runs once per database (a module-scoped fixture); the tests
read its record.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Mount

from duban.config import Settings
from duban.db import Store
from duban.domain import clock
from duban.domain.ladder import Ladder
from duban.models import AuditEvent, Evidence, Report, Task, Unit
from duban.permissions import ACTIONS, Actor, can
from duban.services import actions, evidence, reports, users
from duban.services.actions import ActionDraft
from duban.services.drafts import Upload
from duban.web.app import create_app
from tests.conftest import SAMPLE, migrated_store
from tests.factories import ADMIN, assignment_id, published_sample, sample_registry
from tests.web.conftest import CAST, PASSWORD, csrf_of

PUBLIC, SIGNED_IN = "public", "signed-in"
Body = dict[str, Any] | Callable[["Obj | None"], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """How one route is guarded; see the module docstring."""

    action: str
    obj: str | None = None
    """The unit-owned object the route reaches: assignment, draft, sent (report) or evidence."""
    ok: int | frozenset[int] = 200
    form: Body | None = None
    json: Body | None = None
    files: Body | None = None
    last: bool = False
    """Allowed requests of this route end the session (sign-out): run them after all others."""

    @property
    def oks(self) -> frozenset[int]:
        return self.ok if isinstance(self.ok, frozenset) else frozenset({self.ok})


def oks(*codes: int) -> frozenset[int]:
    return frozenset(codes)


_serial = itertools.count(1)
# Bodies of the unsafe routes: what a member allowed through would send.
BAD_LOGIN = {"username": "nobody", "password": "wrong"}
REPORT = {"claimed": "in_progress", "narrative": "矩阵", "late_reason": "迟", "action": "submit"}
DRAFT = {"claimed": "done", "late_reason": "迟", "version": "1", "action": "save"}
VERSION, RETURN = {"version": "1"}, {"version": "1", "reason": "补充材料"}
PLAN_FILE = {"file": ("plan.txt", SAMPLE.read_bytes())}
NOT_A_WORKBOOK = {"file": ("填报表.xlsx", "不是工作簿".encode())}
EFFECTIVE = {"effective": "2021-01-01"}
PASSWORD_FORM = {"password": PASSWORD + "-2"}
WRONG_CURRENT = {"current_password": "wrong", "new_password": "y" * 9, "confirm": "y" * 9}
API_VERSION, API_RETURN = {"version": 1}, {"version": 1, "reason": "补充材料"}
MEETING = {"held_on": "2021-09-10", "convener": "矩阵", "attendees": "市人社局", "minutes": "纪要"}
DECISION, SIGN = {"text": "矩阵事项", "leads": "市人社局"}, {"opinion": "同意"}
MINUTES_SCAN = {"file": ("签到表.pdf", b"%PDF-1.4 matrix")}
PAPER = {"unit": "市人社局", "signer": "矩阵", "signed_on": clock.today().isoformat()}
API_MEETING = {
    "held_on": "2021-09-10",
    "convener": "矩阵",
    "attendees": ["市人社局"],
    "minutes": "纪要",
}
API_DECISION = {"text": "矩阵事项", "leads": ["市人社局"]}
UNBIND = {"indicator": ""}


def new_user(o: Obj | None) -> dict[str, Any]:
    return {"username": f"u{next(_serial)}", "password": PASSWORD, "role": "viewer"}


def alias(o: Obj | None) -> dict[str, Any]:
    return {"unit": "zw-edu", "alias": f"别名{next(_serial)}"}


def channel(o: Obj | None) -> dict[str, Any]:
    return {"unit": "zw-edu", "kind": "email", "target": f"c{next(_serial)}@zw.test"}


def registry(o: Obj | None) -> dict[str, Any]:
    return {"file": ("units.yaml", sample_registry().encode())}


EXTENSION = {"proposed": "2030-01-01", "reason": "矩阵"}
EXTENSION_REVIEW = {"agrees": "yes", "opinion": "矩阵"}


def api_extension(o: Obj | None) -> dict[str, Any]:
    assert o is not None
    return {"assignment": o.ids["assignment_id"], "proposed_deadline": "2030-01-01",
            "reason": "矩阵"}  # fmt: skip


def api_report(o: Obj | None) -> dict[str, Any]:
    assert o is not None
    return {"assignment": o.ids["assignment_id"], "claimed": "done", "late_reason": "迟"}


SUBMIT, REVIEW, PUBLISH, UNITS = "report.submit", "report.review", "plan.publish", "units.manage"
ISSUE, RESPOND = "action.issue", "action.respond"
NEW_ACTION = {"plan": 1, "unit": 1, "kind": "reminder", "title": "矩阵催办"}
NO_PROPOSAL = {"key": "0:0:red", "plan": 1, "decision": "issue"}
WHY, ANSWER = {"reason": "矩阵"}, {"text": "矩阵答复"}
ANSWER_FILE = {"files": ("整改.pdf", b"%PDF-1.4 matrix")}

ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/login"): Rule(PUBLIC),
    ("GET", "/language"): Rule(PUBLIC, ok=303),
    ("POST", "/login"): Rule(PUBLIC, ok=400, form=BAD_LOGIN),
    ("POST", "/logout"): Rule(PUBLIC, ok=303, last=True),
    ("GET", "/password"): Rule(PUBLIC, ok=303),  # only after an expired password's sign-in
    ("POST", "/password"): Rule(PUBLIC, ok=303, form={"old_password": "x", "new_password": "y"}),
    ("GET", "/account/password"): Rule(SIGNED_IN),
    ("POST", "/account/password"): Rule(SIGNED_IN, ok=400, form=WRONG_CURRENT),  # changes nothing
    ("GET", "/public"): Rule(PUBLIC, ok=404),  # off by default
    ("GET", "/"): Rule("plan.view"),
    ("GET", "/tasks"): Rule("plan.view"),
    ("GET", "/tasks/{plan_id}/{task_number}"): Rule("plan.view"),
    ("GET", "/search"): Rule("plan.view"),
    ("GET", "/my"): Rule(SUBMIT),
    ("GET", "/my/report/{assignment_id}"): Rule(SUBMIT, obj="assignment"),
    ("POST", "/my/report/{assignment_id}"): Rule(SUBMIT, obj="assignment", ok=303, form=REPORT),
    ("GET", "/my/draft/{report_id}"): Rule(SUBMIT, obj="draft"),
    ("POST", "/my/draft/{report_id}"): Rule(SUBMIT, obj="draft", ok=303, form=DRAFT),
    ("GET", "/my/progress"): Rule(SUBMIT),
    ("GET", "/my/progress/{plan_id}.xlsx"): Rule(SUBMIT, ok=oks(200, 404)),  # 404: no tasks there
    ("POST", "/my/progress"): Rule(SUBMIT, ok=400, files=NOT_A_WORKBOOK),
    ("GET", "/my/data"): Rule("records.submit"),  # a unit that is no school: an explanation
    ("GET", "/my/data/{kind}.xlsx"): Rule("records.submit", ok=oks(200, 404)),  # 404: no school
    ("GET", "/my/data/{kind}.csv"): Rule("records.submit", ok=oks(200, 404)),  # 404: no school
    ("POST", "/my/data"): Rule("records.submit", ok=400, files=NOT_A_WORKBOOK),
    ("GET", "/data"): Rule("records.view_all"),
    ("GET", "/indicators"): Rule("indicators.view"),  # a school: its own; other units: the city
    ("GET", "/indicators/{key}"): Rule("indicators.view"),  # rows: the city and schools only
    ("GET", "/indicators/{key}/rows.csv"): Rule("indicators.view", ok=oks(200, 404)),  # 404: unit
    ("GET", "/indicators/bindings"): Rule("indicators.bind"),
    ("POST", "/indicators/bindings/{target_id}"): Rule("indicators.bind", ok=303, form=UNBIND),
    ("GET", "/api/v1/indicators"): Rule("indicators.view"),
    ("GET", "/api/v1/indicators/{key}/rows"): Rule("indicators.view", ok=oks(200, 403)),  # unit
    ("GET", "/evidence/{evidence_id}"): Rule(SIGNED_IN, obj="evidence"),
    ("GET", "/review"): Rule(REVIEW),
    ("POST", "/review/{report_id}/accept"): Rule(REVIEW, obj="sent", ok=303, form=VERSION),
    ("POST", "/review/{report_id}/return"): Rule(REVIEW, obj="sent", ok=303, form=RETURN),
    ("GET", "/audit"): Rule("audit.view"),
    ("GET", "/plans"): Rule("plan.import"),
    ("POST", "/plans/import"): Rule("plan.import", ok=303, form=EFFECTIVE, files=PLAN_FILE),
    ("GET", "/plans/{plan_id}/review"): Rule(PUBLISH),
    ("POST", "/plans/{plan_id}/tasks/{number}"): Rule(PUBLISH, ok=409),  # plan 1 is published
    ("POST", "/plans/{plan_id}/publish"): Rule(PUBLISH, ok=409),  # already published
    ("POST", "/plans/{plan_id}/proposals/{proposal_id}/map"): Rule(UNITS, ok=oks(404, 409)),
    ("POST", "/plans/{plan_id}/proposals/{proposal_id}/confirm"): Rule(UNITS, ok=oks(404, 409)),
    ("GET", "/admin/users"): Rule("users.manage"),
    ("POST", "/admin/users"): Rule("users.manage", ok=303, form=new_user),
    ("POST", "/admin/users/{username}/password"): Rule("users.manage", ok=303, form=PASSWORD_FORM),
    ("POST", "/admin/users/{username}/disable"): Rule("users.manage", ok=303),
    ("POST", "/admin/users/{username}/enable"): Rule("users.manage", ok=303),
    ("POST", "/admin/users/{username}/sessions/end"): Rule("users.manage", ok=303),
    ("GET", "/admin/units"): Rule(UNITS),
    ("GET", "/admin/units/registry.yaml"): Rule(UNITS),
    ("POST", "/admin/units/alias"): Rule(UNITS, ok=303, form=alias),
    ("POST", "/admin/units/upload"): Rule(UNITS, ok=303, files=registry),
    ("GET", "/api/v1/me"): Rule(SIGNED_IN),
    ("GET", "/api/v1/plans"): Rule("plan.view"),
    ("GET", "/api/v1/plans/{plan_id}"): Rule("plan.view"),
    ("GET", "/api/v1/plans/{plan_id}/status"): Rule("plan.view"),
    ("GET", "/api/v1/plans/{plan_id}/tasks/{number}"): Rule("plan.view"),
    ("GET", "/api/v1/units"): Rule("plan.view"),
    ("GET", "/api/v1/reports"): Rule(SIGNED_IN),
    ("GET", "/api/v1/reports/{report_id}"): Rule(SIGNED_IN, obj="sent"),
    ("POST", "/api/v1/reports"): Rule(SUBMIT, obj="assignment", ok=201, json=api_report),
    ("POST", "/api/v1/reports/{report_id}/accept"): Rule(REVIEW, obj="sent", json=API_VERSION),
    ("POST", "/api/v1/reports/{report_id}/return"): Rule(REVIEW, obj="sent", json=API_RETURN),
    ("GET", "/export/plan/{plan_id}.docx"): Rule("plan.view"),
    ("GET", "/export/plan/{plan_id}.xlsx"): Rule("plan.view"),
    ("GET", "/export/quality.docx"): Rule("ledger.export"),
    ("GET", "/export/ledger.xlsx"): Rule("ledger.export"),
    ("GET", "/my/ledger.xlsx"): Rule(SUBMIT),  # the actor's own unit's part only
    ("GET", "/export/report.docx"): Rule("ledger.export"),
    # joint meetings: meeting 1 exists once the admin's POST /meetings has run (GETs run first)
    ("GET", "/meetings"): Rule("plan.view"),
    ("POST", "/meetings"): Rule("meeting.manage", ok=303, form=MEETING),
    ("GET", "/meetings/{meeting_id}"): Rule("plan.view", ok=oks(200, 404)),
    ("POST", "/meetings/{meeting_id}"): Rule("meeting.manage", ok=oks(303, 409), form=MEETING),
    ("POST", "/meetings/{meeting_id}/decisions"): Rule(
        "meeting.manage", ok=oks(303, 409), form=DECISION
    ),
    ("POST", "/meetings/{meeting_id}/files"): Rule("meeting.manage", ok=303, files=MINUTES_SCAN),
    ("POST", "/meetings/{meeting_id}/circulate"): Rule("meeting.manage", ok=oks(303, 409)),
    ("POST", "/meetings/{meeting_id}/sign"): Rule("meeting.sign", ok=oks(303, 409), form=SIGN),
    # 409: the unit has signed already; meeting 1 has decisions by now, so it stays
    ("POST", "/meetings/{meeting_id}/paper-sign"): Rule(
        "meeting.sign_paper", ok=oks(303, 409), form=PAPER
    ),
    ("POST", "/meetings/{meeting_id}/delete"): Rule("meeting.manage", ok=409, form=WHY),
    ("GET", "/meetings/{meeting_id}/minutes.docx"): Rule("plan.view", ok=oks(200, 404)),
    ("GET", "/meetings/files/{file_id}"): Rule("plan.view", ok=oks(200, 404)),
    ("GET", "/api/v1/meetings"): Rule("plan.view"),
    ("GET", "/api/v1/meetings/{meeting_id}"): Rule("plan.view", ok=oks(200, 404)),
    ("POST", "/api/v1/meetings"): Rule("meeting.manage", ok=201, json=API_MEETING),
    ("POST", "/api/v1/meetings/{meeting_id}/decisions"): Rule(
        "meeting.manage", ok=oks(201, 409), json=API_DECISION
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/circulate"): Rule("meeting.manage", ok=oks(200, 409)),
    ("POST", "/api/v1/meetings/{meeting_id}/sign"): Rule(
        "meeting.sign", ok=oks(200, 409), json={"opinion": ""}
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/paper-signoffs"): Rule(
        "meeting.sign_paper", ok=oks(201, 409), json=PAPER
    ),
    ("DELETE", "/api/v1/meetings/{meeting_id}"): Rule("meeting.manage", ok=409, json=WHY),
    # reminder channels: channel 1 exists once the admin's POST has run, then goes (404 after)
    ("GET", "/admin/reminders"): Rule("reminders.manage"),
    ("POST", "/admin/reminders"): Rule("reminders.manage", ok=303, form=channel),
    ("POST", "/admin/reminders/{channel_id}/remove"): Rule("reminders.manage", ok=oks(303, 404)),
    ("GET", "/api/v1/reminder-channels"): Rule("reminders.manage"),
    ("POST", "/api/v1/reminder-channels"): Rule("reminders.manage", ok=201, json=channel),
    # supervision actions: each obj request gets a fresh issued (open) action of the unit
    ("GET", "/actions"): Rule(ISSUE),
    ("POST", "/actions"): Rule(ISSUE, ok=303, form=NEW_ACTION),
    ("POST", "/actions/proposals"): Rule(ISSUE, ok=400, form=NO_PROPOSAL),  # no such proposal
    ("GET", "/actions/{action_id}"): Rule(ISSUE, obj="action"),
    ("GET", "/actions/{action_id}/docx"): Rule(ISSUE, obj="action"),
    ("POST", "/actions/{action_id}/issue"): Rule(ISSUE, obj="action", ok=409, form={}),  # issued
    ("POST", "/actions/{action_id}/withdraw"): Rule(ISSUE, obj="action", ok=303, form=WHY),
    ("POST", "/actions/{action_id}/close"): Rule(ISSUE, obj="action", ok=303, form=WHY),
    ("POST", "/actions/{action_id}/reopen"): Rule(ISSUE, obj="action", ok=409, form=WHY),  # open
    ("GET", "/my/actions/{action_id}"): Rule(RESPOND, obj="action"),
    ("GET", "/my/actions/{action_id}/docx"): Rule(RESPOND, obj="action"),
    ("POST", "/my/actions/{action_id}/respond"): Rule(RESPOND, obj="action", ok=303, form=ANSWER),
    ("GET", "/action-files/{file_id}"): Rule(SIGNED_IN, obj="action_file"),
    ("GET", "/api/v1/actions"): Rule(SIGNED_IN),
    ("GET", "/api/v1/actions/proposals"): Rule(ISSUE),
    ("GET", "/api/v1/actions/{action_id}"): Rule(SIGNED_IN, obj="action"),
    ("POST", "/api/v1/actions"): Rule(ISSUE, ok=201, json=NEW_ACTION),
    ("POST", "/api/v1/actions/proposals"): Rule(ISSUE, ok=400, json=NO_PROPOSAL),
    ("POST", "/api/v1/actions/{action_id}/issue"): Rule(ISSUE, obj="action", ok=409, json={}),
    ("POST", "/api/v1/actions/{action_id}/withdraw"): Rule(ISSUE, obj="action", json=WHY),
    ("POST", "/api/v1/actions/{action_id}/close"): Rule(ISSUE, obj="action", json=WHY),
    ("POST", "/api/v1/actions/{action_id}/reopen"): Rule(ISSUE, obj="action", ok=409, json=WHY),
    ("POST", "/api/v1/actions/{action_id}/responses"): Rule(
        RESPOND, obj="action", ok=201, json=ANSWER
    ),
    ("POST", "/api/v1/actions/{action_id}/responses/multipart"): Rule(
        RESPOND, obj="action", ok=201, form=ANSWER, files=ANSWER_FILE
    ),
    # deadline extensions: the sample's deadlines have passed, so a request is refused (400) by
    # the rules once the unit check has let it through; no request exists (id 1: 404)
    ("GET", "/my/extensions/{assignment_id}"): Rule("extension.request", obj="assignment"),
    ("POST", "/my/extensions/{assignment_id}"): Rule(
        "extension.request", obj="assignment", ok=400, form=EXTENSION
    ),
    ("POST", "/my/extensions/{extension_id}/withdraw"): Rule("extension.request", ok=oks(303, 404)),
    ("GET", "/extensions"): Rule("extension.review"),
    ("POST", "/extensions/{extension_id}/review"): Rule(
        "extension.review", ok=oks(303, 404), form=EXTENSION_REVIEW
    ),
    ("POST", "/extensions/{extension_id}/decide"): Rule(
        "extension.decide", ok=oks(303, 404, 409), form={"decision": "approve"}
    ),
    ("GET", "/api/v1/extensions"): Rule(SIGNED_IN),
    ("GET", "/api/v1/extensions/{extension_id}"): Rule(SIGNED_IN, ok=oks(200, 404)),
    ("POST", "/api/v1/extensions"): Rule(
        "extension.request", obj="assignment", ok=400, json=api_extension
    ),
    ("POST", "/api/v1/extensions/{extension_id}/withdraw"): Rule(
        "extension.request", ok=oks(200, 404)
    ),
    ("POST", "/api/v1/extensions/{extension_id}/review"): Rule(
        "extension.review", ok=oks(200, 404), json={"agrees": True, "opinion": "矩阵"}
    ),
    ("POST", "/api/v1/extensions/{extension_id}/decide"): Rule(
        "extension.decide", ok=oks(200, 404, 409), json={"approve": True}
    ),
}
"""One line per route; an ``obj`` route is tried on the member's own unit's object and another's."""

PARAMS = {"plan_id": "1", "number": "3", "task_number": "3", "username": "temp",
          "proposal_id": "1", "kind": "teacher", "key": "double_qualified_share",
          "target_id": "1", "meeting_id": "1", "file_id": "1",
          "channel_id": "1", "extension_id": "1"}  # fmt: skip
"""Path parameters that do not come from the object: the sample plan, its task 3, a spare user."""

# Who may reach an object of ``own`` (or another) unit, once the route's action is held.
SEES: dict[str, Callable[[Actor, bool], bool]] = {
    "assignment": lambda a, own: a.own_unit_only and own,
    "draft": lambda a, own: a.own_unit_only and own,
    "sent": lambda a, own: own if a.own_unit_only else can(a, "report.view_all"),
    "evidence": lambda a, own: own if a.own_unit_only else can(a, "report.review"),
    "action": lambda a, own: own if a.own_unit_only else True,
    "action_file": lambda a, own: own if a.own_unit_only else True,
}

EXTRA_CAST = {"rsjfzr": ("leader", "zw-hrss")}  # 人社局 head: the leader role, reads and reports
HOME = {"jyj": "zw-edu", "rsj": "zw-hrss", "rsjfzr": "zw-hrss"}
UNITS = ("zw-edu", "zw-hrss")  # the cast's units with assignments in the sample (task 3: both)
MEMBERS = [None, *CAST, *EXTRA_CAST]  # None: not signed in
KNOWN_SERVER_ERRORS: set[tuple[str, str]] = set()
"""Routes allowed to answer 500 to an absurd id or a NUL character: none (the app answers 400)."""
CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


def role_of(name: str) -> tuple[str, str | None]:
    return {**CAST, **EXTRA_CAST}[name]


# --- the world the walk runs in ---------------------------------------------------------------


@dataclass
class Obj:
    unit: str
    ids: dict[str, int]
    marker: str
    """A string only this object's content holds; a refusal must never show it."""


@dataclass
class World:
    store: Store
    serial: Iterator[int] = field(default_factory=itertools.count)

    def make(self, kind: str, unit: str) -> Obj:
        assignment = assignment_id(self.store, 1, "3", unit)
        marker = f"秘密{unit}{next(self.serial)}号"
        ids = {"assignment_id": assignment}
        if kind == "assignment":
            return Obj(unit, ids, marker)
        if kind in ("action", "action_file"):
            return self.make_action(kind, unit, marker)
        with self.store.write() as session:
            made = reports.submit_report(
                session, assignment, claimed="in_progress", narrative=marker, late_reason="迟",
                draft=kind == "draft", actor=f"reporter:{unit}",
            )  # fmt: skip
            ids["report_id"] = made.id
            if kind == "evidence":
                kept = evidence.attach_evidence(session, self.store.settings, made.id,
                                                b"%PDF-1.4 " + marker.encode(), "证明.pdf",
                                                actor=f"reporter:{unit}")  # fmt: skip
                ids["evidence_id"] = kept.id
        return Obj(unit, ids, marker)

    def make_action(self, kind: str, unit: str, marker: str) -> Obj:
        """An issued action on task 3 for ``unit`` (with an answer and its file)."""
        with self.store.write() as session:
            task = session.scalars(select(Task).where(Task.plan_id == 1, Task.number == "3")).one()
            unit_id = session.scalars(select(Unit.id).where(Unit.key == unit)).one()
            draft = ActionDraft(1, unit_id, "rectification", marker, task.id)
            made = actions.issue_action(session, draft, ladder=Ladder(), actor=ADMIN)
            ids = {"action_id": made.id}
            if kind == "action_file":
                answer = actions.respond_action(
                    session, self.store.settings, made.id, text=marker, unit_id=unit_id,
                    uploads=[Upload("整改.pdf", b"%PDF-1.4 " + marker.encode(), 30)],
                    actor=f"reporter:{unit}",
                )  # fmt: skip
                session.flush()
                ids["file_id"] = answer.files[0].id
        return Obj(unit, ids, marker)

    def counts(self) -> tuple[int, int, int]:
        with self.store.read() as session:
            return (
                session.scalar(select(func.count(Report.id))) or 0,
                session.scalar(select(func.count(AuditEvent.id))) or 0,
                session.scalar(select(func.count(Evidence.id))) or 0,
            )


@dataclass
class Outcome:
    method: str
    path: str
    member: str | None
    own: bool
    expected: frozenset[int]
    status: int
    headers: dict[str, str]
    body: str
    wrote: bool
    obj: Obj | None
    url: str
    refused: bool
    """The table expects a refusal (no sign-in, action not held, another unit's object)."""
    csrf_probe: bool = False
    hostile: bool = False
    """A request with an absurd id or a NUL character in a path or query parameter."""

    def __str__(self) -> str:
        who = self.member or "anonymous"
        whose = "" if self.obj is None else (" own" if self.own else " other unit's")
        return f"{self.method} {self.url} as {who}{whose}: {self.status} {self.body[:160]!r}"


# --- the walk -----------------------------------------------------------------------------------


def expected(rule: Rule, path: str, member: str | None, own: bool) -> frozenset[int]:
    if rule.action == PUBLIC:
        return rule.oks
    if member is None:
        return oks(401) if path.startswith("/api/") else oks(303)
    role, unit = role_of(member)
    actor = Actor(0, member, role, 1 if unit else None)
    if rule.action != SIGNED_IN and not can(actor, rule.action):
        return oks(403)
    if rule.obj is not None and not SEES[rule.obj](actor, own):
        return oks(404)
    return rule.oks


def refusal(rule: Rule, path: str, member: str | None, own: bool) -> bool:
    if member is None:
        return rule.action != PUBLIC
    return expected(rule, path, member, own) != rule.oks


def cases(rule: Rule, member: str | None) -> list[tuple[bool, str | None]]:
    """(own?, the object's unit) for a member: one's own unit's object and another unit's."""
    if rule.obj is None:
        return [(True, None)]
    if member in HOME:
        home = HOME[member]
        return [(True, home), (False, next(u for u in UNITS if u != home))]
    if member is not None and role_of(member)[1] is not None:  # a school: no part in task 3
        return [(False, UNITS[0])]
    return [(True, UNITS[0]), (False, UNITS[1])]


def walked_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, except static files and the API's own description."""
    described = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    found = []
    for route in iter_route_contexts(app.routes):  # the routes of included routers too
        if isinstance(route.original_route, Mount) or route.path in described:
            continue
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                found.append((method, route.path or ""))
    return found


class Walk:
    def __init__(self, app: FastAPI, world: World, clients: dict[str | None, TestClient]) -> None:
        self.app, self.world, self.clients = app, world, clients
        self.outcomes: list[Outcome] = []

    def run(self) -> list[Outcome]:
        plan = [
            (key, rule, member, own, unit)
            for key in walked_routes(self.app) if (rule := ROUTES.get(key)) is not None
            for member in MEMBERS for own, unit in cases(rule, member)
        ]  # fmt: skip
        refusals = [p for p in plan if refusal(p[1], p[0][1], p[2], p[3])]
        allowed = [p for p in plan if p not in refusals]
        for key, rule, member, own, unit in refusals:
            self.request(key, rule, member, own, unit)
        self.csrf_probes()
        allowed.sort(key=lambda p: p[0][0] != "GET")
        for key, rule, member, own, unit in (p for p in allowed if not p[1].last):
            self.request(key, rule, member, own, unit)
        self.hostile_probes()
        for key, rule, member, own, unit in (p for p in allowed if p[1].last):
            self.request(key, rule, member, own, unit)
        return self.outcomes

    def request(
        self, key: tuple[str, str], rule: Rule, member: str | None, own: bool, unit: str | None,
        *, probe: bool = False, hostile: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        method, path = key
        obj = self.world.make(rule.obj, unit) if rule.obj and unit else None
        url = fill(path, obj, hostile)
        before = self.world.counts()
        kwargs: dict[str, Any] = {"follow_redirects": False}
        for name in ("form", "json", "files"):
            body = getattr(rule, name)
            if body is not None:
                kwargs["data" if name == "form" else name] = body(obj) if callable(body) else body
        if probe:
            kwargs["headers"] = {"x-csrf-token": ""}
        if hostile:
            kwargs["params"] = {k: v for k, v in hostile.items() if f"{{{k}}}" not in path}
        response = self.clients[member].request(method, url, **kwargs)
        wanted = oks(403) if probe else expected(rule, path, member, own)
        self.outcomes.append(Outcome(
            method, path, member, own, wanted, response.status_code, dict(response.headers),
            response.text, self.world.counts() != before, obj, url,
            probe or refusal(rule, path, member, own), probe, hostile is not None,
        ))  # fmt: skip

    def hostile_probes(self) -> None:
        """Each route, by a member it lets through, with each path and query parameter in turn
        set to an id no database column holds and to a string with a NUL character in it."""
        for route in iter_route_contexts(self.app.routes):
            path = route.path or ""
            for method in sorted(route.methods or ()):
                rule = ROUTES.get((method, path))
                if rule is None or method == "HEAD":
                    continue
                member, own, unit = allowed_member(rule, path)
                names = re.findall(r"\{(\w+)\}", path)
                dependant = getattr(route, "dependant", None)
                names += [f.alias for f in dependant.query_params] if dependant else []
                for name, value in itertools.product(names, (str(2**63), "a\x00b")):
                    self.request((method, path), rule, member, own, unit, hostile={name: value})

    def csrf_probes(self) -> None:
        """Each unsafe route, by a member it would let through, with no CSRF token: 403."""
        for method, path in walked_routes(self.app):
            rule = ROUTES.get((method, path))
            if rule is None or method in ("GET", "HEAD", "OPTIONS"):
                continue
            member, own, unit = allowed_member(rule, path)
            self.request((method, path), rule, member, own, unit, probe=True)


def allowed_member(rule: Rule, path: str) -> tuple[str | None, bool, str | None]:
    """The first member of the cast the route lets through, with the object's ownership."""
    return next(
        (m, own, unit) for m in MEMBERS for own, unit in cases(rule, m)
        if not refusal(rule, path, m, own)
    )  # fmt: skip


def fill(path: str, obj: Obj | None, hostile: dict[str, str] | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if hostile and name in hostile:
            return quote(hostile[name], safe="")
        if obj is not None and name in obj.ids:
            return str(obj.ids[name])
        assert name in PARAMS, f"{path}: say in PARAMS (or with the object) how to fill {{{name}}}"
        return PARAMS[name]

    return re.sub(r"\{(\w+)\}", value, path)


# --- fixtures: one store, app and walk per database ---------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def walk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Outcome]]:
    with migrated_store(request.param, tmp_path_factory.mktemp("matrix")) as store:
        yield run_walk(store)


def run_walk(store: Store) -> list[Outcome]:
    published_sample(store)
    with store.write() as session:
        for name, (role, unit) in {**CAST, **EXTRA_CAST, "temp": ("viewer", None)}.items():
            users.add_user(session, name, PASSWORD, role=role, unit_key=unit, actor=ADMIN)
    settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                        secret_key="k" * 40)  # fmt: skip
    app = create_app(settings, store)
    clients = {member: sign_in(app, member) for member in MEMBERS}
    try:
        return Walk(app, World(store), clients).run()
    finally:
        for client in clients.values():
            client.close()


def sign_in(app: FastAPI, member: str | None) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(client.get("/login").text)
    if member is not None:
        answer = client.post("/login", data={"username": member, "password": PASSWORD,
                                             "csrf_token": token})  # fmt: skip
        assert answer.status_code == 200, answer.text
        token = csrf_of(answer.text)
    client.headers["x-csrf-token"] = token
    return client


# --- the tests ----------------------------------------------------------------------------------


def test_every_route_has_a_line_in_the_table(tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path, secret_key="k" * 40))
    routes = walked_routes(app)
    missing = [f"{m} {p}" for m, p in routes if (m, p) not in ROUTES]
    assert not missing, f"routes without a line in ROUTES: {missing}"
    stale = [f"{m} {p}" for m, p in ROUTES if (m, p) not in routes]
    assert not stale, f"lines in ROUTES for routes the app no longer has: {stale}"
    assert all(r.action in ACTIONS or r.action in (PUBLIC, SIGNED_IN) for r in ROUTES.values())


def test_each_request_gets_the_answer_the_table_expects(walk: list[Outcome]) -> None:
    wrong = [
        f"{o} (expected {sorted(o.expected)})"
        for o in walk
        if o.status not in o.expected and not o.hostile
    ]
    assert not wrong, "\n".join(wrong)


def test_a_page_without_sign_in_sends_to_the_login_page(walk: list[Outcome]) -> None:
    pages = [o for o in walk if o.member is None and o.refused and o.status == 303]
    wrong = [str(o) for o in pages if not o.headers["location"].startswith("/login?next=/")]
    assert pages and not wrong, "\n".join(wrong)


def test_refused_requests_write_nothing(walk: list[Outcome]) -> None:
    wrote = [str(o) for o in walk if o.refused and o.wrote]
    assert not wrote, "\n".join(wrote)


def test_refused_requests_show_nothing_of_the_object(walk: list[Outcome]) -> None:
    leaks = []
    for o in walk:
        if not o.refused or o.obj is None:
            continue
        body = CSRF_VALUE.sub("", o.body).replace(str(o.status), "")
        foreign = [str(i) for i in o.obj.ids.values() if not re.search(rf"/{i}\b", o.url)]
        found = [i for i in foreign if re.search(rf"(?<![\w-]){i}(?![\w-])", body)]
        if o.obj.marker in body or found:
            leaks.append(f"{o} shows {o.obj.marker if o.obj.marker in body else found}")
        if o.path.startswith("/api/"):
            assert set(_json(o.body)) == {"error", "status"}, str(o)
    assert not leaks, "\n".join(leaks)


def test_every_unsafe_route_refuses_a_request_without_the_csrf_token(
    walk: list[Outcome],
) -> None:
    probes = [o for o in walk if o.csrf_probe]
    unsafe = {(m, p) for m, p in ROUTES if m != "GET"}
    assert {(o.method, o.path) for o in probes} == unsafe
    wrong = [str(o) for o in probes if o.status != 403 or o.wrote]
    assert not wrong, "\n".join(wrong)


def test_every_response_carries_the_security_headers(walk: list[Outcome]) -> None:
    bad = []
    for o in walk:
        if o.hostile and o.status >= 500:
            continue  # the server-error page is made outside the middleware (reported)
        csp = o.headers.get("content-security-policy", "")
        if (
            "'unsafe-inline'" in csp
            or "frame-ancestors 'none'" not in csp
            or "script-src 'self'" not in csp
            or o.headers.get("x-content-type-options") != "nosniff"
            or o.headers.get("referrer-policy") != "same-origin"
        ):
            bad.append(str(o))
    assert not bad, "\n".join(bad)


def test_no_request_is_answered_with_a_server_error(walk: list[Outcome]) -> None:
    errors = [str(o) for o in walk if o.status >= 500 and not o.hostile]
    assert not errors, "\n".join(errors)


def test_absurd_ids_and_nul_characters_are_bad_input_not_server_errors(
    walk: list[Outcome],
) -> None:
    probed = {(o.method, o.path) for o in walk if o.hostile}
    assert ("GET", "/api/v1/reports") in probed
    errors = [str(o) for o in walk if o.hostile and o.status >= 500 and (o.method, o.path)
              not in KNOWN_SERVER_ERRORS]  # fmt: skip
    assert not errors, "\n".join(errors)


def _json(body: str) -> dict[str, Any]:
    value = json.loads(body)
    assert isinstance(value, dict)
    return value


def test_the_permissions_doc_is_generated_from_the_tables() -> None:
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "gen_doc", root / "scripts/gen_permissions_doc.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    committed = (root / "docs/permissions.md").read_text(encoding="utf-8")
    assert committed == script.render(), "run scripts/gen_permissions_doc.py and commit the doc"
