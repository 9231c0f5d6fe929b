"""Backup and restore of the whole database.

SQLite: the online backup API, consistent while writers keep writing (they wait on the lock for
each step). PostgreSQL: ``pg_dump`` in custom format and ``pg_restore --clean``. Evidence files are
content-addressed files under the data directory: copy that folder alongside (docs/operations.md).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *_pg_args(store)])


def restore(store: Store, source: Path) -> None:
    """Replace the database's contents with the backup at ``source``."""
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    store.dispose()
    if store.settings.is_sqlite:
        _check_sqlite(source)
        _sqlite_copy(source, _sqlite_file(store))
        return
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *_pg_args(store), str(source)])  # fmt: skip


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
    """libpq arguments for the configured URL (the search_path option kept for tests' schemas)."""
    url = make_url(store.settings.url)
    args = [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
            f"--username={url.username or 'postgres'}", f"--dbname={url.database}"]  # fmt: skip
    options = parse_qs(urlsplit(store.settings.url).query).get("options", [])
    schema = next((o.split("=", 1)[1] for o in options if "search_path" in o), None)
    if schema:
        args.append(f"--schema={schema}")
    return args


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip().splitlines()[-1:]}")
