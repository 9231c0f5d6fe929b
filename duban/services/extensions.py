"""Deadline extensions (延期申请): request, withdraw, review, decide — the only write path.

The rules (when a request may be made, what each step needs) are ``domain.extensions``; this module
loads the facts, applies them in one transaction and records the audit event. ``own_unit`` keeps
a unit's clerk to its own assignments and requests: another unit's is "not found", exactly like
a missing one. Dates default to today; ``at`` records a step taken on paper that day (补录).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain import clock
from duban.domain.extensions import (
    OPEN_STATES,
    ExtensionFact,
    ExtensionState,
    day_order_problem,
    effective_deadline,
    grant_problem,
    request_problem,
    transition_problem,
)
from duban.models import Assignment, Extension, Unit
from duban.services.errors import Conflict, Invalid, NotFound

MAX_TEXT = 2000


def request_extension(
    session: Session, assignment_id: int, *, proposed: dt.date, reason: str,
    at: dt.date | None = None, own_unit: int | None = None, actor: str,
) -> Extension:  # fmt: skip
    """A unit asks to move its assignment's deadline to ``proposed``, before that deadline."""
    assignment = _assignment(session, assignment_id, own_unit)
    if assignment.task.plan.state != "published":
        raise Conflict(f"方案“{assignment.task.plan.title}”不是现行方案，不能申请延期")
    day = _day(at, "申请")
    text = _text(reason, "延期理由")
    deadline = deadline_in_force(session, assignment, day)
    has_open = _open_request(session, assignment.id) is not None
    _check(request_problem(deadline, day, proposed, has_open=has_open))
    assert deadline is not None  # request_problem refuses an assignment without one
    ext = Extension(
        assignment_id=assignment.id, requested_on=day, reason=text, proposed_deadline=proposed,
        original_deadline=deadline, state=ExtensionState.REQUESTED, author=actor,
    )  # fmt: skip
    session.add(ext)
    session.flush()
    _audit(session, ext, "extension.request", actor, None)
    return ext


def withdraw_extension(
    session: Session, extension_id: int, *, own_unit: int | None = None, actor: str
) -> Extension:
    """The unit takes back an open request."""
    ext = _extension(session, extension_id, own_unit)
    _check(transition_problem(ExtensionState(ext.state), "withdraw"), Conflict)
    before = _snapshot(ext)
    ext.state = ExtensionState.WITHDRAWN
    _touch(ext)
    _audit(session, ext, "extension.withdraw", actor, before)
    return ext


def review_extension(
    session: Session, extension_id: int, *, agrees: bool, opinion: str,
    at: dt.date | None = None, actor: str,
) -> Extension:  # fmt: skip
    """The supervisor's opinion on a request: 同意 or 不同意, with reasons; the admin decides."""
    ext = _extension(session, extension_id, None)
    _check(transition_problem(ExtensionState(ext.state), "review"), Conflict)
    day = _day(at, "审核")
    _check(day_order_problem("审核", day, "申请", ext.requested_on))
    before = _snapshot(ext)
    ext.review_agrees, ext.review_opinion = agrees, _text(opinion, "审核意见")
    ext.reviewed_by, ext.reviewed_on, ext.state = actor, day, ExtensionState.REVIEWED
    _touch(ext)
    _audit(session, ext, "extension.review", actor, before)
    return ext


