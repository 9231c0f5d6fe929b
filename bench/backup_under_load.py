"""Benchmark: ``duban backup`` taken while reports keep arriving, restored and checked.

Usage: .venv/bin/python bench/backup_under_load.py --db sqlite|postgresql [--writers 4]
       [--before 8] [--after 4]

Writer threads send reports through the services (``file_report``: figures for every target, an
evidence file of their own content, one transaction each, audited) for ``--before`` seconds, then
``duban.backup.backup`` runs while they go on (the evidence folder is copied after it, as
docs/operations.md says), and they stop ``--after`` seconds later. The backup is restored into a
fresh store (a new SQLite file; a new PostgreSQL database) and checked against the source:

- the snapshot: the restored audit chain verifies and is a prefix of the source's chain (same
  ids, same hashes); its last event marks the backup's moment;
- per-table checksums: every table's restored rows hash the same as the source's rows with the
  same keys; tables the writers do not touch hash the same whole; every source row missing from
  the restore belongs to a report whose audit event comes after that last event;
- nothing half: every restored report has one figure per target, its evidence row, its file on
  disk with the recorded sha256, and its audit event; every report event has its report;
- every report acknowledged before the backup started is restored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, create_engine, func, select, text  # noqa: E402

from duban.audit import verify  # noqa: E402
from duban.backup import backup, restore  # noqa: E402
from duban.config import Settings  # noqa: E402
from duban.db import Store  # noqa: E402
from duban.models import (  # noqa: E402
    Assignment,
    AuditEvent,
    Base,
    Evidence,
    Report,
    ReportFigure,
    Target,
)
from duban.services.drafts import ReportInput, Upload, file_report  # noqa: E402
from duban.services.evidence import evidence_path  # noqa: E402
from tests.conftest import PG_URL, migrated_store  # noqa: E402
from tests.factories import REPORTER, published_sample  # noqa: E402

WRITTEN = {"reports", "report_figures", "evidence", "audit_events"}


@dataclass
class Load:
    """The writers' log: report id → the moment its transaction was acknowledged (committed)."""

    acked: dict[int, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(store: Store, load: Load, number: int, work: list[tuple[int, list[int]]]) -> None:
    n = 0
    while not load.stop.is_set():
        assignment, targets = work[(number * 7 + n) % len(work)]
        data = f"写入者{number}的第{n}份佐证\n".encode() * 40
        form = ReportInput("in_progress", f"备份压测 {number}-{n}", "备份压测",
                           {t: float(n + k) for k, t in enumerate(targets)})  # fmt: skip
        try:
            with store.write() as session:
                report = file_report(session, store.settings, assignment, form,
                                     [Upload(f"佐证{number}-{n}.txt", data, len(data))],
                                     draft=False, actor=REPORTER)  # fmt: skip
                report_id = report.id
        except Exception as exc:
            load.errors.append(f"{time.monotonic():.3f} {type(exc).__name__}: {exc}"[:160])
            continue
        with load.lock:
            load.acked[report_id] = time.monotonic()
        n += 1


def _work(store: Store) -> list[tuple[int, list[int]]]:
    with store.read() as session:
        targets: dict[int, list[int]] = {}
        for target_id, task_id in session.execute(select(Target.id, Target.task_id)):
            targets.setdefault(task_id, []).append(target_id)
        return [(a, targets.get(t, [])) for a, t in
                session.execute(select(Assignment.id, Assignment.task_id))]  # fmt: skip


@contextmanager
def fresh_store(kind: str, home: Path, source: Store) -> Iterator[Store]:
    """An empty store to restore into: a new SQLite file, or a new PostgreSQL database holding
    the source's schema name (pg_dump of one schema restores into that schema)."""
    home.mkdir(parents=True)
    if kind == "sqlite":
        store = Store(Settings(home=home))
        yield store
        store.dispose()
        return
    name = f"duban_restore_{uuid.uuid4().hex[:10]}"
    schema = str(source.settings.database_url).split("search_path%3D")[1]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    inner = create_engine(f"{base}/{name}")
    with inner.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))  # as in PG_URL's database
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    inner.dispose()
    store = Store(
        Settings(home=home, database_url=f"{base}/{name}?options=-csearch_path%3D{schema}")
    )
    try:
        yield store
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


# --- checks --------------------------------------------------------------------------------------


def _value(v: Any) -> str:
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    return repr(v)


def rows(store: Store, table: Table) -> dict[tuple[Any, ...], str]:
    """Each row of ``table`` by its key, as a canonical line."""
    keys = list(table.primary_key.columns)
    with store.read() as session:
        found = session.execute(select(table).order_by(*keys)).mappings().all()
    return {tuple(r[k.name] for k in keys): "\x1f".join(_value(r[c.name]) for c in table.columns)
            for r in found}  # fmt: skip


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


@dataclass
class Verdict:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)


