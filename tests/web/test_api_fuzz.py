"""Fuzzing the JSON API with Schemathesis, from its OpenAPI description (/api/v1/openapi.json).

Every operation gets 200 generated requests (Hypothesis with a fixed seed), each sent as an admin
(everything allowed) and as a 市教育局 reporter (own unit only: 403s and 404s), on SQLite and on
PostgreSQL. They mix valid requests and deliberately invalid ones (wrong types, missing or unknown
fields, out-of-range ids, bytes that are not JSON…). Half the valid ones are aimed: their ids,
keys and versions swapped for ones that exist, so that they get past the 404s and reports are
really filed, accepted and returned. Every answer must be a status code the description documents
— never a 5xx — with a content type and a body that match the declared schema, and an invalid
request must be refused.

Operations without any parameter or body (``GET /plans``, ``GET /me``) have one possible request:
Hypothesis sends it once per role and stops.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from duban.db import Store
from duban.domain.choices import ReportState
from duban.models import Assignment, Report, Target, Task, Unit
from duban.services.records import RecordRow, replace_records
from tests.factories import assignment_id, report
from tests.web.conftest import PASSWORD, csrf_of

EXAMPLES = 200
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # a fixed seed: the same requests on every run
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)  # fmt: skip
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]  # fmt: skip
OPERATIONS = [  # the writes first, so that the reads find what they made
    "POST /api/v1/reports", "POST /api/v1/reports/{report_id}/accept",
    "POST /api/v1/reports/{report_id}/return", "GET /api/v1/plans", "GET /api/v1/plans/{plan_id}",
    "GET /api/v1/plans/{plan_id}/status", "GET /api/v1/plans/{plan_id}/tasks/{number}",
    "GET /api/v1/units", "GET /api/v1/me", "GET /api/v1/reports", "GET /api/v1/reports/{report_id}",
    "GET /api/v1/indicators", "GET /api/v1/indicators/{key}/rows",
    "POST /api/v1/extensions", "POST /api/v1/extensions/{extension_id}/review",
    "POST /api/v1/extensions/{extension_id}/decide",
    "POST /api/v1/extensions/{extension_id}/withdraw", "GET /api/v1/extensions",
    "GET /api/v1/extensions/{extension_id}",
    "POST /api/v1/actions", "POST /api/v1/actions/proposals",
    "POST /api/v1/actions/{action_id}/issue", "POST /api/v1/actions/{action_id}/responses",
    "POST /api/v1/actions/{action_id}/responses/multipart",
    "POST /api/v1/actions/{action_id}/close", "POST /api/v1/actions/{action_id}/reopen",
    "POST /api/v1/actions/{action_id}/withdraw", "GET /api/v1/actions",
    "GET /api/v1/actions/proposals", "GET /api/v1/actions/{action_id}",
    "POST /api/v1/meetings", "POST /api/v1/meetings/{meeting_id}/decisions",
    "POST /api/v1/meetings/{meeting_id}/circulate", "POST /api/v1/meetings/{meeting_id}/sign",
    "POST /api/v1/meetings/{meeting_id}/paper-signoffs", "DELETE /api/v1/meetings/{meeting_id}",
    "GET /api/v1/meetings", "GET /api/v1/meetings/{meeting_id}",
    "POST /api/v1/reminder-channels", "GET /api/v1/reminder-channels",
]  # fmt: skip
INDICATOR_KEYS = ["double_qualified_share", "training_person_times", "practice_hours_share"]
SCOPES = ["city", "zn-gov", "zw-school", "zn-school"]
ROLES = ["admin", "jyj"]  # see CAST in conftest.py: jyj is a 市教育局 (zw-edu) reporter
OWN_UNIT = "zw-edu"


@dataclass(frozen=True)
class Real:
    """What exists in the store, to aim generated requests at."""

    numbers: list[str]
    units: list[str]
    kinds: list[str]
    own: list[int]  # the reporter's unit's assignments
    others: list[int]  # every other assignment
    targets: dict[int, list[int]]  # assignment → the targets of its task
    reports: list[int]  # ids that exist or that the fuzzing will have made
    store: Store

    def waiting(self) -> list[int]:
        """The reports waiting to be reviewed now, so that some accepts and returns succeed."""
        with self.store.read() as session:
            found = select(Report.id).where(Report.state == ReportState.SUBMITTED)
            return list(session.scalars(found.order_by(Report.id.desc())))


def seeded(store: Store) -> Real:
    """Reports beside the sample plan — the reporter's unit's, an accepted one, and a quarter of
    the other units' assignments waiting for review — and the ids and keys that exist."""
    edu, hrss = assignment_id(store, 1, "3", OWN_UNIT), assignment_id(store, 1, "3", "zw-hrss")
    report(store, edu, dt.date(2021, 5, 10))
    report(store, hrss, dt.date(2021, 8, 1), "done", accept_on=dt.date(2021, 8, 2))
    with store.read() as session:
        rows = session.execute(select(Assignment.id, Assignment.task_id, Unit.key).join(Unit)).all()
        by_task: dict[int, list[int]] = {}
        for target, task in session.execute(select(Target.id, Target.task_id)):
            if task is not None:  # a plan-level target belongs to no task
                by_task.setdefault(task, []).append(target)
        numbers = sorted(set(session.scalars(select(Task.number))))
        units = sorted(session.scalars(select(Unit.key)))
        kinds = sorted(set(session.scalars(select(Unit.kind))))
    others = sorted(a for a, _, key in rows if key != OWN_UNIT)
    for other in others[::4]:
        report(store, other, dt.date(2021, 5, 11), "done")
    with store.write() as session:  # school records, so that indicator rows exist
        teachers = [RecordRow(4 + i, {"staff_no": f"T{i}", "name": f"教师{i}", "professional": True,
                                  "double_qualified": i % 2 == 0}) for i in range(5)]  # fmt: skip
        replace_records(session, "teacher", "zw-school", 2022, teachers, sha256="t", actor="fuzz")
    return Real(numbers=numbers, units=units, kinds=kinds,
                own=sorted(a for a, _, key in rows if key == OWN_UNIT), others=others,
                targets={a: by_task.get(task, []) for a, task, _ in rows},
                reports=list(range(1, 40)), store=store)  # fmt: skip


