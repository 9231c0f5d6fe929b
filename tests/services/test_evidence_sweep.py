"""The sweep of the evidence store after a crash, with real files in a real store, on both
databases: stale ``.incoming-*`` files go, files no row names go to the quarantine (never
deleted), anything referred to, recent or unknown stays; a dry run changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Base
from duban.services import meeting_office, meetings
from duban.services.evidence import attach_evidence, evidence_path, keep_file
from duban.services.evidence_sweep import REFERENCES, sweep_evidence
from tests.factories import ADMIN, REPORTER, assignment_id, published_sample, report
from tests.services.test_meetings import recorded

NOW = dt.datetime.now(dt.UTC)
HOURS_AGO = (NOW - dt.timedelta(hours=2)).timestamp()
KEPT = b"%PDF-1.4 evidence of a report"
LOST = b"%PDF-1.4 a file whose row never committed"
NOT_STORED = {"plans.sha256": "the plan's source lives in the row", "record_batches.sha256":
              "school records are rows, the workbook is not kept"}  # fmt: skip
"""Columns named sha256 that do not name a file of the store (the others are ``REFERENCES``)."""


def aged(path: Path) -> Path:
    os.utime(path, (HOURS_AGO, HOURS_AGO))
    return path


def stored(store: Store, data: bytes) -> Path:
    """A file kept in the store with no row naming it, as a crash before the commit leaves."""
    return evidence_path(store.settings, keep_file(store.settings, data, "lost.pdf").sha256)


def incoming(store: Store, folder: str, name: str) -> Path:
    path = store.settings.home / "evidence" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 half writt")
    return path


@pytest.fixture
def planted(store: Store) -> dict[str, Path]:
    """A report's evidence (referred to), an orphan, stale and fresh leftovers, an odd file."""
    plan = published_sample(store)
    report_id = report(store, assignment_id(store, plan, "2", "zw-edu"), dt.date(2021, 4, 2))
    with store.write() as session:
        kept = attach_evidence(session, store.settings, report_id, KEPT, "证明.pdf",
                               actor=REPORTER)  # fmt: skip
    odd = store.settings.home / "evidence" / "ab" / "notes.txt"
    odd.parent.mkdir(parents=True, exist_ok=True)
    odd.write_text("left by hand")
    return {
        "kept": aged(evidence_path(store.settings, kept.sha256)),
        "orphan": aged(stored(store, LOST)),
        "young": stored(store, b"%PDF-1.4 written a minute ago"),
        "stale": aged(incoming(store, "ab", ".incoming-x1")),
        "fresh": incoming(store, "cd", ".incoming-x2"),
        "odd": aged(odd),
    }


def audit_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id))) or 0


def test_a_dry_run_counts_and_changes_nothing(store: Store, planted: dict[str, Path]) -> None:
    before = audit_count(store)
    result = sweep_evidence(store, now=NOW, dry_run=True, actor=ADMIN)
    assert (result.incoming_removed, result.orphans_moved, result.referenced) == (1, 1, 1)
    assert (result.recent, result.unknown) == (2, 1)
    assert result.moved == [planted["orphan"].name]
    assert result.orphan_bytes == len(LOST)
    assert all(p.exists() for p in planted.values())
    assert not (store.settings.home / "quarantine").exists()
    assert audit_count(store) == before


def test_the_sweep_removes_stale_temporaries_and_quarantines_orphans(
    store: Store, planted: dict[str, Path]
) -> None:
    result = sweep_evidence(store, now=NOW, actor=ADMIN)
    assert (result.incoming_removed, result.orphans_moved) == (1, 1)
    assert not planted["stale"].exists() and not planted["orphan"].exists()
    for name in ("kept", "young", "fresh", "odd"):
        assert planted[name].exists(), name
    quarantined = result.quarantine / planted["orphan"].name
    assert result.quarantine.is_relative_to(store.settings.home / "quarantine" / "evidence")
    assert quarantined.read_bytes() == LOST
    with store.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "evidence.sweep")
        ).one()
    assert event.after is not None and event.after["moved"] == [planted["orphan"].name]
    before = audit_count(store)
    again = sweep_evidence(store, now=NOW, actor=ADMIN)
    assert (again.incoming_removed, again.orphans_moved, again.referenced) == (0, 0, 1)
    assert audit_count(store) == before  # nothing done, nothing audited


def test_a_file_an_upload_reuses_is_young_again_and_stays(
    store: Store, planted: dict[str, Path]
) -> None:
    keep_file(store.settings, LOST, "again.pdf")  # the same content uploaded once more
    result = sweep_evidence(store, now=NOW, actor=ADMIN)
    assert result.orphans_moved == 0 and planted["orphan"].exists()


def test_a_deleted_meetings_attachment_is_quarantined_once_no_row_names_it(store: Store) -> None:
    published_sample(store)
    meeting_id = recorded(store)
    scan = b"%PDF-1.4 sign-in sheet"
    with store.write() as session:
        meetings.attach_file(session, store.settings, meeting_id, scan, "签到表.pdf", actor=ADMIN)
    path = aged(evidence_path(store.settings, hashlib.sha256(scan).hexdigest()))
    assert sweep_evidence(store, now=NOW, actor=ADMIN).orphans_moved == 0  # still named
    with store.write() as session:
        meeting_office.delete_meeting(session, meeting_id, reason="误录", actor=ADMIN)
    result = sweep_evidence(store, now=NOW, actor=ADMIN)
    assert result.moved == [path.name] and not path.exists()


def test_an_empty_or_missing_store_is_nothing_to_do(store: Store) -> None:
    result = sweep_evidence(store, now=NOW, actor=ADMIN)
    assert (result.incoming_removed, result.orphans_moved, result.referenced) == (0, 0, 0)


def test_every_column_naming_a_stored_file_is_a_reference() -> None:
    """A new table that keeps files in the store must be added to ``REFERENCES``, or the sweep
    would quarantine its files."""
    named = {f"{c.expression.table.name}.{c.key}" for c in REFERENCES}
    hashes = {f"{t.name}.sha256" for t in Base.metadata.sorted_tables if "sha256" in t.c}
    assert hashes == named | set(NOT_STORED)
