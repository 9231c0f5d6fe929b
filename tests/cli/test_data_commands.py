"""School records from the command line: template, import (all or nothing, idempotent), export."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def duban(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "DUBAN_HOME": str(tmp_path / "home"), "DUBAN_ACTOR": "cli:test"}
    env.pop("DUBAN_DATABASE_URL", None)

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duban", *map(str, args)],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip

    for setup in (("init",), ("units", "load", "--sample")):
        assert run(*setup).returncode == 0
    return run


def fill(path: Path, sheet: str, *rows: list[object]) -> None:
    book = openpyxl.load_workbook(path)
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            book[sheet].cell(r, c).value = value
    book.save(path)


def audit_events(duban) -> int:  # type: ignore[no-untyped-def]
    found = re.search(r"(\d+) 条记录", duban("audit", "verify").stdout)
    assert found
    return int(found.group(1))


def test_template_import_export_and_the_same_file_again(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "教师.xlsx"
    made = duban("data", "template", "teacher", "-o", book, "--school", "zw-school",
                 "--year", "2022")  # fmt: skip
    assert made.returncode == 0 and "已生成模板" in made.stdout
    fill(book, "教师", ["0012", "张三", "是", "否", None, None, 30], ["T2", "李四", "否", "是"])
    first = duban("data", "import", book, "--school", "zw-school", "--year", "2022")
    assert first.returncode == 0, first.stderr
    assert "2022—2023学年 教师：已导入 2 条（替换原有 0 条）" in first.stdout
    events = audit_events(duban)
    again = duban("data", "import", book, "--school", "zw-school", "--year", "2022")
    assert again.returncode == 0 and "与已导入的文件相同，未作改动" in again.stdout
    assert audit_events(duban) == events
    fill(book, "教师", ["0012", "张三", "是", "是"], [None] * 4)
    third = duban("data", "import", book, "--school", "zw-school", "--year", "2022",
                  "--kind", "teacher")  # fmt: skip
    assert "已导入 1 条（替换原有 2 条）" in third.stdout
    out = tmp_path / "教师.csv"
    exported = duban("data", "export", "teacher", "--school", "zw-school", "--year", "2022",
                     "--csv", out)  # fmt: skip
    assert exported.returncode == 0 and "教师 1 条" in exported.stdout
    assert out.read_bytes().decode("utf-8-sig").splitlines()[1] == "0012,张三,是,是,,,30,"
    other_year = tmp_path / "2021.csv"
    duban("data", "export", "teacher", "--school", "zw-school", "--year", "2021", "-o", other_year)
    assert len(other_year.read_text("utf-8-sig").splitlines()) == 1  # the header only


def test_refusals_exit_2_naming_the_place_and_store_nothing(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "t.xlsx"
    duban("data", "template", "teacher", "-o", book)
    fill(book, "教师", ["0012", "张三", "也许", "否"], ["0012", "李四", "是", "否"])
    bad = duban("data", "import", book, "--school", "zw-school", "--year", "2022")
    assert bad.returncode == 2
    assert "工作表“教师”第4行C列（专业课教师）：“也许”应为“是”或“否”" in bad.stderr
    assert "第5行A列（工号）：与第4行的工号相同（“0012”）" in bad.stderr
    assert "共 2 处问题，未保存任何内容" in bad.stderr
    fill(book, "教师", ["0012", "张三", "是", "否"], [None] * 4)
    wrong_kind = duban("data", "import", book, "--school", "zw-school", "--year", "2022",
                       "--kind", "major")  # fmt: skip
    assert wrong_kind.returncode == 2
    assert "这是“教师”数据的模板，不是“专业”数据的" in wrong_kind.stderr
    not_school = duban("data", "import", book, "--school", "zw-edu", "--year", "2022")
    assert not_school.returncode == 2 and "不是学校" in not_school.stderr
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    assert "请用 --kind 指明" in duban("data", "import", plain, "--school", "zw-school",
                                     "--year", "2022").stderr  # fmt: skip
    assert "没有“teachers”这类学校数据" in duban("data", "template", "teachers", "-o", book).stderr
    out = tmp_path / "out.csv"
    duban("data", "export", "teacher", "--school", "zw-school", "--year", "2022", "--csv", out)
    assert len(out.read_text("utf-8-sig").splitlines()) == 1  # nothing was stored


def test_kinds_lists_every_kind_and_its_fields(duban) -> None:  # type: ignore[no-untyped-def]
    listed = duban("data", "kinds")
    assert listed.returncode == 0
    for text in ("teacher（教师）", "staff_no", "工号", "study_visit（教师研修访学）"):
        assert text in listed.stdout
