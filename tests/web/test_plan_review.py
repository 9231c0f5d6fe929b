"""导入校对 as an admin uses it: upload, review beside the source, correct, settle, publish."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from duban.db import Store
from duban.models import AuditEvent, Plan, UnitProposal
from duban.plandoc import Task, parse_bytes
from tests.conftest import SAMPLE

REVISED = SAMPLE.read_text(encoding="utf-8").replace(
    "完成时限：2021年8月前完成并长期坚持", "完成时限：2021年10月前完成并长期坚持"
)


def upload(client: TestClient, data: bytes, name: str, effective: str = "2021-01-01") -> Response:
    response: Response = client.post(
        "/plans/import",
        files={"file": (name, data, "application/octet-stream")},
        data={"effective": effective, "csrf_token": client.headers["x-csrf-token"]},
    )
    return response


def counts(store: Store) -> tuple[int, int, int]:
    with store.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Plan)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            session.scalar(select(func.count()).select_from(UnitProposal)) or 0,
        )


def test_the_sample_opens_beside_its_source_with_every_field_linked_to_a_mark(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    listing = admin.get("/plans")
    assert listing.status_code == 200
    assert 'enctype="multipart/form-data"' in listing.text and "已发布" in listing.text
    before = counts(store)
    page = upload(admin, SAMPLE.read_bytes(), "again.txt")  # the published sample, once more
    assert page.status_code == 200 and str(page.url).endswith("/plans/1/review?existing")
    assert counts(store) == before  # landed on the stored plan: nothing new
    html = page.text
    assert "已经导入过" in html
    assert len(re.findall(r'<article class="pr-task[^"]*" id="task-', html)) == 25
    links = set(re.findall(r'href="#(span-\d+-\d+)"', html))
    marks = set(re.findall(r'<mark id="(span-\d+-\d+)"', html))
    assert len(links) > 200 and links <= marks
    assert '<a class="pr-src" href="#span-1284-1290">优化专业布局' in html  # task 1's title
    assert "只能查看" in html and "校正此任务" not in html  # published: read-only
    assert admin.get("/plans/99/review").status_code == 404


def test_published_plans_refuse_corrections(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    before = counts(store)
    response = admin.post("/plans/1/tasks/1", data=_task_one(deadline="2021-09-30"))
    assert response.status_code == 409 and "不能再校正" in response.text
    assert admin.post("/plans/1/publish").status_code == 409
    assert counts(store) == before


def test_a_revised_plan_is_corrected_its_new_unit_mapped_then_published(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    page = upload(admin, REVISED.encode(), "revised.txt")
    assert str(page.url).endswith("/plans/2/review?imported")
    assert "与上一版的差异" in page.text and 'href="#task-5">5. ' in page.text
    assert "校正此任务" in page.text

    page = admin.post("/plans/2/tasks/1", data=_task_one(deadline="2021-09-30"))
    assert str(page.url).endswith("/plans/2/review?saved=1#task-1") and "已保存校正" in page.text
    assert "2021年9月30日" in page.text and "已校正" in page.text
    with store.read() as session:
        query = select(AuditEvent).where(AuditEvent.action == "task.correct")
        event = session.scalars(query).one()
    assert event.before == {"deadline": "2021-07-31"}
    assert event.after == {"deadline": "2021-09-30"}

    leads = "\n".join([*_imported_task_one().lead_units, "市乡村振兴局"])
    page = admin.post("/plans/2/tasks/1", data=_task_one(deadline="2021-09-30", leads=leads))
    assert "“市乡村振兴局”" in page.text and "还有1个单位名称待确认" in page.text
    refused = admin.post("/plans/2/publish")
    assert refused.status_code == 409 and "未确认的单位名称：市乡村振兴局" in refused.text

    with store.read() as session:
        proposal = session.scalars(select(UnitProposal).where(UnitProposal.state == "open")).one()
    page = admin.post(f"/plans/2/proposals/{proposal.id}/map", data={"unit_key": "zw-poverty"})
    assert "已对应 中卫市扶贫开发办公室" in page.text
    page = admin.post("/plans/2/publish")
    assert page.status_code == 200 and "方案已发布" in page.text
    with store.read() as session:
        assert [p.state for p in session.scalars(select(Plan).order_by(Plan.id))] == [
            "superseded",
            "published",
        ]
    assert admin.post("/plans/2/tasks/1", data=_task_one()).status_code == 409


def test_a_bad_correction_is_explained_beside_the_task_and_keeps_what_was_typed(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    admin = client_for("admin")
    upload(admin, REVISED.encode(), "revised.txt")
    before = counts(store)
    page = admin.post("/plans/2/tasks/1", data=_task_one(title="新的名称", deadline="明年"))
    assert page.status_code == 400
    assert "完成时限应为日期" in page.text and 'value="新的名称"' in page.text
    assert counts(store) == before


def test_a_file_that_cannot_be_read_shows_the_reason_and_stores_nothing(
    store: Store, client_for: Callable[[str], TestClient]
) -> None:
    before = counts(store)
    page = upload(client_for("admin"), b"PK\x03\x04broken", "bad.docx")
    assert page.status_code == 400
    assert "未能导入：bad.docx：" in page.text and "没有保存任何内容" in page.text
    assert counts(store) == before


@pytest.mark.parametrize("name", ["dudao", "jyj", "leader"])
def test_only_admins_may_use_the_plan_review_pages(
    name: str, store: Store, client_for: Callable[[str], TestClient]
) -> None:
    client = client_for(name)
    before = counts(store)
    assert client.get("/plans").status_code == 403
    assert client.get("/plans/1/review").status_code == 403
    assert upload(client, REVISED.encode(), "revised.txt").status_code == 403
    for path, data in (
        ("/plans/1/tasks/1", _task_one()),
        ("/plans/1/proposals/1/map", {"unit_key": "zw-edu"}),
        ("/plans/1/proposals/1/confirm", {"key": "zw-x", "kind": "department"}),
        ("/plans/1/publish", {}),
    ):
        assert client.post(path, data=data).status_code == 403, path
    assert counts(store) == before


@cache
def _imported_task_one() -> Task:
    return parse_bytes(SAMPLE.read_bytes(), SAMPLE.name).tasks[0]


def _task_one(
    *, title: str = "优化专业布局", deadline: str = "2021-07-31", leads: str | None = None
) -> dict[str, str]:
    """Task 1's fields as imported, but for those given: only they change when posted."""
    task = _imported_task_one()
    return {
        "title": title,
        "deadline": deadline,
        "ongoing": "1" if task.ongoing else "",
        "lead_names": leads or "\n".join(task.lead_units),
        "coop_names": "\n".join(task.coop_units),
    }
