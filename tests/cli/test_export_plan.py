"""``duban export plan`` as an administrator runs it: Word and Excel files that read back as the
plan, and refusals that exit 2 and write nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from duban.plandoc import parse_bytes
from tests.conftest import SAMPLE

# ``duban`` (tests/cli/conftest.py): the CLI on a copy of a home with the sample plan published.


def test_export_both_files_of_the_published_plan(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docx, xlsx = tmp_path / "方案.docx", tmp_path / "分工表.xlsx"
    done = duban("export", "plan", "--docx", docx, "--xlsx", xlsx)
    assert done.returncode == 0, done.stderr
    assert "已导出方案" in done.stdout and "25 项任务" in done.stdout
    for path in (docx, xlsx):
        tasks = parse_bytes(path.read_bytes(), path.name).tasks
        assert [t.number for t in tasks] == [str(n) for n in range(1, 26)]
    assert Document(io.BytesIO(docx.read_bytes())).paragraphs[0].text.endswith("重点任务暨分工方案")
    assert load_workbook(xlsx).active["A2"].value == "序号"


def test_a_draft_is_exported_when_named(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "revised.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert duban("import", other).stdout.strip() == "2"
    xlsx = tmp_path / "draft.xlsx"
    assert duban("export", "plan", "--xlsx", xlsx, "--plan", "2").returncode == 0
    assert len(parse_bytes(xlsx.read_bytes(), xlsx.name).tasks) == 25


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请用 --docx 或 --xlsx"),
        (("--docx", "out.xlsx"), "扩展名应为 .docx"),
        (("--xlsx", "no-such-dir/out.xlsx"), "输出目录"),
        (("--docx", "out.docx", "--plan", "99"), "没有编号为 99 的方案"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(  # type: ignore[no-untyped-def]
    duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    result = duban("export", "plan", *args)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert set(tmp_path.iterdir()) == before
