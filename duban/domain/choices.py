"""The closed vocabularies of the ledger, as ``StrEnum``s whose values are the API and JSON strings.

Each enum has a table of Chinese labels for the UI. Nothing here has behaviour beyond lookup,
except ``SEVERITY``, the one ordering of statuses that the task rule and the SQL queries share.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

Op = Literal[">=", "<=", "=", "~"]
"""How a target's actual is compared with its value (same spelling as the plan importer)."""


class Status(StrEnum):
    """Where an assignment or task stands as of a date (design.md § Status rules)."""

    DONE = "done"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UNREPORTED = "unreported"
    ON_TRACK = "on_track"


class Role(StrEnum):
    """A unit's part in a task: lead (责任单位/牵头单位) or cooperating (配合单位)."""

    LEAD = "lead"
    COOP = "coop"


class ClaimedState(StrEnum):
    """What a progress report says about the work."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ReportState(StrEnum):
    """A progress report's life: draft → submitted → accepted | returned; accepted → superseded."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    SUPERSEDED = "superseded"


class Pace(StrEnum):
    """How a target's actual compares with its goal and with the share due by now (序时进度)."""

    MET = "met"
    ON_PACE = "on_pace"
    BEHIND = "behind"
    FAR_BEHIND = "far_behind"
    NO_DATA = "no_data"


class Cadence(StrEnum):
    """How often progress is reported; periods are calendar-aligned."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class UnitKind(StrEnum):
    """What sort of body a unit is; a collective stands for its members."""

    DEPARTMENT = "department"
    COUNTY_GOVERNMENT = "county_government"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    BODY = "body"
    COLLECTIVE = "collective"


SEVERITY: dict[Status, int] = {
    Status.DONE: 0,
    Status.DONE_LATE: 1,
    Status.ON_TRACK: 2,
    Status.UNREPORTED: 3,
    Status.DUE_SOON: 4,
    Status.OVERDUE: 5,
}
"""How bad a status is. A task's status is its lead assignments' status of highest severity: this
order makes the task done only when every lead is done, and done late when any lead is."""

DONE_STATUSES: frozenset[Status] = frozenset({Status.DONE, Status.DONE_LATE})

STATUS_LABELS: dict[Status, str] = {
    Status.DONE: "已完成",
    Status.DONE_LATE: "逾期完成",
    Status.OVERDUE: "已逾期",
    Status.DUE_SOON: "即将到期",
    Status.UNREPORTED: "未报送",
    Status.ON_TRACK: "正常推进",
}

STATUS_COLOURS: dict[Status, str] = {
    Status.DONE: "green",
    Status.DONE_LATE: "green",
    Status.OVERDUE: "red",
    Status.DUE_SOON: "yellow",
    Status.UNREPORTED: "yellow",
    Status.ON_TRACK: "green",
}
"""The three supervision colours (三色督办): red overdue, yellow due soon or unreported."""

PACE_LABELS: dict[Pace, str] = {
    Pace.MET: "已达成",
    Pace.ON_PACE: "符合序时进度",
    Pace.BEHIND: "滞后",
    Pace.FAR_BEHIND: "严重滞后",
    Pace.NO_DATA: "暂无数据",
}

ROLE_LABELS: dict[Role, str] = {Role.LEAD: "责任单位", Role.COOP: "配合单位"}

CLAIMED_LABELS: dict[ClaimedState, str] = {
    ClaimedState.NOT_STARTED: "未启动",
    ClaimedState.IN_PROGRESS: "推进中",
    ClaimedState.DONE: "已完成",
}

REPORT_STATE_LABELS: dict[ReportState, str] = {
    ReportState.DRAFT: "草稿",
    ReportState.SUBMITTED: "已报送",
    ReportState.ACCEPTED: "已审核",
    ReportState.RETURNED: "已退回",
    ReportState.SUPERSEDED: "已更正",
}

CADENCE_LABELS: dict[Cadence, str] = {
    Cadence.MONTHLY: "按月",
    Cadence.QUARTERLY: "按季度",
    Cadence.HALF_YEARLY: "按半年",
    Cadence.YEARLY: "按年",
}

UNIT_KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.DEPARTMENT: "部门",
    UnitKind.COUNTY_GOVERNMENT: "县（区）人民政府",
    UnitKind.SCHOOL: "学校",
    UnitKind.ENTERPRISE: "企业",
    UnitKind.BODY: "机构",
    UnitKind.COLLECTIVE: "集体单位",
}
