"""Storing a school's records: replace per kind, school and year; the same file changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Record, RecordBatch
from duban.services.errors import Invalid
from duban.services.records import RecordRow, record_kinds, replace_records
from tests.factories import published_sample

CLERK = "reporter:市职业技术学校"


def teachers(*rows: tuple[str, bool]) -> list[RecordRow]:
    return [
        RecordRow(4 + i, {"staff_no": no, "name": f"教师{no}", "professional": True,
                          "double_qualified": dq})
        for i, (no, dq) in enumerate(rows)
    ]  # fmt: skip


def count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_upload_replaces_the_schools_rows_of_that_kind_and_year(store: Store) -> None:
    published_sample(store)
    with store.write() as session:
        two = teachers(("T1", True), ("T2", False))
        first = replace_records(session, "teacher", "zw-school", 2022, two, sha256="a", actor=CLERK)
        other_year = replace_records(session, "teacher", "zw-school", 2021,
                                     teachers(("T1", False)), sha256="b", actor=CLERK)  # fmt: skip
    with store.write() as session:
        second = replace_records(session, "teacher", "zw-school", 2022,
                                 teachers(("T3", True)), sha256="c", actor=CLERK)  # fmt: skip
    assert (first.rows, first.replaced, other_year.rows, second.replaced) == (2, 0, 1, 2)
    with store.read() as session:
        rows = session.execute(select(Record.year, Record.identity, Record.data, Record.current)
                               .order_by(Record.year, Record.id)).all()  # fmt: skip
    assert [(y, i, d["double_qualified"]) for y, i, d, current in rows if current] == [
        (2021, "T1", False), (2022, "T3", True),
    ]  # fmt: skip
    # the superseded rows stay, no longer current, for the figures of earlier dates
    assert [i for _, i, _, current in rows if not current] == ["T1", "T2"]


def test_the_same_file_again_writes_nothing(store: Store) -> None:
    published_sample(store)
    for _ in range(2):
        with store.write() as session:
            one = teachers(("T1", True))
            result = replace_records(session, "teacher", "zw-school", 2022, one, sha256="same",
                                     actor=CLERK)  # fmt: skip
    assert result.unchanged
    assert (count(store, RecordBatch), count(store, Record)) == (1, 1)


@pytest.mark.parametrize(
    ("kind", "school", "year", "reason"),
    [
        ("teacher", "zw-edu", 2022, "不是学校"),
        ("teacher", "nowhere", 2022, "单位名录中没有“nowhere”"),
        ("pets", "zw-school", 2022, "没有“pets”这类学校数据"),
        ("teacher", "zw-school", 1990, "学年 1990 无效"),
    ],
)
def test_refusals_name_the_fault_and_write_nothing(
    store: Store, kind: str, school: str, year: int, reason: str
) -> None:
    published_sample(store)
    before = count(store, AuditEvent)
    with pytest.raises(Invalid, match=reason), store.write() as session:
        replace_records(
            session, kind, school, year, teachers(("T1", True)), sha256="x", actor=CLERK
        )
    assert (count(store, Record), count(store, AuditEvent)) == (0, before)


def test_two_rows_with_one_identity_are_refused(store: Store) -> None:
    published_sample(store)
    with pytest.raises(Invalid, match="第5行与第4行的工号相同（“T1”）"), store.write() as session:
        replace_records(session, "teacher", "zw-school", 2022,
                        teachers(("T1", True), ("T1", False)), sha256="x", actor=CLERK)  # fmt: skip


def test_the_shipped_catalogue_declares_every_record_kind_of_the_issue() -> None:
    assert set(record_kinds()) == {
        "teacher", "major", "student", "teaching_plan", "enterprise", "base", "training",
        "alliance", "factory_school", "study_visit",
    }  # fmt: skip
