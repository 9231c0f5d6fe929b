"""Backup and restore of the whole database.

SQLite: the online backup API, consistent while writers keep writing (they wait on the lock for
each step). PostgreSQL: ``pg_dump`` in custom format and ``pg_restore --clean``, of the URL's
schema only when it sets one, restored into the URL's schema whatever the dump's was called; a
new database gets ``pg_trgm`` first. Evidence files are content-addressed files under the data
directory: copy that folder alongside (docs/operations.md).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import text
from sqlalchemy.engine import make_url

from duban.db import Store


class BackupError(RuntimeError):
    """Backup or restore failed; the message says why, in Chinese."""


def backup(store: Store, target: Path) -> None:
    """Write a consistent copy of the database to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if store.settings.is_sqlite:
        _sqlite_copy(_sqlite_file(store), target)
        return
    schema = _schema(store)
    only = [f"--schema={schema}"] if schema else []
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *_pg_args(store), *only],
         store)  # fmt: skip


def restore(store: Store, source: Path) -> None:
    """Replace the database's contents with the backup at ``source``; on PostgreSQL with a
    schema in the URL, into that schema, whatever the schema the backup was taken from."""
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    store.dispose()
    if store.settings.is_sqlite:
        _check_sqlite(source)
        _sqlite_copy(source, _sqlite_file(store))
        return
    _ensure_trgm(store)
    schema = _schema(store)
    if schema is None:
        _restore_database(store, source)
    else:
        _restore_schema(store, source, schema)
    store.dispose()


_RESTORE = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]


def _ensure_trgm(store: Store) -> None:
    """The search indexes (migration 0004) use ``pg_trgm``, which a dump of one schema does not
    carry: install it first where 0004 would (``public`` when we may write there)."""
    with store.engine.begin() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
            return
        public = conn.scalar(text("SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace "
                                  "WHERE nspname = 'public'"))  # fmt: skip
        where = " SCHEMA public" if public else ""
        conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS pg_trgm{where}"))


def _restore_database(store: Store, source: Path) -> None:
    """A whole-database dump, less its extensions: ``--clean`` would drop ``pg_trgm`` and create
    it again, which fails (and rolls back) where anything else in the database uses it;
    ``_ensure_trgm`` has installed it already."""
    listing = _run(["pg_restore", "--list", str(source)], store)
    kept = [line for line in listing.splitlines() if not _EXTENSION.search(line)]
    with tempfile.TemporaryDirectory() as folder:
        chosen = Path(folder) / "restore.list"
        chosen.write_text("\n".join(kept) + "\n", encoding="utf-8")
        _run(["pg_restore", *_RESTORE, *_pg_args(store), f"--use-list={chosen}", str(source)],
             store)  # fmt: skip


_EXTENSION = re.compile(r"^\d+; \d+ \d+ (?:COMMENT - )?EXTENSION ")
"""A ``pg_restore --list`` line that creates an extension or comments on one."""


def _restore_schema(store: Store, source: Path, schema: str) -> None:
    """A dump of one schema, into ``schema``: by ``pg_restore`` when the names agree; otherwise
    in one psql transaction, the configured schema's tables that the dump holds are dropped, the
    dump is restored under its own schema name and its tables (with their indexes, constraints
    and sequences) are moved into ``schema``. The dump's schema must not exist in the target."""
    dumped, tables = _dumped_tables(source, store)
    if dumped == schema:
        with store.engine.begin() as conn:  # a new database: pg_restore --schema creates none
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        _run(["pg_restore", *_RESTORE, *_pg_args(store), f"--schema={schema}", str(source)], store)
        return
    with store.engine.connect() as conn:
        taken = conn.scalar(text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": dumped})
    if taken:
        raise BackupError(f"目标数据库中已有模式 {dumped}（备份所在的模式），无法恢复到模式 "
                          f"{schema}：请在另一个数据库中恢复，或先改名该模式")  # fmt: skip
    before = [f'CREATE SCHEMA IF NOT EXISTS "{schema}"', f'CREATE SCHEMA "{dumped}"']
    before += [f'DROP TABLE IF EXISTS "{schema}"."{t}" CASCADE' for t in tables]
    after = [f'ALTER TABLE "{dumped}"."{t}" SET SCHEMA "{schema}"' for t in tables]
    after.append(f'DROP SCHEMA "{dumped}"')  # fails, and so rolls back, if anything was left
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "restore.sql"
        _run(["pg_restore", "--no-owner", f"--schema={dumped}", f"--file={script}", str(source)],
             store)  # fmt: skip
        _run(["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
              *_pg_args(store), "-c", ";".join(before), "-f", str(script), "-c", ";".join(after)],
             store)  # fmt: skip


def _dumped_tables(source: Path, store: Store) -> tuple[str, list[str]]:
    """The one schema the dump's tables are in (``duban backup`` of a schema makes such a dump),
    and the tables' names."""
    listing = _run(["pg_restore", "--list", str(source)], store)
    found = re.findall(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ", listing, re.MULTILINE)
    schemas = sorted({schema for schema, _ in found})
    if len(schemas) != 1:
        raise BackupError(f"备份中的数据表不在同一个模式中（{'、'.join(schemas) or '无'}），"
                          "无法恢复到指定的模式")  # fmt: skip
    return schemas[0], [name for _, name in found]


def _sqlite_file(store: Store) -> Path:
    database = make_url(store.settings.url).database
    if not database:
        raise BackupError("内存数据库无法备份")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)
    finally:
        dst.close()
        src.close()


def _check_sqlite(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        ok = conn.execute("PRAGMA integrity_check").fetchone()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"不是有效的备份文件：{exc}") from None
    if ok != ("ok",) or "audit_events" not in tables:
        raise BackupError("不是有效的督办数据库备份")


def _pg_args(store: Store) -> list[str]:
    """libpq arguments for the configured URL's database."""
    url = make_url(store.settings.url)
    return [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
            f"--username={url.username or 'postgres'}", f"--dbname={url.database}"]  # fmt: skip


def _schema(store: Store) -> str | None:
    """The schema the URL sets with ``options=-csearch_path=…`` (a deployment in one schema of a
    shared database, as the tests run), or None for the database's default."""
    options = parse_qs(urlsplit(store.settings.url).query).get("options", [])
    return next((o.split("=", 1)[1] for o in options if "search_path" in o), None)


def _run(command: list[str], store: Store) -> str:
    """Run a PostgreSQL client program; its output, or BackupError with its last error line."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端")
    env = dict(os.environ)
    password = make_url(store.settings.url).password
    if password:
        env["PGPASSWORD"] = str(password)
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip().splitlines()[-1:]}")
    return str(result.stdout)
