"""The JSON API's shapes (``/api/v1``): Pydantic 2 models, with the names of design.md.

Dates are ISO 8601; enumerations carry the code values (``done``, ``in_progress``…), the UI's
Chinese labels stay in the UI. Input models forbid unknown fields and bound every length and id,
so bad input is answered 422 and never reaches the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from duban.domain.choices import ClaimedState, Pace, ReportState, Role, Status
from duban.models import Evidence, Plan, Target, Task, Unit, User
from duban.permissions import ACTIONS, ROLE_LABELS, Actor, can
from duban.queries.access import ReportRecord, TaskDetail
from duban.queries.status import AssignmentView, TargetView, goal_text

MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in PostgreSQL: a larger one is bad input, not a server error."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"
"""Text without NUL characters (PostgreSQL cannot store them): for query and path parameters,
and in the description of body text."""
ID_KEY = r"^[1-9][0-9]{0,8}$"
Version = Annotated[StrictInt, Field(ge=1, le=MAX_ID, description="审核时看到的报告版本号")]
"""A version the writer saw: a JSON integer only (``true`` is no version, though Python says 1)."""
"""An id as an object key (JSON keys are strings), as ``dict[Id, …]`` accepts it (described up to
999 999 999; ten-digit ids up to ``MAX_ID`` are accepted too)."""


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符（NUL）")
    return value


Text = Annotated[str, AfterValidator(_no_nul), Field(json_schema_extra={"pattern": NO_NUL})]
"""Body text: NUL is refused in words (the pattern only describes it)."""
Figure = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Out):
    error: str = Field(description="出错原因（中文）")
    status: int


class UnitRef(Out):
    key: str
    name: str


class UnitOut(Out):
    id: int
    key: str
    name: str
    short: str | None
    kind: str
    parent: str | None = Field(description="上级单位的 key")
    aliases: list[str]
    members: list[str] = Field(description="集体单位的成员单位 key")

    @classmethod
    def of(cls, unit: Unit, keys: dict[int, str]) -> UnitOut:
        return cls(
            id=unit.id, key=unit.key, name=unit.name, short=unit.short, kind=unit.kind,
            parent=keys.get(unit.parent_id) if unit.parent_id else None,
            aliases=[a.alias for a in unit.aliases], members=[m.key for m in unit.members],
        )  # fmt: skip


class MeOut(Out):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit: UnitRef | None
    permissions: list[str] = Field(description="所持有的操作权限（见 docs/permissions.md）")

    @classmethod
    def of(cls, actor: Actor, user: User, unit: Unit | None) -> MeOut:
        return cls(
            id=user.id, username=user.username, display_name=user.display_name, role=user.role,
            role_label=ROLE_LABELS.get(user.role, user.role),
            unit=UnitRef(key=unit.key, name=unit.name) if unit else None,
            permissions=[name for name in ACTIONS if can(actor, name)],
        )  # fmt: skip


# --- plans, tasks, status -----------------------------------------------------------------------


class PlanOut(Out):
    id: int
    title: str
    state: str = Field(description="draft | published | superseded")
    kind: str = Field(description="plan（任务分工方案）| meetings（联席会议议定事项）")
    version: int
    previous: int | None = Field(description="上一版本方案的 id")
    effective: dt.date
    cadence: str
    grace_days: int
    warn_days: int
    published_at: dt.datetime | None
    task_count: int

    @classmethod
    def of(cls, plan: Plan, task_count: int) -> PlanOut:
        return cls(
            id=plan.id, title=plan.title, state=plan.state, kind=plan.kind, version=plan.version,
            previous=plan.previous_id, effective=plan.effective, cadence=plan.cadence,
            grace_days=plan.grace_days, warn_days=plan.warn_days, published_at=plan.published_at,
            task_count=task_count,
        )  # fmt: skip


class TaskBrief(Out):
    number: str
    title: str
    section: str | None
    group: str | None
    deadline: dt.date | None
    deadline_text: str | None
    ongoing: bool

    @classmethod
    def of(cls, task: Task) -> TaskBrief:
        return cls(
            number=task.number, title=task.title, section=task.section, group=task.group_title,
            deadline=task.deadline, deadline_text=task.deadline_text, ongoing=task.ongoing,
        )  # fmt: skip


class PlanDetailOut(PlanOut):
    basis: list[Any]
    source_name: str
    source_format: str
    sha256: str
    tasks: list[TaskBrief]


EXTENDED = "经批准延期后的完成时限（截至查询日期已批准；无延期为 null），原完成时限见任务"


class AssignmentStatusOut(Out):
    unit: str
    role: Role
    status: Status
    reason: str
    extended_to: dt.date | None = Field(None, description=EXTENDED)


class TargetStatusOut(Out):
    metric: str
    goal: str
    actual: float | None
    pace: Pace
    expected: float | None
    scope: str
    reason: str
    indicator: str | None = Field(
        None, description="绑定的指标代码：实际值由学校数据计算（未绑定为 null）"
    )


class TaskStatusOut(Out):
    number: str
    title: str
    deadline: dt.date | None
    ongoing: bool
    status: Status
    reason: str
    assignments: list[AssignmentStatusOut]
    targets: list[TargetStatusOut]


class PlanStatusOut(Out):
    """The shape of ``duban status --json``."""

    plan: int
    title: str
    as_of: dt.date
    tasks: list[TaskStatusOut]


class AssignmentOut(Out):
    id: int = Field(description="分工 id：报送进展时使用")
    unit: UnitRef
    role: Role
    status: Status
    reason: str
    extended_to: dt.date | None = Field(None, description=EXTENDED)


class TargetOut(Out):
    id: int = Field(description="目标 id：报送数据时作为 figures 的键")
    metric: str
    op: str
    value: float
    value_max: float | None
    unit: str | None
    scope: str
    period: str | None
    quote: str
    goal: str
    actual: float | None
    expected: float | None
    pace: Pace
    reason: str


class TaskOut(TaskBrief):
    plan: int
    text: str
    as_of: dt.date
    status: Status
    reason: str
    assignments: list[AssignmentOut]
    targets: list[TargetOut]

    @classmethod
    def detail(cls, plan_id: int, found: TaskDetail, as_of: dt.date) -> TaskOut:
        task, view = found.task, found.view
        assignments = [_assignment(a, found.assignment_ids) for a in view.assignments]
        targets = [_target(t, v) for t, v in zip(task.targets, view.targets, strict=True)]
        brief = TaskBrief.of(task).model_dump()
        return cls(**brief, plan=plan_id, text=task.text, as_of=as_of, status=Status(view.status),
                   reason=view.reason, assignments=assignments, targets=targets)  # fmt: skip


def _assignment(a: AssignmentView, ids: dict[str, int]) -> AssignmentOut:
    unit = UnitRef(key=a.unit_key, name=a.unit)
    return AssignmentOut(id=ids[a.unit_key], unit=unit, role=Role(a.role),
                         status=Status(a.status), reason=a.reason,
                         extended_to=a.extended_to)  # fmt: skip


def _target(t: Target, v: TargetView) -> TargetOut:
    return TargetOut(
        id=t.id, metric=t.metric, op=t.op, value=t.value, value_max=t.value_max, unit=t.unit,
        scope=t.scope, period=t.period, quote=t.quote, goal=goal_text(t), actual=v.actual,
        expected=v.expected, pace=Pace(v.pace), reason=v.reason,
    )  # fmt: skip


# --- reports --------------------------------------------------------------------------------------


class FigureOut(Out):
    target: int
    value: float


class EvidenceOut(Out):
    id: int
    name: str
    size: int
    content_type: str
    url: str


class ReportOut(Out):
    id: int
    version: int = Field(description="审核时须回传此版本号；版本不符答 409")
    plan: int
    task: str
    assignment: int
    unit: UnitRef
    role: Role
    period: str
    state: ReportState
    claimed: ClaimedState
    narrative: str
    late_reason: str | None
    submitted_on: dt.date | None
    accepted_on: dt.date | None
    returned_on: dt.date | None
    return_reason: str | None
    on_paper: bool
    supersedes: int | None
    figures: list[FigureOut]
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, found: ReportRecord) -> ReportOut:
        r = found.report
        return cls(
            id=r.id, version=r.version, plan=found.plan_id, task=found.task,
            assignment=r.assignment_id, unit=UnitRef(key=found.unit_key, name=found.unit_name),
            role=Role(found.role), period=r.period_key, state=ReportState(r.state),
            claimed=ClaimedState(r.claimed), narrative=r.narrative, late_reason=r.late_reason,
            submitted_on=r.submitted_on, accepted_on=r.accepted_on, returned_on=r.returned_on,
            return_reason=r.return_reason, on_paper=r.on_paper, supersedes=r.supersedes_id,
            figures=[FigureOut(target=f.target_id, value=f.value) for f in r.figures],
            evidence=[_evidence(e) for e in r.evidence],
        )  # fmt: skip


def _evidence(e: Evidence) -> EvidenceOut:
    return EvidenceOut(id=e.id, name=e.name, size=e.size, content_type=e.content_type,
                       url=f"/evidence/{e.id}")  # fmt: skip


class ReportList(Out):
    items: list[ReportOut]
    total: int = Field(description="符合条件的报告总数")
    limit: int
    offset: int


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportIn(In):
    """A new report (or draft) on one of the signed-in unit's assignments."""

    assignment: Id
    claimed: ClaimedState
    narrative: Text = Field("", max_length=20000)
    late_reason: Text | None = Field(None, max_length=2000)
    figures: dict[Id, Figure] = Field(
        default_factory=dict, max_length=200, description="目标 id → 实际数值",
        json_schema_extra={"propertyNames": {"pattern": ID_KEY}},
    )  # fmt: skip
    draft: bool = False


class AcceptIn(In):
    version: Version


class ReturnIn(In):
    version: Version
    reason: Text = Field(min_length=1, max_length=2000, description="退回原因（必填）")
