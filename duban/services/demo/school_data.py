"""The demo's school records: the three Zhongwei schools, every school year since 2021.

Rosters grow year by year from a starting point towards where the plan's targets aim, so that
some targets are met by 2023 (双师型教师 over 50%, 培训 over 10,000 person-times, 厂中校) and some
are missed (产教融合实训基地 2 of 3, 校中厂 5 of 6, 学徒 under 20% of graduates). Each school
year's upload is dated mid-October of the year it starts, as a school's office would send it.
Deterministic for a seed: every row comes from ``random.Random`` seeded by school, kind and year.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.domain.records import RecordRow
from duban.models import RecordBatch
from duban.services.records import replace_records

ACTOR = "reporter:演示数据"
FIRST_YEAR = 2021


@dataclass(frozen=True)
class School:
    key: str
    prefix: str
    professional: int
    """专业课教师."""
    graduates: int
    majors: int
    double: tuple[float, float]
    """双师型 share in 2021 and from 2023 on."""


SCHOOLS = (
    School("zw-school", "ZW", 180, 600, 18, (0.40, 0.56)),
    School("zn-school", "ZN", 90, 300, 10, (0.36, 0.49)),
    School("hy-school", "HY", 70, 200, 8, (0.30, 0.45)),
)
INDUSTRIES = (
    "云计算和军民融合",
    "新材料和新能源",
    "冶金化工",
    "文化和旅游",
    "交通和物流",
    "功能农业",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def school_years(today: dt.date) -> list[int]:
    """The school years with records by ``today``: one upload each October from 2021."""
    last = today.year if today >= dt.date(today.year, 10, 15) else today.year - 1
    return list(range(FIRST_YEAR, last + 1))


def upload_all(session: Session, seed: int, today: dt.date, tick: Callable[[], None]) -> int:
    """Every school's rosters of every kind for every school year; the number of rows."""
    total = 0
    for year in school_years(today):
        for school in SCHOOLS:
            for kind, make in MAKERS.items():
                rng = random.Random(f"{seed}:{school.key}:{kind}:{year}")
                rows = [RecordRow(4 + i, v) for i, v in enumerate(make(school, year, rng))]
                digest = hashlib.sha256(repr(rows).encode()).hexdigest()
                replace_records(session, kind, school.key, year, rows, sha256=digest,
                                source_name=f"{kind}-{year}.xlsx", actor=ACTOR)  # fmt: skip
                _date_upload(session, dt.date(year, 10, 15))
                total += len(rows)
            tick()
    return total


def _date_upload(session: Session, day: dt.date) -> None:
    batch = session.scalars(select(RecordBatch).order_by(RecordBatch.id.desc()).limit(1)).one()
    batch.imported_at = dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC)


def _progress(year: int) -> float:
    """0 in 2021, 1 from 2023: how far a school has come towards the plan's aims."""
    return min(1.0, (year - FIRST_YEAR) / 2)


def _name(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    )


