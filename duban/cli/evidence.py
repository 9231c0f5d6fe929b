"""``duban evidence sweep``: clear what a crash left in the evidence store — stale
``.incoming-*`` files removed, files no row refers to moved to the quarantine folder
(``services.evidence_sweep``). Thin: the service decides, this prints a summary."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from duban.cli.ledger import actor, die, open_store
from duban.services.evidence_sweep import SweepResult, sweep_evidence

evidence_app = typer.Typer(help="Evidence files (佐证材料) on disk.", no_args_is_help=True)


@evidence_app.command("sweep")
def sweep(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only report what would be removed or moved.")
    ] = False,
) -> None:
    """Clear what a crash left in the evidence store (safe while the server runs).

    Removes .incoming-* files older than an hour; moves stored files no row refers to, older
    than an hour, to DUBAN_HOME/quarantine/evidence/<time>/ (move them back to undo).
    """
    store = open_store()
    try:
        result = sweep_evidence(store, dry_run=dry_run, actor=actor())
    except OSError as exc:
        die(f"清理佐证材料时出错（{exc.strerror or type(exc).__name__}：{exc.filename}）")
    finally:
        store.dispose()
    Console().print(summary(result))


def summary(result: SweepResult) -> Table:
    verb = ("将删除", "将移入隔离区") if result.dry_run else ("已删除", "已移入隔离区")
    title = "佐证材料清理（试运行，未改动任何文件）" if result.dry_run else "佐证材料清理"
    table = Table("项目", "文件数", "大小", title=title)
    table.add_row(f"未完成的临时文件（.incoming-*），{verb[0]}", str(result.incoming_removed),
                  _size(result.incoming_bytes))  # fmt: skip
    table.add_row(f"无记录引用的文件，{verb[1]}", str(result.orphans_moved),
                  _size(result.orphan_bytes))  # fmt: skip
    table.add_row("有记录引用的文件（保留）", str(result.referenced), "")
    table.add_row("一小时内写入的文件（本次不处理）", str(result.recent), "")
    if result.unknown:
        table.add_row("无法识别的文件（未处理）", str(result.unknown), "")
    if result.orphans_moved:
        table.caption = f"{'将移入' if result.dry_run else '隔离区：'}{result.quarantine}"
    return table


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.1f} KB"


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
