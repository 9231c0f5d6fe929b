"""``duban meetings …``: the joint meeting (联席会议) — list, record, decide, circulate the
minutes, record a paper sign-off (纸质会签), delete one recorded by mistake, the draft agenda and
the rule “at least two meetings a year”. Thin: ``services.meetings`` and
``services.meeting_office`` write, ``queries.meetings`` reads; a refusal prints its reason and
exits 2. Units are named as people write them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from duban.audit import jsonable
from duban.cli.ledger import actor, die, open_store, parse_date, reading, writing
from duban.domain import clock
from duban.domain.meetings import MEETING_STATE_LABELS, proposed_agenda
from duban.queries.meetings import agenda_draft, meeting_checks, meeting_rows
from duban.services import meeting_office, meetings
from duban.services.drafts import Upload
from duban.services.errors import ServiceError
from duban.services.meeting_office import PaperSignoff
from duban.services.meetings import DecisionInput, MeetingInput

meetings_app = typer.Typer(help="Joint meetings (联席会议): record, decide, agenda, check.",
                           no_args_is_help=True)  # fmt: skip

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="As of YYYY-MM-DD (today).")]
UnitsOption = Annotated[list[str], typer.Option(help="A unit name or key; repeat for more.")]


def _day(value: str | None, option: str) -> dt.date:
    return parse_date(value, option) or clock.today()


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


@meetings_app.command("circulate")
def circulate(
    meeting_id: Annotated[int, typer.Argument(help="Meeting id (see duban meetings list).")],
    on: Annotated[str | None, typer.Option("--date", help="Day sent, YYYY-MM-DD (today).")] = None,
) -> None:
    """Send a draft meeting's minutes round the attending units for sign-off; they freeze."""
    day = parse_date(on, "--date")
    with writing() as session:
        number = meetings.circulate_minutes(session, meeting_id, at=day, actor=actor()).number
    print(f"{number}的纪要已送会签")


@meetings_app.command("sign-paper")
def sign_paper(
    meeting_id: Annotated[int, typer.Argument(help="Meeting id (see duban meetings list).")],
    unit: Annotated[str, typer.Option(help="The attending unit (name or key).")],
    signer: Annotated[str, typer.Option(help="Who signed, as written on the paper (签字人).")],
    signed_on: Annotated[str, typer.Option("--date", help="Day signed, YYYY-MM-DD.")],
    opinion: Annotated[str, typer.Option(help="The opinion written, if any.")] = "",
    scan: Annotated[Path | None, typer.Option(help="Scan of the signed page (PDF, image).")] = None,
) -> None:
    """Record a unit's sign-off of circulating minutes that came back on paper (纸质会签)."""
    day = parse_date(signed_on, "--date")
    assert day is not None
    store = open_store()
    try:
        upload = _read_scan(scan, store.settings.evidence_max_bytes)
        entered = PaperSignoff(unit, signer, day, opinion, upload)
        with store.write() as session:
            meeting_office.record_paper_signoff(session, store.settings, meeting_id, entered,
                                                actor=actor())  # fmt: skip
    except ServiceError as exc:
        die(exc.message)
    finally:
        store.dispose()
    print(f"已登记纸质会签：{unit}（签字人 {signer.strip()}，{day.isoformat()}）")


@meetings_app.command("delete")
def delete(
    meeting_id: Annotated[int, typer.Argument(help="Meeting id (see duban meetings list).")],
    reason: Annotated[str, typer.Option(help="Why it goes (删除原因), kept in the audit log.")],
) -> None:
    """Delete a meeting recorded by mistake (refused once decisions or sign-offs hang on it)."""
    with writing() as session:
        number = meeting_office.delete_meeting(session, meeting_id, reason=reason, actor=actor())
    print(f"已删除{number}，删除原因已记入操作日志")


def _read_scan(path: Path | None, limit: int) -> Upload | None:
    """The file's bytes, up to one past the limit (the size check needs no more)."""
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        die(f"{path}: 无法读取扫描件（{exc.strerror or type(exc).__name__}）")
    return Upload(path.name, data, len(data))


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
