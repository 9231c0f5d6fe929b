"""The ledger from the store, as of a date, on both databases; and its workbook read back."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from sqlalchemy import event

from duban.db import Store
from duban.domain.choices import STATUS_LABELS, Status
from duban.exchange.ledger_model import Ledger, LedgerRow
from duban.exchange.ledger_xlsx import write_ledger
from duban.models import Plan
from duban.queries.ledger import ledger
from duban.queries.status_sql import status_counts
from duban.services import reports
from tests.factories import REPORTER, SUPERVISOR, assignment_id, published_sample

AS_OF = dt.date(2023, 6, 10)


def narrate(
    store: Store, plan_id: int, task: str, unit: str, day: dt.date, text: str, *,
    accept_on: dt.date | None = None, return_on: dt.date | None = None,
) -> int:  # fmt: skip
    """A progress report with a narrative, received on ``day``; accepted or returned later."""
    assignment = assignment_id(store, plan_id, task, unit)
    with store.write() as session:
        made = reports.submit_report(session, assignment, claimed="in_progress", narrative=text,
                                     late_reason="资金未到位", at=day, actor=REPORTER)  # fmt: skip
        if accept_on:
            reports.accept_report(session, made.id, at=accept_on, actor=SUPERVISOR)
        if return_on:
            reports.return_report(session, made.id, reason="请补充材料", at=return_on,
                                  actor=SUPERVISOR)  # fmt: skip
        return made.id


def ledger_on(store: Store, plan_id: int, day: dt.date = AS_OF, unit: str | None = None) -> Ledger:
    with store.read() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return ledger(session, plan, day, unit_key=unit)


def row(result: Ledger, number: str) -> LedgerRow:
    return next(r for r in result.rows if r.number == number)


def progress(result: Ledger, number: str) -> dict[str, str]:
    return {p.unit_key: p.progress.text for p in row(result, number).parts if p.progress}


def history(store: Store) -> int:
    """Task 3 (leads 教育局, 人社局, two counties): reports around 10 June 2023."""
    plan_id = published_sample(store)
    narrate(store, plan_id, "3", "zw-edu", dt.date(2023, 1, 5), "一季度：启动贯通培养。",
            accept_on=dt.date(2023, 1, 8))  # fmt: skip
    narrate(store, plan_id, "3", "zw-edu", dt.date(2023, 4, 3), "二季度：签约4个专业。")
    narrate(store, plan_id, "3", "zw-edu", dt.date(2023, 6, 20), "六月下旬：招生。")  # after D
    narrate(store, plan_id, "3", "zw-hrss", dt.date(2023, 4, 6), "人社局：已对接院校。",
            accept_on=dt.date(2023, 4, 9))  # fmt: skip
    narrate(store, plan_id, "3", "zw-hrss", dt.date(2023, 5, 2), "人社局：被退回的草率报告。",
            return_on=dt.date(2023, 5, 4))  # fmt: skip
    narrate(store, plan_id, "3", "zn-gov", dt.date(2023, 5, 8), "中宁：六月中旬才退回。",
            return_on=dt.date(2023, 6, 15))  # fmt: skip
    narrate(store, plan_id, "3", "zw-fin", dt.date(2023, 3, 1), "财政局：安排经费。")  # coop
    return plan_id


def test_progress_is_each_units_latest_report_standing_at_the_date(store: Store) -> None:
    result = ledger_on(store, history(store))
    assert progress(result, "3") == {
        "zw-edu": "二季度：签约4个专业。",  # the June 20 report came after D
        "zw-hrss": "人社局：已对接院校。",  # the returned one does not count
        "zn-gov": "中宁：六月中旬才退回。",  # still waiting for review on 10 June
        "zw-fin": "财政局：安排经费。",  # a cooperating unit's contribution
    }
    edu = next(p for p in row(result, "3").parts if p.unit_key == "zw-edu")
    assert edu.progress is not None and edu.progress.day == dt.date(2023, 4, 3)
    earlier = ledger_on(store, 1, dt.date(2023, 2, 1))
    assert progress(earlier, "3") == {"zw-edu": "一季度：启动贯通培养。"}


def test_rows_carry_the_plans_wording_numbered_sections_and_status(store: Store) -> None:
    result = ledger_on(store, history(store))
    first = row(result, "1")
    assert (first.section, first.group) == (
        "三、重点任务及分工",
        "（一）构建职业教育改革发展新格局",
    )
    assert first.lead_names == ("市发展改革委", "市教育局", "中宁县人民政府", "海原县人民政府")
    assert first.text.startswith("优化专业布局。") and first.deadline == dt.date(2021, 7, 31)
    assert first.status == "overdue" and first.ongoing
    assert [p.unit for p in first.parts][:2] == ["市发展改革委", "市教育局"]  # short names
    assert len(result.rows) == 25 and result.unit is None


def test_a_unit_scoped_ledger_holds_only_that_units_tasks_parts_and_progress(
    store: Store,
) -> None:
    plan_id = history(store)
    result = ledger_on(store, plan_id, unit="zw-hrss")
    assert result.unit == "市人力资源社会保障局" and result.units == (("zw-hrss", result.unit),)
    assert all(p.unit_key == "zw-hrss" for r in result.rows for p in r.parts)
    assert progress(result, "3") == {"zw-hrss": "人社局：已对接院校。"}
    assert {r.number for r in result.rows} < {r.number for r in ledger_on(store, plan_id).rows}
    assert row(result, "3").status == row(ledger_on(store, plan_id), "3").status  # the task's


def test_the_ledger_takes_a_fixed_number_of_queries_whatever_the_reports(store: Store) -> None:
    plan_id = history(store)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    ledger_on(store, plan_id)
    few = len(statements)
    for task in ("1", "2", "4", "5", "6"):
        narrate(store, plan_id, task, "zw-edu", dt.date(2023, 5, 1), f"任务{task}进展。")
    statements.clear()
    ledger_on(store, plan_id)
    assert len(statements) == few <= 14  # 13: the approved extensions (issue 7); 14: memo state


def test_the_workbook_summary_counts_equal_the_status_counts(store: Store) -> None:
    plan_id = history(store)
    book = openpyxl.load_workbook(io.BytesIO(write_ledger(ledger_on(store, plan_id))))
    with store.read() as session:
        expected = status_counts(session, AS_OF, [plan_id])[plan_id]
    sheet = book["汇总"]
    labels = {label: s.value for s, label in STATUS_LABELS.items()}
    counted = {
        labels[sheet.cell(r, 1).value]: sheet.cell(r, 2).value
        for r in range(5, 11)
        if sheet.cell(r, 2).value
    }
    assert counted == dict(expected) and sum(counted.values()) == 25
    main = book["台账"]
    shown = [main.cell(r, 8).value for r in range(4, main.max_row + 1) if main.cell(r, 2).value]
    assert sorted(shown) == sorted(STATUS_LABELS[Status(s)] for s, n in expected.items()
                                   for _ in range(n))  # fmt: skip


def test_the_workbook_shows_progress_as_of_the_date_and_unit_sheets(store: Store) -> None:
    plan_id = history(store)
    book = openpyxl.load_workbook(
        io.BytesIO(write_ledger(ledger_on(store, plan_id), per_unit=True))
    )
    main = book["台账"]
    task3 = next(r for r in range(4, main.max_row + 1) if main.cell(r, 1).value == 3)
    cell = main.cell(task3, 7).value
    assert "市教育局（2023年4月3日）：二季度：签约4个专业。" in cell
    assert "市财政局（配合，2023年3月1日）：财政局：安排经费。" in cell
    assert "六月下旬" not in cell and "草率" not in cell
    hrss = book["市人力资源社会保障局"]
    rows = [r for r in range(4, hrss.max_row + 1) if hrss.cell(r, 4).value]
    parts = sum(
        1 for r in ledger_on(store, plan_id).rows for p in r.parts if p.unit_key == "zw-hrss"
    )
    assert len(rows) == parts and {hrss.cell(r, 4).value for r in rows} == {"责任", "配合"}
    assert len(book.sheetnames) == 2 + len({p.unit_key for r in ledger_on(store, plan_id).rows
                                            for p in r.parts})  # fmt: skip
