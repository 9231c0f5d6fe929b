"""Indicators over school records: every shipped indicator on a hand-made set with a known
answer, the county and city roll-ups (sums of parts), and the drill-down rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select

from duban.db import Store
from duban.domain.indicators import tally
from duban.models import Record, Unit
from duban.queries.indicators import (
    IndicatorValue,
    UnknownScope,
    catalogue,
    evaluate,
    rows_counted,
    rows_in_base,
)
from duban.services import units
from duban.services.records import RecordRow, replace_records
from tests.factories import ADMIN, sample_registry

YEAR = 2022
CLERK = "reporter:学校"
T, F = True, False


def teacher(no: str, prof: bool, dq: bool, days: int | None = None, ideology: bool = False,
            match: bool | None = None) -> dict[str, Any]:  # fmt: skip
    return {"staff_no": no, "name": no, "professional": prof, "double_qualified": dq,
            "practice_days": days, "ideology": ideology, "field_match": match}  # fmt: skip


def student(no: str, grad: bool, cert: bool | None, months: float | None, appr: bool | None,
            x: bool | None) -> dict[str, Any]:  # fmt: skip
    return {"student_no": no, "name": no, "graduating": grad, "certificate": cert,
            "internship_months": months, "apprentice": appr, "x_certificate": x}  # fmt: skip


def major(code: str, x: bool, appr: bool, designation: str, level: str,
          path: str) -> dict[str, Any]:  # fmt: skip
    return {"code": code, "name": code, "x_certificate": x, "apprenticeship": appr,
            "designation": designation, "designation_level": level, "pathway": path}  # fmt: skip


# fmt: off
ZW: dict[str, list[dict[str, Any]]] = {
    "teacher": [
        teacher("T1", T, T, 40), teacher("T2", T, F, 10), teacher("T3", T, T),
        teacher("T4", F, T, ideology=T, match=T), teacher("T5", F, F, ideology=T, match=F),
    ],
    "study_visit": [{"staff_no": "T1", "program": "A"}, {"staff_no": "T1", "program": "B"},
                    {"staff_no": "T2", "program": "A"}],
    "teaching_plan": [{"major_code": "M1", "total_hours": 100, "practice_hours": 40},
                      {"major_code": "M2", "total_hours": 300, "practice_hours": 160}],
    "student": [
        student("S1", T, T, 6, T, T), student("S2", T, F, 5.5, F, F),
        student("S3", T, T, None, F, None), student("S4", F, T, 8, T, T),
    ],
    "major": [
        major("M1", T, T, "特色专业", "自治区级", "3+2"),
        major("M2", F, T, "骨干专业", "市级", "3+4"),
        major("M3", F, F, "特色技工专业", "自治区级", "3+2"),
        major("M4", F, F, "无", "国家级", "无"),
        major("M5", F, F, "品牌专业", "国家级", "无"),
    ],
    "enterprise": [
        {"name": "E1", "apprenticeship": T, "integration_level": "自治区级"},
        {"name": "E2", "apprenticeship": F, "integration_level": "市级"},
        {"name": "E3", "apprenticeship": T, "integration_level": "无"},
        {"name": "E4", "apprenticeship": None, "integration_level": None},
    ],
    "base": [
        {"name": f"B{i}", "type": kind, "level": level}
        for i, (kind, level) in enumerate([
            ("实训基地", "自治区级"), ("实训基地", "市级"), ("实践基地", "校级"),
            ("大师工作室", "自治区级"), ("大师工作室", "市级"), ("名师工作室", "市级"),
            ("名师工作室", "校级"), ("创新团队", "国家级"),
        ])
    ],
    "alliance": [{"name": "A1", "role": "牵头"}, {"name": "A2", "role": "成员"}],
    "factory_school": [{"name": "F1", "type": "校中厂"}, {"name": "F2", "type": "校中厂"},
                       {"name": "F3", "type": "厂中校"}],
    "training": [{"name": "P1", "person_times": 300}, {"name": "P2", "person_times": 1200},
                 {"name": "P3", "person_times": None}],
}
# fmt: on

# indicator → (numerator, denominator, value) at 市职业技术学校 with the rows above
EXPECTED: dict[str, tuple[float, float, float | None]] = {
    "double_qualified_share": (2, 3, 66.67),  # T1, T3 of the professional T1–T3
    "enterprise_practice_share": (1, 3, 33.33),  # T1 (40 days); T3 has no figure
    "ideology_specialized_share": (1, 2, 50.0),
    "study_visit_teachers": (2, 3, 2),  # T1 twice counts once
    "practice_hours_share": (200, 400, 50.0),  # not the mean of 40% and 53.3%
    "internship_six_months_share": (1, 3, 33.33),  # S1; 5.5 months is short, S3 has none
    "certified_graduates": (2, 4, 2),  # S1, S3 (S4 is not graduating)
    "x_certificate_students": (2, 4, 2),
    "apprentice_graduate_share": (1, 3, 33.33),
    "x_certificate_majors": (1, 5, 1),
    "apprenticeship_majors": (2, 5, 2),
    "designated_majors_national": (1, 5, 1),  # M5; M4 has no designation
    "designated_majors_region": (2, 5, 2),
    "designated_majors_city": (1, 5, 1),
    "region_skilled_worker_majors": (1, 5, 1),
    "pathway_3_4_majors": (1, 5, 1),
    "pathway_3_2_majors": (2, 5, 2),
    "apprenticeship_enterprises": (2, 4, 2),
    "integration_enterprises": (2, 4, 2),
    "integration_enterprises_region": (1, 4, 1),
    "integration_enterprises_city": (1, 4, 1),
    "training_bases": (2, 8, 2),
    "training_bases_region": (1, 8, 1),
    "practice_bases": (1, 8, 1),
    "master_studios": (2, 8, 2),
    "master_studios_region": (1, 8, 1),
    "teacher_studios": (2, 8, 2),
    "teacher_studios_city": (1, 8, 1),
    "innovation_teams": (1, 8, 1),
    "led_alliances": (1, 2, 1),
    "factories_in_school": (2, 3, 2),
    "schools_in_factory": (1, 3, 1),
    "training_person_times": (1500, 3, 1500),
}


def upload(store: Store, school: str, kind: str, rows: list[dict[str, Any]]) -> None:
    with store.write() as session:
        replace_records(session, kind, school, YEAR,
                        [RecordRow(4 + i, values) for i, values in enumerate(rows)],
                        sha256=f"{school}{kind}{len(rows)}", actor=CLERK)  # fmt: skip


def registry(store: Store) -> None:
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)


def shown(value: IndicatorValue) -> tuple[float, float, float | None]:
    figure = None if value.value is None else round(value.value, 2)
    return value.numerator, value.denominator, figure


def by_key(values: list[IndicatorValue], scope_key: str) -> Mapping[str, IndicatorValue]:
    return {v.key: v for v in values if v.scope_key == scope_key}


def test_every_shipped_indicator_gives_its_known_answer(store: Store) -> None:
    registry(store)
    for kind, rows in ZW.items():
        upload(store, "zw-school", kind, rows)
    with store.read() as session:
        values = evaluate(session, YEAR)
    assert set(EXPECTED) == {i.key for i in catalogue()}
    school = by_key(values, "zw-school")
    assert {k: shown(v) for k, v in school.items()} == EXPECTED
    for ind in catalogue():  # the pure arithmetic agrees with the SQL
        assert tally(ind, ZW[ind.kind]) == EXPECTED[ind.key][:2]


def test_a_scope_without_rows_has_no_data_rather_than_zero(store: Store) -> None:
    registry(store)
    upload(store, "zw-school", "teacher", ZW["teacher"])
    upload(store, "hy-school", "teacher", [teacher("H1", F, F, ideology=F)])
    with store.read() as session:
        values = evaluate(session, YEAR)
    hy = by_key(values, "hy-school")
    kinds = {i.key: i.kind for i in catalogue()}
    assert {v.value for k, v in hy.items() if kinds[k] != "teacher"} == {None}
    assert shown(hy["double_qualified_share"]) == (0, 0, None)  # no professional teacher
    assert shown(hy["enterprise_practice_share"]) == (0, 0, None)
    assert all(v.value is None for v in evaluate_year(store, YEAR + 1))


def evaluate_year(store: Store, year: int) -> list[IndicatorValue]:
    with store.read() as session:
        return evaluate(session, year)


def test_county_and_city_add_up_numerators_and_denominators(store: Store) -> None:
    registry(store)
    with store.write() as session:  # a second school in 中宁县
        county = session.scalars(select(Unit).where(Unit.key == "zn-gov")).one()
        session.add(Unit(key="zn-school2", name="中宁县第二职业学校", kind="school",
                         parent_id=county.id))  # fmt: skip
    upload(store, "zw-school", "teacher", ZW["teacher"])  # 2 of 3
    upload(store, "zn-school", "teacher", [teacher("Z1", T, T, 30)])  # 1 of 1
    upload(store, "zn-school2", "teacher", [teacher(f"Y{i}", T, i < 1) for i in range(4)])  # 1/4
    upload(store, "zw-school", "training", ZW["training"])  # 1500
    upload(store, "zn-school", "training", [{"name": "Q", "person_times": 250}])
    values = evaluate_year(store, YEAR)
    zn, city = by_key(values, "zn-gov"), by_key(values, "city")
    assert shown(zn["double_qualified_share"]) == (2, 5, 40.0)  # not the mean 62.5
    assert shown(city["double_qualified_share"]) == (4, 8, 50.0)  # not the mean 63.9
    assert shown(city["training_person_times"]) == (1750, 4, 1750)
    assert shown(zn["enterprise_practice_share"]) == (1, 5, 20.0)
    assert (zn["double_qualified_share"].scope, zn["double_qualified_share"].scope_name) == (
        "county", "中宁县人民政府")  # fmt: skip
    scopes = [v.scope_key for v in values if v.key == "double_qualified_share"]
    assert scopes == ["city", "zn-gov", "hy-gov", "zw-school", "zn-school", "hy-school",
                      "zn-school2"]  # fmt: skip
    with store.read() as session:
        only = evaluate(session, YEAR, scope="zn-gov")
    assert {v.scope_key for v in only} == {"zn-gov"} and len(only) == len(catalogue())
    assert shown(by_key(only, "zn-gov")["double_qualified_share"]) == (2, 5, 40.0)


def test_drill_down_returns_exactly_the_counted_rows(store: Store) -> None:
    registry(store)
    for kind in ("teacher", "student"):
        upload(store, "zw-school", kind, ZW[kind])
    upload(store, "zn-school", "teacher", [teacher("Z1", T, T, 30)])
    with store.read() as session:

        def ids(rows: list[Record]) -> list[str]:
            return [r.identity for r in rows]

        assert ids(rows_counted(session, "double_qualified_share", YEAR, "zw-school")) == [
            "T1", "T3"]  # fmt: skip
        assert ids(rows_in_base(session, "double_qualified_share", YEAR, "zw-school")) == [
            "T1", "T2", "T3"]  # fmt: skip
        assert ids(rows_counted(session, "double_qualified_share", YEAR, "city")) == [
            "T1", "T3", "Z1"]  # fmt: skip
        assert ids(rows_counted(session, "double_qualified_share", YEAR, "zn-gov")) == ["Z1"]
        assert ids(rows_counted(session, "internship_six_months_share", YEAR, "zw-school")) == [
            "S1"]  # fmt: skip
        assert ids(rows_counted(session, "certified_graduates", YEAR, "zw-school")) == ["S1", "S3"]
        assert rows_counted(session, "certified_graduates", YEAR - 1, "zw-school") == []


@pytest.mark.parametrize("scope", ["nowhere", "zw-edu"])
def test_an_unknown_scope_is_refused_by_name(store: Store, scope: str) -> None:
    registry(store)
    with store.read() as session, pytest.raises(UnknownScope, match=f"没有“{scope}”这个范围"):
        evaluate(session, YEAR, scope=scope)
