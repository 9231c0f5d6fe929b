"""Move a deployment's data to an empty PostgreSQL schema (``duban migrate-db``).

The target's schema is built by our own migrations, then every table of the models is copied in
dependency order, batch by batch, keeping primary keys, and the sequences are moved past the
largest id. Schema, rows and sequences are one transaction on the target: a failure or a failed
check (row counts, the audit chain) leaves it as it was. The source is read in one transaction
too, so the copy is a consistent snapshot. No audit event is added: the chain must stay the
source's, hash for hash. Evidence files live on disk under the data directory and do not move.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Table,
    Text,
    cast,
    func,
    insert,
    inspect,
    null,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from duban import audit
from duban.db import Store
from duban.migrate import alembic_config
from duban.models import Base


class CopyError(RuntimeError):
    """The copy was refused or failed; nothing was written to the target. The message is Chinese.

    ``refused`` marks a request that cannot be carried out as asked (exit 2 in the CLI), as
    opposed to a copy that failed its own checks (exit 1)."""

    def __init__(self, message: str, *, refused: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused


class CopyProgress(Protocol):
    """What the caller sees while rows move: the plan, then each batch as it lands."""

    def start(self, counts: Mapping[str, int]) -> None: ...

    def advance(self, table: str, rows: int) -> None: ...


@dataclass(frozen=True)
class CopyResult:
    counts: dict[str, int]
    """Rows per table, as counted on the source and found again on the target."""
    audit_events: int
    """Events in the audit chain, verified on the target before commit."""
    revision: str
    """The schema revision both databases are at."""


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def copy_database(
    source: Store, target: Store, *, batch: int = 1000, progress: CopyProgress | None = None
) -> CopyResult:
    """Copy everything in ``source`` into the empty PostgreSQL database of ``target``."""
    _check_ends(source, target)
    head = _head()
    try:
        with _snapshot(source) as src:
            _check_source_revision(src, head)
            counts = {t.name: _count(src, t) for t in Base.metadata.sorted_tables}
            if progress is not None:
                progress.start(counts)
            with target.engine.connect() as dst, dst.begin():
                _fill(src, dst, counts, batch, progress)
                events = _verify(dst, counts)
    except CommandError as exc:  # e.g. a target at a revision this program does not know
        raise CopyError(f"目标数据库的结构无法升级：{exc}") from exc
    except SQLAlchemyError as exc:
        raise CopyError(
            f"数据库出错，目标库未写入任何数据：{_first_line(exc)}", refused=False
        ) from exc
    return CopyResult(counts, events, head)


def _fill(
    src: Connection, dst: Connection, counts: Mapping[str, int], batch: int,
    progress: CopyProgress | None,
) -> None:  # fmt: skip
    """Inside the target's transaction: refuse data, build the schema, copy, move sequences."""
    # writers of a running instance on the target queue behind us (see Store.write)
    dst.execute(text("SELECT pg_advisory_xact_lock(hashtext('duban:' || current_schema()))"))
    _check_empty(dst)
    config = alembic_config()
    config.attributes["connection"] = dst
    command.upgrade(config, "head")
    for table in Base.metadata.sorted_tables:
        if counts[table.name]:
            _copy_table(src, dst, table, batch, progress)
    _reset_sequences(dst)


@contextmanager
def _snapshot(source: Store) -> Iterator[Connection]:
    """One read transaction on the source: SQLite's is a snapshot already (WAL); PostgreSQL's is
    made one by REPEATABLE READ."""
    with source.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _check_ends(source: Store, target: Store) -> None:
    if target.engine.dialect.name != "postgresql":
        raise CopyError("目标必须是 PostgreSQL 数据库（--to postgresql+psycopg://…）")
    if make_url(source.settings.url) == make_url(target.settings.url):
        raise CopyError("源数据库与目标数据库相同")
    file = sqlite_file(source.settings.url)
    if file is not None and not file.is_file():
        raise CopyError(f"源数据库不存在：{file}")


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "migrations have a head"
    return head


