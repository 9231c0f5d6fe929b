"""Store a school's uploaded records: one kind, one school year, replacing what was there.

The rows arrive checked cell by cell (``duban.domain.records.read_cell``, by the exchange reader);
here the school, the kind, the year and the rows' identities are checked against the store, then
the school's rows of that kind and year are replaced in the caller's one transaction. The same
file again (same sha256 as the current upload) changes nothing; every other upload is a new
``RecordBatch`` and an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from duban import audit
from duban.catalogue import text
from duban.domain import clock
from duban.domain.choices import UnitKind
from duban.domain.records import RecordKind, RecordRow, Value, parse_kinds, school_year_label
from duban.models import Record, RecordBatch, Unit
from duban.services.errors import Invalid

FIRST_YEAR = 2000


@cache
def record_kinds() -> dict[str, RecordKind]:
    """The shipped catalogue of record kinds (``duban/catalogue/record_kinds.yaml``)."""
    return parse_kinds(text("record_kinds.yaml"))


@dataclass(frozen=True)
class ReplaceResult:
    kind: str
    school: str
    year: int
    rows: int
    replaced: int
    """Rows of the previous upload that this one replaced."""
    unchanged: bool
    """The same file as the current upload: nothing was written."""


def replace_records(
    session: Session, kind_key: str, school_key: str, year: int, rows: Sequence[RecordRow], *,
    sha256: str, source_name: str = "", actor: str,
) -> ReplaceResult:  # fmt: skip
    """Make ``rows`` the school's records of ``kind_key`` for school year ``year``."""
    kind = _kind(kind_key)
    school = school_unit(session, school_key)
    _check_year(year)
    identities = _identities(kind, rows)
    if _current_sha(session, kind.key, school.id, year) == sha256:
        return ReplaceResult(kind.label, school.name, year, len(rows), 0, unchanged=True)
    old = (Record.kind == kind.key, Record.school_id == school.id, Record.year == year,
           Record.current.is_(True))  # fmt: skip
    replaced = session.scalar(select(func.count()).select_from(Record).where(*old)) or 0
    session.execute(update(Record).where(*old).values(current=False))  # kept for past dates
    batch = RecordBatch(
        kind=kind.key, school_id=school.id, year=year, sha256=sha256, rows=len(rows),
        source_name=source_name[:255], imported_by=actor,
    )  # fmt: skip
    session.add(batch)
    session.flush()
    if rows:
        session.execute(insert(Record), [
            {"batch_id": batch.id, "kind": kind.key, "school_id": school.id, "year": year,
             "row": r.row, "identity": identity, "data": dict(r.values)}
            for r, identity in zip(rows, identities, strict=True)
        ])  # fmt: skip
    audit.record(
        session, actor=actor, action="records.import", object_type="record_batch",
        object_id=batch.id, label=f"{school.name} {school_year_label(year)} {kind.label}",
        after={"kind": kind.key, "school": school.key, "year": year, "rows": len(rows),
               "replaced": replaced, "sha256": sha256},
    )  # fmt: skip
    return ReplaceResult(kind.label, school.name, year, len(rows), replaced, unchanged=False)


def school_unit(session: Session, key: str) -> Unit:
    """The school with unit key ``key`` — or ``Invalid`` naming what it is instead."""
    unit = session.scalars(select(Unit).where(Unit.key == key)).first()
    if unit is None:
        raise Invalid(f"单位名录中没有“{key}”")
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(f"“{unit.name}”不是学校，学校数据只能按学校上传")
    return unit


def identity_of(kind: RecordKind, values: Mapping[str, Value]) -> str:
    """The row's identity: its identity fields' values joined (``工号`` for a teacher)."""
    return "|".join(str(values.get(key) or "") for key in kind.identity)[:300]


def _kind(key: str) -> RecordKind:
    kinds = record_kinds()
    if key not in kinds:
        known = "、".join(f"{k.key}（{k.label}）" for k in kinds.values())
        raise Invalid(f"没有“{key}”这类学校数据，可选：{known}")
    return kinds[key]


def _check_year(year: int) -> None:
    latest = clock.today().year
    if not FIRST_YEAR <= year <= latest:
        raise Invalid(f"学年 {year} 无效，应在 {FIRST_YEAR} 到 {latest} 之间（按学年开始的年份）")


def _identities(kind: RecordKind, rows: Sequence[RecordRow]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    labels = "、".join(kind.field(k).label for k in kind.identity)
    for r in rows:
        identity = identity_of(kind, r.values)
        if identity in seen:
            raise Invalid(f"第{r.row}行与第{seen[identity]}行的{labels}相同（“{identity}”），"
                          "每条记录只能出现一次")  # fmt: skip
        seen[identity] = r.row
        out.append(identity)
    return out


def _current_sha(session: Session, kind: str, school_id: int, year: int) -> str | None:
    latest = select(func.max(RecordBatch.id)).where(
        RecordBatch.kind == kind, RecordBatch.school_id == school_id, RecordBatch.year == year
    )
    return session.scalar(
        select(RecordBatch.sha256).where(RecordBatch.id == latest.scalar_subquery())
    )
