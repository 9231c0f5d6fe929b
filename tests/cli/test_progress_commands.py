"""The progress workbook from the command line: export for a unit, import it filled, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from duban.exchange.progress_xlsx import MAIN

# ``duban`` (tests/cli/conftest.py): the CLI on a copy of a home with the sample plan published.


def test_export_fill_import_then_the_same_file_again(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book_path = tmp_path / "教育局.xlsx"
    made = duban("export", "progress", "--unit", "zw-edu", "-o", book_path)
    assert made.returncode == 0 and "已生成填报表" in made.stdout
    book = openpyxl.load_workbook(book_path)
    for column, value in {"H": "推进中", "I": "完成调研", "J": "资金晚到"}.items():
        book[MAIN][f"{column}4"] = value
    book.save(book_path)
    first = duban("import-progress", book_path, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["submitted"] == 1
    again = duban("import-progress", book_path)
    assert again.returncode == 0 and "报送 0 项，与已报送内容相同 1 项" in again.stdout
    listed = json.loads(duban("report", "list", "--json").stdout)
    assert [r["narrative"] for r in listed] == ["完成调研"]


def test_refusals_exit_2_with_the_place_and_store_nothing(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "没有单位" in duban("export", "progress", "--unit", "nope", "-o", tmp_path / "x").stderr
    book_path = tmp_path / "b.xlsx"
    duban("export", "progress", "--unit", "zw-edu", "-o", book_path)
    book = openpyxl.load_workbook(book_path)
    book[MAIN]["H4"], book[MAIN]["I4"] = "快完成了", "调研"
    book.save(book_path)
    bad = duban("import-progress", book_path)
    assert bad.returncode == 2
    assert "工作表“进展填报”第4行H列（完成情况）：“快完成了”不是可选的完成情况" in bad.stderr
    book[MAIN]["H4"], book[MAIN]["J4"] = "推进中", "资金晚到"
    book.save(book_path)
    other = duban("import-progress", book_path, "--unit", "zw-hrss")
    assert other.returncode == 2 and "不是 zw-hrss 的" in other.stderr
    text = tmp_path / "note.xlsx"
    text.write_bytes("不是工作簿".encode())
    assert duban("import-progress", text).returncode == 2
    assert json.loads(duban("report", "list", "--json").stdout) == []
