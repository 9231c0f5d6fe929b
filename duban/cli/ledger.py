"""Ledger commands: init, import, publish, units, report, status, audit; parse, call, print."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from duban import audit
from duban.cli.render import (
    reports_table,
    scorecard_table,
    status_table,
    summary_table,
    units_table,
)
from duban.config import SettingsError, load_settings
from duban.db import Store
from duban.domain import clock
from duban.migrate import MigrationError, upgrade
from duban.models import Assignment, Plan, Task, Unit, UnitProposal
from duban.queries.reports import ReportRow, list_reports
from duban.queries.scorecard import scorecards_json, unit_scorecards
from duban.queries.status import plan_status
from duban.queries.status_sql import status_counts
from duban.queries.units import current_registry
from duban.services import plans, reports, units
from duban.services.errors import ServiceError

T = TypeVar("T")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PlanOption = Annotated[int | None, typer.Option("--plan", help="Plan id (optional with one plan).")]
AtOption = Annotated[
    str | None, typer.Option("--at", help="Date received on paper, YYYY-MM-DD (补录).")
]


def die(message: str, code: int = 2) -> NoReturn:
    print(f"duban: {message}", file=sys.stderr)
    raise typer.Exit(code)


def actor() -> str:
    return os.environ.get("DUBAN_ACTOR") or f"cli:{getpass.getuser()}"


def open_store(*, migrated: bool = True) -> Store:
    try:
        store = Store(load_settings())
    except SettingsError as exc:
        die(f"配置有误：{exc}")
    if migrated and "audit_events" not in inspect(store.engine).get_table_names():
        die("数据库尚未初始化，请先运行 duban init")
    return store


@contextmanager
def writing() -> Iterator[Session]:
    """A write transaction; a refused request prints its reason and exits 2, nothing written."""
    store = open_store()
    try:
        with store.write() as session:
            yield session
    except ServiceError as exc:
        die(exc.message)
    finally:
        store.dispose()


def reading(fn: Callable[[Session], T]) -> T:
    store = open_store()
    try:
        with store.read() as session:
            return fn(session)
    except ServiceError as exc:
        die(exc.message)
    finally:
        store.dispose()


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        die(f"{option} 的日期“{value}”无效，应为 YYYY-MM-DD")


def emit(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def pick_plan(session: Session, plan_id: int | None, *, published: bool = False) -> Plan:
    """The plan named, or the only one there is (the only published one, with ``published``);
    the joint meeting's decisions plan is taken only when named (``--plan``)."""
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            die(f"没有编号为 {plan_id} 的方案")
        return plan
    query = select(Plan).where(Plan.kind == "plan").order_by(Plan.id)
    if published:
        query = query.where(Plan.state == "published")
    found = list(session.scalars(query))
    if len(found) != 1:
        die("没有方案" if not found else f"有 {len(found)} 个方案，请用 --plan 指明")
    return found[0]


# --- commands --------------------------------------------------------------------------------


def init() -> None:
    """Create the data directory and the database schema (safe to run again)."""
    store = open_store(migrated=False)
    try:
        upgrade(store.engine)
    except MigrationError as exc:
        die(str(exc), 1)
    print(f"数据库已就绪：{store.settings.url.split('@')[-1]}")
    store.dispose()