def teachers(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    start, end = s.double
    double = round(s.professional * (start + (end - start) * _progress(year)))
    ideology = max(3, s.professional // 20)
    for i in range(s.professional + ideology):
        professional = i < s.professional
        yield {
            "staff_no": f"{s.prefix}T{i + 1:04d}", "name": _name(rng),
            "professional": professional, "double_qualified": professional and i < double,
            "ideology": not professional,
            "field_match": (not professional) and rng.random() < 0.75 + 0.2 * _progress(year),
            "practice_days": rng.choice((10, 20, 35, 45)) if professional else 0,
            "honour": "技术能手" if i % 40 == 0 else "无",
        }  # fmt: skip


def students(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(s.graduates):
        yield {
            "student_no": f"{s.prefix}{year}{i + 1:05d}", "name": _name(rng),
            "major_code": f"{s.prefix}M{i % s.majors + 1:02d}", "graduating": True,
            "certificate": rng.random() < 0.7 + 0.15 * _progress(year),
            "internship_months": rng.choice((3, 4, 6, 6, 6, 7)),
            "apprentice": rng.random() < 0.08 + 0.08 * _progress(year),
            "x_certificate": rng.random() < 0.2 + 0.2 * _progress(year),
        }  # fmt: skip


def majors(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    p = _progress(year)
    for i in range(s.majors):
        level = "自治区级" if i < round(3 * p) + 1 else ("市级" if i < round(4 * p) + 2 else "无")
        yield {
            "code": f"{s.prefix}M{i + 1:02d}", "name": f"专业{i + 1}",
            "industry": INDUSTRIES[i % len(INDUSTRIES)], "cluster": f"专业群{i % 3 + 1}",
            "designation": "特色专业" if level != "无" else "无", "designation_level": level,
            "pathway": "3+2" if i < round(s.majors * 0.5 * p) else "无",
            "partner": "宁夏职业技术学院", "apprenticeship": i < round(s.majors * 0.35 * p) + 1,
            "x_certificate": i < round(s.majors * 0.6 * p) + 1,
        }  # fmt: skip


def plans(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(s.majors):
        total = rng.choice((2800, 3000, 3200))
        practice = round(total * (0.45 + 0.08 * _progress(year)))
        yield {"major_code": f"{s.prefix}M{i + 1:02d}", "major_name": f"专业{i + 1}",
               "total_hours": total, "practice_hours": practice}  # fmt: skip


def enterprises(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    count = round(s.majors * (0.4 + 0.4 * _progress(year)))
    for i in range(count):
        level = "市级" if i % 3 == 0 else ("自治区级" if i == 1 else "无")
        yield {"name": f"{s.prefix}合作企业{i + 1}", "integration_level": level,
               "apprenticeship": i % 2 == 0, "order_class": i % 4 == 0}  # fmt: skip


BASES = {  # per school from 2023: (type, level, count)
    "zw-school": (("实训基地", "自治区级", 1), ("实训基地", "市级", 1), ("实践基地", "市级", 2),
                  ("大师工作室", "自治区级", 1), ("名师工作室", "市级", 2),
                  ("创新团队", "自治区级", 1)),
    "zn-school": (("实践基地", "市级", 1), ("名师工作室", "市级", 1), ("创新团队", "市级", 1)),
    "hy-school": (("名师工作室", "市级", 1),),
}  # fmt: skip


def bases(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for kind, level, count in BASES[s.key]:
        for i in range(count if year >= 2022 else max(0, count - 1)):
            yield {"name": f"{s.prefix}{level}{kind}{i + 1}", "type": kind, "level": level,
                   "year_built": 2021 + i}  # fmt: skip


def trainings(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    share = {"zw-school": 6000, "zn-school": 3200, "hy-school": 2000}[s.key]
    for i, audience in enumerate(("企业职工", "农民工", "退役军人", "社会人员")):
        yield {"name": f"{audience}技能培训", "audience": audience,
               "person_times": round(share * (0.6 + 0.4 * _progress(year)) / 4) + i,
               "hours": 40}  # fmt: skip


def alliances(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    yield {"name": "中卫市职业教育产教联盟", "role": "牵头" if s.key == "zw-school" else "成员",
           "members": 36}  # fmt: skip


def factory_schools(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    inside = {"zw-school": 2, "zn-school": 2, "hy-school": 1}[s.key]
    outside = {"zw-school": 2, "zn-school": 1, "hy-school": 1}[s.key]
    for i in range(inside if year >= 2022 else 1):
        yield {"name": f"{s.prefix}校中厂{i + 1}", "type": "校中厂", "enterprise": f"企业{i + 1}"}
    for i in range(outside if year >= 2022 else 0):
        yield {"name": f"{s.prefix}厂中校{i + 1}", "type": "厂中校", "enterprise": f"企业{i + 1}"}


def visits(s: School, year: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(s.professional // 15):
        yield {"staff_no": f"{s.prefix}T{i * 7 + 1:04d}", "program": "职业院校教师素质提高计划",
               "level": rng.choice(("国家级", "自治区级")), "days": 21}  # fmt: skip


MAKERS: dict[str, Callable[[School, int, random.Random], Iterator[dict[str, Any]]]] = {
    "teacher": teachers, "student": students, "major": majors, "teaching_plan": plans,
    "enterprise": enterprises, "base": bases, "training": trainings, "alliance": alliances,
    "factory_school": factory_schools, "study_visit": visits,
}  # fmt: skip
