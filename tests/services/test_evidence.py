"""Evidence files: content-addressed, checked by content and size, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.db import Store
from duban.services.errors import Invalid
from duban.services.evidence import attach_evidence, evidence_path
from tests.factories import REPORTER, assignment_id, published_sample, report

PDF = b"%PDF-1.4\n% test evidence\n"


@pytest.fixture
def report_id(store: Store) -> int:
    return report(
        store, assignment_id(store, published_sample(store), "2", "zw-edu"), dt.date(2021, 4, 2)
    )


def test_the_same_file_is_stored_once_by_its_hash(store: Store, report_id: int) -> None:
    with store.write() as session:
        first = attach_evidence(
            session, store.settings, report_id, PDF, "会议纪要.pdf", actor=REPORTER
        )
        second = attach_evidence(
            session, store.settings, report_id, PDF, "副本.pdf", actor=REPORTER
        )
    assert first.sha256 == second.sha256
    assert evidence_path(store.settings, first.sha256).read_bytes() == PDF


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PDF, "照片.jpg", "不符"),
        (b"MZ\x90\x00binary", "tool.exe", "不受支持"),
        (b"", "空.pdf", "空文件"),
        (b"%PDF-" + b"0" * (21 * 2**20), "大.pdf", "过大"),
    ],
    ids=["name-contradicts-content", "unsupported", "empty", "oversize"],
)
def test_bad_evidence_is_refused(
    store: Store, report_id: int, data: bytes, name: str, message: str
) -> None:
    with pytest.raises(Invalid, match=message), store.write() as session:
        attach_evidence(session, store.settings, report_id, data, name, actor=REPORTER)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "/etc/passwd.pdf", "..\\..\\x.pdf"])
def test_a_name_that_carries_a_path_is_refused(store: Store, report_id: int, name: str) -> None:
    with pytest.raises(Invalid, match="含有路径"), store.write() as session:
        attach_evidence(session, store.settings, report_id, PDF, name, actor=REPORTER)


def test_the_windows_path_old_browsers_send_is_cut_to_the_name(
    store: Store, report_id: int
) -> None:
    with store.write() as session:
        kept = attach_evidence(session, store.settings, report_id, PDF,
                               "C:\\Users\\科员\\会议纪要.pdf", actor=REPORTER)  # fmt: skip
    assert kept.name == "会议纪要.pdf"
