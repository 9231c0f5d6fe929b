"""What must hold after the server of tests/crash_http.py is killed, checked on the store itself.

- the store is sound: SQLite's integrity and foreign-key checks, the audit chain unbroken;
- nothing is half-written: a report has every figure and the evidence file of its form; a
  progress workbook is in the store with all its rows or not at all; a records upload has all its
  rows, and only the latest upload's rows are current;
- every change has its audit event and no event names a change that is not there: one
  ``report.submit`` per report, a ``report.accept`` / ``report.return`` exactly when it was
  decided so, one ``evidence.attach`` per evidence row, one ``progress.import`` per workbook in
  the store, one ``records.import`` per upload;
- no row points at a missing attachment: every evidence row's file is on disk with its sha256;
- nothing acknowledged is lost: every ACKed write is there as the client was told.

Evidence files written before a kill took their row with it are left on disk, as are temporary
files a kill interrupted; the checks count them (they are harmless: files are kept by content
and a later upload of the same content reuses the file) rather than refusing them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Evidence, Record, RecordBatch, Report, ReportFigure
from duban.services.evidence import evidence_path
from tests.crash_common import assert_store_is_sound
from tests.crash_http_client import PROGRESS_ROWS, YEAR, Log, Stage, Write, report_figures

_FORM = re.compile(r"第(\d+)次报送")
_OFFLINE = re.compile(r"离线填报第(\d+)次（第\d+行）")


@dataclass
class Facts:
    """The store as read after a kill."""

    reports: dict[int, Any] = field(default_factory=dict)
    figures: dict[int, dict[int, float]] = field(default_factory=dict)
    evidence: Counter[tuple[int, str]] = field(default_factory=Counter)
    events: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    attached: Counter[tuple[int, str]] = field(default_factory=Counter)
    imported: Counter[str] = field(default_factory=Counter)
    batches: dict[int, Any] = field(default_factory=dict)
    record_rows: dict[int, set[str]] = field(default_factory=dict)
    current: set[int] = field(default_factory=set)


def read_facts(store: Store) -> Facts:
    facts = Facts()
    with store.read() as session:
        facts.reports = {r.id: r for r in session.execute(select(
            Report.id, Report.assignment_id, Report.state, Report.narrative, Report.accepted_on,
            Report.returned_on, Report.return_reason))}  # fmt: skip
        for report_id, target_id, value in session.execute(
            select(ReportFigure.report_id, ReportFigure.target_id, ReportFigure.value)
        ):
            facts.figures.setdefault(report_id, {})[target_id] = value
        facts.evidence = Counter(
            (r, sha) for r, sha in session.execute(select(Evidence.report_id, Evidence.sha256))
        )
        for action, object_id, after in session.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.after)
        ):
            facts.events[action, object_id] += 1
            if action == "evidence.attach":
                facts.attached[object_id, after["sha256"]] += 1
            elif action == "progress.import":
                facts.imported[after["sha256"]] += 1
        facts.batches = {b.id: b for b in session.execute(
            select(RecordBatch.id, RecordBatch.sha256, RecordBatch.rows))}  # fmt: skip
        for batch_id, identity, current in session.execute(
            select(Record.batch_id, Record.identity, Record.current)
        ):
            facts.record_rows.setdefault(batch_id, set()).add(identity)
            if current:
                facts.current.add(batch_id)
        assert session.scalar(select(func.count()).select_from(Record)
                              .where(Record.year != YEAR)) == 0  # fmt: skip
    return facts


def check_store(store: Store, log: Log, stage: Stage) -> Counter[str]:
    """Every check above; what is left on disk that no row points at, counted."""
    assert_store_is_sound(store)
    facts = read_facts(store)
    assert_reports_whole(facts, log, stage)
    assert_imports_whole(facts, log)
    assert_records_whole(facts, log)
    assert_every_change_audited(facts)
    assert_acked_present(facts, log)
    return assert_attachments_on_disk(store, facts)


def assert_reports_whole(facts: Facts, log: Log, stage: Stage) -> None:
    targets = dict(stage.assignments)
    for report_id, report in facts.reports.items():
        form = _FORM.fullmatch(report.narrative)
        if form is None:
            assert _OFFLINE.fullmatch(report.narrative), f"report {report_id}: who wrote it?"
            continue
        sent = log.tried[int(form.group(1))]
        assert sent.kind == "submit" and report.assignment_id == sent.facts["assignment"]
        expected = report_figures(sent.n, targets[report.assignment_id])
        assert facts.figures.get(report_id, {}) == expected, f"report {report_id} lost figures"
        shas = [
            sha for (rid, sha), k in facts.evidence.items() for _ in range(k) if rid == report_id
        ]
        assert shas == [sent.facts["sha"]], f"report {report_id} lost its evidence row"


def assert_imports_whole(facts: Facts, log: Log) -> None:
    """A progress workbook's rows are all stored, with its one audit event, or none is."""
    rows = Counter(
        int(found.group(1))
        for report in facts.reports.values()
        if (found := _OFFLINE.fullmatch(report.narrative))
    )
    for n, count in rows.items():
        assert count == PROGRESS_ROWS, f"progress workbook {n} is half-imported ({count} rows)"
        assert facts.imported[log.tried[n].facts["sha"]] == 1, f"workbook {n} is not audited"
    stored = {log.tried[n].facts["sha"] for n in rows}
    assert set(facts.imported) == stored, "a progress.import event without its reports"


