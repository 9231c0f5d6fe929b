"""``duban actions …``: the ladder's proposals, issue / hold / withdraw / close / reopen, the list
as of a date and the numbered document, on the embedded SQLite."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document

from tests.cli.conftest import Run

AS_OF = "2021-08-05"  # task 1 (deadline 2021-07-31) is overdue, nothing reported anywhere


def _proposals(duban: Run, as_of: str = AS_OF) -> list[dict[str, object]]:
    done = duban("actions", "propose", "--as-of", as_of, "--json")
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)["proposals"]
    return found


def test_propose_issue_list_document_close_and_reopen(duban: Run, tmp_path: Path) -> None:
    found = _proposals(duban)
    reds = [p for p in found if p["colour"] == "red"]
    assert reds and all(p["task"] for p in reds)
    first = reds[0]
    done = duban("actions", "issue", str(first["key"]), "--on", AS_OF)
    assert done.returncode == 0, done.stderr
    assert "中卫督办〔2021〕1号" in done.stdout and "2021-08-12" in done.stdout  # red: 7 days
    assert first["key"] not in {p["key"] for p in _proposals(duban)}  # not proposed again
    listed = json.loads(duban("actions", "list", "--as-of", "2021-08-20", "--json").stdout)
    row = listed["actions"][0]
    assert (row["state"], row["overdue"], row["colour"]) == ("open", True, "red")
    out = tmp_path / "督办单.docx"
    assert duban("actions", "docx", str(row["id"]), "-o", out).returncode == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "红色督办单" in text and "中卫督办〔2021〕1号" in text and f"{row['unit']}：" in text
    closed = duban("actions", "close", str(row["id"]), "--reason", "已核实", "--on", "2021-08-21")
    assert closed.returncode == 0, closed.stderr
    again = duban("actions", "reopen", str(row["id"]), "--reason", "整改不到位", "--due",
                  "2021-09-01", "--on", "2021-08-22")  # fmt: skip
    assert again.returncode == 0, again.stderr


def test_hold_and_withdraw_a_proposal_need_a_reason(duban: Run) -> None:
    keys = [str(p["key"]) for p in _proposals(duban)]
    refused = duban("actions", "hold", keys[0], "--reason", " ", "--on", AS_OF)
    assert refused.returncode == 2 and "须写明理由" in refused.stderr
    assert duban("actions", "hold", keys[0], "--reason", "待核实", "--on", AS_OF).returncode == 0
    assert (
        duban("actions", "withdraw", keys[1], "--reason", "不属实", "--on", AS_OF).returncode == 0
    )
    left = {p["key"] for p in _proposals(duban)}
    assert keys[0] not in left and keys[1] not in left
    held = json.loads(duban("actions", "list", "--state", "held", "--json").stdout)["actions"]
    assert len(held) == 1 and held[0]["number"] is None and held[0]["reason"] == "待核实"
    issued = duban("actions", "issue", str(held[0]["id"]))
    assert issued.returncode == 0 and "中卫督办〔" in issued.stdout


def test_refusals_are_one_line_and_exit_2(duban: Run) -> None:
    for args, words in (
        (("actions", "issue", "9:9:red", "--on", AS_OF), "没有建议“9:9:red”"),
        (("actions", "close", "77"), "没有编号为 77 的督办事项"),
        (("actions", "list", "--state", "lost"), "--state “lost”无效"),
        (("actions", "issue", "--unit", "zw-edu", "--task", "1", "--due", "2000-01-01"),
         "早于发文日期"),
        (("actions", "docx", "5", "-o", "x.docx"), "没有编号为 5 的已发出督办事项"),
    ):  # fmt: skip
        done = duban(*args)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
