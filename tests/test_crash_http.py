"""Crash safety over HTTP: the web server killed with SIGKILL while people write through it loses
no acknowledged write, leaves nothing half-written, no change without its audit event and no row
pointing at a missing attachment — on SQLite and on PostgreSQL.

The harness is tests/crash_http.py (server, client, rounds) with tests/crash_http_checks.py (what
must hold after each kill). The suite runs a few rounds per database; the full run of the issue,
100 kills per database, is ``bench/crash_bench.py --rounds 100 --db sqlite|postgresql`` (or this
test with ``DUBAN_CRASH_ROUNDS=100``), whose figures are in the README.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select, update

from duban.db import Store
from duban.models import Evidence, Report
from duban.services.evidence import evidence_path
from tests.crash_http import crash_http_rounds
from tests.crash_http_checks import check_store

ROUNDS = int(os.environ.get("DUBAN_CRASH_ROUNDS", "4"))
SEED = 20_261_129


def test_a_server_killed_mid_write_loses_nothing_it_acknowledged(
    store: Store, tmp_path: Path
) -> None:
    figures = crash_http_rounds(store, tmp_path, ROUNDS, SEED)
    assert figures.kills == ROUNDS
    assert figures.acked["submit"] and figures.acked["accept"] + figures.acked["return"]
    assert figures.in_flight.total() > 0, "no kill landed while a request was out"
    # the checks do catch what they look for: an attachment gone, a change without its event
    check_store(store, figures.log, figures.stage)
    with store.read() as session:
        evidence = session.scalars(select(Evidence).order_by(Evidence.id)).first()
        assert evidence is not None
    path = evidence_path(store.settings, evidence.sha256)
    kept = path.read_bytes()
    path.unlink()
    with pytest.raises(AssertionError, match="missing on disk"):
        check_store(store, figures.log, figures.stage)
    path.write_bytes(kept)
    with store.engine.begin() as conn:  # a decision written behind the audit trail's back
        conn.execute(update(Report).where(Report.id == evidence.report_id)
                     .values(returned_on=dt.date(2021, 1, 1)))  # fmt: skip
    with pytest.raises(AssertionError, match=r"report\.return"):
        check_store(store, figures.log, figures.stage)
