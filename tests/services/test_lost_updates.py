"""Lost updates: a stateful test of the report's life through the services against a model.

Hypothesis draws sequences of writes — new drafts and submissions, draft edits, sends, accepts and
returns — each naming the version it was made from: the current one, an older one or one that
does not exist yet. The model says what must happen: a write from any version but the current
one, or on a report whose state forbids it, is refused with ``Conflict`` (409 through the web,
tests/web/test_stress_one_row.py) and changes nothing; every other write succeeds. After every
step each report's state, version and text equal the model's, and its audit trail holds exactly
the events of the writes that succeeded. Fixed seed (``derandomize``), modest example counts.
"""

from __future__ import annotations

import itertools
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from duban.db import Store
from duban.models import Assignment, AuditEvent, Report, Task
from duban.services import reports
from duban.services.errors import Conflict
from tests.factories import REPORTER, SUPERVISOR, published_sample

EXAMPLES = 12
STEPS = 25
WHICH = st.sampled_from(["current", "older", "newer"])


@dataclass
class Model:
    """What one report should be."""

    assignment: int
    state: str
    narrative: str
    version: int = 1
    events: Counter[str] = field(default_factory=Counter)


@pytest.fixture
def assignments(store: Store) -> list[int]:
    """The sample's assignments. Each example takes the next two, so that mostly its reports
    are alone in their period; where an earlier example's are there too, they only receive
    effects (superseded), never cause any on the example's own reports, which are all checked."""
    published_sample(store)
    with store.read() as session:
        return list(session.scalars(select(Assignment.id).join(Task).order_by(Assignment.id)))


def test_no_write_from_a_stale_version_is_ever_applied(
    store: Store, assignments: list[int]
) -> None:
    pool = itertools.cycle(assignments)

    class ReportLife(RuleBasedStateMachine):
        made = Bundle("reports")

        def __init__(self) -> None:
            super().__init__()
            self.units = (next(pool), next(pool))
            self.model: dict[int, Model] = {}
            self.step = 0

        # --- writes ------------------------------------------------------------------------

        @rule(target=made, unit=st.sampled_from([0, 1]), draft=st.booleans())
        def file(self, unit: int, draft: bool) -> int:
            text = self._text()
            with store.write() as session:
                made = reports.submit_report(
                    session, self.units[unit], claimed="in_progress", narrative=text,
                    late_reason="逾期原因", draft=draft, actor=REPORTER,
                )  # fmt: skip
                report_id = made.id
            model = Model(self.units[unit], "draft" if draft else "submitted", text)
            model.events["report.draft" if draft else "report.submit"] += 1
            if not draft:
                self._supersede_pending(model.assignment)
            self.model[report_id] = model
            return report_id

        @rule(report_id=made, which=WHICH)
        def edit(self, report_id: int, which: str) -> None:
            text, version = self._text(), self._version(report_id, which)
            ok = self._allowed(report_id, which, "draft")
            with self._outcome(ok), store.write() as session:
                reports.update_draft(
                    session, report_id, expected_version=version, claimed="done",
                    narrative=text, late_reason="逾期原因", figures={}, actor=REPORTER,
                )  # fmt: skip
            if ok:
                self._changed(report_id, "draft", "report.draft", narrative=text)

        @rule(report_id=made, which=WHICH)
        def send(self, report_id: int, which: str) -> None:
            version, ok = self._version(report_id, which), self._allowed(report_id, which, "draft")
            with self._outcome(ok), store.write() as session:
                reports.send_draft(session, report_id, expected_version=version, actor=REPORTER)
            if ok:
                self._supersede_pending(self.model[report_id].assignment)
                self._changed(report_id, "submitted", "report.submit")

        @rule(report_id=made, which=WHICH)
        def accept(self, report_id: int, which: str) -> None:
            version = self._version(report_id, which)
            ok = self._allowed(report_id, which, "submitted")
            with self._outcome(ok), store.write() as session:
                reports.accept_report(session, report_id, expected_version=version,
                                      actor=SUPERVISOR)  # fmt: skip
            if ok:
                assignment = self.model[report_id].assignment
                for other in self._others(assignment, "accepted"):
                    self._changed(other, "superseded")
                self._changed(report_id, "accepted", "report.accept")

        @rule(report_id=consumes(made), which=WHICH)
        def send_back(self, report_id: int, which: str) -> None:
            version = self._version(report_id, which)
            ok = self._allowed(report_id, which, "submitted")
            with self._outcome(ok), store.write() as session:
                reports.return_report(session, report_id, reason="缺少佐证材料",
                                      expected_version=version, actor=SUPERVISOR)  # fmt: skip
            if ok:
                self._changed(report_id, "returned", "report.return")

        # --- the model matches the store ---------------------------------------------------

        @invariant()
        def store_matches_model(self) -> None:
            if not self.model:
                return
            with store.read() as session:
                rows = {r.id: r for r in session.scalars(
                    select(Report).where(Report.id.in_(self.model)))}  # fmt: skip
                trail = Counter(session.execute(
                    select(AuditEvent.object_id, AuditEvent.action)
                    .where(AuditEvent.object_type == "report",
                           AuditEvent.object_id.in_(self.model))).all())  # fmt: skip
            for report_id, model in self.model.items():
                row = rows[report_id]
                found = (row.state, row.version, row.narrative)
                assert found == (model.state, model.version, model.narrative), report_id
                events = Counter({a: n for (rid, a), n in trail.items() if rid == report_id})
                assert events == model.events, report_id

        # --- helpers -----------------------------------------------------------------------

        def _text(self) -> str:
            self.step += 1
            return f"第{self.step}步"

        def _version(self, report_id: int, which: str) -> int:
            current = self.model[report_id].version
            older = current - 1 if current > 1 else current + 2
            return {"current": current, "older": older, "newer": current + 1}[which]

        def _allowed(self, report_id: int, which: str, state: str) -> bool:
            return which == "current" and self.model[report_id].state == state

        def _outcome(self, ok: bool) -> AbstractContextManager[object]:
            """Nothing expected when the write is allowed; otherwise a Conflict, and only that."""
            return nullcontext() if ok else pytest.raises(Conflict)

        def _others(self, assignment: int, state: str) -> list[int]:
            return [i for i, m in self.model.items() if m.assignment == assignment
                    and m.state == state]  # fmt: skip

        def _supersede_pending(self, assignment: int) -> None:
            """A new submission replaces one still waiting for review (the newest is added
            after this runs, so it is not among them)."""
            for other in self._others(assignment, "submitted"):
                self._changed(other, "superseded")

        def _changed(self, report_id: int, state: str, event: str | None = None,
                     narrative: str | None = None) -> None:  # fmt: skip
            model = self.model[report_id]
            model.state, model.version = state, model.version + 1
            if narrative is not None:
                model.narrative = narrative
            if event is not None:
                model.events[event] += 1

    run_state_machine_as_test(
        ReportLife,
        settings=settings(max_examples=EXAMPLES, stateful_step_count=STEPS, derandomize=True,
                          deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )  # fmt: skip
