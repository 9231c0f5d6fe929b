"""``duban actions …``: supervision actions and the escalation ladder (三色督办单) from the shell.

``propose`` lists the notices the ladder calls for; ``issue``, ``hold`` and ``withdraw`` take a
proposal's key (``task:unit:colour``, as ``propose`` prints it) or an action's id; ``close`` and
``reopen`` an action's id; ``respond`` enters a unit's answer (text and files, e.g. received on
paper) to an action named by its id or document number; ``docx`` writes an issued action's
document. The CLI is the operator's tool on the server: it acts with the supervisor's rights and,
for ``respond``, for the unit the action is addressed to; the audit trail names the operator
(``DUBAN_ACTOR``, else ``cli:<login>``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.cli.ledger import (
    JsonOption,
    PlanOption,
    actor,
    die,
    emit,
    open_store,
    parse_date,
    pick_plan,
    reading,
    writing,
)
from duban.config import Settings
from duban.domain import clock
from duban.domain.actions import ACTION_STATE_LABELS, COLOUR_LABELS, ActionState, Colour, Verb
from duban.domain.ladder import Ladder, LadderError
from duban.exchange.action_docx import action_docx
from duban.models import Task, Unit
from duban.permissions import Actor
from duban.queries.action_documents import action_document
from duban.queries.action_pages import action_slice
from duban.queries.actions import ActionFilter, action_ref
from duban.queries.ladder import load_ladder, proposals
from duban.services import actions
from duban.services.actions import ActionDraft, Step
from duban.services.drafts import Upload
from duban.services.ladder_actions import decide_proposal

actions_app = typer.Typer(help="Supervision actions (督办事项) and the three-colour ladder.",
                          no_args_is_help=True)  # fmt: skip
OPERATOR = Actor(0, "cli", "supervisor", None)

AsOf = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today).")]
Reason = Annotated[str, typer.Option("--reason", help="Why (required).")]
Due = Annotated[str | None, typer.Option("--due", help="Answer due by YYYY-MM-DD.")]
On = Annotated[str | None, typer.Option("--on", help="Date of the step, YYYY-MM-DD (补录).")]
Target = Annotated[str, typer.Argument(help="A proposal key task:unit:colour, or an action id.")]
LIMIT, MAX_LIMIT, MAX_OFFSET = 50, 500, 2**31 - 1
"""``list``: actions shown by default, at most (as the API's ``limit``), and the last offset."""


def ladder_of(settings: Settings) -> Ladder:
    try:
        return load_ladder(settings)
    except (LadderError, OSError) as exc:
        die(f"督办阶梯配置有误：{exc}")


def _settings() -> Settings:
    store = open_store()
    settings = store.settings
    store.dispose()
    return settings


@actions_app.command("propose")
def propose(plan: PlanOption = None, as_of: AsOf = None, as_json: JsonOption = False) -> None:
    """The notices the ladder calls for (not yet issued, held or withdrawn)."""
    day = parse_date(as_of, "--as-of") or clock.today()
    ladder = ladder_of(_settings())
    found = reading(lambda s: proposals(s, pick_plan(s, plan, published=True), day, ladder))
    if as_json:
        emit({"as_of": day.isoformat(), "proposals": [p.to_json() for p in found]})
        return
    table = Table(title=f"督办阶梯建议（截至{day.isoformat()}）")
    for header in ("key", "颜色", "任务", "单位", "缘由"):
        table.add_column(header, overflow="fold")
    for p in found:
        table.add_row(p.key, COLOUR_LABELS[p.colour], f"{p.task_number}. {p.task_title}", p.unit,
                      p.rule)  # fmt: skip
    table.caption = f"共 {len(found)} 项"
    Console().print(table)


@actions_app.command("issue")
def issue(
    target: Annotated[str | None, typer.Argument(help="A proposal key or held action id.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="New action: unit key.")] = None,
    task: Annotated[str | None, typer.Option("--task", help="New action: task number.")] = None,
    kind: Annotated[str, typer.Option("--kind", help="reminder|notice|interview|rectification")]
    = "rectification",
    title: Annotated[str, typer.Option("--title", help="New action: its title.")] = "",
    body: Annotated[str, typer.Option("--body", help="New action: its text.")] = "",
    plan: PlanOption = None, due: Due = None, on: On = None,
) -> None:  # fmt: skip
    """Issue a proposal, a held action, or (with --unit) a new action; prints its number."""
    ladder, day = ladder_of(_settings()), parse_date(on, "--on") or clock.today()
    due_on = parse_date(due, "--due")
    with writing() as session:
        if target is not None and target.isdigit():
            made = actions.take_step(session, int(target), Verb.ISSUE, Step(due_on=due_on),
                                     ladder=ladder, on=day, actor=actor())  # fmt: skip
        elif target is not None:
            made = decide_proposal(session, pick_plan(session, plan, published=True), target,
                                   "issue", ladder=ladder, as_of=day, due_on=due_on, on=day,
                                   actor=actor())  # fmt: skip
        else:
            draft = _new_draft(session, plan, unit, task, kind, title, body, due_on)
            made = actions.issue_action(session, draft, ladder=ladder, on=day, actor=actor())
        print(f"已发出督办事项 {made.id}：{made.number}，答复期限 {made.due_on}")


@actions_app.command("hold")
def hold(target: Target, reason: Reason, plan: PlanOption = None, on: On = None) -> None:
    """Hold a proposal (暂缓) with a reason: it is kept, not issued, and not proposed again."""
    _set_aside(target, reason, plan, on, withdraw=False)


@actions_app.command("withdraw")
def withdraw(target: Target, reason: Reason, plan: PlanOption = None, on: On = None) -> None:
    """Withdraw a proposal or an action (撤回) with a reason."""
    if target.isdigit():
        _step(int(target), Verb.WITHDRAW, Step(reason), on)
        print(f"督办事项 {target} 已撤回")
        return
    _set_aside(target, reason, plan, on, withdraw=True)


@actions_app.command("close")
def close(
    action_id: Annotated[int, typer.Argument(help="Action id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is settled.")] = "",
    on: On = None,
) -> None:
    """Close (办结) an open or answered action."""
    _step(action_id, Verb.CLOSE, Step(reason), on)
    print(f"督办事项 {action_id} 已办结")


@actions_app.command("reopen")
def reopen(
    action_id: Annotated[int, typer.Argument(help="Action id.")], reason: Reason,
    due: Due = None, on: On = None,
) -> None:  # fmt: skip
    """Reopen an answered or closed action: the unit owes an answer again."""
    _step(action_id, Verb.REOPEN, Step(reason, parse_date(due, "--due")), on)
    print(f"督办事项 {action_id} 已重新打开")


@actions_app.command("respond")
def respond(
    target: Annotated[str, typer.Argument(help="Action id, or its number (中卫督办〔2026〕3号).")],
    text: Annotated[str, typer.Option("--text", help="The unit's answer.")],
    file: Annotated[list[Path] | None, typer.Option("--file", help="A file to attach; repeat.")]
    = None,
    on: On = None,
) -> None:  # fmt: skip
    """Enter the answer of the unit an issued action is addressed to (received on paper or by
    mail), with files: checked as on the unit's page; one refused and nothing is kept."""
    settings, day = _settings(), parse_date(on, "--on")
    uploads = [_upload(path, settings.evidence_max_bytes) for path in file or []]
    with writing() as session:
        found = action_ref(session, target)
        if found is None:
            die(f"没有督办事项“{target}”（duban actions list 可查看）")
        action_id, unit_id = found
        actions.respond_action(session, settings, action_id, text=text, uploads=uploads,
                               unit_id=unit_id, on=day, actor=actor())  # fmt: skip
    print(f"督办事项 {action_id} 已答复（附件 {len(uploads)} 个）")


@actions_app.command("list")
def list_cmd(
    state: Annotated[str | None, typer.Option("--state", help="held|open|answered|closed…")]
    = None,
    colour: Annotated[str | None, typer.Option("--colour", help="blue|yellow|red")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit key.")] = None,
    limit: Annotated[int, typer.Option("--limit", help=f"At most N actions (1–{MAX_LIMIT}).")]
    = LIMIT,
    offset: Annotated[int, typer.Option("--offset", help="Skip the first N (newest first).")] = 0,
    as_of: AsOf = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Actions with their state as of a date, newest first, --limit at a time from --offset;
    overdue ones are marked."""
    day = parse_date(as_of, "--as-of") or clock.today()
    if state is not None and state not in {s.value for s in ActionState}:
        die(f"--state “{state}”无效，应为 held、open、answered、closed 或 withdrawn")
    if colour is not None and colour not in {c.value for c in Colour}:
        die(f"--colour “{colour}”无效，应为 blue、yellow 或 red")
    if not 1 <= limit <= MAX_LIMIT:
        die(f"--limit {limit} 无效，应为 1 到 {MAX_LIMIT} 之间的整数")
    if not 0 <= offset <= MAX_OFFSET:
        die(f"--offset {offset} 无效，应为 0 到 {MAX_OFFSET} 之间的整数")

    def collect(session: Session) -> tuple[list[dict[str, object]], int]:
        unit_id = _unit_id(session, unit) if unit else None
        wanted = ActionFilter(state, colour, unit_id)
        rows, total = action_slice(session, None, day, wanted, limit=limit, offset=offset)
        return [r.to_json() for r in rows], total

    rows, total = reading(collect)
    if as_json:
        emit({"as_of": day.isoformat(), "actions": rows, "total": total, "limit": limit,
              "offset": offset})  # fmt: skip
        return
    table = Table(title=f"督办事项（截至{day.isoformat()}）")
    for header in ("id", "文号", "单位", "标题", "答复期限", "状态"):
        table.add_column(header, overflow="fold")
    for r in rows:
        words = ACTION_STATE_LABELS[ActionState(str(r["state"]))]
        words += "（逾期）" if r["overdue"] else ""
        table.add_row(str(r["id"]), str(r["number"] or "—"), str(r["unit"]), str(r["title"]),
                      str(r["due_on"] or "—"), words)  # fmt: skip
    Console().print(table)
    print(_shown(total, offset, len(rows)))


def _shown(total: int, offset: int, count: int) -> str:
    """Which of the ``total`` actions the list shows: ``共 120 条，显示第 51–100 条``."""
    if count:
        return f"共 {total} 条，显示第 {offset + 1}–{offset + count} 条"
    if total and offset:
        return f"共 {total} 条，--offset {offset} 之后没有了"
    return f"共 {total} 条"


@actions_app.command("docx")
def docx(
    action_id: Annotated[int, typer.Argument(help="Action id (an issued one).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.docx).")],
) -> None:
    """Write an issued action as a Word document in official-document layout."""
    found = reading(lambda s: action_document(s, OPERATOR, action_id))
    if found is None:
        die(f"没有编号为 {action_id} 的已发出督办事项")
    try:
        output.write_bytes(action_docx(found))
    except OSError as exc:
        die(f"{output}：无法写入（{exc.strerror or exc}）")
    print(f"已生成督办文书：{output}（{found.number}）")


# --- helpers ------------------------------------------------------------------------------------


def _step(action_id: int, verb: Verb, step: Step, on: str | None) -> None:
    day, ladder = parse_date(on, "--on"), ladder_of(_settings())
    with writing() as session:
        actions.take_step(session, action_id, verb, step, ladder=ladder, on=day, actor=actor())


def _set_aside(
    target: str, reason: str, plan: int | None, on: str | None, *, withdraw: bool
) -> None:
    ladder, day = ladder_of(_settings()), parse_date(on, "--on") or clock.today()
    with writing() as session:
        made = decide_proposal(session, pick_plan(session, plan, published=True), target,
                               "withdraw" if withdraw else "hold", ladder=ladder, as_of=day,
                               reason=reason, on=day, actor=actor())  # fmt: skip
    print(f"督办建议 {target} 已{'撤回' if withdraw else '暂缓'}（督办事项 {made.id}）")


def _new_draft(
    session: Session, plan: int | None, unit: str | None, task: str | None, kind: str,
    title: str, body: str, due_on: dt.date | None,
) -> ActionDraft:  # fmt: skip
    if unit is None:
        die("请给出建议的 key、暂缓的督办事项 id，或用 --unit 指明新督办事项的单位")
    chosen = pick_plan(session, plan, published=True)
    task_id = None
    if task is not None:
        query = select(Task.id).where(Task.plan_id == chosen.id, Task.number == task)
        task_id = session.scalars(query).first()
        if task_id is None:
            die(f"方案中没有第 {task} 项任务")
    return ActionDraft(chosen.id, _unit_id(session, unit), kind, title, task_id, body=body,
                       due_on=due_on)  # fmt: skip


def _upload(path: Path, limit: int) -> Upload:
    """The file at ``path``, read up to one byte past ``limit`` (the size check needs no more)."""
    try:
        with path.open("rb") as handle:
            return Upload(path.name, handle.read(limit + 1), path.stat().st_size)
    except OSError as exc:
        die(f"{path}：无法读取（{exc.strerror or exc}）")


def _unit_id(session: Session, key: str) -> int:
    found = session.scalars(select(Unit.id).where(Unit.key == key)).first()
    if found is None:
        die(f"没有单位“{key}”（duban units 可查看单位名录）")
    return found


def register(app: typer.Typer) -> None:
    app.add_typer(actions_app, name="actions")
