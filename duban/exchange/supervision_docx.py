"""The supervision report (督导报告) on a plan as of a date, as a Word document.

Contract: ``supervision_docx(report) -> bytes``. ``SupervisionReport`` and its rows are plain data
that ``duban.queries.supervision`` gathers from the store; nothing here reads a database. The
document (``officedoc`` layout, GB/T 9704) has the title “《plan》推进情况督导报告”, the date as of
which it speaks, and seven parts:

一、总体情况       tasks and assignments by status, share done, reports received, accepted and
                   returned in the latest owed period and overall (a table of statuses);
二、分组推进情况   a table per task group: 任务数 and the task count of each status, with a total;
三、逾期和逾期完成事项  lead assignments overdue or done late, by unit, with the status engine's
                   reason and the late reason the unit gave in its report; then the approved
                   deadline extensions (延期), original and extended deadline side by side;
四、目标完成情况   every task target: goal, actual, pace (序时进度); then the figures that the
                   units' current reports state and the school records contradict (数据核对);
五、单位评分       the units' scorecards for the year, ranked;
六、督办事项       supervision actions issued by the date (催办, 三色督办单, 约谈, 限期整改)
                   with state and answer date, overdue ones marked; reports returned, periods
                   locked;
七、下一步工作建议  sentences generated from the figures above (``suggestions``).

It closes with the 落款 督导室 and the date. Every table's figures are the data's, unrounded but
for shares (one decimal of a percent) and scores (one decimal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from duban.domain.choices import PACE_LABELS, STATUS_LABELS, Pace, Status
from duban.domain.meetings import MeetingCheck
from duban.domain.reasons import day, number
from duban.exchange.officedoc import OfficialDocument

GROUP_COLUMNS = (Status.DONE, Status.DONE_LATE, Status.OVERDUE, Status.DUE_SOON, Status.UNREPORTED,
                 Status.ON_TRACK)  # fmt: skip
"""The status columns of the group table, in the order the heading names them."""

GROUP_HEADERS = ("任务组", "任务数", "已完成", "逾期完成", "逾期", "临期", "未报送", "正常推进")
LATE_HEADERS = ("单位", "任务", "完成时限", "状态", "说明")
TARGET_HEADERS = ("任务", "目标", "目标值", "实际", "序时进度")
CLAIM_HEADERS = ("任务", "单位", "报送内容", "学校数据")
SCORE_HEADERS = ("名次", "单位", "到期分工", "按期完成", "逾期完成", "逾期未完成", "按时报送",
                 "漏报", "得分")  # fmt: skip
RETURN_HEADERS = ("单位", "任务", "报送日期", "退回日期", "退回原因")
ACTION_HEADERS = ("文号", "类别", "单位", "事项", "答复期限", "办理状态")
SIGNED_BY = "督导室"
_NAMES_SHOWN = 5  # a suggestion names at most this many units or tasks, then 等


@dataclass(frozen=True)
class ReportTally:
    """Progress reports: submitted (received), accepted and returned, each by the report's date."""

    received: int = 0
    accepted: int = 0
    returned: int = 0


@dataclass(frozen=True)
class Overview:
    """一、总体情况: tasks and lead assignments per status; ``assignments`` counts lead and coop."""

    tasks: int
    assignments: int
    lead_assignments: int
    task_counts: dict[Status, int]
    lead_counts: dict[Status, int]
    period: str | None
    """The latest owed reporting period (``2023年第1季度``), ``None`` while none is owed."""
    period_due: dt.date | None
    period_reports: ReportTally
    all_reports: ReportTally
    warn_days: int = 30

    @property
    def done(self) -> int:
        return self.task_counts.get(Status.DONE, 0) + self.task_counts.get(Status.DONE_LATE, 0)

    @property
    def done_share(self) -> float | None:
        return self.done / self.tasks if self.tasks else None


