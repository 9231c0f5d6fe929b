"""``duban targets``: a plan's targets with the indicator bound to each (or proposed for it),
and ``duban targets bind`` to bind, bind every proposal, or unbind."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.cli.ledger import JsonOption, PlanOption, actor, die, emit, pick_plan, reading, writing
from duban.domain.binding import propose
from duban.models import Target, Task
from duban.queries.indicators import catalogue
from duban.services.targets import bind_proposed, bind_target

targets_app = typer.Typer(
    help="Targets and the indicators that measure them.", invoke_without_command=True
)


@targets_app.callback()
def list_targets(ctx: typer.Context, plan: PlanOption = None, as_json: JsonOption = False) -> None:
    """List the plan's targets: the indicator bound to each, or the one proposed."""
    if ctx.invoked_subcommand is not None:
        return
    rows = reading(lambda session: _rows(session, plan))
    if as_json:
        emit(rows)
        return
    table = Table(title="目标与指标")
    for header in ("编号", "任务", "目标", "目标值", "范围", "已绑定指标", "建议指标"):
        table.add_column(header, overflow="fold")
    for r in rows:
        cells = ("id", "task", "metric", "goal", "scope", "indicator", "proposed")
        table.add_row(*(str(r[c] or "") for c in cells))
    Console().print(table)


def _rows(session: Session, plan_id: int | None) -> list[dict[str, object]]:
    plan = pick_plan(session, plan_id, published=True)
    names = {ind.key: ind.name for ind in catalogue()}
    query = (
        select(Target, Task.number).outerjoin(Task, Task.id == Target.task_id)
        .where(Target.plan_id == plan.id).order_by(Task.seq, Target.seq)
    )  # fmt: skip
    out: list[dict[str, object]] = []
    for target, number in session.execute(query):
        proposal = propose(target.metric, target.unit, catalogue())
        out.append({
            "id": target.id, "task": number, "metric": target.metric,
            "goal": f"{target.op}{target.value:g}{target.unit or ''}", "scope": target.scope,
            "indicator": target.indicator, "indicator_name": names.get(target.indicator or ""),
            "proposed": proposal.key if proposal and not target.indicator else None,
        })  # fmt: skip
    return out


@targets_app.command("bind")
def bind(
    target: Annotated[int | None, typer.Argument(help="Target id (see duban targets).")] = None,
    indicator: Annotated[str | None, typer.Argument(help="Indicator key.")] = None,
    auto: Annotated[bool, typer.Option("--auto", help="Bind every proposal.")] = False,
    unbind: Annotated[bool, typer.Option("--unbind", help="Remove the binding.")] = False,
    plan: PlanOption = None,
) -> None:
    """Bind a target to an indicator; --auto binds every proposal; --unbind removes one."""
    if auto:
        with writing() as session:
            made = bind_proposed(session, pick_plan(session, plan, published=True).id,
                                 actor=actor())  # fmt: skip
        for b in made:
            print(f"任务{b.task or '-'}“{b.metric}” → {b.name}（{b.indicator}）")
        print(f"已绑定 {len(made)} 个目标")
        return
    if target is None or (indicator is None) != unbind:
        die("请给出目标编号和指标代码，或用 --auto / --unbind")
    with writing() as session:
        made_one = bind_target(session, target, None if unbind else indicator, actor=actor())
    print(f"目标“{made_one.metric}” → {made_one.name or '未绑定'}")


def register(app: typer.Typer) -> None:
    app.add_typer(targets_app, name="targets")
