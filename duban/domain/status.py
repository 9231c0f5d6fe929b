"""The status engine: where an assignment and a task stand as of a date (design.md § Status rules).

Evaluated as of a day D using only facts that existed at D: a report submitted after D does not
exist, an acceptance or a return after D has not happened. For an assignment, first rule that
applies wins (done / done_late > overdue > due_soon > unreported > on_track):

- **done** — its latest accepted report (submitted and accepted by D; latest by ``submitted_on``,
  then ``seq``) claims done; **done_late** if the completion — the first report of the unbroken
  run of accepted done claims ending with that one — was submitted after the deadline.
  An *ongoing* (长期坚持) done assignment shows **unreported** instead when the latest owed period
  ends after the completion day and has no counting report.
- **overdue** — not done and ``deadline < D`` (the deadline day itself is not overdue).

Here *deadline* is the one in force on D: an approved extension decided on or before D moves it
(``extensions.applying``); before that, and without one, the task's own deadline counts. Done
late compares the completion with that deadline too. Reasons name both dates when an extension
applies (``完成时限2021年7月31日（经批准延期至2021年9月30日），…``).
- **due_soon** — not done and ``D <= deadline <= D + warn_days``.
- **unreported** — the latest period owed at D (see ``periods.owed_period``) has no counting report:
  one submitted by D, not returned by D, whose ``counting_period`` is that period.
- **on_track** — otherwise.

A task's status is the most severe of its lead assignments' (``choices.SEVERITY``), so it is done
only when every lead is. Cooperating assignments get statuses by the same rules but do not count
for the task. Every ``Verdict`` carries a one-line Chinese reason (``reasons``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from duban.domain import reasons
from duban.domain.choices import DONE_STATUSES, SEVERITY, Cadence, ClaimedState, Role, Status
from duban.domain.extensions import ExtensionFact, applying
from duban.domain.periods import Period, counting_period, owed_period, period_of


@dataclass(frozen=True)
class ReportFact:
    """A submitted progress report, as far as status is concerned (drafts are not facts).

    ``submitted_on`` is the day it reached the supervisor (a paper report: its ``--at`` date).
    A superseded report keeps its ``accepted_on``: it was accepted then. ``seq`` orders reports
    submitted on the same day (the database id); higher is later.
    """

    submitted_on: dt.date
    claimed: ClaimedState
    accepted_on: dt.date | None = None
    returned_on: dt.date | None = None
    seq: int = 0

    def exists_at(self, day: dt.date) -> bool:
        """Submitted by ``day``."""
        return self.submitted_on <= day

    def accepted_at(self, day: dt.date) -> bool:
        """Submitted and accepted by ``day``."""
        return self.exists_at(day) and self.accepted_on is not None and self.accepted_on <= day

    def counts_at(self, day: dt.date) -> bool:
        """Submitted by ``day`` and not returned by then: it answers for its period."""
        returned = self.returned_on is not None and self.returned_on <= day
        return self.exists_at(day) and not returned


@dataclass(frozen=True)
class Rules:
    """A plan's reporting rules: warning window, reporting cadence and grace days."""

    warn_days: int = 30
    cadence: Cadence = Cadence.QUARTERLY
    grace_days: int = 10


