"""全文检索: search the text of tasks and progress reports, scoped to the reader in SQL.

Tasks of published plans are public within government, so every reader with ``plan.view`` finds
them. Reports follow the task page's rule (``access.readable``): a reporter or leader finds their
own unit's reports and the other units' accepted ones; admin, supervisor and viewer find every
report that was sent; nobody finds another unit's draft.

On SQLite a query of three characters or more goes through the FTS5 trigram index that migration
0004 keeps (a substring match, so Chinese needs no word segmentation); on PostgreSQL ``ILIKE``
uses the pg_trgm GIN indexes. Shorter queries, which trigrams cannot index, scan with ``LIKE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, column, literal_column, or_, select, table
from sqlalchemy.orm import Session

from duban.models import Assignment, Plan, Report, Task, Unit
from duban.permissions import Actor, can
from duban.queries.access import VISIBLE_PLANS, readable

MAX_QUERY = 100
"""Longest query accepted, in characters."""
TRIGRAM = 3
"""Shortest query the trigram index can answer."""
CONTEXT = 40
"""Characters of context shown on each side of the first match."""

Parts = list[tuple[str, bool]]
"""Text cut into pieces, each flagged whether it is the match (shown in ``<mark>``)."""

_fts = table("search_index", column("kind", String), column("ref_id", Integer))


@dataclass(frozen=True)
class Hit:
    kind: str
    """``task`` or ``report``."""
    plan_id: int
    number: str
    title: Parts
    snippet: Parts
    unit: str | None = None
    state: str | None = None
    submitted_on: dt.date | None = None
    period: str | None = None


def search(session: Session, actor: Actor, q: str, *, limit: int = 50) -> list[Hit]:
    """Tasks, then reports, whose text holds ``q`` (case-insensitive), at most ``limit`` of each.

    ``q`` is stripped; an empty query finds nothing. Callers refuse queries longer than
    ``MAX_QUERY`` and ones holding NUL before asking.
    """
    needle = q.strip()
    if not needle or not can(actor, "plan.view"):
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    return _tasks(session, needle, sqlite, limit) + _reports(session, actor, needle, sqlite, limit)


def _tasks(session: Session, q: str, sqlite: bool, limit: int) -> list[Hit]:
    query = (
        select(Task.plan_id, Task.number, Task.title, Task.text)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.state == "published")
        .where(_matches("task", Task.id, [Task.title, Task.text], q, sqlite))
        .order_by(Plan.id.desc(), Task.seq)
        .limit(limit)
    )
    return [
        Hit("task", plan_id, number, mark(title, q), snippet(body, q))
        for plan_id, number, title, body in session.execute(query)
    ]


def _reports(session: Session, actor: Actor, q: str, sqlite: bool, limit: int) -> list[Hit]:
    columns = [Report.narrative, Report.late_reason]
    query = (
        select(Task.plan_id, Task.number, Task.title, Unit.name, Report.state,
               Report.submitted_on, Report.period_key, Report.narrative, Report.late_reason)
        .select_from(Report)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Plan.state.in_(VISIBLE_PLANS), readable(actor))
        .where(_matches("report", Report.id, columns, q, sqlite))
        .order_by(Report.submitted_on.desc().nulls_last(), Report.id.desc())
        .limit(limit)
    )  # fmt: skip
    hits = []
    for plan_id, number, title, unit, state, day, period, narrative, late in session.execute(query):
        text = narrative if _find(narrative, q) >= 0 or not late else late
        parts = snippet(text, q)
        hits.append(
            Hit("report", plan_id, number, [(title, False)], parts, unit, state, day, period)
        )
    return hits


def _matches(
    kind: str, id_column: Any, columns: list[Any], q: str, sqlite: bool
) -> ColumnElement[bool]:
    """The SQL condition for rows whose text holds ``q``."""
    if sqlite and len(q) >= TRIGRAM:
        phrase = '"' + q.replace('"', '""') + '"'  # one FTS5 phrase: a substring for trigrams
        found = select(_fts.c.ref_id).where(
            _fts.c.kind == kind, literal_column("search_index").op("MATCH")(phrase)
        )
        return id_column.in_(found)  # type: ignore[no-any-return]
    pattern = "%" + q.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    return or_(*(c.ilike(pattern, escape="/") for c in columns))


# --- snippets ---------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split())


def _find(text: str | None, q: str, start: int = 0) -> int:
    return _flat(text or "").casefold().find(_flat(q).casefold(), start)


def mark(text: str, q: str) -> Parts:
    """``text`` (whitespace collapsed) cut at every occurrence of ``q``."""
    flat, needle = _flat(text), _flat(q)
    parts: Parts = []
    at = 0
    while needle and (found := flat.casefold().find(needle.casefold(), at)) >= 0:
        if found > at:
            parts.append((flat[at:found], False))
        parts.append((flat[found : found + len(needle)], True))
        at = found + len(needle)
    if at < len(flat) or not parts:
        parts.append((flat[at:], False))
    return parts


def snippet(text: str | None, q: str, width: int = CONTEXT) -> Parts:
    """A window of ``text`` around the first match of ``q``, the matches marked; the start of
    the text when ``q`` is not in it (it matched elsewhere, e.g. in the title)."""
    flat, found = _flat(text or ""), _find(text, q)
    start = max(found - width, 0)
    end = found + len(_flat(q)) + width if found >= 0 else 2 * width
    end = min(end, len(flat))
    parts = mark(flat[start:end], q)
    if start > 0:
        parts.insert(0, ("…", False))
    if end < len(flat):
        parts.append(("…", False))
    return parts
