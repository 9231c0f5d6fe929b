"""The escalation ladder (三色督办单): which colour of notice an assignment calls for on a day.

It reads the status engine's verdict of the assignment (``domain.status`` via
``queries.status``), never the reports themselves, and adds only its own thresholds:

- **red** — the assignment is overdue by more than ``red_after_days`` and the delay has no
  justified reason: no late reason given in a report (an approved extension already moves the
  deadline the status engine uses, so such an assignment is not overdue);
- **yellow** — the assignment is unreported, or a target of its task is behind pace;
- **blue** — not done and its deadline falls within ``blue_days`` from the day (the day itself
  counts; a deadline already past is red's business).

The most severe colour that applies is the one called for. The thresholds, the colours in use,
the days a unit has to answer each colour and the number prefix are configuration
(``duban/catalogue/ladder.yaml``, parsed by ``parse_ladder``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from duban.domain.actions import Colour
from duban.domain.choices import DONE_STATUSES, Pace, Role, Status
from duban.domain.reasons import day


class LadderError(ValueError):
    """A ladder configuration that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Ladder:
    """The ladder's rules and thresholds (module docstring)."""

    number_prefix: str = "督办"
    roles: frozenset[Role] = frozenset({Role.LEAD})
    colours: frozenset[Colour] = frozenset(Colour)
    blue_days: int = 30
    yellow_unreported: bool = True
    yellow_paces: frozenset[Pace] = frozenset({Pace.BEHIND, Pace.FAR_BEHIND})
    red_after_days: int = 0
    late_reason_justifies: bool = True
    answer_days: Mapping[Colour, int] = field(
        default_factory=lambda: {Colour.BLUE: 15, Colour.YELLOW: 10, Colour.RED: 7}
    )


@dataclass(frozen=True)
class LadderFacts:
    """One assignment as the status engine saw it on the day, with what the ladder adds:
    the worst pace among its task's targets and whether a late reason is on record."""

    role: Role
    status: Status
    reason: str
    deadline: dt.date | None
    worst_pace: Pace | None = None
    late_reason: bool = False


@dataclass(frozen=True)
class Call:
    """A notice the ladder calls for, with the rule and figures in Chinese."""

    colour: Colour
    rule: str


def ladder_call(facts: LadderFacts, as_of: dt.date, ladder: Ladder) -> Call | None:
    """The most severe colour that applies on ``as_of``, or ``None``."""
    if facts.role not in ladder.roles or facts.status in DONE_STATUSES:
        return None
    for rule in (_red, _yellow, _blue):
        call = rule(facts, as_of, ladder)
        if call is not None and call.colour in ladder.colours:
            return call
    return None


def _red(facts: LadderFacts, as_of: dt.date, ladder: Ladder) -> Call | None:
    if facts.status is not Status.OVERDUE or facts.deadline is None:
        return None
    late = (as_of - facts.deadline).days
    if late <= ladder.red_after_days or (ladder.late_reason_justifies and facts.late_reason):
        return None
    return Call(Colour.RED, f"{facts.reason}，未说明逾期原因，也无经批准的延期")


def _yellow(facts: LadderFacts, as_of: dt.date, ladder: Ladder) -> Call | None:
    if ladder.yellow_unreported and facts.status is Status.UNREPORTED:
        return Call(Colour.YELLOW, facts.reason)
    if facts.worst_pace is not None and facts.worst_pace in ladder.yellow_paces:
        word = "严重滞后于" if facts.worst_pace is Pace.FAR_BEHIND else "滞后于"
        return Call(Colour.YELLOW, f"任务目标{word}序时进度")
    return None


def _blue(facts: LadderFacts, as_of: dt.date, ladder: Ladder) -> Call | None:
    if facts.deadline is None:
        return None
    left = (facts.deadline - as_of).days
    if not 0 <= left <= ladder.blue_days:
        return None
    return Call(Colour.BLUE, f"完成时限{day(facts.deadline)}，还剩{left}天，尚未报完成")


# --- configuration --------------------------------------------------------------------------


def parse_ladder(text: str) -> Ladder:
    """The ladder ``text`` (YAML) declares; keys left out keep their defaults."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise LadderError(f"督办阶梯配置不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise LadderError("督办阶梯配置应为键值表")
    base = Ladder()
    blue, yellow, red = (_section(data, c) for c in ("blue", "yellow", "red"))
    colours = frozenset(
        c for c, sec in zip(Colour, (blue, yellow, red), strict=True) if sec.get("enabled", True)
    )
    answer = {
        c: _days(sec, "answer_days", base.answer_days[c])
        for c, sec in zip(Colour, (blue, yellow, red), strict=True)
    }
    return Ladder(
        number_prefix=str(data.get("number_prefix") or base.number_prefix),
        roles=_roles(data.get("roles", ["lead"])),
        colours=colours,
        blue_days=_days(blue, "days_before_deadline", base.blue_days),
        yellow_unreported=bool(yellow.get("unreported", True)),
        yellow_paces=_paces(yellow.get("pace", ["behind", "far_behind"])),
        red_after_days=_days(red, "days_overdue", base.red_after_days),
        late_reason_justifies=bool(red.get("late_reason_justifies", True)),
        answer_days=answer,
    )


def _section(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise LadderError(f"督办阶梯配置的“{key}”应为键值表")
    return value


def _days(section: Mapping[str, Any], key: str, default: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise LadderError(f"督办阶梯配置的“{key}”应为 0 到 3650 之间的天数，而不是 {value!r}")
    return value


def _roles(value: Any) -> frozenset[Role]:
    try:
        return frozenset(Role(v) for v in value)
    except (TypeError, ValueError):
        raise LadderError(
            f"督办阶梯配置的“roles”应为 lead、coop 的列表，而不是 {value!r}"
        ) from None


def _paces(value: Any) -> frozenset[Pace]:
    try:
        return frozenset(Pace(v) for v in value)
    except (TypeError, ValueError):
        raise LadderError(f"督办阶梯配置的“pace”应为序时进度的列表，而不是 {value!r}") from None
