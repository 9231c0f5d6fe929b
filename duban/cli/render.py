"""Rich renderings of a parsed plan for the terminal."""

from __future__ import annotations

import datetime as dt

from rich.table import Table

from duban.plandoc import PlanDoc, Target


def ledger_table(plan: PlanDoc) -> Table:
    """The plan as a ledger (台账): 序号 | 重点任务 | 责任单位 | 配合单位 | 完成时限 | 目标."""
    table = Table(title=plan.title, show_lines=True, expand=True)
    for header, ratio in (("序号", 1), ("重点任务", 4), ("责任单位", 4), ("配合单位", 5)):
        table.add_column(header, ratio=ratio)
    table.add_column("完成时限", ratio=3)
    table.add_column("目标", ratio=5)
    group = None
    for task in plan.tasks:
        if task.group != group and task.group:
            table.add_row("", f"[bold]{task.group}[/bold]", "", "", "", "")
        group = task.group
        table.add_row(
            task.number,
            task.title,
            "、".join(task.lead_units),
            "、".join(task.coop_units),
            deadline_label(task.deadline, ongoing=task.ongoing),
            "\n".join(target_label(t) for t in task.targets),
        )
    table.caption = f"{len(plan.tasks)} 项任务，{sum(len(t.targets) for t in plan.tasks)} 个目标"
    return table


def deadline_label(date: dt.date | None, *, ongoing: bool) -> str:
    """``2021年7月31日（长期坚持）`` — dates as the UI shows them."""
    text = f"{date.year}年{date.month}月{date.day}日" if date else ""
    if ongoing:
        text = f"{text}（长期坚持）" if text else "长期坚持"
    return text


def target_label(target: Target) -> str:
    ops = {">=": "≥", "<=": "≤", "=": "=", "~": "≈"}
    value = f"{target.value:g}" + (f"–{target.value_max:g}" if target.value_max else "")
    scope = "" if target.scope.startswith("全") else f"［{target.scope}］"
    return f"{scope}{target.metric} {ops[target.op]}{value}{target.unit or ''}"
