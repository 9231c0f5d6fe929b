"""导入校对 (read side): every plan with its counts; one plan's source text beside its tasks.

The source text is cut into paragraphs of pieces: text, and ``<mark>`` openings and closings
around every span a task field came from, each mark named ``span-<start>-<end>`` so a field's link
``#span-…`` jumps to it. Marks nest as the spans do; a span that straddles the end of the one
around it is clipped there, and one that crosses a line break goes on in the next paragraph
(the anchor stays on its first part).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from duban.domain.choices import UNIT_KIND_LABELS
from duban.domain.registry import Registry
from duban.models import AuditEvent, Plan, Target, Task, Unit, UnitProposal
from duban.queries.status import goal_text
from duban.queries.units import current_registry

STATE_LABELS = {"draft": "草稿", "published": "已发布", "superseded": "已被新版本替代"}
KINDS = ("title", "lead", "coop", "deadline", "target", "number", "group", "text")
"""Mark kinds, most specific first: when two fields share one span the first kind names it."""
KIND_LABELS = {kind.value: label for kind, label in UNIT_KIND_LABELS.items()}
COMPARED = ("title", "deadline", "ongoing", "lead_names", "coop_names", "text")

Span = tuple[int, int]


@dataclass(frozen=True)
class PlanRow:
    id: int
    title: str
    version: int
    state: str
    effective: dt.date
    source_name: str
    source_format: str
    previous_id: int | None
    tasks: int
    open_proposals: int

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class Piece:
    """A bit of the source paragraph: ``text``, or the ``open``/``close`` of a mark."""

    kind: str
    text: str = ""
    anchor: str | None = None
    css: str = ""


@dataclass(frozen=True)
class Name:
    name: str
    anchor: str | None
    known: bool


@dataclass(frozen=True)
class TargetReview:
    quote: str
    metric: str
    goal: str
    scope: str
    period: str | None
    anchor: str | None


@dataclass
class TaskReview:
    number: str
    title: str
    group: str | None
    deadline: dt.date | None
    deadline_text: str | None
    ongoing: bool
    anchors: dict[str, str | None]
    """Where ``number``, ``title``, ``group``, ``text`` and ``deadline`` came from."""
    leads: list[Name]
    coops: list[Name]
    targets: list[TargetReview]
    corrected: set[str] = field(default_factory=set)
    change: str | None = None  # "added" | "changed" against the previous version


@dataclass(frozen=True)
class ProposalView:
    id: int
    name: str
    state: str
    unit_name: str | None
    used_by: list[str]
    suggestions: list[tuple[str, str]]


@dataclass(frozen=True)
class TaskChange:
    number: str
    title: str
    fields: list[str]
    """Which of ``COMPARED`` differ; ``before`` and ``after`` hold their values."""
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class PlanDiff:
    previous_id: int
    previous_version: int
    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    changed: list[TaskChange]


@dataclass
class PlanReview:
    plan: PlanRow
    paragraphs: list[list[Piece]]
    tasks: list[TaskReview]
    objectives: list[TargetReview]
    proposals: list[ProposalView]
    unit_groups: list[tuple[str, list[tuple[str, str]]]]
    """Registry units for the map select: (kind label, [(key, name)])."""
    diff: PlanDiff | None

    @property
    def draft(self) -> bool:
        return self.plan.state == "draft"


def plan_rows(session: Session, plan_id: int | None = None) -> list[PlanRow]:
    """Every plan (or one), newest first, with its task count and open unit proposals."""
    columns = (Plan.id, Plan.title, Plan.version, Plan.state, Plan.effective, Plan.source_name,
               Plan.source_format, Plan.previous_id)  # fmt: skip
    tasks = select(Task.plan_id, func.count().label("n")).group_by(Task.plan_id).subquery()
    open_ = (
        select(UnitProposal.plan_id, func.count().label("n"))
        .where(UnitProposal.state == "open")
        .group_by(UnitProposal.plan_id)
        .subquery()
    )
    query = (
        select(*columns, func.coalesce(tasks.c.n, 0), func.coalesce(open_.c.n, 0))
        .outerjoin(tasks, tasks.c.plan_id == Plan.id)
        .outerjoin(open_, open_.c.plan_id == Plan.id)
        .order_by(Plan.id.desc())
    )
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    return [PlanRow(*row) for row in session.execute(query)]


def plan_review(session: Session, plan_id: int) -> PlanReview | None:
    """The review page of one plan, or ``None`` if there is no such plan."""
    rows = plan_rows(session, plan_id)
    plan = session.get(Plan, plan_id, options=[defer(Plan.source)])
    if not rows or plan is None:
        return None
    registry = current_registry(session)
    marks: dict[Span, str] = {}
    tasks = list(session.scalars(select(Task).where(Task.plan_id == plan_id).order_by(Task.seq)))
    targets = _targets(session, plan_id)
    views = [_task_view(t, plan.text, registry, targets.get(t.id, []), marks) for t in tasks]
    objectives = [_target_view(g, plan.text, marks) for g in targets.get(None, [])]
    if plan.state == "draft":
        _mark_corrected(session, views, {t.number: t.id for t in tasks})
    diff = _diff(session, plan, tasks, views) if plan.previous_id else None
    return PlanReview(
        rows[0], paragraphs(plan.text, marks), views, objectives,
        _proposals(session, plan_id, tasks, registry), _unit_groups(registry), diff,
    )  # fmt: skip


# --- tasks and their anchors -------------------------------------------------------------------


def _task_view(
    task: Task, text: str, registry: Registry, targets: list[Target], marks: dict[Span, str]
) -> TaskReview:
    spans = task.spans or {}

    def anchor(key: str, kind: str) -> str | None:
        return _anchor(spans.get(key), text, kind, marks)

    def names(key: str, kind: str, values: list[str]) -> list[Name]:
        found = spans.get(key)
        places = found if isinstance(found, list) else []
        places = places + [None] * (len(values) - len(places))
        return [
            Name(n, _anchor(s, text, kind, marks), registry.match(n).entry is not None)
            for n, s in zip(values, places, strict=False)
        ]

    kinds = {"number": "number", "title": "title", "group": "group", "text": "text",
             "deadline": "deadline"}  # fmt: skip
    return TaskReview(
        task.number, task.title, task.group_title, task.deadline,
        task.deadline_text, task.ongoing, {k: anchor(k, kind) for k, kind in kinds.items()},
        names("lead_units", "lead", task.lead_names), names("coop_units", "coop", task.coop_names),
        [_target_view(g, text, marks) for g in targets],
    )  # fmt: skip


def _target_view(target: Target, text: str, marks: dict[Span, str]) -> TargetReview:
    return TargetReview(
        target.quote, target.metric, goal_text(target), target.scope, target.period,
        _anchor(target.span, text, "target", marks),
    )  # fmt: skip


def _anchor(value: Any, text: str, kind: str, marks: dict[Span, str]) -> str | None:
    """The anchor of a stored span (registered for marking), or ``None`` for a bad or no span."""
    if not (isinstance(value, list | tuple) and len(value) == 2):
        return None
    start, end = value
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return None
    known = marks.get((start, end))
    if known is None or KINDS.index(kind) < KINDS.index(known):
        marks[(start, end)] = kind
    return f"span-{start}-{end}"


def _targets(session: Session, plan_id: int) -> dict[int | None, list[Target]]:
    out: dict[int | None, list[Target]] = {}
    query = select(Target).where(Target.plan_id == plan_id).order_by(Target.task_id, Target.seq)
    for target in session.scalars(query):
        out.setdefault(target.task_id, []).append(target)
    return out


def _mark_corrected(session: Session, views: list[TaskReview], ids: dict[str, int]) -> None:
    query = select(AuditEvent.object_id, AuditEvent.before).where(
        AuditEvent.action == "task.correct",
        AuditEvent.object_type == "task",
        AuditEvent.object_id.in_(list(ids.values())),
    )
    fields: dict[int | None, set[str]] = {}
    for task_id, before in session.execute(query):
        fields.setdefault(task_id, set()).update(before or {})
    for view in views:
        view.corrected = fields.get(ids[view.number], set())


# --- the source text ---------------------------------------------------------------------------


def paragraphs(text: str, marks: dict[Span, str]) -> list[list[Piece]]:
    """``text`` by lines, each a list of pieces, with ``marks`` (span → kind) opened and closed."""
    nested = _nested(sorted(marks.items(), key=lambda m: (m[0][0], -m[0][1])))
    out: list[list[Piece]] = [[]]
    stack: list[tuple[int, str]] = []  # open marks: (end, css)
    pos, i, n = 0, 0, len(text)
    while pos < n or stack:
        if stack and stack[-1][0] <= pos:
            stack.pop()
            out[-1].append(Piece("close"))
        elif text[pos] == "\n":
            out[-1].extend(Piece("close") for _ in stack)
            out.append([Piece("open", css=f"{css} pr-cont") for _, css in stack])
            pos += 1
        elif i < len(nested) and nested[i][0] <= pos:
            _, end, anchor, kind = nested[i]
            out[-1].append(Piece("open", anchor=anchor, css=f"pr-k-{kind}"))
            stack.append((end, f"pr-k-{kind}"))
            i += 1
        else:
            stops = [n, *(s[0] for s in stack[-1:]), *(m[0] for m in nested[i : i + 1])]
            newline = text.find("\n", pos)
            stop = min([*stops, newline] if newline >= 0 else stops)
            out[-1].append(Piece("text", text[pos:stop]))
            pos = stop
    return [p for p in out if any(x.kind == "text" or x.anchor for x in p)]


def _nested(marks: list[tuple[Span, str]]) -> list[tuple[int, int, str, str]]:
    """(start, end, anchor, kind) in order, each end clipped to the mark around it."""
    out: list[tuple[int, int, str, str]] = []
    ends: list[int] = []
    for (start, end), kind in marks:
        while ends and ends[-1] <= start:
            ends.pop()
        stop = min(end, ends[-1]) if ends else end
        out.append((start, stop, f"span-{start}-{end}", kind))
        ends.append(stop)
    return out


# --- proposals, units, versions ----------------------------------------------------------------


def _proposals(
    session: Session, plan_id: int, tasks: list[Task], registry: Registry
) -> list[ProposalView]:
    query = (
        select(UnitProposal, Unit.name)
        .outerjoin(Unit, Unit.id == UnitProposal.unit_id)
        .where(UnitProposal.plan_id == plan_id)
        .order_by(UnitProposal.id)
    )
    out = []
    for proposal, unit_name in session.execute(query):
        used = [t.number for t in tasks if proposal.name in (*t.lead_names, *t.coop_names)]
        hints = registry.propose([proposal.name]) if proposal.state == "open" else []
        suggestions = [(s.entry.key, s.entry.name) for h in hints for s in h.suggestions]
        out.append(ProposalView(proposal.id, proposal.name, proposal.state, unit_name, used,
                                suggestions))  # fmt: skip
    return out


def _unit_groups(registry: Registry) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for entry in registry:
        label = KIND_LABELS.get(entry.kind, "地区")
        groups.setdefault(label, []).append((entry.key, entry.name))
    return list(groups.items())


def _diff(session: Session, plan: Plan, tasks: list[Task], views: list[TaskReview]) -> PlanDiff:
    previous = session.get(Plan, plan.previous_id, options=[defer(Plan.source), defer(Plan.text)])
    assert previous is not None  # a foreign key
    query = select(Task).where(Task.plan_id == previous.id).order_by(Task.seq)
    old = {t.number: t for t in session.scalars(query)}
    new = {t.number: t for t in tasks}
    changed = []
    for task in tasks:
        if task.number in old:
            before = {k: getattr(old[task.number], k) for k in COMPARED}
            after = {k: getattr(task, k) for k in COMPARED}
            fields = [k for k in COMPARED if before[k] != after[k]]
            if fields:
                changed.append(TaskChange(task.number, task.title, fields, before, after))
    kinds = {c.number: "changed" for c in changed} | {n: "added" for n in new if n not in old}
    for view in views:
        view.change = kinds.get(view.number)
    return PlanDiff(
        previous.id, previous.version,
        [(t.number, t.title) for t in tasks if t.number not in old],
        [(t.number, t.title) for t in old.values() if t.number not in new], changed,
    )  # fmt: skip