def import_(
    file: Annotated[Path, typer.Argument(help="Plan file: txt, docx, pdf, xlsx or html.")],
    effective: Annotated[
        str | None, typer.Option("--effective", help="Effective date YYYY-MM-DD (default today).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Store a plan document as a draft; prints the plan's id."""
    day = parse_date(effective, "--effective")
    try:
        data = file.read_bytes()
    except OSError as exc:
        die(f"{file}: 无法读取文件：{exc.strerror or exc}")
    with writing() as session:
        result = plans.import_plan(session, data, file.name, effective=day, actor=actor())
        unknown = result.unknown_units
        out = {"plan": result.plan.id, "tasks": len(result.plan.tasks),
               "unknown_units": result.unknown_units, "created": result.created,
               "version": result.plan.version, "diff": result.diff}  # fmt: skip
    if as_json:
        emit(out)
        return
    print(out["plan"])
    if unknown:
        names = "、".join(unknown)
        print(f"未识别的单位（请用 duban units map/confirm 处理）：{names}", file=sys.stderr)


def publish(plan: Annotated[int | None, typer.Argument(help="Plan id.")] = None) -> None:
    """Publish a draft plan and create its assignments."""
    with writing() as session:
        chosen = pick_plan(session, plan)
        published = plans.publish_plan(session, chosen.id, actor=actor())
        count = sum(len(t.assignments) for t in published.tasks)
        print(f"方案 {published.id} 已发布：{len(published.tasks)} 项任务，{count} 条分工")


units_app = typer.Typer(help="The unit registry.", no_args_is_help=False)


@units_app.callback(invoke_without_command=True)
def units_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List units and the unknown names waiting to be mapped or confirmed."""
    if ctx.invoked_subcommand is not None:
        return

    def collect(session: Session) -> dict[str, Any]:
        rows = session.scalars(select(Unit).order_by(Unit.id))
        proposals = session.scalars(select(UnitProposal).where(UnitProposal.state == "open"))
        return {
            "units": [
                {"key": u.key, "name": u.name, "short": u.short, "kind": u.kind} for u in rows
            ],
            "proposals": [{"id": p.id, "plan": p.plan_id, "name": p.name} for p in proposals],
        }

    data = reading(collect)
    if as_json:
        emit(data)
    else:
        Console().print(units_table(data))


@units_app.command("load")
def units_load(
    file: Annotated[Path | None, typer.Argument(help="Registry YAML file.")] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="The bundled Zhongwei registry.")
    ] = False,
) -> None:
    """Load a registry file (YAML): units are created or updated by key."""
    if sample == (file is not None):
        die("请给出名录文件，或使用 --sample")
    if file is None:
        text = (
            resources.files("duban.samples").joinpath("zhongwei_registry.yaml").read_text("utf-8")
        )
    else:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            die(f"{file}: 无法读取名录文件：{exc}")
    with writing() as session:
        result = units.load_units(session, text, actor=actor())
    print(f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")


@units_app.command("export")
def units_export() -> None:
    """Print the registry as YAML (the format `units load` reads)."""
    from duban.domain.registry import dump_registry

    print(reading(lambda s: dump_registry(current_registry(s))), end="")


@units_app.command("map")
def units_map(
    proposal: Annotated[int, typer.Argument(help="Proposal id (see `duban units`).")],
    to: Annotated[str, typer.Option("--to", help="Key of the existing unit.")],
) -> None:
    """Settle an unknown name as another spelling of an existing unit."""
    with writing() as session:
        unit = units.map_proposal(session, proposal, to, actor=actor())
        print(f"已对应到 {unit.name}")


@units_app.command("confirm")
def units_confirm(
    proposal: Annotated[int, typer.Argument(help="Proposal id (see `duban units`).")],
    key: Annotated[str, typer.Option("--key", help="Key for the new unit.")],
    kind: Annotated[str, typer.Option("--kind", help="department, school, …")] = "department",
) -> None:
    """Settle an unknown name as a new unit."""
    with writing() as session:
        unit = units.confirm_proposal(session, proposal, key=key, kind=kind, actor=actor())
        print(f"已新增单位 {unit.name}（{unit.key}）")


report_app = typer.Typer(help="Progress reports.", no_args_is_help=True)


@report_app.command("submit")
def report_submit(
    task: Annotated[str, typer.Option("--task", help="Task number.")],
    unit: Annotated[str, typer.Option("--unit", help="Unit name, alias or key.")],
    state: Annotated[str, typer.Option("--state", help="done | in_progress | not_started")],
    note: Annotated[str, typer.Option("--note", help="Narrative.")] = "",
    reason: Annotated[str | None, typer.Option("--reason", help="Why late (逾期原因).")] = None,
    at: AtOption = None,
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a unit's progress report on a task; prints the report's id."""
    day = parse_date(at, "--at")
    with writing() as session:
        assignment = find_assignment(session, pick_plan(session, plan, published=True), task, unit)
        made = reports.submit_report(
            session, assignment.id, claimed=state, narrative=note, late_reason=reason, at=day,
            actor=actor(),
        )  # fmt: skip
        report_id = made.id
    emit({"report": report_id}) if as_json else print(report_id)


def find_assignment(session: Session, plan: Plan, number: str, unit: str) -> Assignment:
    task = session.scalars(
        select(Task).where(Task.plan_id == plan.id, Task.number == number)
    ).first()
    if task is None:
        die(f"方案 {plan.id} 没有任务 {number}")
    key = unit
    if session.scalars(select(Unit.id).where(Unit.key == unit)).first() is None:
        match = current_registry(session).match(unit)
        if match.entry is None:
            die(f"单位“{unit}”不在单位名录中" if not match.ambiguous else f"单位“{unit}”不唯一")
        key = match.entry.key
    found = session.scalars(
        select(Assignment).join(Unit).where(Assignment.task_id == task.id, Unit.key == key)
    ).first()
    if found is None:
        die(f"单位“{unit}”在任务 {number} 中没有分工")
    return found


@report_app.command("list")
def report_list(
    task: Annotated[str | None, typer.Option("--task", help="Task number.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit key.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="submitted, accepted, …")] = None,
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reports of a plan, newest first: a task's lead reports and cooperating contributions."""

    def collect(session: Session) -> list[ReportRow]:
        chosen = pick_plan(session, plan, published=True)
        return list_reports(session, chosen.id, task=task, unit_key=unit, state=state)

    rows = reading(collect)
    if as_json:
        emit([asdict(r) for r in rows])
    else:
        Console().print(reports_table(rows))


@report_app.command("lock")
def report_lock(
    period: Annotated[str, typer.Argument(help="Period key, e.g. 2021-Q2.")],
    plan: PlanOption = None,
) -> None:
    """Close a reporting period: no report for it may be submitted or decided any more."""
    with writing() as session:
        chosen = pick_plan(session, plan, published=True)
        reports.lock_period(session, chosen.id, period, actor=actor())
    print(f"报送期 {period} 已锁定")


@report_app.command("accept")
def report_accept(
    report: Annotated[int, typer.Argument(help="Report id.")],
    at: AtOption = None,
    version: Annotated[int | None, typer.Option("--version", help="Version you saw.")] = None,
) -> None:
    """Accept a submitted report."""
    day = parse_date(at, "--at")
    with writing() as session:
        reports.accept_report(session, report, at=day, expected_version=version, actor=actor())
    print(f"报告 {report} 已通过审核")


@report_app.command("return")
def report_return(
    report: Annotated[int, typer.Argument(help="Report id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it goes back.")] = "",
    at: AtOption = None,
    version: Annotated[int | None, typer.Option("--version", help="Version you saw.")] = None,
) -> None:
    """Return a submitted report to its unit with a reason."""
    day = parse_date(at, "--at")
    with writing() as session:
        reports.return_report(
            session, report, reason=reason, at=day, expected_version=version, actor=actor()
        )
    print(f"报告 {report} 已退回")


def status(
    plan: PlanOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit (key).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Task counts of every plan.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Status of every task as of a date (default today): red, yellow, green, with reasons."""
    day = parse_date(as_of, "--as-of") or clock.today()
    if every:
        summary = reading(lambda session: all_plans(session, day))
        emit(summary) if as_json else Console().print(summary_table(summary))
        return

    def compute(session: Session) -> Any:
        return plan_status(session, pick_plan(session, plan, published=True), day, unit_key=unit)

    result = reading(compute)
    if as_json:
        emit(result.to_json())
    else:
        Console().print(status_table(result))


def all_plans(session: Session, day: dt.date) -> dict[str, Any]:
    """Tasks per status for every published plan, counted in one SQL statement."""
    counts = status_counts(session, day)
    titles = dict(session.execute(select(Plan.id, Plan.title).where(Plan.id.in_(counts))).all())
    plans_out = [
        {"plan": pid, "title": titles[pid], "counts": dict(c)} for pid, c in counts.items()
    ]
    return {"as_of": day.isoformat(), "plans": sorted(plans_out, key=lambda p: p["plan"])}


def scorecard(
    year: Annotated[int, typer.Option("--year", help="Year, e.g. 2022.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Card as it stood on this day (YYYY-MM-DD).")
    ] = None,
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Unit scorecards for a year, ranked, with the formula shown."""
    day = parse_date(as_of, "--as-of")
    if day is None and year == clock.today().year:
        day = clock.today()  # a running year: count only what is decided by now
    cards = reading(lambda s: unit_scorecards(s, year, as_of=day, plan_id=plan))
    data = scorecards_json(year, day, cards)
    if as_json:
        emit(data)
    else:
        Console().print(scorecard_table(data))


audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the whole hash chain; name the first broken event."""
    check = reading(audit.verify)
    if check.ok:
        print(f"审计链完整：{check.events} 条记录")
        return
    die(f"审计链在第 {check.broken_id} 条记录处断开：{check.reason}", code=1)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command("import")(import_)
    app.command()(publish)
    app.command()(status)
    app.command()(scorecard)
    app.add_typer(units_app, name="units")
    app.add_typer(report_app, name="report")
    app.add_typer(audit_app, name="audit")
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)


def backup_cmd(path: Annotated[Path, typer.Argument(help="Backup file to write.")]) -> None:
    """Back up the whole database (SQLite online backup; pg_dump for PostgreSQL)."""
    from duban.backup import BackupError, backup

    store = open_store()
    try:
        backup(store, path)
    except BackupError as exc:
        die(str(exc))
    finally:
        store.dispose()
    print(f"已备份到 {path}")


def restore_cmd(path: Annotated[Path, typer.Argument(help="Backup file to restore.")]) -> None:
    """Replace the database with a backup (stop the server first)."""
    from duban.backup import BackupError, restore

    store = open_store(migrated=False)
    try:
        restore(store, path)
    except BackupError as exc:
        die(str(exc))
    print(f"已从 {path} 恢复")
