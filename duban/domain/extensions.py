"""Deadline extensions (延期申请): when a request may be made, and which extension applies.

A unit asks before its assignment's deadline — the one in force that day, which an earlier
approved extension may already have moved — and proposes a later date; an assignment has at most
one open request. The supervisor reviews (同意 or 不同意, with an opinion), then the admin approves
(granting a date later than the one in force, not necessarily the proposed one) or refuses. The
unit may withdraw an open request.

For status as of a day D, the extension that applies is the latest approved one decided on or
before D (latest by decision day, then by ``seq``); before any is decided the task's own deadline
counts. Pure functions: the ``*_problem`` checks return the Chinese message naming what is wrong,
or ``None``; the services turn a message into a refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from duban.domain.reasons import day


class ExtensionState(StrEnum):
    """A request's life: requested → reviewed → approved | refused; open → withdrawn."""

    REQUESTED = "requested"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


OPEN_STATES: frozenset[ExtensionState] = frozenset(
    {ExtensionState.REQUESTED, ExtensionState.REVIEWED}
)

EXTENSION_STATE_LABELS: dict[ExtensionState, str] = {
    ExtensionState.REQUESTED: "待审核",
    ExtensionState.REVIEWED: "待审批",
    ExtensionState.APPROVED: "已批准",
    ExtensionState.REFUSED: "未批准",
    ExtensionState.WITHDRAWN: "已撤回",
}


@dataclass(frozen=True)
class ExtensionFact:
    """An approved extension as status sees it: decided on ``decided_on``, moving the deadline to
    ``deadline``; ``seq`` (the database id) orders two decided on the same day."""

    decided_on: dt.date
    deadline: dt.date
    seq: int = 0


def applying(extensions: Iterable[ExtensionFact], as_of: dt.date) -> ExtensionFact | None:
    """The extension in force on ``as_of``: the latest decided on or before it, else ``None``."""
    best: ExtensionFact | None = None
    for ext in extensions:
        if ext.decided_on <= as_of and (
            best is None or (ext.decided_on, ext.seq) > (best.decided_on, best.seq)
        ):
            best = ext
    return best


def effective_deadline(
    original: dt.date | None, extensions: Iterable[ExtensionFact], as_of: dt.date
) -> dt.date | None:
    """The deadline that counts on ``as_of``: the applying extension's, else ``original``."""
    found = applying(extensions, as_of)
    return found.deadline if found is not None else original


def request_problem(
    deadline: dt.date | None, requested_on: dt.date, proposed: dt.date, *, has_open: bool
) -> str | None:
    """Why a request made on ``requested_on`` for ``proposed`` may not be made, or ``None``.

    ``deadline`` is the one in force on ``requested_on``; the deadline day itself is still in
    time (it is not overdue yet).
    """
    if deadline is None:
        return "该分工没有具体的完成时限，无需申请延期"
    if has_open:
        return "该分工已有一份尚未办结的延期申请，请等待审批结果或先撤回"
    if requested_on > deadline:
        return f"完成时限{day(deadline)}已过，不能再申请延期（须在完成时限前提出）"
    if proposed <= deadline:
        return f"申请延期至{day(proposed)}不晚于现行完成时限{day(deadline)}，请填写更晚的日期"
    return None


def transition_problem(state: ExtensionState, verb: str) -> str | None:
    """Why ``verb`` (review, decide, withdraw) may not be done on a request in ``state``."""
    if verb == "review" and state is not ExtensionState.REQUESTED:
        return f"该延期申请{EXTENSION_STATE_LABELS[state]}，不能再审核"
    if verb == "decide" and state is ExtensionState.REQUESTED:
        return "该延期申请尚未经督导室审核，不能审批"
    if verb == "decide" and state is not ExtensionState.REVIEWED:
        return f"该延期申请{EXTENSION_STATE_LABELS[state]}，不能再审批"
    if verb == "withdraw" and state not in OPEN_STATES:
        return f"该延期申请{EXTENSION_STATE_LABELS[state]}，不能撤回"
    return None


def grant_problem(original: dt.date, granted: dt.date) -> str | None:
    """Why granting ``granted`` on a request made against ``original`` is not an extension."""
    if granted <= original:
        return f"批准的完成时限{day(granted)}不晚于原完成时限{day(original)}"
    return None


def day_order_problem(what: str, when: dt.date, earlier: str, before: dt.date) -> str | None:
    """``what`` dated ``when`` may not precede ``earlier`` dated ``before``."""
    if when < before:
        return f"{what}日期{day(when)}早于{earlier}日期{day(before)}"
    return None