@dataclass(frozen=True)
class GroupRow:
    """二: one task group and its tasks per status."""

    group: str
    counts: dict[Status, int]

    @property
    def tasks(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class LateRow:
    """三: a lead assignment overdue or done late; ``late_reason`` as the unit's report gave it."""

    unit: str
    task: str
    deadline: dt.date | None
    status: Status
    reason: str
    late_reason: str | None = None


@dataclass(frozen=True)
class TargetRow:
    """四: a task's target with its actual and pace as of the date; ``unit`` the measure (%, 个)."""

    task: str
    metric: str
    goal: str
    actual: float | None
    expected: float | None
    pace: Pace
    unit: str | None = None


@dataclass(frozen=True)
class ClaimRow:
    """四: a figure a unit's current report states that the school records contradict."""

    task: str
    unit: str
    stated: str
    """What the report says: the typed figure, or the sentence of its narrative."""
    computed: str
    """What the records give, with the indicator and school year."""


@dataclass(frozen=True)
class ScoreRow:
    """五: a unit's scorecard line; ``score`` ``None`` when it has nothing to score."""

    rank: int | None
    unit: str
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    reports_on_time: int
    reports_missing: int
    score: float | None


@dataclass(frozen=True)
class ReturnedReport:
    """六: a report the supervisor returned for rework."""

    unit: str
    task: str
    submitted_on: dt.date | None
    returned_on: dt.date
    reason: str


@dataclass(frozen=True)
class ExtensionLine:
    """三: an approved deadline extension decided by the report's date; the original stays."""

    unit: str
    task: str
    original: dt.date | None
    extended_to: dt.date
    decided_on: dt.date


@dataclass(frozen=True)
class ActionLine:
    """六: an issued supervision action and where it stood on the report's date."""

    number: str
    kind: str
    """The kind or colour in words: 红色督办单, 限期整改 …"""
    unit: str
    title: str
    due_on: dt.date | None
    state: str
    """The state in words: 待答复, 已答复, 已办结, 已撤回."""
    overdue: bool = False


@dataclass(frozen=True)
class LockedPeriod:
    """六: a reporting period closed by the supervisor (``locked_on``: its day in Shanghai)."""

    period: str
    locked_on: dt.date


@dataclass(frozen=True)
class SupervisionReport:
    """Everything the document shows, for ``plan_title`` as of ``as_of``."""

    plan_title: str
    as_of: dt.date
    overview: Overview
    groups: Sequence[GroupRow]
    late: Sequence[LateRow]
    targets: Sequence[TargetRow]
    score_year: int
    score_formula: str
    scores: Sequence[ScoreRow]
    returns_since: dt.date
    returned: Sequence[ReturnedReport] = field(default_factory=list)
    locked: Sequence[LockedPeriod] = field(default_factory=list)
    actions: Sequence[ActionLine] = field(default_factory=list)
    extensions: Sequence[ExtensionLine] = field(default_factory=list)
    claims: Sequence[ClaimRow] = field(default_factory=list)
    meetings: MeetingCheck | None = None
    """The joint meeting rule (at least two meetings a year) for ``as_of``'s year."""

    @property
    def title(self) -> str:
        """``《…》推进情况督导报告``; the plan title's own 《》 become 〈〉 (nested quotes)."""
        inner = self.plan_title.replace("《", "〈").replace("》", "〉")
        return f"《{inner}》推进情况督导报告"


def supervision_docx(report: SupervisionReport) -> bytes:
    """The report as ``.docx`` bytes (module docstring)."""
    doc = OfficialDocument(report.title, subtitle=f"（截至{day(report.as_of)}）")
    doc.paragraph(
        f"根据方案分工和督导工作安排，督导室依据各责任单位报送的进展情况，对方案推进情况进行了"
        f"督导。现将截至{day(report.as_of)}的情况报告如下。"
    )
    for write in (_overview, _groups, _late, _targets, _scores, _actions, _suggestions):
        write(doc, report)
    doc.signature(SIGNED_BY, report.as_of)
    return doc.to_bytes()


# --- 一、总体情况 ------------------------------------------------------------------------------


def _overview(doc: OfficialDocument, report: SupervisionReport) -> None:
    o = report.overview
    doc.heading("一、总体情况", 1)
    counts = "、".join(f"{STATUS_LABELS[s]}{o.task_counts.get(s, 0)}项" for s in GROUP_COLUMNS)
    share = (
        f"，完成率{_percent(o.done_share)}（已完成和逾期完成的任务占任务总数）" if o.tasks else ""
    )
    doc.paragraph(
        f"方案共有重点任务{o.tasks}项，分解为分工{o.assignments}项，其中责任单位分工"
        f"{o.lead_assignments}项、配合单位分工{o.assignments - o.lead_assignments}项。"
        f"截至{day(report.as_of)}，按任务计，{counts}{share}。"
    )
    doc.paragraph(_reports_sentence(o))
    rows = [
        [STATUS_LABELS[s], o.task_counts.get(s, 0), _percent(_share(o.task_counts, s, o.tasks)),
         o.lead_counts.get(s, 0)]
        for s in GROUP_COLUMNS
    ]  # fmt: skip
    rows.append(["合计", o.tasks, _percent(1.0 if o.tasks else None), o.lead_assignments])
    doc.table(["状态", "任务数", "占任务总数", "责任单位分工数"], rows, [46, 34, 38, 38])


def _reports_sentence(o: Overview) -> str:
    total = o.all_reports
    overall = (
        f"方案实施以来累计收到进展报告{total.received}份，审核通过{total.accepted}份，"
        f"退回{total.returned}份。"
    )
    if o.period is None or o.period_due is None:
        return "目前尚无到期应报送的报送期。" + overall
    p = o.period_reports
    return (
        f"最近一个应报送期为{o.period}（报送截止{day(o.period_due)}），收到进展报告{p.received}份，"
        f"审核通过{p.accepted}份，退回{p.returned}份；" + overall
    )


# --- 二、分组推进情况 ---------------------------------------------------------------------------


def _groups(doc: OfficialDocument, report: SupervisionReport) -> None:
    doc.heading("二、分组推进情况", 1)
    if not report.groups:
        doc.paragraph("方案没有任务。")
        return
    doc.paragraph("各任务组的任务按状态分布如下（单位：项）。")
    rows: list[list[object]] = [
        [g.group, g.tasks, *(g.counts.get(s, 0) for s in GROUP_COLUMNS)] for g in report.groups
    ]
    totals = [sum(g.counts.get(s, 0) for g in report.groups) for s in GROUP_COLUMNS]
    rows.append(["合计", sum(g.tasks for g in report.groups), *totals])
    doc.table(GROUP_HEADERS, rows, [37, 17, 17, 17, 17, 17, 17, 17])


# --- 三、逾期和逾期完成事项 ----------------------------------------------------------------------


def _late(doc: OfficialDocument, report: SupervisionReport) -> None:
    doc.heading("三、逾期和逾期完成事项", 1)
    overdue = [r for r in report.late if r.status is Status.OVERDUE]
    late = [r for r in report.late if r.status is Status.DONE_LATE]
    if not report.late:
        doc.paragraph(f"截至{day(report.as_of)}，没有逾期或逾期完成的责任单位分工。")
        _extensions(doc, report)
        return
    doc.paragraph(
        f"截至{day(report.as_of)}，已逾期的责任单位分工{len(overdue)}项，涉及"
        f"{len({r.unit for r in overdue})}个单位；逾期完成的{len(late)}项，涉及"
        f"{len({r.unit for r in late})}个单位。按单位列出如下。"
    )
    rows = [
        [r.unit, r.task, day(r.deadline) if r.deadline else "—", STATUS_LABELS[r.status],
         r.reason + (f"。逾期原因：{r.late_reason}" if r.late_reason else "")]
        for r in report.late
    ]  # fmt: skip
    doc.table(LATE_HEADERS, rows, [30, 36, 26, 18, 46])
    _extensions(doc, report)


EXTENSION_HEADERS = ["单位", "任务", "原完成时限", "批准延期至", "批准日期"]


def _extensions(doc: OfficialDocument, report: SupervisionReport) -> None:
    """The approved extensions: status counts the extended deadline, the original stays here."""
    if not report.extensions:
        return
    doc.paragraph(
        f"经批准延期的分工{len(report.extensions)}项，自批准之日起按延期后的完成时限计算状态，"
        "原完成时限保留如下。"
    )
    rows = [
        [e.unit, e.task, day(e.original) if e.original else "—", day(e.extended_to),
         day(e.decided_on)]
        for e in report.extensions
    ]  # fmt: skip
    doc.table(EXTENSION_HEADERS, rows, [30, 40, 28, 28, 28])


# --- 四、目标完成情况 ---------------------------------------------------------------------------


def _targets(doc: OfficialDocument, report: SupervisionReport) -> None:
    doc.heading("四、目标完成情况", 1)
    if not report.targets:
        doc.paragraph("方案各任务没有量化目标。")
        return
    counts = {p: sum(1 for t in report.targets if t.pace is p) for p in Pace}
    parts = "、".join(f"{PACE_LABELS[p]}{n}个" for p, n in counts.items() if n)
    doc.paragraph(
        f"方案各任务共有量化目标{len(report.targets)}个。按已审核的报送数据，截至"
        f"{day(report.as_of)}，{parts}。"
    )
    rows = [[t.task, t.metric, t.goal, _figure(t.actual, t.unit), _pace(t)] for t in report.targets]
    doc.table(TARGET_HEADERS, rows, [40, 40, 22, 20, 34])
    if report.claims:
        doc.paragraph(
            f"经与学校数据核对，{len(report.claims)}处报送数据与学校数据不符，需责任单位核实说明："
        )
        claims = [[c.task, c.unit, c.stated, c.computed] for c in report.claims]
        doc.table(CLAIM_HEADERS, claims, [36, 30, 45, 45])


def _pace(target: TargetRow) -> str:
    label = PACE_LABELS[target.pace]
    if target.expected is None or target.pace is Pace.MET:
        return label
    return f"{label}（应达{_figure(target.expected, target.unit)}）"


# --- 五、单位评分 -------------------------------------------------------------------------------


def _scores(doc: OfficialDocument, report: SupervisionReport) -> None:
    doc.heading("五、单位评分", 1)
    if not report.scores:
        doc.paragraph(f"{report.score_year}年尚无可考核的分工和报送期。")
        return
    doc.paragraph(
        f"按{report.score_year}年截至{day(report.as_of)}已到期的分工、应报送期和目标，"
        f"对{len(report.scores)}个单位评分排名如下。{report.score_formula}"
    )
    rows = [
        [s.rank or "—", s.unit, s.due, s.done_on_time, s.done_late, s.overdue, s.reports_on_time,
         s.reports_missing, "—" if s.score is None else f"{s.score:.1f}"]
        for s in report.scores
    ]  # fmt: skip
    doc.table(SCORE_HEADERS, rows, [14, 38, 14, 14, 14, 16, 14, 14, 18])


# --- 六、督办事项 -------------------------------------------------------------------------------


def _actions(doc: OfficialDocument, report: SupervisionReport) -> None:
    doc.heading("六、督办事项", 1)
    since = day(report.returns_since)
    if not report.returned and not report.locked:
        doc.paragraph(f"{since}以来，没有退回报告、锁定报送期等督办记录。")
    if report.returned:
        units = len({r.unit for r in report.returned})
        doc.paragraph(
            f"{since}以来，督导室退回进展报告{len(report.returned)}份，涉及{units}个单位，"
            "要求按审核意见修改后重新报送："
        )
        rows = [
            [r.unit, r.task, day(r.submitted_on) if r.submitted_on else "—", day(r.returned_on),
             r.reason]
            for r in report.returned
        ]  # fmt: skip
        doc.table(RETURN_HEADERS, rows, [30, 38, 24, 24, 40])
    if report.locked:
        periods = "、".join(f"{p.period}（{day(p.locked_on)}锁定）" for p in report.locked)
        doc.paragraph(f"已锁定的报送期：{periods}。锁定后该期报告不再接受报送和修改。")
    _action_lines(doc, report)
    if report.meetings is not None:
        doc.paragraph(f"联席会议：{report.meetings.reason}（{report.meetings.label}）。")


def _action_lines(doc: OfficialDocument, report: SupervisionReport) -> None:
    lines = report.actions
    if not lines:
        doc.paragraph(
            f"截至{day(report.as_of)}，督导室未发出催办、督办通知、约谈或限期整改等督办事项。"
        )
        return
    waiting = sum(1 for a in lines if a.state == "待答复")
    late = sum(1 for a in lines if a.overdue)
    doc.paragraph(
        f"截至{day(report.as_of)}，督导室共发出督办事项{len(lines)}件，涉及"
        f"{len({a.unit for a in lines})}个单位；其中待答复{waiting}件（逾期未答复{late}件）："
    )
    rows = [
        [a.number, a.kind, a.unit, a.title, day(a.due_on) if a.due_on else "—",
         a.state + ("（逾期）" if a.overdue else "")]
        for a in lines
    ]  # fmt: skip
    doc.table(ACTION_HEADERS, rows, [32, 22, 28, 40, 20, 18])


# --- 七、下一步工作建议 -------------------------------------------------------------------------


def _suggestions(doc: OfficialDocument, report: SupervisionReport) -> None:
    doc.heading("七、下一步工作建议", 1)
    lines = suggestions(report)
    for n, sentence in enumerate(lines, start=1):
        doc.paragraph(f"{n}. {sentence}" if len(lines) > 1 else sentence)


def suggestions(report: SupervisionReport) -> list[str]:
    """The recommendations the figures call for, most pressing first; one line when all is well."""
    out = [
        s
        for s in (
            _on_overdue(report), _on_due_soon(report), _on_unreported(report),
            _on_targets(report), _on_scores(report), _on_returns(report),
            _on_actions(report),
        )
        if s
    ]  # fmt: skip
    return out or ["各项任务均按计划推进。建议各责任单位继续按期报送进展，保持工作力度。"]


def _on_overdue(report: SupervisionReport) -> str | None:
    overdue = [r for r in report.late if r.status is Status.OVERDUE]
    tasks = report.overview.task_counts.get(Status.OVERDUE, 0)
    if not overdue:
        return None
    units = _names([r.unit for r in overdue])
    return (
        f"对已逾期的{tasks}项任务（{len(overdue)}项责任单位分工），建议向{units}发出督办通知，"
        "限期整改并报告逾期原因和整改时限；对逾期时间较长、整改不力的，建议约谈单位负责同志。"
    )


def _on_due_soon(report: SupervisionReport) -> str | None:
    n = report.overview.task_counts.get(Status.DUE_SOON, 0)
    if not n:
        return None
    return (
        f"{n}项任务将在{report.overview.warn_days}天内到期，建议提前提醒责任单位，"
        "督促按期完成并及时报送完成情况。"
    )


def _on_unreported(report: SupervisionReport) -> str | None:
    o = report.overview
    n = o.lead_counts.get(Status.UNREPORTED, 0)
    if not n or o.period is None:
        return None
    return f"{o.period}有{n}项责任单位分工未按期报送进展，建议催报；按时报送情况已计入单位评分。"


def _on_targets(report: SupervisionReport) -> str | None:
    behind = [t for t in report.targets if t.pace in (Pace.BEHIND, Pace.FAR_BEHIND)]
    far = sum(1 for t in behind if t.pace is Pace.FAR_BEHIND)
    no_data = sum(1 for t in report.targets if t.pace is Pace.NO_DATA)
    parts = []
    if behind:
        parts.append(
            f"{len(behind)}个目标落后于序时进度"
            + (f"（其中严重滞后{far}个）" if far else "")
            + "，建议相关单位分析原因、加快推进"
        )
    if no_data:
        parts.append(f"{no_data}个目标尚无报送数据，建议责任单位在下次报送时填报实际完成数")
    if report.claims:
        units = _names(sorted({c.unit for c in report.claims}))
        parts.append(f"{units}报送的{len(report.claims)}处数据与学校数据不符，建议核实后更正")
    return "；".join(parts) + "。" if parts else None


def _on_scores(report: SupervisionReport) -> str | None:
    low = [s.unit for s in report.scores if s.score is not None and s.score < 60]
    if not low:
        return None
    return f"{_names(low)}的评分低于60分，建议列为重点督导对象，跟踪整改。"


def _on_returns(report: SupervisionReport) -> str | None:
    if not report.returned:
        return None
    return (
        f"退回的{len(report.returned)}份报告，建议相关单位按审核意见尽快修改后重新报送，"
        "督导室跟踪复核。"
    )


def _on_actions(report: SupervisionReport) -> str | None:
    late = [a for a in report.actions if a.overdue]
    if not late:
        return None
    return (
        f"{_names([a.unit for a in late])}有{len(late)}件督办事项逾期未答复，"
        "建议按督办阶梯升级督办，必要时约谈单位负责同志。"
    )


# --- formatting ---------------------------------------------------------------------------------


def _names(names: Sequence[str]) -> str:
    unique = list(dict.fromkeys(names))
    shown = "、".join(unique[:_NAMES_SHOWN])
    return shown + (f"等{len(unique)}个单位" if len(unique) > _NAMES_SHOWN else "")


def _share(counts: dict[Status, int], status: Status, total: int) -> float | None:
    return counts.get(status, 0) / total if total else None


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _figure(value: float | None, unit: str | None) -> str:
    return "—" if value is None else f"{number(value)}{unit or ''}"
