"""SQLAlchemy 2 typed models, one module per aggregate."""

from duban.models.actions import Action, ActionEvent, ActionFile, ActionResponse
from duban.models.audit import AuditEvent
from duban.models.base import Base
from duban.models.extensions import Extension
from duban.models.meetings import Decision, Meeting, MeetingAttendee, MeetingFile
from duban.models.plans import Assignment, Plan, Target, Task
from duban.models.records import Record, RecordBatch
from duban.models.reminders import ReminderChannel, ReminderSent
from duban.models.reports import Evidence, PeriodLock, Report, ReportFigure
from duban.models.sessions import UserSession
from duban.models.units import Unit, UnitAlias, UnitProposal, unit_members
from duban.models.users import LoginAttempt, User

__all__ = [
    "Action",
    "ActionEvent",
    "ActionFile",
    "ActionResponse",
    "Assignment",
    "AuditEvent",
    "Base",
    "Decision",
    "Evidence",
    "Extension",
    "LoginAttempt",
    "Meeting",
    "MeetingAttendee",
    "MeetingFile",
    "PeriodLock",
    "Plan",
    "Record",
    "RecordBatch",
    "ReminderChannel",
    "ReminderSent",
    "Report",
    "ReportFigure",
    "Target",
    "Task",
    "Unit",
    "UnitAlias",
    "UnitProposal",
    "User",
    "UserSession",
    "unit_members",
]