@dataclass(frozen=True)
class AssignmentFacts:
    """What the rules read about one assignment; ``effective`` is the plan's effective date,
    ``deadline`` the task's own, ``extensions`` the approved extensions of the assignment."""

    role: Role
    deadline: dt.date | None
    ongoing: bool
    effective: dt.date
    reports: tuple[ReportFact, ...] = ()
    extensions: tuple[ExtensionFact, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """A status with its Chinese reason; ``done_on`` is the day completion was reported, if done
    (kept when a done ongoing assignment shows unreported); ``extended_to`` the deadline an
    approved extension put in force, if one applies."""

    status: Status
    reason: str
    done_on: dt.date | None = None
    extended_to: dt.date | None = None


_DEFAULT_RULES = Rules()


def assignment_status(
    facts: AssignmentFacts, as_of: dt.date, rules: Rules = _DEFAULT_RULES
) -> Verdict:
    """The status of one assignment as of ``as_of`` (module docstring); never raises for dates
    inside the calendar's usable range."""
    extension = applying(facts.extensions, as_of)
    terms = _Terms(extension.deadline, facts.deadline) if extension else _Terms(facts.deadline)
    done_on = completed_on(facts.reports, as_of)
    if done_on is not None:
        verdict = _done_verdict(facts, terms, done_on, as_of, rules)
    else:
        verdict = _open_verdict(facts, terms, as_of, rules)
    return replace(verdict, extended_to=extension.deadline) if extension else verdict


@dataclass(frozen=True)
class _Terms:
    """The deadline in force and, when an extension moved it, the task's original one."""

    deadline: dt.date | None
    original: dt.date | None = None


def completed_on(reports: Sequence[ReportFact], as_of: dt.date) -> dt.date | None:
    """The day the work was reported done, if the latest report accepted by ``as_of`` claims done.

    It is the first report of the unbroken run of accepted done claims that ends with the latest:
    an ongoing task's later quarterly "still done" reports do not move the completion day (and
    so cannot make a completion on time late). ``None`` when the latest accepted report does not
    claim done.
    """
    accepted = sorted(
        (r for r in reports if r.accepted_at(as_of)), key=lambda r: (r.submitted_on, r.seq)
    )
    done_on = None
    for report in reversed(accepted):
        if report.claimed is not ClaimedState.DONE:
            break
        done_on = report.submitted_on
    return done_on


def latest_accepted(reports: Sequence[ReportFact], as_of: dt.date) -> ReportFact | None:
    """The latest report accepted by ``as_of``: greatest ``(submitted_on, seq)``; on a full tie
    the one later in ``reports``."""
    best: ReportFact | None = None
    for report in reports:
        if report.accepted_at(as_of) and (
            best is None or (report.submitted_on, report.seq) >= (best.submitted_on, best.seq)
        ):
            best = report
    return best


def missing_period(facts: AssignmentFacts, as_of: dt.date, rules: Rules) -> Period | None:
    """The latest period owed at ``as_of`` if no report counts for it, else ``None``."""
    owed = owed_period(as_of, facts.effective, rules.cadence, rules.grace_days)
    if owed is None or any(
        r.counts_at(as_of)
        and counting_period(r.submitted_on, rules.cadence, rules.grace_days) == owed
        for r in facts.reports
    ):
        return None
    return owed


def _done_verdict(
    facts: AssignmentFacts, terms: _Terms, done_on: dt.date, as_of: dt.date, rules: Rules
) -> Verdict:
    if facts.ongoing:
        missing = missing_period(facts, as_of, rules)
        if missing is not None and missing.end > done_on:
            reason = reasons.unreported_after_done(done_on, missing, rules.grace_days)
            return Verdict(Status.UNREPORTED, reason, done_on)
    deadline, original = terms.deadline, terms.original
    if deadline is not None and done_on > deadline:
        reason = reasons.done_late(done_on, deadline, original)
        return Verdict(Status.DONE_LATE, reason, done_on)
    if deadline is not None and original is not None and done_on > original:
        return Verdict(Status.DONE, reasons.done_in_extension(done_on, deadline, original), done_on)
    return Verdict(Status.DONE, reasons.done(done_on), done_on)


def _open_verdict(facts: AssignmentFacts, terms: _Terms, as_of: dt.date, rules: Rules) -> Verdict:
    deadline, original = terms.deadline, terms.original
    if deadline is not None and deadline < as_of:
        return Verdict(Status.OVERDUE, reasons.overdue(deadline, as_of, original))
    if deadline is not None and (deadline - as_of).days <= rules.warn_days:
        return Verdict(Status.DUE_SOON, reasons.due_soon(deadline, as_of, original))
    missing = missing_period(facts, as_of, rules)
    if missing is not None:
        return Verdict(Status.UNREPORTED, reasons.unreported(missing, rules.grace_days))
    return Verdict(Status.ON_TRACK, _on_track_reason(facts, as_of, rules))


def _on_track_reason(facts: AssignmentFacts, as_of: dt.date, rules: Rules) -> str:
    counted = [r.submitted_on for r in facts.reports if r.counts_at(as_of)]
    if counted:
        return reasons.on_track(max(counted))
    first = period_of(facts.effective, rules.cadence)
    return reasons.on_track_unstarted(first, rules.grace_days)


# --- tasks ----------------------------------------------------------------------------------------


def task_status(
    leads: Sequence[tuple[str, Verdict]], deadline: dt.date | None, as_of: dt.date
) -> Verdict:
    """A task's status from its lead assignments' verdicts, given as ``(unit name, verdict)``.

    The most severe lead status wins (``SEVERITY``): done only when all leads are done, done_late
    when any of them is. ``done_on`` is the last lead's completion day when all are done. The
    reason names the rule, the task ``deadline`` (the first such lead's extended one, with the
    original, when an approved extension applies to it) and the lead units concerned, e.g.
    ``完成时限2021年7月31日，已逾期5天，4个责任单位中2个未报完成（中宁县、海原县）``.
    A task without lead assignments is on track, with the reason that it has none.
    """
    if not leads:
        return Verdict(Status.ON_TRACK, reasons.no_leads())
    status = max((v.status for _, v in leads), key=SEVERITY.__getitem__)
    if status in DONE_STATUSES:
        return _task_done(leads, status)
    return Verdict(status, _task_open_reason(leads, status, deadline, as_of))


def _task_done(leads: Sequence[tuple[str, Verdict]], status: Status) -> Verdict:
    last = max((v.done_on for _, v in leads if v.done_on is not None), default=None)
    if len(leads) == 1:
        return Verdict(status, leads[0][1].reason, last)
    if status is Status.DONE:
        return Verdict(status, reasons.all_done(len(leads), last), last)
    late = [name for name, v in leads if v.status is Status.DONE_LATE]
    return Verdict(status, reasons.all_done_some_late(len(leads), late), last)


def _task_open_reason(
    leads: Sequence[tuple[str, Verdict]], status: Status, deadline: dt.date | None, as_of: dt.date
) -> str:
    first = next(v for _, v in leads if v.status is status)
    total = len(leads)
    if status in (Status.OVERDUE, Status.DUE_SOON):
        head = first.reason
        if deadline is not None and first.extended_to is None:
            rule = reasons.overdue if status is Status.OVERDUE else reasons.due_soon
            head = rule(deadline, as_of)
        open_names = [name for name, v in leads if v.done_on is None]
        return head + reasons.leads_tail(total, open_names, "未报完成")
    if status is Status.UNREPORTED:
        missing = [name for name, v in leads if v.status is Status.UNREPORTED]
        return first.reason + reasons.leads_tail(total, missing, "未报送")
    if total == 1:
        return first.reason
    return reasons.all_on_track(total, [name for name, v in leads if v.status in DONE_STATUSES])