def compare(source: Store, restored: Store, verdict: Verdict) -> tuple[int, set[int]]:
    """The snapshot (last audit id) and the restored reports; per-table checksum lines."""
    with restored.read() as session:
        chain = verify(session)
        head = session.scalar(select(func.max(AuditEvent.id))) or 0
        kept = set(session.scalars(select(Report.id)))
    verdict.check(chain.ok, f"restored audit chain broken at {chain.broken_id}: {chain.reason}")
    with source.read() as session:
        late = {oid for oid, in session.execute(
            select(AuditEvent.object_id).where(AuditEvent.object_type == "report",
                                               AuditEvent.id > head))}  # fmt: skip
    for table in Base.metadata.sorted_tables:
        src, dst = rows(source, table), rows(restored, table)
        changed = {k for k in dst if src.get(k) != dst[k]}
        if table.name == "reports":  # a later submission supersedes a pending one
            changed -= _superseded_later(source, changed, late)
        same = not changed
        missing = [k for k in src if k not in dst]
        verdict.check(same, f"{table.name}: {len(changed)} restored rows differ from the source's")
        if table.name not in WRITTEN:
            verdict.check(not missing, f"{table.name}: {len(missing)} rows missing")
        elif table.name == "audit_events":
            verdict.check(all(k[0] > head for k in missing), "audit events missing inside chain")
        else:
            report_of = _report_of(table.name, source, missing)
            verdict.check(report_of <= late, f"{table.name}: rows missing of reports before head")
        if same and (dst or src):
            later = sum(1 for k in dst if src.get(k) != dst[k])
            note = f"equal; {later} superseded after the backup" if later else "equal"
            verdict.lines.append(f"| {table.name} | {len(src):,} | {len(dst):,} | "
                                 f"{digest(list(dst.values()))} | {note} |")  # fmt: skip
    return head, kept


def _superseded_later(store: Store, keys: set[tuple[Any, ...]], late: set[int]) -> set[Any]:
    """The reports among ``keys`` that a report submitted after the snapshot superseded (their
    state, version and updated_at changed by that later write, nothing else)."""
    ids = [k[0] for k in keys]
    if not ids:
        return set()
    with store.read() as session:
        found = session.execute(select(Report.supersedes_id, Report.id)
                                .where(Report.supersedes_id.in_(ids))).all()  # fmt: skip
    return {(old,) for old, new in found if new in late}


def _report_of(name: str, store: Store, keys: list[tuple[Any, ...]]) -> set[int]:
    if name == "reports":
        return {k[0] for k in keys}
    model = {"report_figures": ReportFigure, "evidence": Evidence}[name]
    ids = [k[0] for k in keys]
    with store.read() as session:
        return (
            set(session.scalars(select(model.report_id).where(model.id.in_(ids)))) if ids else set()
        )


def whole(restored: Store, verdict: Verdict) -> None:
    """Every restored report whole (figures, evidence file with its hash, audit event)."""
    with restored.read() as session:
        for report in session.scalars(select(Report)):
            targets = session.scalar(select(func.count()).select_from(Target).join(
                Assignment, Assignment.task_id == Target.task_id).where(
                Assignment.id == report.assignment_id))  # fmt: skip
            figures = session.scalar(
                select(func.count()).where(ReportFigure.report_id == report.id)
            )
            verdict.check(figures == targets, f"report {report.id}: {figures}/{targets} figures")
            files = session.scalars(select(Evidence).where(Evidence.report_id == report.id)).all()
            verdict.check(len(files) == 1, f"report {report.id}: {len(files)} evidence rows")
            for file in files:
                path = evidence_path(restored.settings, file.sha256)
                ok = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == file.sha256
                verdict.check(ok, f"evidence {file.id}: file missing or altered")
            events = session.scalar(
                select(func.count()).where(
                    AuditEvent.object_type == "report", AuditEvent.object_id == report.id
                )
            )
            verdict.check(bool(events), f"report {report.id}: no audit event")
        orphans = session.scalar(select(func.count()).where(
            AuditEvent.object_type == "report",
            AuditEvent.object_id.not_in(select(Report.id))))  # fmt: skip
        verdict.check(orphans == 0, f"{orphans} report events without their report")


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--before", type=float, default=8)
    parser.add_argument("--after", type=float, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, migrated_store(args.db, Path(tmp)) as source:
        published_sample(source)
        work, load = _work(source), Load()
        threads = [threading.Thread(target=writer, args=(source, load, i, work))
                   for i in range(args.writers)]  # fmt: skip
        for thread in threads:
            thread.start()
        time.sleep(args.before)
        started = time.monotonic()
        before = {r for r, at in list(load.acked.items()) if at < started}
        dump = Path(tmp) / "backup" / ("duban.db" if args.db == "sqlite" else "duban.dump")
        backup(source, dump)
        took, size = time.monotonic() - started, dump.stat().st_size / 2**20
        shutil.copytree(source.settings.home / "evidence", Path(tmp) / "backup" / "evidence")
        during = sum(1 for at in list(load.acked.values()) if started <= at <= started + took)
        time.sleep(args.after)
        load.stop.set()
        for thread in threads:
            thread.join()
        with fresh_store(args.db, Path(tmp) / "restored", source) as restored:
            restore(restored, dump)
            shutil.copytree(Path(tmp) / "backup" / "evidence", restored.settings.home / "evidence")
            verdict = Verdict()
            head, kept = compare(source, restored, verdict)
            whole(restored, verdict)
            verdict.check(before <= kept, f"{len(before - kept)} reports acknowledged before "
                          "the backup are not in it")  # fmt: skip
    print(
        f"{args.db}: {args.writers} writers, {len(load.acked):,} reports acknowledged "
        f"({len(load.errors)} errors{': ' + load.errors[0] if load.errors else ''}); "
        f"backup took {took:.2f} s ({size:.1f} MB) while {during} reports were acknowledged"
    )
    print(f"backup started at {started:.3f}, ended {started + took:.3f}; errors: {load.errors}")
    print(
        f"restored: {len(kept):,} reports (all {len(before):,} acknowledged before the backup "
        f"started among them), audit chain verified up to event {head:,}"
    )
    print("| table | source rows (end of load) | restored rows | restored checksum | vs source |")
    print("|---|---|---|---|---|")
    print("\n".join(verdict.lines))
    print(
        "FAILED: " + "; ".join(verdict.failures[:10]) if verdict.failures else "all checks passed"
    )


if __name__ == "__main__":
    main()
