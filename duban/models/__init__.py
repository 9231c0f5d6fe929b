"""SQLAlchemy 2 typed models, one module per aggregate."""

from duban.models.audit import AuditEvent
from duban.models.base import Base
from duban.models.plans import Assignment, Plan, Target, Task
from duban.models.records import Record, RecordBatch
from duban.models.reports import Evidence, PeriodLock, Report, ReportFigure
from duban.models.units import Unit, UnitAlias, UnitProposal, unit_members
from duban.models.users import LoginAttempt, User

__all__ = [
    "Assignment",
    "AuditEvent",
    "Base",
    "Evidence",
    "LoginAttempt",
    "PeriodLock",
    "Plan",
    "Record",
    "RecordBatch",
    "Report",
    "ReportFigure",
    "Target",
    "Task",
    "Unit",
    "UnitAlias",
    "UnitProposal",
    "User",
    "unit_members",
]
