"""Typer application: argument parsing and printing only; the work is in the library."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from duban.cli.actions import register as register_actions
from duban.cli.data import register as register_data
from duban.cli.demo import register as register_demo
from duban.cli.evidence import register as register_evidence
from duban.cli.exchange import register as register_exchange
from duban.cli.extensions import register as register_extensions
from duban.cli.indicators import register as register_indicators
from duban.cli.ledger import register
from duban.cli.meetings import register as register_meetings
from duban.cli.migrate_db import register as register_migrate_db
from duban.cli.remind import register as register_remind
from duban.cli.render import ledger_table
from duban.cli.targets import register as register_targets
from duban.cli.users import register as register_users
from duban.plandoc import PlanDoc, PlanReadError, parse_bytes, parse_path

app = typer.Typer(
    name="duban",
    help="Duban (督办): turn a division-of-labour plan into a supervision ledger.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

SAMPLE = "zhongwei_plan.txt"


def fail(name: str, reason: str) -> typer.Exit:
    """One line on stderr naming the file and the reason; exit code 2."""
    print(f"duban: {name}: {reason}", file=sys.stderr)
    return typer.Exit(code=2)


def load_plan(path: Path) -> PlanDoc:
    try:
        return parse_path(path)
    except PlanReadError as exc:
        raise fail(str(path), exc.reason) from None
    except (
        Exception
    ) as exc:  # a file that breaks the parser is still the file's problem to the user
        raise fail(str(path), f"无法解析此文件（{type(exc).__name__}）") from None


def sample_plan() -> PlanDoc:
    data = resources.files("duban.samples").joinpath(SAMPLE).read_bytes()
    return parse_bytes(data, SAMPLE)


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="Plan file: txt, docx, pdf, xlsx or html.")],
    pretty: Annotated[bool, typer.Option("--pretty", help="Indent the JSON.")] = False,
    table: Annotated[bool, typer.Option("--table", help="Print a ledger table, not JSON.")] = False,
    text: Annotated[
        bool, typer.Option("--text/--no-text", help="Include the repaired text.")
    ] = True,
) -> None:
    """Print the plan JSON of FILE (docs/plan-format.md) to stdout."""
    plan = load_plan(file)
    if table:
        Console().print(ledger_table(plan))
        return
    print(
        json.dumps(
            plan.to_json(include_text=text), ensure_ascii=False, indent=2 if pretty else None
        )
    )


@app.command()
def sample(
    as_json: Annotated[bool, typer.Option("--json", help="Print plan JSON instead.")] = False,
) -> None:
    """Parse the bundled Zhongwei plan and print it as a ledger table."""
    plan = sample_plan()
    if as_json:
        print(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
        return
    Console().print(ledger_table(plan))


register(app)
register_users(app)
register_exchange(app)
register_extensions(app)
register_data(app)
register_demo(app)
register_indicators(app)
register_targets(app)
register_meetings(app)
register_actions(app)
register_remind(app)
register_migrate_db(app)
register_evidence(app)
