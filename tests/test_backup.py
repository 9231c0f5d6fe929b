"""Backup and restore give back exactly what was there, on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from duban import audit
from duban.backup import BackupError, backup, restore
from duban.db import Store
from duban.models import Report
from tests.factories import assignment_id, published_sample, report


def count_reports(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Report)) or 0


def test_restore_brings_back_the_backed_up_state(store: Store, tmp_path: Path) -> None:
    plan_id = published_sample(store)
    edu = assignment_id(store, plan_id, "2", "zw-edu")
    report(store, edu, dt.date(2021, 4, 2))
    target = tmp_path / "duban.backup"
    backup(store, target)
    report(store, edu, dt.date(2021, 7, 2))
    assert count_reports(store) == 2
    restore(store, target)
    assert count_reports(store) == 1
    with store.read() as session:
        assert audit.verify(session).ok


def test_a_file_that_is_not_a_backup_is_refused(store: Store, tmp_path: Path) -> None:
    if not store.settings.is_sqlite:
        pytest.skip("pg_restore reports its own error")
    bogus = tmp_path / "x.backup"
    bogus.write_bytes(b"not a database")
    with pytest.raises(BackupError):
        restore(store, bogus)
