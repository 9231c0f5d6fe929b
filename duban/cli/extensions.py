"""``duban extensions request|withdraw|review|decide|list``: deadline extensions (延期申请).

Thin: parse the arguments, call ``services.extensions`` in one transaction, print. The operator at
the command line acts for any unit (a paper request entered later gives ``--at``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from duban.cli.ledger import (
    AtOption,
    JsonOption,
    PlanOption,
    actor,
    die,
    emit,
    find_assignment,
    open_store,
    parse_date,
    pick_plan,
    writing,
)
from duban.domain.extensions import EXTENSION_STATE_LABELS, ExtensionState
from duban.queries.extensions import ExtensionFilter, extension_json, extensions_for
from duban.services import extensions

extensions_app = typer.Typer(help="Deadline extensions (延期申请).", no_args_is_help=True)

Id = Annotated[int, typer.Argument(help="Extension request id.")]


@extensions_app.command("request")
def request_cmd(
    task: Annotated[str, typer.Option("--task", help="Task number.")],
    unit: Annotated[str, typer.Option("--unit", help="Unit name, alias or key.")],
    to: Annotated[str, typer.Option("--to", help="Proposed deadline, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the extension is needed.")],
    at: AtOption = None,
    plan: PlanOption = None,
) -> None:
    """A unit asks to move its deadline (before the deadline); prints the request's id."""
    proposed, day = parse_date(to, "--to"), parse_date(at, "--at")
    assert proposed is not None
    with writing() as session:
        assignment = find_assignment(session, pick_plan(session, plan, published=True), task, unit)
        made = extensions.request_extension(session, assignment.id, proposed=proposed,
                                            reason=reason, at=day, actor=actor())  # fmt: skip
        made_id = made.id
    print(made_id)


@extensions_app.command("withdraw")
def withdraw_cmd(extension_id: Id) -> None:
    """Withdraw an open request."""
    with writing() as session:
        extensions.withdraw_extension(session, extension_id, actor=actor())
    print(f"延期申请 #{extension_id} 已撤回")


@extensions_app.command("review")
def review_cmd(
    extension_id: Id,
    agree: Annotated[bool, typer.Option("--agree/--disagree", help="同意 or 不同意.")],
    opinion: Annotated[str, typer.Option("--opinion", help="The supervisor's opinion.")],
    at: AtOption = None,
) -> None:
    """The supervisor's review: agree or disagree, with an opinion."""
    day = parse_date(at, "--at")
    with writing() as session:
        extensions.review_extension(session, extension_id, agrees=agree, opinion=opinion, at=day,
                                    actor=actor())  # fmt: skip
    print(f"延期申请 #{extension_id} 已审核（{'同意' if agree else '不同意'}）")


@extensions_app.command("decide")
def decide_cmd(
    extension_id: Id,
    approve: Annotated[bool, typer.Option("--approve/--refuse", help="批准 or 不予批准.")],
    reason: Annotated[str, typer.Option("--reason", help="Reason (required to refuse).")] = "",
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Granted deadline (default: proposed).")
    ] = None,
    at: AtOption = None,
) -> None:
    """The admin's decision on a reviewed request."""
    granted, day = parse_date(deadline, "--deadline"), parse_date(at, "--at")
    with writing() as session:
        ext = extensions.decide_extension(session, extension_id, approve=approve, reason=reason,
                                          deadline=granted, at=day, actor=actor())  # fmt: skip
        words = f"已批准，延期至{ext.approved_deadline}" if approve else "不予批准"
    print(f"延期申请 #{extension_id} {words}")


@extensions_app.command("list")
def list_cmd(
    state: Annotated[
        str | None, typer.Option("--state", help="open|requested|reviewed|approved|…")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit key.")] = None,
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extension requests: open ones first."""
    if state is not None and state != "open" and state not in ExtensionState.__members__.values():
        die(f"--state 应为 open 或 {'、'.join(s.value for s in ExtensionState)}")
    store = open_store()
    try:
        with store.read() as session:
            wanted = ExtensionFilter(state, plan, unit)
            rows, _ = extensions_for(session, None, wanted, limit=10_000)
            data = [extension_json(r) for r in rows]
    finally:
        store.dispose()
    if as_json:
        emit(data)
        return
    table = Table("#", "任务", "单位", "状态", "原完成时限", "申请延期至", "批准延期至", "申请日期")
    for item in data:
        decision = item["decision"] or {}
        table.add_row(
            str(item["id"]), str(item["task"]), item["unit_name"],
            EXTENSION_STATE_LABELS[ExtensionState(item["state"])], item["original_deadline"],
            item["proposed_deadline"], decision.get("deadline") or "", item["requested_on"],
        )  # fmt: skip
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(extensions_app, name="extensions")
