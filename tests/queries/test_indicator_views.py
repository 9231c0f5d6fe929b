"""Which scopes a reader may open, and which school year a bound target's link points at."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from duban.db import Store
from duban.models import RecordBatch, Unit
from duban.permissions import Actor
from duban.queries.indicator_views import target_links, visible_scopes
from duban.queries.status import TargetView
from tests.factories import published_sample
from tests.web.test_indicators import teacher, upload


def actor(store: Store, role: str, unit_key: str | None = None) -> Actor:
    with store.read() as session:
        unit = session.scalar(select(Unit.id).where(Unit.key == unit_key)) if unit_key else None
    return Actor(1, role, role, unit)


def bound(scope: str) -> TargetView:
    return TargetView("双师型", "≥50%", None, None, "no_data", "", scope, "double_qualified_share")


def test_readers_see_every_scope_their_school_or_the_city(store: Store) -> None:
    published_sample(store)
    with store.read() as session:
        every = visible_scopes(session, actor(store, "supervisor"))
        school = visible_scopes(session, actor(store, "leader", "zw-school"))
        bureau = visible_scopes(session, actor(store, "reporter", "zw-edu"))
    assert every[0].key == "city" and {"zn-gov", "zw-school", "hy-school"} <= {s.key for s in every}
    assert [s.key for s in school] == ["zw-school"]
    assert [s.key for s in bureau] == ["city"]


def test_a_link_points_at_the_latest_year_whose_records_had_arrived(store: Store) -> None:
    published_sample(store)
    upload(store, "zw-school", "teacher", [teacher("A", True, True)], year=2021)
    upload(store, "zw-school", "teacher", [teacher("B", True, True)], year=2022)
    with store.write() as session:
        for year, day in ((2021, dt.datetime(2022, 3, 1, tzinfo=dt.UTC)),
                          (2022, dt.datetime(2023, 3, 1, tzinfo=dt.UTC))):  # fmt: skip
            session.execute(update(RecordBatch).where(RecordBatch.year == year)
                            .values(imported_at=day))  # fmt: skip
    supervisor = actor(store, "supervisor")
    targets = [
        bound("全市"),
        bound("中卫市职业技术学校"),
        TargetView("x", "1", None, None, "", "", ""),
    ]
    with store.read() as session:
        between = target_links(session, supervisor, targets, dt.date(2022, 6, 1))
        after = target_links(session, supervisor, targets, dt.date(2023, 6, 1))
        before = target_links(session, supervisor, targets, dt.date(2021, 8, 1))
        school = target_links(session, actor(store, "reporter", "zw-school"), targets,
                              dt.date(2023, 6, 1))  # fmt: skip
    assert [(link.scope, link.year) for link in between[:2] if link] == [
        ("city", 2021), ("zw-school", 2021)]  # fmt: skip
    assert [link.year for link in after[:2] if link] == [2022, 2022]
    assert [link.year for link in before[:2] if link] == [2020, 2020]  # none yet: this year
    assert between[2] is None
    assert [link.scope for link in school[:2] if link] == [None, "zw-school"]
