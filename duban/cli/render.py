"""Rich renderings of a parsed plan for the terminal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.table import Table

from duban.plandoc import PlanDoc, Target
from duban.queries.reports import ReportRow
from duban.queries.status import PlanStatus


def ledger_table(plan: PlanDoc) -> Table:
    """The plan as a ledger (台账): 序号 | 重点任务 | 责任单位 | 配合单位 | 完成时限 | 目标."""
    table = Table(title=plan.title, show_lines=True, expand=True)
    for header, ratio in (("序号", 1), ("重点任务", 4), ("责任单位", 4), ("配合单位", 5)):
        table.add_column(header, ratio=ratio, overflow="fold")
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


def cn_date(day: dt.date) -> str:
    """``2021年7月31日``: dates as the UI writes them."""
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_label(date: dt.date | None, *, ongoing: bool) -> str:
    """``2021年7月31日（长期坚持）`` — dates as the UI shows them."""
    text = cn_date(date) if date else ""
    if ongoing:
        text = f"{text}（长期坚持）" if text else "长期坚持"
    return text


def target_label(target: Target) -> str:
    ops = {">=": "≥", "<=": "≤", "=": "=", "~": "≈"}
    value = f"{target.value:g}" + (f"–{target.value_max:g}" if target.value_max else "")
    scope = "" if target.scope.startswith("全") else f"［{target.scope}］"
    return f"{scope}{target.metric} {ops[target.op]}{value}{target.unit or ''}"


STATUS_STYLE = {
    "done": ("已完成", "green"),
    "done_late": ("逾期完成", "green"),
    "overdue": ("已逾期", "bold red"),
    "due_soon": ("即将到期", "yellow"),
    "unreported": ("未报送", "yellow"),
    "on_track": ("正常推进", "green"),
}


def status_table(result: PlanStatus) -> Table:
    """Tasks with their status in colour, the reason, and each unit's own status."""
    title = f"{result.title}（截至{cn_date(result.as_of)}）"
    table = Table(title=title, show_lines=True, expand=True)
    for header, ratio in (("序号", 1), ("任务", 4), ("状态", 2), ("说明", 6), ("责任单位", 6)):
        table.add_column(header, ratio=ratio, overflow="fold")
    for task in result.tasks:
        label, style = STATUS_STYLE[task.status]
        units = "\n".join(
            f"{a.unit}：[{STATUS_STYLE[a.status][1]}]{STATUS_STYLE[a.status][0]}[/]"
            for a in task.assignments
            if a.role == "lead"
        )
        table.add_row(task.number, task.title, f"[{style}]{label}[/]", task.reason, units)
    counts: dict[str, int] = {}
    for task in result.tasks:
        counts[task.status] = counts.get(task.status, 0) + 1
    table.caption = "，".join(f"{STATUS_STYLE[k][0]} {v}" for k, v in counts.items())
    return table


def units_table(data: dict[str, Any]) -> Table:
    table = Table(title="单位名录", expand=True)
    for header in ("键", "名称", "简称", "类型"):
        table.add_column(header)
    for unit in data["units"]:
        table.add_row(unit["key"], unit["name"], unit["short"] or "", unit["kind"])
    if data["proposals"]:
        table.caption = "待处理的单位名称：" + "、".join(
            f"#{p['id']} {p['name']}" for p in data["proposals"]
        )
    return table


def summary_table(summary: dict[str, Any]) -> Table:
    """Every published plan's tasks by status."""
    day = dt.date.fromisoformat(summary["as_of"])
    table = Table(title=f"全部方案（截至{cn_date(day)}）", expand=True)
    table.add_column("方案")
    for label, style in STATUS_STYLE.values():
        table.add_column(f"[{style}]{label}[/]", justify="right")
    for plan in summary["plans"]:
        table.add_row(f"{plan['plan']} {plan['title']}",
                      *(str(plan["counts"].get(k, 0)) for k in STATUS_STYLE))  # fmt: skip
    return table


STATE_LABELS = {"draft": "草稿", "submitted": "待审核", "accepted": "已通过", "returned": "已退回",
                "superseded": "已被替代"}  # fmt: skip
CLAIMED = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成"}


def reports_table(rows: list[ReportRow]) -> Table:
    """Reports with their state, claim, dates and narrative; coop rows are contributions."""
    table = Table(title="进展报告", show_lines=True, expand=True)
    for header, ratio in (("编号", 1), ("任务", 1), ("单位", 4), ("报送期", 2), ("状态", 2),
                          ("进展", 2), ("报送日期", 3), ("说明", 6)):  # fmt: skip
        table.add_column(header, ratio=ratio, overflow="fold")
    for r in rows:
        role = "（配合）" if r.role == "coop" else ""
        note = r.narrative + (f"\n逾期原因：{r.late_reason}" if r.late_reason else "")
        note += f"\n退回原因：{r.return_reason}" if r.return_reason else ""
        day = (cn_date(r.submitted_on) if r.submitted_on else "") + ("（补录）" * r.on_paper)
        state = STATE_LABELS.get(r.state, r.state)
        table.add_row(str(r.id), r.task, r.unit + role, r.period, state,
                      CLAIMED.get(r.claimed, r.claimed), day, note.strip())  # fmt: skip
    return table


def scorecard_table(data: dict[str, Any]) -> Table:
    """Units ranked by score, with their counts; the formula as the caption."""
    table = Table(title=f"{data['year']}年度单位考核", show_lines=False, expand=True)
    for header in ("名次", "单位", "到期", "按期", "逾期完成", "逾期未完成", "按时报送", "迟报",
                   "漏报", "目标达成", "督办（逾期）", "得分"):  # fmt: skip
        table.add_column(header, overflow="fold")
    for unit in data["units"]:
        table.add_row(str(unit["rank"] or "—"), unit["unit"], str(unit["due"]),
                      str(unit["done_on_time"]), str(unit["done_late"]), str(unit["overdue"]),
                      str(unit["reports_on_time"]), str(unit["reports_late"]),
                      str(unit["reports_missing"]), f"{unit['targets_met']}/{unit['targets']}",
                      f"{unit['actions_open']}（{unit['actions_overdue']}）",
                      "—" if unit["score"] is None else f"{unit['score']:.1f}")  # fmt: skip
    table.caption = data["formula"]
    return table