def assert_records_whole(facts: Facts, log: Log) -> None:
    """Every upload whole, and only the latest one current."""
    uploads = {w.facts["sha"]: w for w in log.tried.values() if w.kind == "records"}
    for batch_id, batch in facts.batches.items():
        sent = uploads[batch.sha256]
        expected = {f"{sent.n}-{i}" for i in range(1 + sent.n % 5)}
        assert batch.rows == len(expected), f"batch {batch_id} records a wrong row count"
        assert facts.record_rows.get(batch_id, set()) == expected, f"batch {batch_id} is partial"
    latest = max(facts.batches, default=None)
    assert facts.current == ({latest} if latest is not None else set()), "stale rows are current"


def assert_every_change_audited(facts: Facts) -> None:
    events = facts.events
    for report_id, report in facts.reports.items():
        assert events["report.submit", report_id] == 1, f"report {report_id}: submit events"
        decided = {"report.accept": report.accepted_on, "report.return": report.returned_on}
        for action, day in decided.items():
            assert events[action, report_id] == (day is not None), f"report {report_id}: {action}"
    assert {i for (a, i) in events if a.startswith("report.")} <= set(facts.reports)
    assert facts.attached == facts.evidence, "evidence rows and evidence.attach events differ"
    records = Counter(i for (a, i) in events.elements() if a == "records.import")
    assert records == Counter(facts.batches.keys()), (
        f"records.import events {records} for {facts.batches}"
    )


def assert_acked_present(facts: Facts, log: Log) -> None:
    """Every write the client was told is stored, as it was told."""
    batches = {b.sha256 for b in facts.batches.values()}
    for n, write in log.acked.items():
        assert _present(facts, write, batches), f"acknowledged write {n} ({write.kind}) is lost"


def _present(facts: Facts, write: Write, batches: set[str]) -> bool:
    if write.kind == "records":
        return write.facts["sha"] in batches
    if write.kind == "progress":
        return facts.imported[write.facts["sha"]] == 1
    report = facts.reports.get(write.facts["id"])
    if report is None:
        return False
    if write.kind == "submit":
        return bool(report.narrative == f"第{write.n}次报送")
    if write.kind == "accept":
        return report.accepted_on is not None and report.state in ("accepted", "superseded")
    return bool(report.state == "returned" and report.return_reason == f"第{write.n}次退回")


def assert_attachments_on_disk(store: Store, facts: Facts) -> Counter[str]:
    """Every evidence row's file is there, whole; files no row points at are counted."""
    wanted = {sha for _, sha in facts.evidence}
    for sha in wanted:
        path = evidence_path(store.settings, sha)
        assert path.is_file(), f"evidence {sha} is missing on disk"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, f"evidence {sha} is torn"
    left = Counter[str]()
    for path in (store.settings.home / "evidence").glob("*/*"):
        if path.name.startswith(".incoming-"):
            left["unfinished temporary files"] += 1
        elif path.name not in wanted:
            left["files without a row"] += 1
    return left
