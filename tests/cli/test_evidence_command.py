"""``duban evidence sweep``: run as the operator runs it, on a real store with real files, on
both databases: a dry run reports and changes nothing; the sweep removes stale temporaries and
moves files no row names to the quarantine, and says so in a table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from duban.db import Store
from duban.services.evidence import evidence_path, keep_file

AGO = 3 * 3600


def duban(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DUBAN_HOME": str(store.settings.home), "DUBAN_ACTOR": "cli:test",
           "COLUMNS": "200"}  # fmt: skip
    env.pop("DUBAN_DATABASE_URL", None)
    if store.settings.database_url:
        env["DUBAN_DATABASE_URL"] = store.settings.database_url
    return subprocess.run([sys.executable, "-m", "duban", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)  # fmt: skip


def aged(path: Path) -> Path:
    stamp = path.stat().st_mtime - AGO
    os.utime(path, (stamp, stamp))
    return path


def test_a_dry_run_then_the_sweep(store: Store) -> None:
    orphan = aged(evidence_path(store.settings, keep_file(store.settings, b"%PDF-1.4 lost",
                                                          "lost.pdf").sha256))  # fmt: skip
    temporary = orphan.parent / ".incoming-abc123"
    temporary.write_bytes(b"%PDF-1.4 half")
    aged(temporary)
    dry = duban(store, "evidence", "sweep", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "试运行" in dry.stdout and "将移入隔离区" in dry.stdout
    assert orphan.exists() and temporary.exists()
    done = duban(store, "evidence", "sweep")
    assert done.returncode == 0, done.stderr
    assert "已移入隔离区" in done.stdout and "隔离区：" in done.stdout
    assert not orphan.exists() and not temporary.exists()
    quarantined = list((store.settings.home / "quarantine" / "evidence").glob("*/*"))
    assert [p.name for p in quarantined] == [orphan.name]


def test_an_uninitialised_database_is_refused_with_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "DUBAN_HOME": str(tmp_path / "empty")}
    env.pop("DUBAN_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "duban", "evidence", "sweep"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 2 and "duban init" in done.stderr
