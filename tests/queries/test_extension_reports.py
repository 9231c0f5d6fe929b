"""An approved extension keeps the original deadline on record: the ledger workbook and the
supervision report show both dates, read back from the files (openpyxl, python-docx)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from sqlalchemy import select

from duban.db import Store
from duban.exchange.ledger_xlsx import write_ledger
from duban.exchange.supervision_docx import EXTENSION_HEADERS, ExtensionLine, supervision_docx
from duban.models import Plan
from duban.queries.ledger import ledger
from duban.queries.supervision import supervision_report
from duban.services import extensions
from tests.factories import ADMIN, REPORTER, SUPERVISOR, assignment_id, published_sample
from tests.queries.test_supervision import blocks

D = dt.date


def extended_task_1(store: Store) -> Plan:
    """市教育局's part of task 1 (due 31 July 2021) extended to 30 September, approved 10 July."""
    plan_id = published_sample(store)
    with store.write() as session:
        ext = extensions.request_extension(
            session, assignment_id(store, plan_id, "1", "zw-edu"), proposed=D(2021, 9, 30),
            reason="场地改造推迟", at=D(2021, 7, 1), actor=REPORTER,
        )  # fmt: skip
        extensions.review_extension(session, ext.id, agrees=True, opinion="同意",
                                    at=D(2021, 7, 5), actor=SUPERVISOR)  # fmt: skip
        extensions.decide_extension(session, ext.id, approve=True, at=D(2021, 7, 10), actor=ADMIN)
    with store.read() as session:
        plan = session.scalars(select(Plan)).one()
        session.expunge(plan)
        return plan


def cells(data: bytes, sheet: str | None = None) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = book[sheet] if sheet else book.worksheets[0]
    return [str(c.value) for row in found.iter_rows() for c in row if c.value is not None]


def test_the_ledger_shows_the_original_and_the_extended_deadline(store: Store) -> None:
    plan = extended_task_1(store)
    with store.read() as session:
        before = ledger(session, plan, D(2021, 7, 9))
        after = ledger(session, plan, D(2021, 8, 5))
        mine = ledger(session, plan, D(2021, 8, 5), unit_key="zw-edu")
    assert all(p.extended_to is None for r in before.rows for p in r.parts)
    row = next(r for r in after.rows if r.number == "1")
    assert {p.unit_key: p.extended_to for p in row.parts}["zw-edu"] == D(2021, 9, 30)
    assert "原定2021年7月31日；市教育局延期至2021年9月30日" in cells(write_ledger(after))
    assert not any(c.startswith("原定") for c in cells(write_ledger(before)))
    unit_sheet = cells(write_ledger(mine), "市教育局")
    assert "原定2021年7月31日，延期至2021年9月30日" in unit_sheet


def test_the_supervision_report_lists_approved_extensions(store: Store) -> None:
    plan = extended_task_1(store)
    with store.read() as session:
        early = supervision_report(session, plan, D(2021, 7, 9))
        report = supervision_report(session, plan, D(2021, 8, 5))
    assert early.extensions == []
    assert [(e.unit, e.original, e.extended_to, e.decided_on) for e in report.extensions] == [
        ("中卫市教育局", D(2021, 7, 31), D(2021, 9, 30), D(2021, 7, 10))
    ]
    assert isinstance(report.extensions[0], ExtensionLine)
    part = blocks(supervision_docx(report))["三、逾期和逾期完成事项"]
    assert any("经批准延期的分工1项" in p for p in part["paragraphs"])
    table = next(t for t in part["tables"] if t[0] == EXTENSION_HEADERS)
    assert table[1][0] == "中卫市教育局" and table[1][2:] == [
        "2021年7月31日", "2021年9月30日", "2021年7月10日"
    ]  # fmt: skip
