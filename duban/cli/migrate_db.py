"""``duban migrate-db``: move a deployment from SQLite (or another database) to PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from duban.cli.ledger import die
from duban.config import Settings, SettingsError, load_settings
from duban.db import Store
from duban.dbcopy import CopyError, CopyResult, copy_database, safe_url


class Bar:
    """A Rich progress bar over all rows, naming the table being copied."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("准备", total=None)

    def start(self, counts: Mapping[str, int]) -> None:
        self.progress.update(self.task, total=sum(counts.values()), description="复制")

    def advance(self, table: str, rows: int) -> None:
        self.progress.update(self.task, advance=rows, description=table)


def migrate_db(
    to: Annotated[
        str,
        typer.Option("--to", help="Target: an empty PostgreSQL database (postgresql+psycopg://…)."),
    ],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="Source URL (default: the configured database, DUBAN_HOME)."),
    ] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows per batch.")] = 1000,
) -> None:
    """Copy every table to an empty PostgreSQL database, in one transaction, and verify it.

    Stop the application first. Evidence files stay in DUBAN_HOME/evidence: keep that folder.
    """
    if not to.startswith("postgresql"):
        die("--to 必须是 PostgreSQL 地址（postgresql+psycopg://…）")
    if from_ is not None and not from_.startswith(("sqlite", "postgresql")):
        die("--from 必须是 sqlite:///… 或 postgresql+psycopg://… 地址")
    try:
        settings = load_settings()
    except SettingsError as exc:
        die(f"配置有误：{exc}")
    source = Store(dataclasses.replace(settings, database_url=from_) if from_ else settings)
    target = Store(Settings(home=settings.home, database_url=to))
    console = Console(stderr=True)
    try:
        columns = (TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=console, transient=True) as progress:
            result = copy_database(source, target, batch=batch, progress=Bar(progress))
    except CopyError as exc:
        die(exc.message, code=2 if exc.refused else 1)
    finally:
        source.dispose()
        target.dispose()
    report(result, settings, source.settings.url, to)


def report(result: CopyResult, settings: Settings, source: str, target: str) -> None:
    print(f"{safe_url(source)} → {safe_url(target)}")
    table = Table("表 table", "行数 rows")
    for name, rows in result.counts.items():
        table.add_row(name, str(rows))
    Console().print(table)
    evidence = settings.home / "evidence"  # as duban.services.evidence.evidence_path keeps them
    print(f"已复制 {sum(result.counts.values())} 行，{len(result.counts)} 张表，行数逐表核对一致")
    print(f"审计链完整：{result.audit_events} 条记录（目标库，结构版本 {result.revision}）")
    print(f"佐证材料文件不随数据库迁移，仍在 {evidence.resolve()}：")
    print("  新部署须使用同一 DUBAN_HOME（或把该目录原样复制过去）")
    print(f"下一步：设置 DUBAN_DATABASE_URL={safe_url(target)} 后重启服务")


def register(app: typer.Typer) -> None:
    app.command("migrate-db")(migrate_db)
