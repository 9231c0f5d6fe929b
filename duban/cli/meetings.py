"""``duban meetings …``: the joint meeting (联席会议) — list, record, decide, the draft agenda and
the rule “at least two meetings a year”. Thin: ``services.meetings`` writes, ``queries.meetings``
reads; a refusal prints its reason and exits 2. Units are named as people write them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from duban.audit import jsonable
from duban.cli.ledger import actor, parse_date, reading, writing
from duban.domain.meetings import MEETING_STATE_LABELS, proposed_agenda
from duban.queries.meetings import agenda_draft, meeting_checks, meeting_rows
from duban.services import meetings
from duban.services.meetings import DecisionInput, MeetingInput

meetings_app = typer.Typer(help="Joint meetings (联席会议): record, decide, agenda, check.",
                           no_args_is_help=True)  # fmt: skip

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="As of YYYY-MM-DD (today).")]
UnitsOption = Annotated[list[str], typer.Option(help="A unit name or key; repeat for more.")]


def _day(value: str | None, option: str) -> dt.date:
    return parse_date(value, option) or dt.date.today()


@meetings_app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List the meetings, newest first, with sign-off and decision counts."""
    rows = reading(meeting_rows)
    if as_json:
        print(json.dumps([jsonable(vars(r)) for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table("id", "会议", "日期", "召集人", "纪要", "会签", "议定事项", title="联席会议")
    for r in rows:
        table.add_row(str(r.id), r.number, r.held_on.isoformat(), r.convener,
                      MEETING_STATE_LABELS.get(r.state, r.state),  # type: ignore[call-overload]
                      f"{r.signed}/{r.attendees}", str(r.decisions))  # fmt: skip
    Console().print(table)


@meetings_app.command("add")
def add(
    held_on: Annotated[str, typer.Option("--date", help="Day held, YYYY-MM-DD.")],
    convener: Annotated[str, typer.Option(help="Who convened it (召集人).")],
    attendee: UnitsOption,
    place: Annotated[str, typer.Option(help="Where (会议地点).")] = "",
    number: Annotated[str, typer.Option(help="Name; default 第N次联席会议.")] = "",
    agenda: Annotated[list[str] | None, typer.Option(help="An agenda item; repeat.")] = None,
    minutes: Annotated[str, typer.Option(help="The minutes (会议纪要).")] = "",
) -> None:
    """Record a meeting (draft) with its attending units; prints its id."""
    day = _day(held_on, "--date")
    entered = MeetingInput(day, convener, attendee, place, number, agenda or [], minutes)
    with writing() as session:
        meeting = meetings.record_meeting(session, entered, actor=actor())
        print(f"{meeting.id}\t{meeting.number}")


@meetings_app.command("decide")
def decide(
    meeting_id: Annotated[int, typer.Argument(help="Meeting id (see duban meetings list).")],
    text: Annotated[str, typer.Option(help="The decision (议定事项).")],
    lead: UnitsOption,
    coop: Annotated[list[str] | None, typer.Option(help="A cooperating unit; repeat.")] = None,
    deadline: Annotated[str | None, typer.Option(help="Deadline YYYY-MM-DD.")] = None,
    title: Annotated[str, typer.Option(help="Short title (default: its first sentence).")] = "",
) -> None:
    """Add a decision to a draft meeting; it becomes a task of the decisions plan."""
    entered = DecisionInput(text, lead, coop or [], parse_date(deadline, "--deadline"), title)
    with writing() as session:
        decision = meetings.add_decision(session, meeting_id, entered, actor=actor())
        print(f"议定事项 {decision.meeting.seq}-{decision.seq} 已纳入台账")


@meetings_app.command("agenda")
def agenda(as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """The draft agenda from the ledger: overdue tasks and decisions first."""
    groups = reading(lambda s: agenda_draft(s, _day(as_of, "--as-of")))
    if as_json:
        out = [{"title": g.title, "items": [jsonable(vars(i)) for i in g.items]} for g in groups]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for n, line in enumerate(proposed_agenda(groups), start=1):
        print(f"{n}. {line}")


@meetings_app.command("check")
def check(as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """The rule “at least two meetings a year”, per year; exit 1 if the current year is behind
    or a past year missed it."""
    checks = reading(lambda s: meeting_checks(s, _day(as_of, "--as-of")))
    if as_json:
        print(json.dumps([jsonable(vars(c)) for c in checks], ensure_ascii=False, indent=2))
    else:
        for c in checks:
            print(f"{c.year}\t{c.label}\t{c.reason}")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(meetings_app, name="meetings")
