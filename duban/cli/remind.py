"""``duban remind``: send each unit its digest; ``duban remind channels …`` configures channels.

Exit codes (for cron and systemd): 0 — everything due went out (or nothing was due); 1 — some
deliveries failed (logged; the next run tries them again); 2 — bad input or configuration.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from duban.cli.ledger import JsonOption, actor, die, emit, open_store, parse_date, reading, writing
from duban.domain import clock
from duban.queries.reminders import channel_rows, failed_deliveries
from duban.services import reminder_channels
from duban.services.errors import ServiceError
from duban.services.reminders import RunResult, plan_run, run_reminders

remind_app = typer.Typer(
    help="Reminder digests to units by e-mail and webhooks.", invoke_without_command=True
)
channels_app = typer.Typer(help="Reminder channels per unit.", no_args_is_help=True)
remind_app.add_typer(channels_app, name="channels")

UnitOption = Annotated[str | None, typer.Option("--unit", help="Only this unit (its key).")]


@remind_app.callback()
def remind(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day, YYYY-MM-DD (today).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the digests; send and write nothing.")
    ] = False,
    unit: UnitOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find, per unit, what is overdue, due soon, unreported or awaiting an answer; send one
    digest per unit through each enabled channel, never the same reminder twice a period."""
    if ctx.invoked_subcommand is not None:
        return
    day = parse_date(as_of, "--as-of") or clock.today()
    store = open_store()
    try:
        if dry_run:
            result = plan_run(store, store.settings, day, unit_key=unit)
        else:
            result = run_reminders(store, store.settings, day, unit_key=unit)
    except ServiceError as exc:
        die(exc.message)
    finally:
        store.dispose()
    if as_json:
        emit(_json(result, dry_run))
    elif dry_run:
        _print_dry_run(result)
    else:
        _print_summary(result)
    if result.failed and not dry_run:
        raise typer.Exit(1)


def _print_dry_run(result: RunResult) -> None:
    for digest in result.digests:
        print(f"== {digest.subject}\n{digest.text}")
    print(
        f"演练（未发送、未记录）：提醒期 {result.period_key}，"
        f"{len(result.digests)} 个单位有待办事项；将发送 {len(result.deliveries)} 份，"
        f"跳过 {result.skipped} 份（本期已发送），{len(result.without_channel)} 个单位未设渠道"
    )


def _print_summary(result: RunResult) -> None:
    for d in result.deliveries:
        if d.error is not None:
            print(f"duban: 发送失败：{d.digest.unit_name} {d.target.kind} {d.target.address}："
                  f"{d.error}", file=sys.stderr)  # fmt: skip
    print(
        f"提醒期 {result.period_key}：已发送 {result.sent} 份，失败 {result.failed} 份，"
        f"跳过 {result.skipped} 份（本期已发送），{len(result.without_channel)} 个单位未设渠道"
    )


def _json(result: RunResult, dry_run: bool) -> dict[str, object]:
    return {
        "as_of": result.as_of.isoformat(),
        "period": result.period_key,
        "dry_run": dry_run,
        "sent": 0 if dry_run else result.sent,
        "failed": 0 if dry_run else result.failed,
        "skipped": result.skipped,
        "planned": len(result.deliveries),
        "without_channel": result.without_channel,
        "digests": [d.to_json() for d in result.digests],
        "deliveries": [
            {
                "unit": d.digest.unit_key,
                "channel": d.channel_id,
                "kind": d.target.kind,
                "error": d.error,
            }
            for d in result.deliveries
        ],
    }


# --- channels -------------------------------------------------------------------------------------


@channels_app.command("list")
def channels_list(unit: UnitOption = None, as_json: JsonOption = False) -> None:
    """List the reminder channels (secrets are not shown)."""
    rows = reading(lambda session: channel_rows(session, unit))
    if as_json:
        emit([r.__dict__ for r in rows])
        return
    table = Table(title="提醒渠道")
    for header in ("编号", "单位", "类型", "地址", "签名", "启用", "备注"):
        table.add_column(header, overflow="fold")
    for r in rows:
        table.add_row(str(r.id), r.unit_name, r.kind_label, r.target, "有" if r.secret_set else "",
                      "是" if r.enabled else "否", r.note)  # fmt: skip
    Console().print(table)


@channels_app.command("add")
def channels_add(
    unit: Annotated[str, typer.Argument(help="Unit key.")],
    kind: Annotated[str, typer.Argument(help="email|webhook|dingtalk|wecom|feishu")],
    target: Annotated[str, typer.Argument(help="E-mail addresses (comma-separated) or URL.")],
    secret: Annotated[
        str | None, typer.Option("--secret", help="Signing secret (DingTalk, Feishu).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note for the admins.")] = "",
) -> None:
    """Add a channel to a unit."""
    with writing() as session:
        channel = reminder_channels.add_channel(session, unit, kind, target, secret=secret,
                                                note=note, actor=actor())  # fmt: skip
        number = channel.id
    print(f"已添加提醒渠道 {number}")


@channels_app.command("remove")
def channels_remove(channel: Annotated[int, typer.Argument(help="Channel id.")]) -> None:
    """Remove a channel and its delivery log."""
    with writing() as session:
        reminder_channels.remove_channel(session, channel, actor=actor())
    print(f"已删除提醒渠道 {channel}")


@channels_app.command("enable")
def channels_enable(channel: Annotated[int, typer.Argument(help="Channel id.")]) -> None:
    """Switch a channel on."""
    with writing() as session:
        reminder_channels.set_enabled(session, channel, True, actor=actor())
    print(f"已启用提醒渠道 {channel}")


@channels_app.command("disable")
def channels_disable(channel: Annotated[int, typer.Argument(help="Channel id.")]) -> None:
    """Switch a channel off (its log is kept)."""
    with writing() as session:
        reminder_channels.set_enabled(session, channel, False, actor=actor())
    print(f"已停用提醒渠道 {channel}")


@channels_app.command("load")
def channels_load(file: Annotated[Path, typer.Argument(help="YAML: unit key → channels.")]) -> None:
    """Add the channels a YAML file lists (those already there are left as they are)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        die(f"{file}：无法读取（{type(exc).__name__}）")
    with writing() as session:
        result = reminder_channels.load_channels(session, text, actor=actor())
    print(f"已添加 {result.added} 个渠道，{result.unchanged} 个已存在")


@channels_app.command("failures")
def channels_failures(as_json: JsonOption = False) -> None:
    """Deliveries that failed and have not gone through since."""
    rows = reading(failed_deliveries)
    if as_json:
        emit([r.__dict__ for r in rows])
        return
    for r in rows:
        print(
            f"{r.unit_name}\t{r.kind}\t{r.target}\t{r.period_key}\t尝试{r.attempts}次\t{r.last_error}"
        )
    if not rows:
        print("没有未送达的提醒")


def register(app: typer.Typer) -> None:
    app.add_typer(remind_app, name="remind")
