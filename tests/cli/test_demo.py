"""``duban demo``: a living deployment in one command, built once per session and read back."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from duban.domain import clock
from tests.cli.conftest import cli

TODAY = clock.today().isoformat()
KINDS = {"done", "done_late", "overdue", "due_soon", "unreported", "on_track"}


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo built with seed 7 for today, and what the command printed."""
    home = tmp_path_factory.mktemp("demo") / "home"
    done = cli(home)("demo", "--no-serve", "--home", home, "--seed", "7")
    assert done.returncode == 0, done.stderr
    return home, done.stdout


def status(home: Path, *args: str) -> dict[str, Any]:
    done = cli(home)("status", "--json", *args)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_a_past_date_shows_every_status(demo_home: tuple[Path, str]) -> None:
    home, _ = demo_home
    tasks = status(home, "--as-of", "2023-06-10")["tasks"]
    assert {t["status"] for t in tasks} == KINDS


def test_today_shows_done_and_overdue_tasks_and_no_wall_of_yellow(
    demo_home: tuple[Path, str],
) -> None:
    home, _ = demo_home
    counts = Counter(t["status"] for t in status(home)["tasks"])
    assert counts["done"] + counts["done_late"] >= 10
    assert 1 <= counts["overdue"] <= 6
    assert counts["due_soon"] + counts["unreported"] <= 8  # of 25


def test_the_audit_chain_verifies(demo_home: tuple[Path, str]) -> None:
    home, _ = demo_home
    done = cli(home)("audit", "verify")
    assert done.returncode == 0 and "审计链完整" in done.stdout


def test_accounts_are_printed_with_their_passwords(demo_home: tuple[Path, str]) -> None:
    _, out = demo_home
    for name in ("admin", "dudao", "leader", "zw-edu", "zw-school"):
        assert re.search(rf"│ {re.escape(name)}\s+│ [A-Za-z0-9]{{12}} │", out), name


def test_the_supervision_report_flags_the_claim_the_records_contradict(
    demo_home: tuple[Path, str], tmp_path: Path
) -> None:
    home, _ = demo_home
    target = tmp_path / "report.docx"
    done = cli(home)("export", "report", "--docx", target, "--as-of", TODAY)
    assert done.returncode == 0, done.stderr
    doc = Document(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "报送数据与学校数据不符" in text
    assert "已建成3个高水平专业化产教融合实训基地" in cells


def test_the_same_seed_and_day_give_the_same_demo(
    demo_home: tuple[Path, str], tmp_path: Path
) -> None:
    home, out = demo_home
    again = tmp_path / "again"
    run = cli(again)
    assert run("demo", "--no-serve", "--home", again, "--seed", "7").returncode == 0
    rebuilt = run("demo", "--no-serve", "--home", again, "--seed", "7")  # into its own demo
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _accounts(rebuilt.stdout) == _accounts(out) != []
    assert _facts(again) == _facts(home)


def test_a_directory_that_is_not_the_demos_is_never_overwritten(tmp_path: Path) -> None:
    home = tmp_path / "ledger"
    home.mkdir()
    (home / "duban.sqlite3").write_bytes(b"a city's real ledger")
    done = cli(home)("demo", "--no-serve", "--home", home)
    assert done.returncode == 2
    assert "不是演示目录" in done.stderr and "Traceback" not in done.stderr
    assert (home / "duban.sqlite3").read_bytes() == b"a city's real ledger"
    assert cli(home)("demo", "--no-serve", "--home", home, "--today", "29.11.2026").returncode == 2


def _accounts(out: str) -> list[tuple[str, str]]:
    return re.findall(r"│ (\S+)\s+│ ([A-Za-z0-9]{12}) │", out)


def _facts(home: Path) -> str:
    """A digest of the simulated facts: reports, figures and school records."""
    with sqlite3.connect(home / "duban.sqlite3") as db:
        rows = [
            db.execute("SELECT assignment_id, period_key, state, claimed, narrative, submitted_on,"
                       " accepted_on, returned_on FROM reports ORDER BY id").fetchall(),
            db.execute("SELECT report_id, target_id, value FROM report_figures ORDER BY id")
            .fetchall(),
            db.execute("SELECT kind, school_id, year, identity, data FROM records ORDER BY id")
            .fetchall(),
        ]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_supervision_is_on_record_meetings_actions_and_an_extension(
    demo_home: tuple[Path, str],
) -> None:
    home, _ = demo_home
    run = cli(home)
    check = run("meetings", "check")
    assert "2022年召开联席会议1次，未达到每年至少2次的要求" in check.stdout
    assert "2021年召开联席会议2次" in check.stdout
    listed = run("actions", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    states = Counter(a["state"] for a in json.loads(listed.stdout)["actions"])
    assert states["closed"] >= 2 and states["open"] >= 1 and states["held"] >= 1
    extensions = run("extensions", "list", "--json")
    assert extensions.returncode == 0, extensions.stderr
    assert [e["state"] for e in json.loads(extensions.stdout)] == ["approved"]
    decisions = status(home, "--plan", "2")["tasks"]
    assert len(decisions) >= 10 and {t["status"] for t in decisions} >= {"done", "overdue"}
