"""``duban demo``: build the demo deployment in a data directory of its own and serve it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from duban.cli.ledger import die
from duban.config import Settings
from duban.db import Store
from duban.domain import clock
from duban.migrate import upgrade
from duban.services.demo import STEPS, Demo, build_demo
from duban.services.demo.school_data import school_years

MARKER = ".duban-demo"
"""The file that says a data directory is the demo's own (and may be rebuilt)."""


def demo(
    home: Annotated[Path, typer.Option("--home", help="Data directory of the demo.")] = Path(
        "duban-demo"
    ),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build it, do not serve.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the simulated history.")] = 1,
    today: Annotated[
        str | None, typer.Option("--today", help="Simulate up to this day (ISO; default today).")
    ] = None,
) -> None:
    """Set up a living Zhongwei deployment (plan, units, accounts, history) and serve it."""
    day = _day(today)
    _clear(home)
    settings = Settings(home=home, demo=True)
    store = Store(settings)
    try:
        upgrade(store.engine)
        made = _build(store, settings, day, seed)
    finally:
        store.dispose()
    (home / MARKER).write_text(f"seed={seed}\ntoday={day.isoformat()}\n", encoding="utf-8")
    _print(made, home, host, port, no_serve)
    if not no_serve:
        _serve(settings, host, port)


def _day(text: str | None) -> dt.date:
    if text is None:
        return clock.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        die(f"--today 应为 ISO 日期（如 2026-11-29），而不是“{text}”")


def _clear(home: Path) -> None:
    """Make ``home`` an empty directory: refuse one that holds anything but an earlier demo."""
    if home.is_file():
        die(f"{home} 是一个文件，不是目录")
    if home.exists() and any(home.iterdir()):
        if not (home / MARKER).is_file():
            die(f"目录 {home} 已有数据且不是演示目录，演示不会覆盖它；请用 --home 另选一个目录")
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)


def _build(store: Store, settings: Settings, day: dt.date, seed: int) -> Demo:
    total = STEPS + len(school_years(day))
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        bar = progress.add_task("生成演示数据", total=total)
        with store.write() as session:
            made = build_demo(session, settings, today=day, seed=seed,
                              tick=lambda: progress.advance(bar))  # fmt: skip
        progress.update(bar, completed=total)
    return made


def _print(made: Demo, home: Path, host: str, port: int, no_serve: bool) -> None:
    console = Console()
    table = Table(title="演示账号（密码只在演示中这样打印）")
    for column in ("用户名", "密码", "角色", "单位"):
        table.add_column(column)
    for a in made.accounts:
        table.add_row(a.username, a.password, a.role, a.unit)
    console.print(table)
    console.print(f"已生成：方案1个，进展报告{made.reports}份，联席会议{made.meetings}次，"
                  f"督办事项{made.actions}项，学校数据{made.records}行，"
                  f"数据目录 {home.resolve()}")  # fmt: skip
    if no_serve:
        console.print(f"启动：DUBAN_HOME={home} DUBAN_DEMO=1 duban serve --port {port}")
    else:
        console.print(f"打开 http://{host}:{port}/ （Ctrl+C 结束）")


def _serve(settings: Settings, host: str, port: int) -> None:
    """Serve the demo the way ``duban serve`` serves a deployment, on the demo's settings."""
    import uvicorn

    os.environ.update(DUBAN_HOME=str(settings.home), DUBAN_DEMO="1")
    os.environ.pop("DUBAN_DATABASE_URL", None)
    uvicorn.run("duban.web.app:app_from_environment", factory=True, host=host, port=port,
                log_level="warning")  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command()(demo)


__all__ = ["MARKER", "register"]
