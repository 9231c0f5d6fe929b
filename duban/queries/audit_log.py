"""The 操作日志: the audit trail newest first, filtered in SQL, paged by id (keyset).

A page is the events with ids below ``before`` (older) or above ``after`` (newer), 50 at a time;
keyset paging keeps every page an index range scan however long the trail grows. Days in filters
are days in Asia/Shanghai, the zone the UI shows times in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from duban import audit
from duban.domain.clock import SHANGHAI
from duban.models import AuditEvent

PAGE_SIZE = 50

ACTION_LABELS = {
    "plan.import": "导入方案",
    "plan.publish": "发布方案",
    "task.correct": "校对任务",
    "report.draft": "保存报告草稿",
    "report.submit": "报送进展",
    "report.accept": "通过审核",
    "report.return": "退回报告",
    "period.lock": "锁定报送期",
    "evidence.attach": "上传佐证材料",
    "units.load": "载入单位名录",
    "units.map": "对应单位名称",
    "units.confirm": "确认新单位",
    "units.alias": "添加单位别名",
    "user.add": "添加用户",
    "user.password": "重置密码",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.lockout": "登录锁定",
    "user.sessions_end": "结束会话",
    "progress.import": "导入进展填报表",
    "records.import": "导入学校数据",
    "target.bind": "目标绑定指标",
    "demo.seed": "生成演示数据",
    "extension.request": "申请延期",
    "extension.withdraw": "撤回延期申请",
    "extension.review": "审核延期申请",
    "extension.approve": "批准延期",
    "extension.refuse": "不予批准延期",
    "meeting.record": "登记联席会议",
    "meeting.edit": "修改会议记录",
    "meeting.decide": "登记议定事项",
    "meeting.attach": "上传会议附件",
    "meeting.circulate": "纪要送会签",
    "meeting.sign": "会签纪要",
    "meeting.sign_paper": "登记纸质会签",
    "meeting.delete": "删除联席会议",
    "evidence.sweep": "清理遗留文件",
    "reminder_channel.add": "添加提醒渠道",
    "reminder_channel.remove": "删除提醒渠道",
    "reminder_channel.edit": "启停提醒渠道",
    "action.issue": "发出督办事项",
    "action.hold": "暂缓督办事项",
    "action.withdraw": "撤回督办事项",
    "action.respond": "答复督办事项",
    "action.close": "办结督办事项",
    "action.reopen": "重新打开督办事项",
}
"""Action names as the log shows them; an action missing here shows its code name."""

OBJECT_LABELS = {
    "plan": "方案",
    "task": "任务",
    "assignment": "分工",
    "report": "报告",
    "unit": "单位",
    "registry": "单位名录",
    "user": "用户",
    "action": "督办事项",
    "meeting": "联席会议",
    "evidence": "佐证材料",
    "extension": "延期申请",
    "reminder_channel": "提醒渠道",
}


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; empty fields do not filter."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class EventView:
    id: int
    at: dt.datetime
    """In Asia/Shanghai."""
    actor: str
    action: str
    action_label: str
    object_type: str
    object_label: str
    object_id: int | None
    label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    events: int
    broken: EventView | None = None
    reason: str | None = None


@dataclass
class AuditPage:
    events: list[EventView]
    older: int | None
    """The ``before`` cursor of the next (older) page, if there is one."""
    newer: int | None
    """The ``after`` cursor of the previous (newer) page, if there is one."""
    actions: list[tuple[str, str]] = field(default_factory=list)
    object_types: list[tuple[str, str]] = field(default_factory=list)


def audit_page(
    session: Session, wanted: AuditFilter, *, before: int | None = None, after: int | None = None
) -> AuditPage:
    """One page of events matching ``wanted``, newest first (see the module docstring)."""
    conditions = _conditions(wanted)
    query = select(AuditEvent).where(*conditions).limit(PAGE_SIZE)
    if after is not None:
        query = query.where(AuditEvent.id > after).order_by(AuditEvent.id)
        rows = list(reversed(session.scalars(query).all()))
    else:
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = list(session.scalars(query.order_by(AuditEvent.id.desc())))
    older = newer = None
    if rows:
        lowest, highest = rows[-1].id, rows[0].id
        older = lowest if _any(session, conditions, AuditEvent.id < lowest) else None
        newer = highest if _any(session, conditions, AuditEvent.id > highest) else None
    return AuditPage([event_view(e) for e in rows], older, newer,
                     _present(session, AuditEvent.action, ACTION_LABELS),
                     _present(session, AuditEvent.object_type, OBJECT_LABELS))  # fmt: skip


def chain_status(session: Session) -> ChainStatus:
    """Whether the whole hash chain holds (``duban.audit.verify``); the first broken event."""
    check = audit.verify(session)
    if check.ok or check.broken_id is None:
        return ChainStatus(check.ok, check.events)
    event = session.get(AuditEvent, check.broken_id)
    broken = event_view(event) if event is not None else None
    return ChainStatus(False, check.events, broken, check.reason)


def event_view(event: AuditEvent) -> EventView:
    return EventView(
        id=event.id,
        at=event.at.astimezone(SHANGHAI),
        actor=event.actor,
        action=event.action,
        action_label=ACTION_LABELS.get(event.action, event.action),
        object_type=event.object_type,
        object_label=OBJECT_LABELS.get(event.object_type, event.object_type),
        object_id=event.object_id,
        label=event.label,
        before=event.before,
        after=event.after,
    )


def day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in Asia/Shanghai, as a UTC instant."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def _conditions(wanted: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if wanted.actor.strip():
        found.append(AuditEvent.actor.contains(wanted.actor.strip(), autoescape=True))
    if wanted.action:
        found.append(AuditEvent.action == wanted.action)
    if wanted.object_type:
        found.append(AuditEvent.object_type == wanted.object_type)
    if wanted.since is not None:
        found.append(AuditEvent.at >= day_start(wanted.since))
    if wanted.until is not None:
        found.append(AuditEvent.at < day_start(wanted.until + dt.timedelta(days=1)))
    return found


def _any(session: Session, conditions: list[ColumnElement[bool]], edge: Any) -> bool:
    return bool(session.scalar(select(select(AuditEvent.id).where(*conditions, edge).exists())))


def _present(session: Session, column: Any, labels: dict[str, str]) -> list[tuple[str, str]]:
    """The distinct values of ``column`` in the trail with their labels, for the filter selects."""
    query: Select[Any] = select(column).distinct().order_by(column)
    return [(value, labels.get(value, value)) for value in session.scalars(query)]
