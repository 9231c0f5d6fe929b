"""``duban demo``: a living Zhongwei deployment, built in an empty store in one transaction.

The bundled Zhongwei plan is imported (effective 2021-01-01) and published with the Zhongwei unit
registry; every unit gets an account (role leader: it reports and signs off), with admin, the
supervision office and a city leader (viewer); the reporting history from 2021 to ``today`` is
simulated (``history``); the three schools' records of every school year are uploaded
(``school_data``) and the plan's targets that records measure are bound to their indicators;
joint meetings, supervision actions and an extension request complete it (``supervision``).
Deterministic for a seed and a day: the same accounts, passwords, reports and records.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban.config import Settings
from duban.domain.choices import UnitKind
from duban.models import Plan, Unit
from duban.services import plans, units, users
from duban.services.demo.history import seed_history
from duban.services.demo.school_data import upload_all
from duban.services.demo.supervision import seed_actions, seed_meetings
from duban.services.errors import Conflict
from duban.services.targets import bind_proposed

ADMIN = "admin:demo"
EFFECTIVE = dt.date(2021, 1, 1)
STEPS = 6
"""Progress ticks: registry and plan, accounts, history, records (3 schools a tick) per year."""


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    unit: str
    """The unit's name, or what the account is for."""


@dataclass(frozen=True)
class Demo:
    plan_id: int
    accounts: list[Account]
    reports: int
    records: int
    meetings: int
    actions: int


def build_demo(
    session: Session, settings: Settings, *, today: dt.date, seed: int,
    tick: Callable[[], None] = lambda: None,
) -> Demo:  # fmt: skip
    """Fill an empty store with the demo deployment (module docstring)."""
    if session.scalar(select(func.count()).select_from(Plan)):
        raise Conflict("数据库中已有方案，演示数据只能写入空的数据库")
    rng = random.Random(seed)
    sample = resources.files("duban.samples")
    units.load_units(session, sample.joinpath("zhongwei_registry.yaml").read_text("utf-8"),
                     actor=ADMIN)  # fmt: skip
    data = sample.joinpath("zhongwei_plan.txt").read_bytes()
    plan = plans.import_plan(session, data, "中卫市职业教育重点任务分工方案.txt",
                             effective=EFFECTIVE, actor=ADMIN).plan  # fmt: skip
    plans.publish_plan(session, plan.id, actor=ADMIN)
    bind_proposed(session, plan.id, actor=ADMIN)
    tick()
    accounts = _accounts(session, rng)
    tick()
    counts = seed_history(session, plan, today, rng)
    starts = seed_meetings(session, today)
    decisions = session.scalars(select(Plan).where(Plan.kind == "meetings")).first()
    if decisions is not None:
        stalled = frozenset(sorted(starts, key=starts.__getitem__)[-3:-2])  # one left overdue
        seeded = seed_history(session, decisions, today, rng, starts, stalled)
        counts["reports"] += seeded["reports"]
    made = seed_actions(session, settings, plan, today)
    tick()
    rows = upload_all(session, seed, today, tick)
    return Demo(plan.id, accounts, counts["reports"], rows, len(starts), made)


def _accounts(session: Session, rng: random.Random) -> list[Account]:
    """admin, dudao (督导室), leader (a city leader who reads), and one per unit (its key), the
    units sharing one password: an argon2 hash takes a good part of a second, by design."""
    made = [Account("admin", _password(rng), "admin", "联席会议办公室"),
            Account("dudao", _password(rng), "supervisor", "督导室"),
            Account("leader", _password(rng), "viewer", "市领导（查阅）")]  # fmt: skip
    for a in made:
        users.add_user(session, a.username, a.password, role=a.role, display_name=a.unit,
                       actor=ADMIN)  # fmt: skip
    shared = _password(rng)
    hashed = users.hash_password(shared)
    query = select(Unit).where(Unit.kind != UnitKind.COLLECTIVE).order_by(Unit.id)
    for unit in session.scalars(query).all():
        made.append(Account(unit.key, shared, "leader", unit.name))
        users.add_user(session, unit.key, shared, role="leader", unit_key=unit.key,
                       display_name=unit.name, hashed=hashed, actor=ADMIN)  # fmt: skip
    return made


def _password(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choice(alphabet) for _ in range(12))
