"""Building blocks for store tests; everything goes through the services, like real use."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from sqlalchemy import select

from duban.db import Store
from duban.models import Assignment, Task, Unit
from duban.services import plans, reports, units
from tests.conftest import SAMPLE

ADMIN = "admin:教育局联席办"  # loads the registry, imports and publishes plans
SUPERVISOR = "supervisor:督导室"  # accepts and returns reports
REPORTER = "reporter:市教育局"  # a bureau clerk submitting the bureau's reports
EFFECTIVE = dt.date(2021, 1, 1)


def sample_registry() -> str:
    return resources.files("duban.samples").joinpath("zhongwei_registry.yaml").read_text("utf-8")


def published_sample(store: Store) -> int:
    """The Zhongwei registry loaded; the sample plan imported (effective 2021-01-01), published."""
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        result = plans.import_plan(
            session, SAMPLE.read_bytes(), SAMPLE.name, effective=EFFECTIVE, actor=ADMIN
        )
        plans.publish_plan(session, result.plan.id, actor=ADMIN)
        return result.plan.id


def assignment_id(store: Store, plan_id: int, number: str, unit_key: str) -> int:
    with store.read() as session:
        found = session.scalars(
            select(Assignment.id)
            .join(Task)
            .join(Unit)
            .where(Task.plan_id == plan_id, Task.number == number, Unit.key == unit_key)
        ).first()
        assert found is not None, (number, unit_key)
        return found


def report(
    store: Store, assignment: int, day: dt.date, claimed: str = "in_progress", *,
    accept_on: dt.date | None = None, reason: str | None = None,
) -> int:  # fmt: skip
    """A report received on ``day`` (entered as on paper), accepted on ``accept_on`` if given."""
    with store.write() as session:
        made = reports.submit_report(
            session, assignment, claimed=claimed, at=day, late_reason=reason, actor=REPORTER
        )
        if accept_on is not None:
            reports.accept_report(session, made.id, at=accept_on, actor=SUPERVISOR)
        return made.id
