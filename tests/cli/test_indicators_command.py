"""``duban indicators`` on the embedded SQLite, as an administrator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from duban.config import Settings
from duban.db import Store
from duban.services.records import RecordRow, replace_records

SETUP_ACTOR = "reporter:市职业技术学校"


@pytest.fixture
def duban(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "DUBAN_HOME": str(tmp_path / "home"), "DUBAN_ACTOR": "cli:test"}
    env.pop("DUBAN_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duban", *args],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip

    return run


def teachers(tmp_path: Path) -> None:
    """Three professional teachers at 市职业技术学校 in 2022, two of them 双师型."""
    store = Store(Settings(home=tmp_path / "home"))
    rows = [RecordRow(4 + i, {"staff_no": f"T{i}", "name": f"教师{i}", "professional": True,
                              "double_qualified": i < 2}) for i in range(3)]  # fmt: skip
    with store.write() as session:
        replace_records(session, "teacher", "zw-school", 2022, rows, sha256="t", actor=SETUP_ACTOR)
    store.dispose()


def test_values_per_scope_as_json_and_as_a_table(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert duban("init").returncode == 0
    assert duban("units", "load", "--sample").returncode == 0
    teachers(tmp_path)
    result = duban("indicators", "--scope", "zw-school", "--year", "2022", "--json")
    assert result.returncode == 0, result.stderr
    values = {v["key"]: v for v in json.loads(result.stdout)}
    share = values["double_qualified_share"]
    figures = [share[k] for k in ("scope_name", "year", "numerator", "denominator", "value")]
    assert figures == ["中卫市职业技术学校", 2022, 2, 3, 66.6667] and share["shown"] == "66.7%"
    assert values["training_person_times"]["shown"] == "暂无数据"
    city = json.loads(duban("indicators", "--scope", "city", "--year", "2022", "--json").stdout)
    assert {v["scope"] for v in city} == {"city"}
    table = duban("indicators", "--scope", "zn-gov", "--year", "2022")
    assert table.returncode == 0 and "中宁县人民政府" in table.stdout and "暂无数据" in table.stdout
    drill = duban("indicators", "--rows", "double_qualified_share", "--year", "2022")
    school = "中卫市职业技术学校"
    assert drill.stdout.splitlines() == [f"{school}\t第4行\tT0", f"{school}\t第5行\tT1"]


def test_an_unknown_scope_is_one_line_in_chinese_exit_2(duban) -> None:  # type: ignore[no-untyped-def]
    duban("init")
    result = duban("indicators", "--scope", "atlantis")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "duban: 没有“atlantis”这个范围：应为 city（全市）、县（区）人民政府或学校的单位代码"
    )
    unknown = duban("indicators", "--rows", "nope", "--year", "2022")
    assert unknown.returncode == 2 and "没有“nope”这个指标" in unknown.stderr
