"""``duban actions …``: the ladder's proposals, issue / hold / withdraw / close / reopen, the list
as of a date (``--limit`` at a time from ``--offset``) and the numbered document, on the embedded
SQLite."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from docx import Document

from duban.config import Settings
from duban.db import Store
from tests.action_factories import published_plan_id, spread_actions
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
        (("actions", "list", "--limit", "0"), "--limit 0 无效，应为 1 到 500 之间的整数"),
        (("actions", "list", "--limit", "501"), "--limit 501 无效"),
        (("actions", "list", "--offset", "-1"), "--offset -1 无效，应为 0 到 2147483647"),
        (("actions", "list", "--offset", str(2**31)), f"--offset {2**31} 无效"),
        (("actions", "issue", "--unit", "zw-edu", "--task", "1", "--due", "2000-01-01"),
         "早于发文日期"),
        (("actions", "docx", "5", "-o", "x.docx"), "没有编号为 5 的已发出督办事项"),
    ):  # fmt: skip
        done = duban(*args)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_the_list_shows_fifty_newest_first_and_says_which(duban: Run, tmp_path: Path) -> None:
    store = Store(Settings(home=tmp_path / "home"))
    made = spread_actions(store, published_plan_id(store), 60, today=dt.date(2026, 6, 15))
    store.dispose()
    newest = sorted((n for m in made.values() for n in m), reverse=True)

    def listed(*args: str) -> dict[str, Any]:
        done = duban("actions", "list", "--as-of", "2026-06-15", "--json", *args)
        assert done.returncode == 0, done.stderr
        found: dict[str, Any] = json.loads(done.stdout)
        return found

    def ids(found: dict[str, Any]) -> list[int]:
        return [a["id"] for a in found["actions"]]

    first = listed()
    assert (first["total"], first["limit"], first["offset"]) == (60, 50, 0)
    assert ids(first) == newest[:50] and ids(listed("--offset", "50")) == newest[50:]
    assert ids(listed("--limit", "5", "--offset", "7")) == newest[7:12]
    assert listed("--state", "held")["total"] == 10
    for args, words in (
        ((), "共 60 条，显示第 1–50 条"),
        (("--offset", "50"), "共 60 条，显示第 51–60 条"),
        (("--offset", "60"), "共 60 条，--offset 60 之后没有了"),
        (("--state", "held", "--limit", "3"), "共 10 条，显示第 1–3 条"),
    ):  # fmt: skip
        done = duban("actions", "list", "--as-of", "2026-06-15", *args)
        assert done.returncode == 0 and done.stdout.rstrip().endswith(words), done.stdout


PDF = b"%PDF-1.4\n% rectification plan\n"


def _issue_first_red(duban: Run) -> str:
    key = next(p["key"] for p in _proposals(duban) if p["colour"] == "red")
    done = duban("actions", "issue", str(key), "--on", AS_OF)
    assert done.returncode == 0, done.stderr
    return "中卫督办〔2021〕1号"


def _state(duban: Run, as_of: str) -> tuple[str, bool]:
    row = json.loads(duban("actions", "list", "--as-of", as_of, "--json").stdout)["actions"][0]
    return row["state"], row["overdue"]


def test_respond_enters_a_units_answer_with_files_by_number_or_id(
    duban: Run, tmp_path: Path
) -> None:
    number = _issue_first_red(duban)
    plan, note = tmp_path / "整改方案.pdf", tmp_path / "说明.txt"
    plan.write_bytes(PDF)
    note.write_text("已完成整改。", encoding="utf-8")
    done = duban("actions", "respond", number, "--text", "已制定整改方案。", "--file", plan,
                 "--file", note, "--on", "2021-08-10")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已答复（附件 2 个）" in done.stdout
    assert _state(duban, "2021-08-10") == ("answered", False)
    assert _state(duban, "2021-08-09") == ("open", False)  # dated as entered (补录)
    closed = duban("actions", "close", "1", "--reason", "已核实", "--on", "2021-08-11")
    assert closed.returncode == 0, closed.stderr
    again = duban("actions", "reopen", "1", "--reason", "复查未达标", "--on", "2021-08-12")
    assert again.returncode == 0, again.stderr
    by_id = duban("actions", "respond", "1", "--text", "已按要求补充。", "--on", "2021-08-13")
    assert by_id.returncode == 0 and "附件 0 个" in by_id.stdout, by_id.stderr


def test_respond_refusals_are_one_line_and_write_nothing(duban: Run, tmp_path: Path) -> None:
    number = _issue_first_red(duban)
    fake, good = tmp_path / "假.pdf", tmp_path / "真.pdf"
    fake.write_bytes(b"not a pdf")
    good.write_bytes(PDF)
    for args, words in (
        ((number, "--text", "见附件", "--file", good, "--file", fake), "类型不受支持"),
        ((number, "--text", "见附件", "--file", tmp_path / "没有.pdf"), "无法读取"),
        ((number, "--text", "见附件", "--file", tmp_path), "无法读取"),
        ((number, "--text", "  "), "请填写答复内容"),
        (("中卫督办〔2021〕9号", "--text", "x"), "没有督办事项“中卫督办〔2021〕9号”"),
        (("77", "--text", "x"), "没有督办事项“77”"),
        ((number, "--text", "x", "--on", "2021-08-01"), "早于该督办事项上一次办理的日期"),
    ):  # fmt: skip
        done = duban("actions", "respond", *args)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert _state(duban, AS_OF) == ("open", False)
    kept = tmp_path / "home" / "evidence"  # the fixture's home: nothing kept, not even 真.pdf
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*"))
