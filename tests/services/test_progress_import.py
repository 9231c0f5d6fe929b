"""Importing a filled progress workbook: all or nothing, idempotent, only the unit's own rows.

The round trip runs as a unit does it: the workbook built from the store, filled in openpyxl,
read back and imported; then the ledger is read to see exactly the edits.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.domain import clock
from duban.domain.choices import Cadence
from duban.domain.periods import counting_period
from duban.exchange.progress_read import read_progress
from duban.exchange.progress_xlsx import FIGURES, MAIN, write_progress
from duban.models import AuditEvent, Plan, Report, Unit
from duban.queries.ledger import ledger
from duban.queries.progress import progress_sheet
from duban.queries.status import plan_status
from duban.services import reports
from duban.services.errors import Conflict, Invalid
from duban.services.progress import ImportResult, InvalidRows, import_progress
from tests.factories import SUPERVISOR, published_sample

EDU = "reporter:市教育局"


def workbook(store: Store, unit_key: str = "zw-edu") -> tuple[bytes, int]:
    with store.read() as session:
        unit = session.scalars(select(Unit).where(Unit.key == unit_key)).one()
        plan = session.scalars(select(Plan)).one()
        return write_progress(progress_sheet(session, unit, plan, clock.today())), unit.id


def fill(data: bytes, cells: dict[str, Any]) -> bytes:
    """``{"进展填报!H4": "推进中", …}`` written into the workbook, saved as Excel would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        sheet, _, at = ref.partition("!")
        book[sheet][at] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(store: Store, data: bytes, unit_id: int | None) -> ImportResult:
    with store.write() as session:
        return import_progress(session, read_progress(data), data, unit_id=unit_id, actor=EDU)


def counts(store: Store) -> tuple[int, int]:
    with store.read() as session:
        return (session.scalar(select(func.count()).select_from(Report)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent)) or 0)  # fmt: skip


def row_of(data: bytes, number: str) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return next(r for r in range(4, 200) if book[MAIN].cell(r, 2).value == number)


@pytest.fixture
def issued(store: Store) -> tuple[bytes, int]:
    published_sample(store)
    return workbook(store)


def two_rows(data: bytes) -> bytes:
    """Task 2 in progress with a figure (past its deadline: with a reason); task 21 done."""
    r2, r21 = row_of(data, "2"), row_of(data, "21")
    return fill(data, {
        f"{MAIN}!H{r2}": "推进中", f"{MAIN}!I{r2}": "新建专业群2个", f"{MAIN}!J{r2}": "资金晚到",
        f"{FIGURES}!H4": "46%",
        f"{MAIN}!H{r21}": "已完成", f"{MAIN}!I{r21}": "经费保障机制已建立",
    })  # fmt: skip


def test_round_trip_the_ledger_shows_exactly_the_edits(
    store: Store, issued: tuple[bytes, int]
) -> None:
    data, unit_id = issued
    before = counts(store)[0]
    result = run_import(store, two_rows(data), unit_id)
    assert (result.submitted, result.unchanged, result.unit) == (2, 0, "中卫市教育局")
    issued_rows = openpyxl.load_workbook(io.BytesIO(data))[MAIN].max_row - 3
    assert result.blank == issued_rows - 2
    with store.read() as session:
        made = session.scalars(select(Report).order_by(Report.id)).all()[before:]
        assert [(r.state, r.claimed, r.narrative, r.late_reason) for r in made] == [
            ("submitted", "in_progress", "新建专业群2个", "资金晚到"),
            ("submitted", "done", "经费保障机制已建立", None),
        ]
        assert [(f.value,) for f in made[0].figures] == [(46.0,)] and made[1].figures == []
        plan = session.scalars(select(Plan)).one()
        ledger = plan_status(session, plan, clock.today(), unit_key="zw-edu")
        period = counting_period(clock.today(), Cadence(plan.cadence), plan.grace_days)
        assert {r.period_key for r in made} == {period.key}
    statuses = {t.number: t.assignments[0].status for t in ledger.tasks}
    assert statuses["21"] != "done"  # a done claim counts once the supervisor accepts it
    with store.write() as session:
        reports.accept_report(session, made[1].id, actor=SUPERVISOR)
    with store.read() as session:
        plan = session.scalars(select(Plan)).one()
        after = plan_status(session, plan, clock.today(), unit_key="zw-edu")
    assert {t.number: t.assignments[0].status for t in after.tasks}["21"] == "done"


