"""``duban export ledger`` as an administrator runs it, on the embedded SQLite."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.cli.conftest import Run, cli, copy_home


@pytest.fixture(scope="module")
def duban(published_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The CLI on a copy of the published sample home with one report on task 3 (shared by the
    module's tests: exporting changes nothing)."""
    run = cli(copy_home(published_home, tmp_path_factory.mktemp("cli")))
    report = ("report", "submit", "--task", "3", "--unit", "市教育局", "--state", "in_progress",
              "--note", "已与两所高职院校签约。", "--at", "2023-04-03")  # fmt: skip
    assert run(*report).returncode == 0, report
    return run


def test_export_writes_the_workbook_and_says_how_many_tasks(duban: Run, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    done = duban("export", "ledger", "--xlsx", out, "--as-of", "2023-06-10", "--per-unit")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已导出台账：{out}（25 项任务）"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["台账", "汇总", "市发展改革委"]
    main = book["台账"]
    assert main.cell(2, 1).value == "截至 2023年6月10日"
    texts = [str(c.value) for r in main.iter_rows() for c in r if c.value]
    assert "市教育局（2023年4月3日）：已与两所高职院校签约。" in "\n".join(texts)


def test_export_of_one_unit_holds_only_its_tasks(duban: Run, tmp_path: Path) -> None:
    out = tmp_path / "人社局.xlsx"
    done = duban("export", "ledger", "--xlsx", out, "--as-of", "2023-06-10", "--unit", "zw-hrss")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["台账", "汇总", "市人力资源社会保障局"]
    assert "已与两所高职院校签约" not in str([c.value for r in book["台账"].iter_rows() for c in r])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--plan", "9"), "没有编号为 9 的方案"),
        (("--as-of", "2023-02-30"), "--as-of 的日期“2023-02-30”无效"),
        (("--unit", "不存在局"), "单位“不存在局”不在单位名录中"),
        (("--unit", "zw-school"), "单位“zw-school”在方案 1 中没有分工"),
    ],
)
def test_a_wrong_plan_date_or_unit_exits_2_with_a_message_and_writes_nothing(
    duban: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "台账.xlsx"
    done = duban("export", "ledger", "--xlsx", out, *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
