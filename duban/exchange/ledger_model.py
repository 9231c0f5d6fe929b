"""The ledger (台账) as plain data: what ``queries.ledger`` gathers and ``ledger_xlsx`` renders.

Nothing here reads a database or formats a cell. Statuses and paces are the API strings of
``duban.domain.choices`` (``overdue``, ``behind``…); dates are ``datetime.date``; unit names are
the names people read (the registry's short name where it has one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """A unit's latest progress report on its part of a task as of the ledger's date."""

    day: dt.date
    claimed: str  # not_started | in_progress | done
    text: str


@dataclass(frozen=True)
class UnitPart:
    """One unit's assignment (分工) in a task, with its own status and latest progress."""

    unit_key: str
    unit: str
    role: str  # lead | coop
    status: str
    reason: str
    progress: Progress | None = None
    extended_to: dt.date | None = None
    """The deadline an approved extension put in force for this unit as of the ledger's date."""


@dataclass(frozen=True)
class TargetLine:
    """A target of a task: its goal as written (``≥50%``), the accepted actual and its pace."""

    metric: str
    goal: str
    actual: float | None
    unit: str | None
    pace: str
    scope: str


@dataclass(frozen=True)
class LedgerRow:
    """One task of the plan as the ledger shows it."""

    number: str
    title: str
    text: str
    section: str | None
    group: str | None
    lead_names: tuple[str, ...]
    coop_names: tuple[str, ...]
    deadline: dt.date | None
    ongoing: bool
    deadline_text: str | None
    status: str
    reason: str
    parts: tuple[UnitPart, ...] = ()
    targets: tuple[TargetLine, ...] = ()


@dataclass(frozen=True)
class Ledger:
    """A plan's ledger as of a date; ``unit`` names the one unit a unit-scoped ledger is for."""

    plan_title: str
    as_of: dt.date
    rows: tuple[LedgerRow, ...]
    unit: str | None = None
    units: tuple[tuple[str, str], ...] = ()
    """Every unit with a part in ``rows`` as ``(key, name)``, in the order they first appear."""