def test_the_exported_ledger_changes_exactly_where_the_workbook_was_filled(
    store: Store, issued: tuple[bytes, int]
) -> None:
    data, unit_id = issued

    def progress() -> dict[tuple[str, str], str | None]:
        with store.read() as session:
            plan = session.scalars(select(Plan)).one()
            rows = ledger(session, plan, clock.today()).rows
        return {(row.number, part.unit_key): part.progress.text if part.progress else None
                for row in rows for part in row.parts}  # fmt: skip

    before = progress()
    run_import(store, two_rows(data), unit_id)
    after = progress()
    changed = {key: after[key] for key in after if after[key] != before[key]}
    assert changed == {("2", "zw-edu"): "新建专业群2个", ("21", "zw-edu"): "经费保障机制已建立"}


def test_the_same_file_twice_changes_nothing(store: Store, issued: tuple[bytes, int]) -> None:
    data, unit_id = issued
    run_import(store, two_rows(data), unit_id)
    reports_then, events_then = counts(store)
    again = run_import(store, two_rows(data), unit_id)
    assert (again.submitted, again.unchanged) == (0, 2)
    assert counts(store) == (reports_then, events_then)


def test_two_people_importing_the_same_file_at_once_store_it_once(
    store: Store, issued: tuple[bytes, int]
) -> None:
    data, unit_id = issued
    filled_in = two_rows(data)
    before = counts(store)[0]
    results: list[ImportResult] = []
    threads = [threading.Thread(target=lambda: results.append(run_import(store, filled_in,
                                                                          unit_id)))
               for _ in range(2)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.submitted for r in results) == [0, 2]
    assert counts(store)[0] == before + 2


def test_another_units_workbook_is_refused(store: Store, issued: tuple[bytes, int]) -> None:
    data, _ = issued
    with store.read() as session:
        hrss = session.scalars(select(Unit.id).where(Unit.key == "zw-hrss")).one()
    before = counts(store)
    with pytest.raises(
        Invalid, match="这是“中卫市教育局”的填报表，不能由“中卫市人力资源和社会保障局”上传"
    ):
        run_import(store, two_rows(data), hrss)
    assert counts(store) == before


def test_a_row_past_its_deadline_without_a_reason_refuses_the_whole_upload(
    store: Store, issued: tuple[bytes, int]
) -> None:
    data, unit_id = issued
    r2, r21 = row_of(data, "2"), row_of(data, "21")
    edited = fill(data, {f"{MAIN}!H{r2}": "推进中", f"{MAIN}!I{r2}": "进展",
                         f"{MAIN}!H{r21}": "已完成", f"{MAIN}!I{r21}": "完成"})  # fmt: skip
    before = counts(store)
    with pytest.raises(InvalidRows) as caught:
        run_import(store, edited, unit_id)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == (MAIN, r2, "J")
    assert "任务2已过完成时限（2023年6月30日），请填写逾期说明" in caught.value.message
    assert counts(store) == before


def test_a_workbook_of_an_earlier_period_is_refused(store: Store) -> None:
    published_sample(store)
    with store.read() as session:
        unit = session.scalars(select(Unit).where(Unit.key == "zw-edu")).one()
        plan = session.scalars(select(Plan)).one()
        old = progress_sheet(session, unit, plan, clock.today() - dt.timedelta(days=200))
    data = fill(write_progress(old), {f"{MAIN}!H4": "推进中", f"{MAIN}!I4": "进展",
                                      f"{MAIN}!J4": "迟"})  # fmt: skip
    with pytest.raises(Conflict, match=f"此填报表是{old.period_label}的"):
        run_import(store, data, unit.id)


def test_a_locked_period_refuses_the_upload(store: Store, issued: tuple[bytes, int]) -> None:
    data, unit_id = issued
    upload = read_progress(data)
    with store.write() as session:
        reports.lock_period(session, upload.plan_id, upload.period_key, actor=SUPERVISOR)
    before = counts(store)
    with pytest.raises(Conflict, match="锁定"):
        run_import(store, two_rows(data), unit_id)
    assert counts(store) == before