def decide_extension(
    session: Session, extension_id: int, *, approve: bool, reason: str = "",
    deadline: dt.date | None = None, at: dt.date | None = None, actor: str,
) -> Extension:  # fmt: skip
    """The admin approves (granting ``deadline``, by default the proposed date) or refuses a
    reviewed request; a refusal must give its reason."""
    ext = _extension(session, extension_id, None)
    _check(transition_problem(ExtensionState(ext.state), "decide"), Conflict)
    day = _day(at, "审批")
    assert ext.reviewed_on is not None  # reviewed requests have a review day
    _check(day_order_problem("审批", day, "审核", ext.reviewed_on))
    before = _snapshot(ext)
    if approve:
        granted = deadline or ext.proposed_deadline
        _check(grant_problem(ext.original_deadline, granted))
        ext.approved_deadline, ext.state = granted, ExtensionState.APPROVED
        ext.decision_reason = reason.strip()[:MAX_TEXT] or None
    else:
        ext.decision_reason, ext.state = _text(reason, "不予批准的理由"), ExtensionState.REFUSED
    ext.decided_by, ext.decided_on = actor, day
    _touch(ext)
    _audit(session, ext, "extension.approve" if approve else "extension.refuse", actor, before)
    return ext


def deadline_in_force(session: Session, assignment: Assignment, day: dt.date) -> dt.date | None:
    """The assignment's deadline on ``day``: the task's, or an approved extension's."""
    query = select(Extension.decided_on, Extension.approved_deadline, Extension.id).where(
        Extension.assignment_id == assignment.id, Extension.state == ExtensionState.APPROVED
    )
    facts = [ExtensionFact(d, g, i) for d, g, i in session.execute(query) if d and g]
    return effective_deadline(assignment.task.deadline, facts, day)


# --- helpers ------------------------------------------------------------------------------------


def _assignment(session: Session, assignment_id: int, own_unit: int | None) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or (own_unit is not None and assignment.unit_id != own_unit):
        raise NotFound("没有这项分工，或它不属于您的单位")
    return assignment


def _extension(session: Session, extension_id: int, own_unit: int | None) -> Extension:
    ext = session.get(Extension, extension_id, with_for_update=True)
    if ext is not None and own_unit is not None:
        assignment = session.get(Assignment, ext.assignment_id)
        ext = ext if assignment is not None and assignment.unit_id == own_unit else None
    if ext is None:
        raise NotFound(f"没有编号为 {extension_id} 的延期申请")
    return ext


def _open_request(session: Session, assignment_id: int) -> Extension | None:
    query = select(Extension).where(
        Extension.assignment_id == assignment_id, Extension.state.in_(list(OPEN_STATES))
    )
    return session.scalars(query).first()


def _day(at: dt.date | None, what: str) -> dt.date:
    today = clock.today()
    if at is not None and at > today:
        raise Invalid(f"{what}日期 {at.isoformat()} 晚于今天")
    return at or today


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise Invalid(f"请填写{what}")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise Invalid(f"{what}不超过 {MAX_TEXT} 字，且不能包含空字符")
    return text


def _check(problem: str | None, error: type[Invalid | Conflict] = Invalid) -> None:
    if problem is not None:
        raise error(problem)


def _touch(ext: Extension) -> None:
    ext.version += 1


def _snapshot(ext: Extension) -> dict[str, Any]:
    return {
        "state": ext.state,
        "requested_on": ext.requested_on,
        "original_deadline": ext.original_deadline,
        "proposed_deadline": ext.proposed_deadline,
        "review_agrees": ext.review_agrees,
        "reviewed_on": ext.reviewed_on,
        "decided_on": ext.decided_on,
        "approved_deadline": ext.approved_deadline,
        "version": ext.version,
    }


def _audit(
    session: Session, ext: Extension, action: str, actor: str, before: dict[str, Any] | None
) -> None:
    assignment = session.get(Assignment, ext.assignment_id)
    assert assignment is not None
    unit = session.get(Unit, assignment.unit_id)
    label = f"延期申请 #{ext.id}（任务{assignment.task.number} {unit.name if unit else ''}）"
    after = _snapshot(ext) | {"reason": ext.reason}
    if ext.review_opinion:
        after["review_opinion"] = ext.review_opinion
    if ext.decision_reason:
        after["decision_reason"] = ext.decision_reason
    audit.record(
        session, actor=actor, action=action, object_type="extension", object_id=ext.id,
        label=label, before=before, after=after,
    )  # fmt: skip
