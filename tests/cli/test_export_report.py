"""``duban export report``: the supervision report written as a Word file, as operators run it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

# ``duban`` (tests/cli/conftest.py): the CLI, run in ``tmp_path``, on a copy of a home with the
# sample plan published.


def test_report_is_written_to_the_file_and_exits_0(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "督导报告.docx"
    done = duban("export", "report", "--docx", out, "--as-of", "2021-08-05", "--plan", "1")
    assert done.returncode == 0, done.stderr
    assert "督导报告已写入" in done.stdout and "2021年8月5日" in done.stdout
    texts = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert texts[0].endswith("推进情况督导报告") and "（截至2021年8月5日）" in texts
    assert "七、下一步工作建议" in texts
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != "") == ["督导报告.docx"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2021-13-05"], "--as-of 的日期“2021-13-05”无效"),
        (["--as-of", "5 August"], "应为 YYYY-MM-DD"),
        (["--as-of", "2021-08-05", "--plan", "9"], "没有编号为 9 的方案"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(  # type: ignore[no-untyped-def]
    duban, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "report.docx"
    refused = duban("export", "report", "--docx", out, *args)
    assert refused.returncode == 2
    assert message in refused.stderr and "Traceback" not in refused.stderr
    assert not out.exists()


def test_a_wrong_file_name_or_folder_is_refused_before_any_work(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = duban("export", "report", "--docx", tmp_path / "report.pdf", "--as-of", "2021-08-05")
    assert wrong.returncode == 2 and "扩展名应为 .docx" in wrong.stderr
    nowhere = tmp_path / "missing" / "report.docx"
    gone = duban("export", "report", "--docx", nowhere, "--as-of", "2021-08-05")
    assert gone.returncode == 2 and "不存在" in gone.stderr