def _check_source_revision(src: Connection, head: str) -> None:
    current = MigrationContext.configure(src).get_current_revision()
    if current is None:
        raise CopyError("源数据库尚未初始化（没有 Duban 的数据表）")
    if current != head:
        raise CopyError(
            f"源数据库的结构版本为 {current}，本程序为 {head}：请先对源数据库运行 duban init"
        )


def _check_empty(dst: Connection) -> None:
    """Refuse a target that holds any row of ours: the copy never merges."""
    present = set(inspect(dst).get_table_names())
    full = [t.name for t in Base.metadata.sorted_tables if t.name in present and _count(dst, t)]
    if full:
        raise CopyError(
            f"目标数据库不是空的（{'、'.join(full)} 已有数据），未写入任何内容。"
            f"The target database is not empty; nothing was written."
        )


def _count(conn: Connection, table: Table) -> int:
    return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def _copy_table(
    src: Connection, dst: Connection, table: Table, batch: int, progress: CopyProgress | None
) -> None:
    """Insert the table's rows in batches, in primary-key order; a row pointing forward to a row of
    its own table (a later id) gets the link once that row is in."""
    pk = list(table.primary_key.columns)
    own = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
    later: list[dict[str, Any]] = []
    for rows in _batches(src, table, pk, batch):
        if own:
            rows = [_hold_forward_links(row, pk[0].name, own, later) for row in rows]
        dst.execute(insert(table), [_values(table, row) for row in rows])
        if progress is not None:
            progress.advance(table.name, len(rows))
    key = pk[0]
    for row in later:
        dst.execute(update(table).where(key == row[key.name]).values(_values(table, row)))


def _batches(
    src: Connection, table: Table, pk: list[Column[Any]], batch: int
) -> Iterator[list[dict[str, Any]]]:
    """The source's rows, ``batch`` at a time, never the whole table in memory. JSON columns come
    as text, so that SQL NULL and JSON null stay apart (``_values``)."""
    columns = [cast(c, Text).label(c.name) if _is_json(c) else c for c in table.columns]
    query = select(*columns).order_by(*pk)
    result = src.execute(query, execution_options={"yield_per": batch})
    for part in result.partitions():
        yield [dict(row._mapping) for row in part]


def _values(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Parameters for the target: JSON text decoded, SQL NULL kept as NULL (not JSON null)."""
    out = dict(row)
    for column in table.columns:
        raw = out[column.name]
        if not _is_json(column):
            continue
        if raw is None:
            out[column.name] = null()
        else:
            value = json.loads(raw)
            out[column.name] = JSON.NULL if value is None else value
    return out


def _is_json(column: Column[Any]) -> bool:
    return isinstance(column.type, JSON) or any(
        isinstance(v, JSON) for v in getattr(column.type, "_variant_mapping", {}).values()
    )


def _hold_forward_links(
    row: dict[str, Any], key: str, own: list[Column[Any]], later: list[dict[str, Any]]
) -> dict[str, Any]:
    forward = [c.name for c in own if row[c.name] is not None and row[c.name] > row[key]]
    if not forward:
        return row
    later.append(row)
    return {**row, **dict.fromkeys(forward)}


def _reset_sequences(dst: Connection) -> None:
    """Next id = largest id + 1, for every table with a serial primary key."""
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement not in (True, "auto"):
            continue
        name, column = f'"{table.name}"', pk[0].name
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{column}") FROM {name}), 0) + 1, false)'
            ),
            {"table": name, "column": column},
        )


def _verify(dst: Connection, counts: Mapping[str, int]) -> int:
    """Before commit: every table holds the source's row count and the audit chain holds."""
    wrong = [
        f"{t.name}（源 {counts[t.name]}，目标 {found}）"
        for t in Base.metadata.sorted_tables
        if (found := _count(dst, t)) != counts[t.name]
    ]
    if wrong:
        raise CopyError(f"行数不一致，已回滚：{'、'.join(wrong)}", refused=False)
    with Session(bind=dst) as session:
        check = audit.verify(session)
    if not check.ok:
        raise CopyError(
            f"目标库的审计链在第 {check.broken_id} 条记录处断开（{check.reason}），已回滚",
            refused=False,
        )
    return check.events


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
