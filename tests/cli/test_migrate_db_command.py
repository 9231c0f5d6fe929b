"""``duban migrate-db`` as an administrator runs it: SQLite home → empty PostgreSQL schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Run
from tests.test_migrate_db import empty_schema


def on_postgres(url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI on the same home, with DUBAN_DATABASE_URL set: the deployment after the move."""
    env = {**os.environ, "DUBAN_HOME": str(home), "DUBAN_DATABASE_URL": url,
           "DUBAN_ACTOR": "cli:test"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "duban", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)  # fmt: skip


def test_migrate_db_copies_the_home_and_the_ledger_reads_the_same(
    duban: Run, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    submitted = duban("report", "submit", "--task", "1", "--unit", "市教育局", "--state", "done",
                      "--at", "2021-06-20")  # fmt: skip
    assert submitted.returncode == 0, submitted.stderr
    assert duban("report", "accept", "1", "--at", "2021-06-25").returncode == 0
    with empty_schema() as url:
        done = duban("migrate-db", "--to", url, "--batch", "50")
        assert done.returncode == 0, done.stderr
        assert "审计链完整：5 条记录" in done.stdout
        assert "佐证材料文件不随数据库迁移" in done.stdout and str(home / "evidence") in done.stdout
        assert "assignments" in done.stdout and "212" in done.stdout
        for query in (("status", "--as-of", "2021-08-05", "--json"), ("status", "--all", "--json"),
                      ("report", "list", "--json"), ("audit", "verify")):  # fmt: skip
            here, there = duban(*query), on_postgres(url, home, *query)
            assert there.returncode == 0, there.stderr
            assert there.stdout == here.stdout, query
        assert json.loads(on_postgres(url, home, "status", "--all", "--json").stdout)["plans"]

        again = duban("migrate-db", "--to", url)
        assert again.returncode == 2
        assert "目标数据库不是空的" in again.stderr and "nothing was written" in again.stderr
        assert on_postgres(url, home, "audit", "verify").stdout.strip() == "审计链完整：5 条记录"


def test_migrate_db_refuses_a_sqlite_target(duban: Run, tmp_path: Path) -> None:
    done = duban("migrate-db", "--to", f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
