"""``duban export quality``: the quality report draft of a year, for the city or a school."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from duban.exchange.quality_docx import NOTE
from tests.cli.conftest import Run, cli, copy_home


@pytest.fixture(scope="module")
def reported_home(published_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample published; 市教育局 reports on task 1 in 2021 (accepted in 2021) and in 2022
    (accepted in 2022). Copied for each test, never used directly."""
    home = copy_home(published_home, tmp_path_factory.mktemp("quality"))
    run = cli(home)
    for day, note, accepted in (("2021-06-20", "去年的进展", "2021-06-25"),
                                ("2022-03-20", "今年的进展", "2022-03-25")):  # fmt: skip
        made = run("report", "submit", "--task", "1", "--unit", "市教育局", "--state",
                   "in_progress", "--note", note, "--reason", "调研推迟", "--at", day,
                   "--json")  # fmt: skip
        report = json.loads(made.stdout)["report"]
        assert run("report", "accept", str(report), "--at", accepted).returncode == 0
    return home


@pytest.fixture
def duban(reported_home: Path, tmp_path: Path) -> Run:
    """The CLI, run in ``tmp_path``, on a fresh copy of ``reported_home``."""
    return cli(copy_home(reported_home, tmp_path), cwd=tmp_path)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)


def test_the_city_draft_quotes_the_years_reports(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "质量年度报告.docx"
    done = duban("export", "quality", "--docx", out, "--year", "2022")
    assert done.returncode == 0, done.stderr
    assert "《中卫市职业教育质量年度报告（2022年度）》" in done.stdout
    text = _text(out)
    assert NOTE in text and "今年的进展" in text and "去年的进展" not in text


def test_a_school_draft(duban, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "school.docx"
    assert duban("export", "quality", "--docx", out, "--year", "2021",
                 "--school", "zw-school").returncode == 0  # fmt: skip
    text = _text(out)
    assert text.startswith("中卫市职业技术学校质量年度报告（2021年度）")
    assert "在《" in text and "没有承担任务分工" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2022", "--school", "zw-edu"), "不是学校"),
        (("--year", "2022", "--school", "nobody"), "单位名录中没有“nobody”"),
        (("--year", "2999"), "2999年度尚未开始"),
        (("--year", "2019"), "2019年度没有台账数据"),
        (("--year", "2022", "--plan", "7"), "没有编号为 7 的方案"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(  # type: ignore[no-untyped-def]
    duban, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "refused.docx"
    result = duban("export", "quality", "--docx", out, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
