"""The words of the ledger's cells: progress, targets, deadlines, sheet names. Pure text, no files.

Dates read ``2023年4月3日``; statuses, paces and claimed states use the labels of
``duban.domain.choices`` and nothing else, so the workbook speaks as the dashboard does.
"""

from __future__ import annotations

import datetime as dt
import re

from duban.domain.choices import CLAIMED_LABELS, PACE_LABELS, ClaimedState, Pace
from duban.domain.reasons import day, number
from duban.exchange.ledger_model import TargetLine, UnitPart

ROLE_WORDS = {"lead": "责任", "coop": "配合"}
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def progress_text(parts: tuple[UnitPart, ...]) -> str:
    """Each unit's latest progress, one paragraph per unit; labelled when there are several.

    ``市教育局（2023年4月3日）：……`` for a task with several units (``（配合，…）`` for a
    cooperating one), ``……（2023年4月3日）`` for a task with one. Units with no report standing
    at the ledger's date are left out.
    """
    shown = [p for p in parts if p.progress is not None]
    lines = []
    for part in shown:
        assert part.progress is not None
        said = part.progress.text or _claimed(part.progress.claimed)
        when = day(part.progress.day)
        if len(parts) > 1:
            role = "配合，" if part.role == "coop" else ""
            lines.append(f"{part.unit}（{role}{when}）：{said}")
        else:
            lines.append(f"{said}（{when}）")
    return "\n".join(lines)


def _claimed(claimed: str) -> str:
    try:
        return CLAIMED_LABELS[ClaimedState(claimed)]
    except ValueError:
        return claimed


def target_text(target: TargetLine) -> str:
    """``双师型教师比例 ≥50%：实际 46%（滞后）``; a target with a scope of its own names it."""
    metric = (
        target.metric if target.scope.startswith("全") else f"{target.metric}（{target.scope}）"
    )
    if target.actual is None:
        return f"{metric} {target.goal}：{PACE_LABELS[Pace.NO_DATA]}"
    actual = f"{number(target.actual)}{target.unit or ''}"
    return f"{metric} {target.goal}：实际 {actual}（{_pace(target.pace)}）"


def _pace(pace: str) -> str:
    try:
        return PACE_LABELS[Pace(pace)]
    except ValueError:
        return pace


def targets_text(targets: tuple[TargetLine, ...]) -> str:
    return "\n".join(target_text(t) for t in targets)


def undated_deadline(ongoing: bool, written: str | None) -> str:
    """What the 完成时限 cell says for a task without a deadline date."""
    return "长期坚持" if ongoing else (written or "")


def extended_deadline(original: dt.date, parts: tuple[UnitPart, ...], *, one_unit: bool) -> str:
    """The 完成时限 cell when approved extensions apply: the original stays in view.

    ``原定2021年7月31日，延期至2021年9月30日`` on a unit's sheet; on the main sheet each unit
    with an extension is named: ``原定2021年7月31日；中宁县延期至2021年9月30日``.
    """
    moved = [p for p in parts if p.extended_to is not None]
    if one_unit and moved:
        assert moved[0].extended_to is not None
        return f"原定{day(original)}，延期至{day(moved[0].extended_to)}"
    named = "；".join(f"{p.unit}延期至{day(p.extended_to)}" for p in moved if p.extended_to)
    return f"原定{day(original)}；{named}"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused worksheet name for ``name``: no ``[]:*?/\\``, at most 31 characters.

    Excel compares sheet names ignoring case; ``taken`` holds the casefolded names in use and
    gets the new one added. A clash gets ``（2）``, ``（3）``… within the length limit.
    """
    base = _SHEET_FORBIDDEN.sub("", name).strip().strip("'") or "单位"
    candidate, n = base[:SHEET_NAME_MAX], 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"（{n}）"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def display_width(text: str) -> int:
    """Columns ``text`` takes in a sheet: a CJK or full-width character counts two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
