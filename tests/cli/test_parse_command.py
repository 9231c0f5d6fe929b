"""``duban parse`` and ``duban sample`` as a user runs them: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE


def duban(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duban", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_parse_prints_plan_json_and_exits_zero() -> None:
    result = duban("parse", SAMPLE)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert len(plan["tasks"]) == 25
    assert plan["tasks"][0]["deadline"] == "2021-07-31"
    assert plan["source"]["sha256"]


def test_parse_pretty_indents() -> None:
    result = duban("parse", SAMPLE, "--pretty", "--no-text")
    assert result.returncode == 0
    assert result.stdout.startswith('{\n  "title"')
    assert "text" not in json.loads(result.stdout)["source"]


def test_sample_prints_the_ledger_table() -> None:
    result = duban("sample")
    assert result.returncode == 0, result.stderr
    assert "优化专业布局" in result.stdout
    assert "25 项任务" in result.stdout


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "为空"),
        (b"\x00\x01\x02\xff\xfe\x00\x00\x9c" * 64, ""),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", ""),
    ],
    ids=["empty", "binary-garbage", "truncated-zip"],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(content)
    result = duban("parse", path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = duban("parse", tmp_path / "nope.txt")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "nope.txt" in result.stderr


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(50 * 2**20)
    result = duban("parse", path)
    assert result.returncode == 2
    assert "过大" in result.stderr
