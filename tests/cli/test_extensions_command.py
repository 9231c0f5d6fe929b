"""``duban extensions``: request, review, decide, list; refusals exit 2 with one Chinese line."""

from __future__ import annotations

import json

# ``duban`` (tests/cli/conftest.py): the CLI on a copy of a home with the sample plan published.


def test_request_review_approve_then_the_status_counts_the_extension(duban) -> None:  # type: ignore[no-untyped-def]
    before = json.loads(duban("status", "--as-of", "2021-08-05", "--json").stdout)
    task_5 = next(t for t in before["tasks"] if t["number"] == "5")
    edu = next(a for a in task_5["assignments"] if a["unit"] == "中卫市教育局")
    assert edu["status"] == "due_soon"  # task 5 is due 31 August 2021
    asked = duban("extensions", "request", "--task", "5", "--unit", "zw-edu", "--to",
                  "2021-12-31", "--reason", "资金晚到", "--at", "2021-08-01")  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    ext = asked.stdout.strip()
    early = duban("extensions", "decide", ext, "--approve", "--at", "2021-08-03")
    assert early.returncode == 2 and "尚未经督导室审核" in early.stderr
    reviewed = duban("extensions", "review", ext, "--agree", "--opinion", "同意",
                     "--at", "2021-08-02")  # fmt: skip
    assert reviewed.returncode == 0, reviewed.stderr
    decided = duban("extensions", "decide", ext, "--approve", "--deadline", "2021-11-30",
                    "--at", "2021-08-04")  # fmt: skip
    assert decided.returncode == 0 and "延期至2021-11-30" in decided.stdout
    listed = json.loads(duban("extensions", "list", "--json").stdout)
    assert [(e["state"], e["original_deadline"], e["decision"]["deadline"]) for e in listed] == [
        ("approved", "2021-08-31", "2021-11-30")
    ]
    after = json.loads(duban("status", "--as-of", "2021-09-05", "--json").stdout)
    task_5 = next(t for t in after["tasks"] if t["number"] == "5")
    edu = next(a for a in task_5["assignments"] if a["unit"] == "中卫市教育局")
    assert edu["status"] != "overdue"
    assert edu["extended_to"] == "2021-11-30"
    table = duban("extensions", "list")
    assert table.returncode == 0 and "已批准" in table.stdout


def test_a_late_request_is_refused_with_exit_2(duban) -> None:  # type: ignore[no-untyped-def]
    late = duban("extensions", "request", "--task", "1", "--unit", "zw-edu", "--to",
                 "2021-12-31", "--reason", "原因", "--at", "2021-08-01")  # fmt: skip
    assert late.returncode == 2
    assert late.stderr.strip() == (
        "duban: 完成时限2021年7月31日已过，不能再申请延期（须在完成时限前提出）"
    )
    assert duban("extensions", "list", "--state", "nonsense").returncode == 2
