"""The demo's supervision: joint meetings with decisions and sign-off, actions, an extension.

Joint meetings: spring and autumn each year from 2021, except 2022 with one meeting (the
"at least two a year" rule shows a missed year); each records a decision that becomes a task of
the decisions plan, its minutes go round and the attending units sign — all but one unit of the
latest meeting, whose sign-off is still pending. Actions: a reminder answered and closed, a
rectification order answered and closed, an interview recorded, a yellow notice held, and a red
notice to a unit still overdue today, unanswered and past its due date. An extension: asked
before the deadline, reviewed by the supervision office and approved by the admin.
All through the services, dated as they happened, so the audit trail tells the same story.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.config import Settings
from duban.domain.choices import Role, Status, UnitKind
from duban.domain.ladder import Ladder
from duban.models import Assignment, Plan, Task, Unit
from duban.queries.ladder import load_ladder
from duban.queries.status import plan_status
from duban.services import actions, extensions, meetings
from duban.services.actions import ActionDraft

SUPERVISOR = "supervisor:dudao"
ADMIN = "admin:demo"
MEETING_DAYS = ((3, 26), (9, 24))
SHORT_YEAR = 2022
DECISIONS = (
    ("各县（区）统筹安排职业教育专项经费，确保生均拨款标准落实到位", 150),
    ("市职业技术学校牵头，联合合作企业申报自治区级产教融合实训基地", 240),
    ("建立校企合作项目清单，每季度向联席会议办公室报送进展", 120),
    ("开展职业院校“双师型”教师认定，年底前完成首批认定工作", 200),
)


def seed_meetings(session: Session, today: dt.date) -> dict[int, dt.date]:
    """The joint meetings up to a week before ``today``; decision task id → meeting day."""
    units = _departments(session)
    days = [dt.date(year, m, d) for year in range(2021, today.year + 1) for m, d in MEETING_DAYS
            if not (year == SHORT_YEAR and m > 6)]  # fmt: skip
    held = [d for d in days if d <= today - dt.timedelta(days=7)]
    starts: dict[int, dt.date] = {}
    for n, day in enumerate(held):
        attendees = units[: 6 + n % 3]
        agenda = ["通报重点任务推进情况和逾期事项", "研究部署下一阶段工作", "审议议定事项"]
        entered = meetings.MeetingInput(
            held_on=day, convener="市人民政府分管副市长", attendees=[u.key for u in attendees],
            place="市政府第三会议室", agenda=agenda,
            minutes=f"会议听取了市教育局关于方案推进情况的汇报，研究了逾期事项的整改措施，"
                    f"形成议定事项。参会单位{len(attendees)}个。",
        )  # fmt: skip
        meeting = meetings.record_meeting(session, entered, actor=ADMIN)
        text, days_given = DECISIONS[n % len(DECISIONS)]
        lead, coop = attendees[n % len(attendees)], attendees[(n + 1) % len(attendees)]
        decision = meetings.add_decision(session, meeting.id, meetings.DecisionInput(
            text=text, leads=[lead.key], coops=[coop.key],
            deadline=day + dt.timedelta(days=days_given),
        ), actor=ADMIN)  # fmt: skip
        starts[decision.task_id] = day
        meetings.circulate_minutes(session, meeting.id, at=day + dt.timedelta(days=3), actor=ADMIN)
        latest = n == len(held) - 1
        for i, unit in enumerate(attendees[:-1] if latest else attendees):
            meetings.sign_minutes(session, meeting.id, unit.id, actor=f"leader:{unit.key}",
                                  at=day + dt.timedelta(days=4 + i % 5))  # fmt: skip
    return starts


def seed_actions(session: Session, settings: Settings, plan: Plan, today: dt.date) -> int:
    """The actions and the extension on the plan, after its history is written."""
    ladder = load_ladder(settings)
    overdue = _lead_parts(session, plan, today, Status.OVERDUE)
    done_late = _lead_parts(session, plan, dt.date(2022, 1, 15), Status.OVERDUE)
    made = 0
    if done_late:
        unit, task = done_late[0]
        made += _answered(session, settings, ladder, plan, unit, task, "reminder",
                          dt.date(2022, 1, 15), 16, "请于1月31日前书面报告推进情况")  # fmt: skip
    if len(done_late) > 1:
        unit, task = done_late[1]
        made += _answered(session, settings, ladder, plan, unit, task, "rectification",
                          dt.date(2022, 1, 20), 60, "限期整改：逾期未完成")  # fmt: skip
        interview = ActionDraft(
            plan.id, unit, "interview", "约谈记录：逾期事项推进", task,
            body="督导室约谈了单位分管负责人，要求倒排工期、按期完成。",
        )  # fmt: skip
        done = actions.issue_action(session, interview, ladder=ladder, on=dt.date(2022, 3, 8),
                                    actor=SUPERVISOR)  # fmt: skip
        actions.close_action(session, done.id, reason="约谈已完成", on=dt.date(2022, 3, 8),
                             actor=SUPERVISOR)  # fmt: skip
        made += 1
    if overdue:
        unit, task = overdue[0]
        red = ActionDraft(plan.id, unit, "notice", "", task, colour="red",
                          due_on=today - dt.timedelta(days=15))  # fmt: skip
        actions.issue_action(session, red, ladder=ladder, on=today - dt.timedelta(days=30),
                             actor=SUPERVISOR)  # fmt: skip
        made += 1
    if len(overdue) > 1:
        unit, task = overdue[1]
        yellow = ActionDraft(plan.id, unit, "notice", "", task, colour="yellow")
        actions.hold_action(session, yellow, reason="该单位已书面说明原因，暂缓发出",
                            on=today - dt.timedelta(days=20), actor=SUPERVISOR)  # fmt: skip
        made += 1
    _extension(session, plan)
    return made


def _answered(
    session: Session, settings: Settings, ladder: Ladder, plan: Plan, unit: int, task: int,
    kind: str, on: dt.date, days: int, title: str,
) -> int:  # fmt: skip
    draft = ActionDraft(plan.id, unit, kind, title, task, due_on=on + dt.timedelta(days=days))
    action = actions.issue_action(session, draft, ladder=ladder, on=on, actor=SUPERVISOR)
    actions.respond_action(
        session, settings, action.id, text="已召开专题会议研究，明确了完成时限和责任人，正在落实。",
        unit_id=unit, on=on + dt.timedelta(days=days - 3), actor="leader:demo",
    )  # fmt: skip
    actions.close_action(session, action.id, reason="答复材料齐全，予以办结",
                         on=on + dt.timedelta(days=days + 2), actor=SUPERVISOR)  # fmt: skip
    return 1


def _extension(session: Session, plan: Plan) -> None:
    """A unit with a deadline of 2023-06-30 asks on 1 June for three more months; approved."""
    found = session.execute(
        select(Assignment.id).join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan.id, Task.deadline == dt.date(2023, 6, 30),
               Assignment.role == Role.LEAD)
        .order_by(Task.seq.desc(), Assignment.seq).limit(1)
    ).scalar()  # fmt: skip
    if found is None:
        return
    ext = extensions.request_extension(
        session, found, proposed=dt.date(2023, 9, 30), at=dt.date(2023, 6, 1),
        reason="合作企业设备到货延迟，实训基地建设需顺延三个月", actor="leader:demo",
    )  # fmt: skip
    extensions.review_extension(session, ext.id, agrees=True, opinion="理由属实，同意延期",
                                at=dt.date(2023, 6, 5), actor=SUPERVISOR)  # fmt: skip
    extensions.decide_extension(session, ext.id, approve=True, at=dt.date(2023, 6, 8),
                                actor=ADMIN)  # fmt: skip


def _lead_parts(
    session: Session, plan: Plan, day: dt.date, status: Status
) -> list[tuple[int, int]]:
    """(unit id, task id) of the plan's lead assignments with ``status`` on ``day``."""
    tasks = {t.number: t.id for t in session.scalars(select(Task).where(Task.plan_id == plan.id))}
    units = {u.name: u.id for u in session.scalars(select(Unit))}
    return [
        (units[a.unit], tasks[t.number])
        for t in plan_status(session, plan, day).tasks
        for a in t.assignments
        if a.role == Role.LEAD and a.status == status and a.unit in units
    ]


def _departments(session: Session) -> list[Unit]:
    query = select(Unit).where(Unit.kind == UnitKind.DEPARTMENT).order_by(Unit.id).limit(9)
    return list(session.scalars(query))
