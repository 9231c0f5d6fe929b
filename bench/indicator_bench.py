"""Benchmark: every indicator for one school year over all scopes, SQLite and PostgreSQL.

Usage: .venv/bin/python bench/indicator_bench.py [--db sqlite|postgresql] [--schools 1000]
       [--students 1000000] [--runs 3]

Builds a synthetic province: ``--schools`` schools under counties of ten schools each, and for
one school year ``--students`` student rows spread over the schools, a tenth as many teachers,
and a few majors, enterprises, bases and trainings per school (bulk: COPY on PostgreSQL,
executemany on SQLite). Then times

- ``evaluate``: all indicators of the catalogue, every school, county and the city (one grouped
  statement per record kind, roll-ups in Python, IndicatorValue objects built);
- the floor: one hand-written aggregate over the student rows (the two shares and the two counts
  over students, grouped by school) — what the database must do at least for a quarter of the
  indicators on the biggest kind.

PostgreSQL uses a throw-away schema in the database of DUBAN_TEST_PG_URL (default: the local
``test`` database), dropped afterwards. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from duban.config import Settings  # noqa: E402
from duban.db import Store  # noqa: E402
from duban.migrate import upgrade  # noqa: E402
from duban.models import RecordBatch, Unit  # noqa: E402
from duban.queries.indicators import catalogue, evaluate  # noqa: E402

YEAR = 2022
PG_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
COLUMNS = ("batch_id", "kind", "school_id", "year", "row", "identity", "data")
FLOOR = {
    "postgresql": """
        SELECT school_id,
          count(*) FILTER (WHERE (data->>'graduating')::boolean),
          count(*) FILTER (WHERE (data->>'graduating')::boolean
                           AND (data->>'internship_months')::float >= 6),
          count(*) FILTER (WHERE (data->>'graduating')::boolean AND (data->>'apprentice')::boolean),
          count(*) FILTER (WHERE (data->>'x_certificate')::boolean)
        FROM records WHERE kind = 'student' AND year = :year GROUP BY school_id""",
    "sqlite": """
        SELECT school_id,
          count(*) FILTER (WHERE json_extract(data, '$.graduating')),
          count(*) FILTER (WHERE json_extract(data, '$.graduating')
                           AND json_extract(data, '$.internship_months') >= 6),
          count(*) FILTER (WHERE json_extract(data, '$.graduating')
                           AND json_extract(data, '$.apprentice')),
          count(*) FILTER (WHERE json_extract(data, '$.x_certificate'))
        FROM records WHERE kind = 'student' AND year = :year GROUP BY school_id""",
}


@contextmanager
def database(kind: str) -> Iterator[Store]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as home:
            store = Store(Settings(home=Path(home)))
            upgrade(store.engine)
            yield store
            store.dispose()
        return
    schema = f"duban_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(Settings(database_url=f"{PG_URL}?options=-csearch_path%3D{schema}"))
    try:
        upgrade(store.engine)
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- synthetic data ----------------------------------------------------------------------------

KINDS: dict[str, Callable[[random.Random, int], dict[str, Any]]] = {
    "student": lambda r, i: {
        "student_no": f"S{i}", "name": f"学生{i}", "graduating": r.random() < 0.33,
        "certificate": r.random() < 0.6, "internship_months": r.choice([None, 3, 5.5, 6, 8]),
        "apprentice": r.random() < 0.2, "x_certificate": r.random() < 0.3},
    "teacher": lambda r, i: {
        "staff_no": f"T{i}", "name": f"教师{i}", "professional": r.random() < 0.7,
        "double_qualified": r.random() < 0.5, "practice_days": r.choice([None, 10, 30, 45]),
        "ideology": r.random() < 0.05, "field_match": r.random() < 0.8},
    "major": lambda r, i: {
        "code": f"M{i}", "name": f"专业{i}", "x_certificate": r.random() < 0.3,
        "apprenticeship": r.random() < 0.2,
        "designation": r.choice(["无", "特色专业", "骨干专业"]),
        "designation_level": r.choice(["无", "自治区级", "市级"]),
        "pathway": r.choice(["无", "3+2"])},
    "enterprise": lambda r, i: {
        "name": f"企业{i}", "apprenticeship": r.random() < 0.4,
        "integration_level": r.choice(["无", "自治区级", "市级"])},
    "base": lambda r, i: {
        "name": f"基地{i}", "type": r.choice(["实训基地", "实践基地", "大师工作室", "名师工作室"]),
        "level": r.choice(["自治区级", "市级", "校级"])},
    "training": lambda r, i: {"name": f"培训{i}", "person_times": r.randint(10, 500)},
}  # fmt: skip
IDENTITY = {"student": "student_no", "teacher": "staff_no", "major": "code"}


def build(store: Store, schools: int, students: int, seed: int = 1) -> int:
    """Units, one batch per school and kind, and the rows; returns the number of rows."""
    counties = max(1, schools // 10)
    per_school = {"student": students // schools, "teacher": max(1, students // schools // 10),
                  "major": 10, "enterprise": 5, "base": 3, "training": 2}  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(insert(Unit), [
            {"id": c, "key": f"county{c}", "name": f"县{c}", "kind": "county_government",
             "parent_id": None}
            for c in range(1, counties + 1)
        ] + [
            {"id": counties + s, "key": f"school{s}", "name": f"学校{s}", "kind": "school",
             "parent_id": 1 + (s - 1) % counties}
            for s in range(1, schools + 1)
        ])  # fmt: skip
        batches = [
            {"id": b, "kind": kind, "school_id": counties + s, "year": YEAR, "sha256": "x",
             "rows": per_school[kind], "imported_by": "bench"}
            for b, (s, kind) in enumerate(
                ((s, k) for s in range(1, schools + 1) for k in KINDS), start=1)
        ]  # fmt: skip
        conn.execute(insert(RecordBatch), batches)
    rng = random.Random(seed)
    rows = _rows(rng, batches, per_school)
    if store.engine.dialect.name == "postgresql":
        count = _copy(store, rows)
    else:
        count = _executemany(store, rows)
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return count


def _rows(
    rng: random.Random, batches: list[dict[str, Any]], per_school: dict[str, int]
) -> Iterator[tuple[Any, ...]]:
    n = 0
    for batch in batches:
        kind = batch["kind"]
        for row in range(per_school[kind]):
            n += 1
            data = KINDS[kind](rng, n)
            identity = str(data[IDENTITY.get(kind, "name")])
            payload = json.dumps(data, ensure_ascii=False)
            yield (batch["id"], kind, batch["school_id"], YEAR, row + 4, identity, payload)


# Loading is faster without the indexes and the foreign-key triggers; they are rebuilt after.
UNINDEX = """
    ALTER TABLE records DROP CONSTRAINT uq_records_kind;
    DROP INDEX ix_records_kind_year_school; DROP INDEX ix_records_batch_id;
    SET session_replication_role = replica"""
REINDEX = """
    SET session_replication_role = DEFAULT;
    ALTER TABLE records ADD CONSTRAINT uq_records_kind UNIQUE (kind, school_id, year, identity);
    CREATE INDEX ix_records_kind_year_school ON records (kind, year, school_id);
    CREATE INDEX ix_records_batch_id ON records (batch_id)"""


def _copy(store: Store, rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    raw = store.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(UNINDEX)
        with cursor.copy(f"COPY records ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_escape(v) for v in row) + "\n")
                count += 1
                if count % 50_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        cursor.execute(REINDEX)
        raw.commit()
    finally:
        raw.close()
    return count


def _escape(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _executemany(store: Store, rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    sql = f"INSERT INTO records ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)"
    with store.engine.begin() as conn:
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == 50_000:
                conn.exec_driver_sql(sql, chunk)  # type: ignore[arg-type]
                count, chunk = count + len(chunk), []
        if chunk:
            conn.exec_driver_sql(sql, chunk)  # type: ignore[arg-type]
        count += len(chunk)
    return count


# --- timing ------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--students", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with database(args.db) as store:
        start = time.perf_counter()
        rows = build(store, args.schools, args.students)
        built = time.perf_counter() - start
        with store.read() as session:
            full, values = timed(lambda: evaluate(session, YEAR), args.runs)
            floor, _ = timed(
                lambda: session.execute(text(FLOOR[args.db]), {"year": YEAR}).all(), args.runs
            )
            school, _ = timed(lambda: evaluate(session, YEAR, scope="school1"), args.runs)
    print(f"\n{args.db}: {args.schools:,} schools, {rows:,} rows "
          f"({args.students:,} students), built in {built:.1f} s\n")  # fmt: skip
    print("| query | median s | × floor |\n|---|---:|---:|")
    print(f"| evaluate: {len(catalogue())} indicators × {len(values) // len(catalogue()):,} "
          f"scopes | {full:.2f} | {full / floor:.1f} |")  # fmt: skip
    print(f"| floor: 4 student aggregates by school | {floor:.2f} | 1.0 |")
    print(f"| evaluate one school | {school:.3f} | {school / floor:.2f} |")
    print(f"\nevaluate: {full / (rows / 1e6):.2f} s per million rows")


if __name__ == "__main__":
    main()