def signed_in(app: FastAPI, name: str) -> asgi.ASGIClient:
    """Schemathesis's in-process client, signed in as ``name``, sending the CSRF header."""
    client = asgi.get_client(app)
    token = csrf_of(client.get("/login").text)
    home = client.post("/login", data={"username": name, "password": PASSWORD,
                                       "csrf_token": token, "next": "/"})  # fmt: skip
    assert home.status_code == 200, home.text
    client.headers["x-csrf-token"] = csrf_of(home.text)
    return client


@pytest.fixture
def no_lingering_lifespans() -> Iterator[None]:
    """The app's lifespan, started by loading the schema, ends with the test (and its store)."""
    yield
    asgi.shutdown_lifespans()


def aim(case: Any, data: st.DataObject, real: Real) -> None:
    """Half the time, swap a valid request's ids, keys and versions for ones that exist (an
    invalid one is left as generated: it must be refused)."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if data.draw(st.booleans(), label="left as generated"):
        return
    pick = data.draw
    paths: dict[str, list[Any]] = {"plan_id": [1], "number": real.numbers,
                                   "report_id": real.reports, "key": INDICATOR_KEYS,
                                   "extension_id": list(range(1, 6)),
                                   "action_id": list(range(1, 6)),
                                   "meeting_id": list(range(1, 4))}  # fmt: skip
    for name, values in paths.items():
        if name in case.path_parameters:
            case.path_parameters[name] = pick(st.sampled_from(values), label=name)
    if "report_id" in case.path_parameters and not pick(st.booleans(), label="any report"):
        nth = pick(st.integers(0, 15), label="a waiting report")  # they change as fuzzing goes
        if waiting := real.waiting():
            case.path_parameters["report_id"] = waiting[nth % len(waiting)]
    queries: dict[str, list[Any]] = {"plan": [1], "task": real.numbers, "unit": real.units,
                                     "kind": real.kinds, "scope": SCOPES,
                                     "year": [2022]}  # fmt: skip
    for name, values in queries.items():
        if isinstance(case.query, dict) and name in case.query:
            case.query[name] = pick(st.sampled_from(values), label=name)
    body = case.body
    if not isinstance(body, dict):
        return
    if "version" in body:
        body["version"] = pick(st.sampled_from([1, 2, 3]), label="version")
    if "assignment" in body:
        mine = pick(st.integers(0, 3), label="another unit's") < 3
        assignment = pick(st.sampled_from(real.own if mine else real.others), label="assignment")
        body["assignment"] = assignment
        if "figures" in body and real.targets[assignment]:
            keys = st.sampled_from([str(t) for t in real.targets[assignment]])
            amounts = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
            figures = st.dictionaries(keys, amounts, max_size=3)
            body["figures"] = pick(figures, label="figures")
        if "claimed" in body and not pick(st.booleans(), label="no late reason"):
            body["late_reason"] = "疫情影响，已补报"


def test_fuzzing_the_api_finds_no_5xx_and_no_answer_off_schema(
    app: FastAPI, store: Store, no_lingering_lifespans: None
) -> None:
    real = seeded(store)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app).include(tag="API v1")
    operations = {op.label: op for op in (found.ok() for found in schema.get_all_operations())}
    assert sorted(operations) == sorted(OPERATIONS), "every operation is fuzzed"
    clients = {role: signed_in(app, role) for role in ROLES}
    found: dict[str, BaseException] = {}
    for label in OPERATIONS:  # each one fuzzed whatever the others find
        api = operations[label]
        try:
            sent = fuzz(api, clients, real)
            print(label, sorted(sent.items()))
            inputs = api.path_parameters or api.query or api.body
            for role in ROLES:
                assert sent[role] >= (EXAMPLES if inputs else 1), (label, role, sent)
        except (Exception, BaseExceptionGroup) as problem:  # Schemathesis's FailureGroup
            found[label] = problem
    if found:
        pytest.fail("\n\n".join(f"━━ {label}: {type(problem).__name__}\n{problem}\n"
                                 + "\n".join(getattr(problem, "__notes__", []))
                                 for label, problem in found.items()))  # fmt: skip


def fuzz(api: Any, clients: dict[str, asgi.ASGIClient], real: Real) -> Counter[str]:
    """Send ``EXAMPLES`` generated requests to ``api`` as every role; count them by answer."""
    modes = [api.as_strategy(GenerationMode.POSITIVE)]
    if api.path_parameters or api.query or api.body:  # else there is nothing to make invalid
        modes.append(api.as_strategy(GenerationMode.NEGATIVE))
    cases = st.one_of(modes)
    sent: Counter[str] = Counter()

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(cases, label="case")
        aim(case, data, real)
        for role, client in clients.items():
            try:
                response = case.call_and_validate(session=client, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as problem:
                problem.add_note(f"(sent as {role})")
                raise
            sent[role] += 1
            sent[f"{role} {response.status_code}"] += 1

    run()
    return sent
