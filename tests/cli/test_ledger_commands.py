"""The ledger from the command line, as an administrator runs it, on the embedded SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE


@pytest.fixture
def duban(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "DUBAN_HOME": str(tmp_path / "home"), "DUBAN_ACTOR": "cli:test"}
    env.pop("DUBAN_DATABASE_URL", None)

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duban", *map(str, args)],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip

    return run


def test_import_publish_report_and_status(duban) -> None:  # type: ignore[no-untyped-def]
    assert duban("init").returncode == 0
    assert duban("units", "load", "--sample").returncode == 0
    imported = duban("import", SAMPLE, "--effective", "2021-01-01", "--json")
    assert json.loads(imported.stdout) == {
        "plan": 1, "tasks": 25, "unknown_units": [], "created": True, "version": 1, "diff": {},
    }  # fmt: skip
    assert duban("publish").returncode == 0
    submitted = duban("report", "submit", "--task", "1", "--unit", "市教育局", "--state", "done",
                      "--at", "2021-06-20", "--json")  # fmt: skip
    report_id = json.loads(submitted.stdout)["report"]
    assert duban("report", "accept", str(report_id), "--at", "2021-06-25").returncode == 0
    status = json.loads(duban("status", "--as-of", "2021-08-05", "--json").stdout)
    first = status["tasks"][0]
    assert (status["as_of"], first["number"], first["status"]) == ("2021-08-05", "1", "overdue")
    edu = next(a for a in first["assignments"] if a["unit"] == "中卫市教育局")
    assert edu == {"unit": "中卫市教育局", "role": "lead", "status": "done",
                   "reason": "已于2021年6月20日报完成并通过审核", "extended_to": None}  # fmt: skip
    summary = json.loads(duban("status", "--all", "--as-of", "2021-08-05", "--json").stdout)
    counts = summary["plans"][0]["counts"]
    assert sum(counts.values()) == 25 and counts["overdue"] >= 1
    cards = json.loads(duban("scorecard", "--year", "2021", "--json").stdout)
    edu = next(u for u in cards["units"] if u["key"] == "zw-edu")
    assert edu["done_on_time"] == 1 and "综合得分" in cards["formula"]
    verify = duban("audit", "verify")
    assert verify.returncode == 0 and "5 条记录" in verify.stdout


def test_refusals_are_one_line_exit_2_and_change_nothing(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "duban init" in duban("status").stderr
    duban("init")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really")
    result = duban("import", bad)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert duban("status", "--as-of", "2021-13-01").returncode == 2
    assert "1 条记录" not in duban("audit", "verify").stdout  # nothing was written
