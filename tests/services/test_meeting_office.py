"""The supervision office's hand work on a meeting, on both databases: a sign-off that came back
on paper (纸质会签) counts like one on line, with its scan kept as an attachment; a meeting
recorded by mistake may be deleted while no decision or sign-off hangs on it; every refusal
names the problem and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duban.db import Store
from duban.domain import clock
from duban.models import AuditEvent, Meeting, MeetingAttendee, MeetingFile
from duban.queries.meetings import meeting_page, minutes_of
from duban.queries.units import unit_ids
from duban.services import meeting_office, meetings
from duban.services.drafts import Upload
from duban.services.errors import Conflict, Invalid, NotFound, ServiceError
from duban.services.evidence import evidence_path
from duban.services.meeting_office import PaperSignoff
from tests.factories import ADMIN, SUPERVISOR, published_sample
from tests.services.test_meetings import decide, recorded

CIRCULATED = dt.date(2021, 9, 12)
SCAN = b"%PDF-1.4 signed page of the minutes"


def circulating(store: Store) -> tuple[int, dict[str, int]]:
    published_sample(store)
    meeting_id = recorded(store)
    with store.write() as session:
        meetings.circulate_minutes(session, meeting_id, at=CIRCULATED, actor=ADMIN)
    with store.read() as session:
        return meeting_id, unit_ids(session)


def paper(store: Store, meeting_id: int, **changes: Any) -> MeetingAttendee:
    values: dict[str, Any] = {"unit": "市人社局", "signer": "张局长", "signed_on": CIRCULATED,
                              "opinion": "同意。", "scan": None}  # fmt: skip
    values.update(changes)
    with store.write() as session:
        return meeting_office.record_paper_signoff(
            session, store.settings, meeting_id, PaperSignoff(**values), actor=SUPERVISOR
        )


def audit_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id))) or 0


def test_a_paper_sign_off_counts_like_one_on_line_and_keeps_its_scan(store: Store) -> None:
    meeting_id, ids = circulating(store)
    with store.write() as session:
        meetings.sign_minutes(session, meeting_id, ids["zw-edu"], at=CIRCULATED,
                              actor="leader:edu")  # fmt: skip
    scan = Upload("签字页.pdf", SCAN, len(SCAN))
    paper(store, meeting_id, scan=scan, signed_on=dt.date(2021, 9, 15))
    with store.read() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.state == "signed"
        page = meeting_page(session, meeting_id, dt.date(2021, 10, 1))
        assert page is not None
        hrss = next(a for a in page.attendees if a.unit_id == ids["zw-hrss"])
        assert (hrss.paper, hrss.signed_by, hrss.recorded_by, hrss.signed_on) == (
            True, "张局长", SUPERVISOR, dt.date(2021, 9, 15))  # fmt: skip
        kept = session.get(MeetingFile, hrss.file_id)
        assert kept is not None and kept.name == "签字页.pdf"
        assert evidence_path(store.settings, kept.sha256).read_bytes() == SCAN
        minutes = minutes_of(session, meeting_id)
        assert minutes is not None
        assert [s.opinion for s in minutes.signatures] == [
            None,
            "纸质会签（签字人：张局长）；同意。",
        ]
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.sign_paper")
        ).one()
        assert event.actor == SUPERVISOR and event.after is not None
        assert event.after["signer"] == "张局长" and event.after["scan"]["name"] == "签字页.pdf"


def test_a_unit_is_named_by_key_or_id_and_the_scan_is_optional(store: Store) -> None:
    meeting_id, ids = circulating(store)
    paper(store, meeting_id, unit=" zw-edu ", opinion="", signed_on=CIRCULATED.isoformat())
    made = paper(store, meeting_id, unit=str(ids["zw-hrss"]))  # a form sends the id's digits
    assert made.file_id is None
    with store.read() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.state == "signed"


Call = Callable[[Session], object]


def test_paper_refusals_name_the_problem_and_write_nothing(store: Store) -> None:
    meeting_id, _ = circulating(store)
    draft_id = recorded(store)
    today = clock.today()

    def call(mid: int = meeting_id, **changes: Any) -> Call:
        values: dict[str, Any] = {"unit": "市人社局", "signer": "张局长",
                                  "signed_on": CIRCULATED} | changes  # fmt: skip
        return lambda s: meeting_office.record_paper_signoff(
            s, store.settings, mid, PaperSignoff(**values), today=today, actor=SUPERVISOR
        )

    bad_scan = Upload("签字页.pdf", b"not a pdf at all", 16)
    cases: list[tuple[Call, type[ServiceError], str]] = [
        (call(draft_id), Conflict, "不在会签中"),
        (call(unit="市农业农村局"), NotFound, "不是第1次联席会议的参会单位"),
        (call(unit="火星局"), Invalid, "会签单位“火星局”不在单位名录中"),
        (call(unit=" "), Invalid, "请选择会签单位"),
        (call(unit="局" * 201), Invalid, "会签单位不超过 200 字"),
        (call(unit="²"), Invalid, "会签单位“²”不在单位名录中"),  # a digit, but no id
        (call(unit=999), NotFound, "不是第1次联席会议的参会单位"),
        (call(signed_on=""), Invalid, "请填写会签日期"),
        (call(signed_on="昨天"), Invalid, "会签日期应为日期，如 2021-07-31（收到“昨天”）"),
        (call(signed_on="1900-01-01"), Invalid, "会签日期 1900-01-01 不合理"),
        (call(signer="  "), Invalid, "请填写签字人"),
        (call(signer="张" * 101), Invalid, "签字人不超过 100 字"),
        (call(signed_on=dt.date(2021, 9, 1)), Invalid, "早于纪要送签日期 2021-09-12"),
        (call(signed_on=today + dt.timedelta(days=1)), Invalid, "晚于今天"),
        (call(scan=bad_scan), Invalid, "纸质会签扫描件“签字页.pdf”的类型不受支持"),
        (call(999), NotFound, "没有编号为 999 的联席会议"),
    ]
    before = audit_count(store)
    for fn, error, words in cases:
        with pytest.raises(error) as caught, store.write() as session:
            fn(session)
        assert words in caught.value.message, caught.value.message
    assert audit_count(store) == before
    with store.read() as session:
        assert session.scalar(select(func.count(MeetingFile.id))) == 0
        signed = select(func.count(MeetingAttendee.id)).where(
            MeetingAttendee.signed_on.is_not(None)
        )
        assert session.scalar(signed) == 0
    paper(store, meeting_id)
    with pytest.raises(Conflict, match="已于 2021-09-12 会签"), store.write() as session:
        call()(session)


def test_a_meeting_recorded_by_mistake_is_deleted_and_the_audit_keeps_it(store: Store) -> None:
    published_sample(store)
    meeting_id = recorded(store)
    with store.write() as session:
        meetings.attach_file(session, store.settings, meeting_id, SCAN, "签到表.pdf", actor=ADMIN)
    with store.write() as session:
        name = meeting_office.delete_meeting(session, meeting_id, reason="重复登记", actor=ADMIN)
    assert name == "第1次联席会议"
    with store.read() as session:
        assert session.get(Meeting, meeting_id) is None
        assert session.scalar(select(func.count(MeetingFile.id))) == 0
        assert session.scalar(select(func.count(MeetingAttendee.id))) == 0
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.delete")
        ).one()
    assert event.after == {"reason": "重复登记"} and event.before is not None
    assert event.before["minutes"] == "会议听取了汇报。\n议定如下。"
    assert event.before["files"][0]["name"] == "签到表.pdf"
    with store.read() as session:  # neither its id nor its number is given again
        again = session.get(Meeting, recorded(store))
        assert again is not None and again.number == "第2次联席会议" and again.seq == 2
        assert again.id != meeting_id


def test_the_newest_meeting_deleted_leaves_its_id_and_number_unused(store: Store) -> None:
    published_sample(store)
    first, newest = recorded(store), recorded(store)
    with store.write() as session:
        meeting_office.delete_meeting(session, newest, reason="误录", actor=ADMIN)
    made = [recorded(store), recorded(store)]
    with store.read() as session:
        rows = [session.get(Meeting, m) for m in (first, *made)]
        assert [(m.seq, m.number) for m in rows if m] == [
            (1, "第1次联席会议"), (3, "第3次联席会议"), (4, "第4次联席会议")]  # fmt: skip
    assert newest not in made and min(made) > newest
    with store.write() as session:  # the others' deletions count too, whichever goes
        for meeting_id in made:
            meeting_office.delete_meeting(session, meeting_id, reason="误录", actor=ADMIN)
    with store.read() as session:
        again = session.get(Meeting, recorded(store))
        assert again is not None and again.seq == 5 and again.id > max(made)


def test_a_meeting_whose_decisions_are_tasks_or_that_was_signed_is_not_deleted(
    store: Store,
) -> None:
    published_sample(store)
    decided = recorded(store)
    decide(store, decided)
    decide(store, decided, text="完善激励政策", deadline=None)
    signed = recorded(store)
    with store.write() as session:
        meetings.circulate_minutes(session, signed, at=CIRCULATED, actor=ADMIN)
    paper(store, signed)
    cases: list[tuple[int, str, type[ServiceError], str]] = [
        (decided, "误录", Conflict, "议定事项已作为任务纳入督办台账（1-1、1-2）"),
        (signed, "误录", Conflict, "已有单位会签（中卫市人力资源和社会保障局）"),
        (recorded(store), " ", Invalid, "请填写删除原因"),
        (999, "误录", NotFound, "没有编号为 999"),
    ]
    before = audit_count(store)
    for meeting_id, reason, error, words in cases:
        with pytest.raises(error) as caught, store.write() as session:
            meeting_office.delete_meeting(session, meeting_id, reason=reason, actor=ADMIN)
        assert words in caught.value.message, caught.value.message
    assert audit_count(store) == before
    with store.read() as session:
        assert session.scalar(select(func.count(Meeting.id))) == 3
