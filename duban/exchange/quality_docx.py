"""The annual quality report draft (质量年度报告初稿) as a Word document, for a school or the city.

Plain data in (``QualityReport``, gathered by ``queries.quality`` from the ledger), bytes out, in
the official-document layout of ``officedoc``. Structured like the national template of the
职业教育质量年度报告 so that a school's office can finish it:

一、基本情况 (the subject, its part in the plan, status counts; and 数据指标: the catalogue's
indicators computed from the school records for the subject, or — without records — a plain
sentence that they come once records are imported; no figure is invented),
二、重点任务推进情况 (by plan group: each task's status at the report date and the narratives of
the reports accepted in the year, quoted with their dates), 三、目标达成情况 (a table: goal,
latest accepted actual of the year, met / pace), 四、存在问题 (overdue and late items with their
reasons, returned reports), 五、下一年工作打算 (tasks due next year, ongoing tasks, overdue ones to
carry on). A note at the top says where the draft comes from. Statuses, paces and claimed
states are the labels of ``duban.domain.choices``; dates read ``2021年12月31日``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duban.domain.choices import (
    CLAIMED_LABELS,
    PACE_LABELS,
    STATUS_LABELS,
    ClaimedState,
    Pace,
    Status,
)
from duban.domain.reasons import day, number
from duban.exchange.officedoc import OfficialDocument

NOTE = "本稿由督办系统根据台账数据生成，供编写质量年度报告参考"
_ROLE = {"lead": "牵头", "coop": "配合"}
_CN = "一二三四五六七八九十"
INDICATOR_HEADERS = ("指标", "数值", "计算依据")


@dataclass(frozen=True)
class Quote:
    """An accepted progress report quoted in the draft."""

    unit: str
    role: str  # lead | coop
    submitted_on: dt.date
    accepted_on: dt.date
    claimed: str  # not_started | in_progress | done
    narrative: str


@dataclass(frozen=True)
class TaskProgress:
    """A task as it stood at the report date: its status (the subject's own part for a school)."""

    number: str
    title: str
    heading: str | None
    """The plan group (or section) the task is listed under."""
    deadline_text: str
    status: str
    reason: str
    role: str | None = None
    """The school's part (lead | coop); ``None`` in the city's report."""
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class TargetProgress:
    task_number: str
    metric: str
    goal: str
    scope: str
    actual: float | None
    unit: str | None
    reported_on: dt.date | None
    pace: str
    reason: str


@dataclass(frozen=True)
class IndicatorFigure:
    """一（二）: an indicator computed from the school records: ``basis`` the count behind it
    (``12/24``), empty for a plain count or sum."""

    name: str
    value: str
    basis: str


@dataclass(frozen=True)
class Issue:
    """Something the year went wrong with: an overdue or late part, or a returned report."""

    kind: str  # overdue | done_late | returned
    task_number: str
    title: str
    unit: str
    reason: str
    explanation: str | None = None
    """The unit's own words: its 逾期说明, or the reviewer's reason for returning a report."""
    day: dt.date | None = None


@dataclass(frozen=True)
class NextTask:
    number: str
    title: str
    deadline_text: str
    status: str


@dataclass(frozen=True)
class QualityReport:
    """Everything the draft says, for a school (``school`` set) or the whole city."""

    year: int
    as_of: dt.date
    plan_title: str
    subject: str
    school: str | None = None
    parent: str | None = None
    lead_count: int = 0
    coop_count: int = 0
    unit_count: int = 0
    status_counts: tuple[tuple[str, int], ...] = ()
    mentions: tuple[tuple[str, str], ...] = ()
    """(number, title) of tasks whose text names the school where it holds no part."""
    tasks: tuple[TaskProgress, ...] = ()
    targets: tuple[TargetProgress, ...] = ()
    issues: tuple[Issue, ...] = ()
    due_next: tuple[NextTask, ...] = ()
    ongoing: tuple[NextTask, ...] = ()
    carried: tuple[NextTask, ...] = ()
    indicator_year: str | None = None
    """The school year the indicators are computed for (``2022—2023学年``); ``None``: no data."""
    indicators: tuple[IndicatorFigure, ...] = ()
    indicators_missing: int = 0
    """How many catalogue indicators have no data for that year and subject."""

    @property
    def title(self) -> str:
        kind = "" if self.school else "职业教育"
        return f"{self.subject}{kind}质量年度报告（{self.year}年度）"


def quality_docx(report: QualityReport) -> bytes:
    """The draft as an official-style Word document (module docstring)."""
    doc = OfficialDocument(report.title, subtitle=f"（初稿　数据截至{day(report.as_of)}）",
                           author="督办系统")  # fmt: skip
    doc.paragraph(f"说明：{NOTE}。", bold=True)
    for write in (_basics, _tasks, _targets, _issues, _next_year):
        write(doc, report)
    return doc.to_bytes()


# --- 一、基本情况 ---------------------------------------------------------------------------------


def _basics(doc: OfficialDocument, report: QualityReport) -> None:
    doc.heading("一、基本情况", 1)
    doc.heading("（一）承担任务情况", 2)
    plan = "《" + report.plan_title.replace("《", "〈").replace("》", "〉") + "》"
    if report.school:
        parts = f"牵头{report.lead_count}项、配合{report.coop_count}项"
        total = report.lead_count + report.coop_count
        under = f"（隶属{report.parent}）" if report.parent else ""
        who = f"{report.school}{under}在{plan}中"
        said = f"承担{total}项任务的分工：{parts}。" if total else "没有承担任务分工。"
        doc.paragraph(who + said)
        if report.mentions:
            named = "；".join(f"第{n}项“{t}”" for n, t in report.mentions)
            doc.paragraph(f"方案正文提及本校、但本校未列为责任或配合单位的任务：{named}。")
    else:
        doc.paragraph(f"{plan}共{len(report.tasks)}项重点任务，涉及{report.unit_count}个单位。")
    if report.status_counts:
        counts = "，".join(f"{_status(s)}{n}项" for s, n in report.status_counts)
        doc.paragraph(f"截至{day(report.as_of)}，{counts}。")
    _indicators(doc, report)


def _indicators(doc: OfficialDocument, report: QualityReport) -> None:
    doc.heading("（二）数据指标", 2)
    if not report.indicators:
        doc.paragraph(
            "办学规模、专业设置、师资队伍、学生发展、校企合作等计算指标，在导入学校基础数据"
            "（教师、专业、学生、课程、合作企业、实训基地名册）后由系统按指标目录计算生成。"
            "截至本稿数据日期尚未导入学校数据，本稿不列指标数值，请据实填写。"
        )
        return
    doc.paragraph(
        f"以下指标由系统根据{report.subject}上传的学校基础数据按指标目录计算"
        f"（{report.indicator_year}，数据截至{day(report.as_of)}），比例类指标列出计算依据。"
        + (f"另有{report.indicators_missing}项指标暂无数据。" if report.indicators_missing else "")
    )
    rows = [[f.name, f.value, f.basis] for f in report.indicators]
    doc.table(INDICATOR_HEADERS, rows, [80, 36, 40])


# --- 二、重点任务推进情况 -------------------------------------------------------------------------


def _tasks(doc: OfficialDocument, report: QualityReport) -> None:
    doc.heading("二、重点任务推进情况", 1)
    if not report.tasks:
        doc.paragraph("本年度没有需要报告的任务。")
        return
    headings: list[str | None] = []
    for task in report.tasks:
        if task.heading not in headings:
            headings.append(task.heading)
            doc.heading(f"（{_cn(len(headings))}）{task.heading or '其他任务'}", 2)
        _task(doc, task, year=report.year)


def _task(doc: OfficialDocument, task: TaskProgress, *, year: int) -> None:
    part = f"本校{_ROLE.get(task.role or '', '')}；" if task.role else ""
    doc.paragraph(f"{task.number}.{task.title}（{part}完成时限：{task.deadline_text or '未定'}）",
                  bold=True)  # fmt: skip
    doc.paragraph(f"推进状态：{_status(task.status)}。{task.reason}。")
    if not task.quotes:
        doc.paragraph(f"{year}年度没有审核通过的进展报告。")
    for quote in task.quotes:
        said = quote.narrative.strip() or "（未填写进展说明）"
        claimed = _claimed(quote.claimed)
        doc.paragraph(f"{quote.unit}（{_ROLE.get(quote.role, '')}，{day(quote.submitted_on)}报送，"
                      f"{day(quote.accepted_on)}审核通过，自报{claimed}）：“{said}”")  # fmt: skip


# --- 三、目标达成情况 -----------------------------------------------------------------------------


def _targets(doc: OfficialDocument, report: QualityReport) -> None:
    doc.heading("三、目标达成情况", 1)
    if not report.targets:
        doc.paragraph("上述任务在方案中没有可量化的目标。")
        return
    doc.paragraph(f"实际值为{report.year}年度审核通过的报告中最新填报的数值；"
                  "达成情况按目标值和序时进度判断。")  # fmt: skip
    rows = [
        [
            t.task_number,
            t.metric if t.scope.startswith("全") else f"{t.metric}（{t.scope}）",
            t.goal,
            _actual(t),
            _pace(t.pace),
            t.reason,
        ]
        for t in report.targets
    ]
    doc.table(["任务", "目标", "目标值", "本年度实际", "达成情况", "说明"], rows,
              widths_mm=[12, 36, 20, 26, 20, 42], font_pt=10.5)  # fmt: skip


def _actual(target: TargetProgress) -> str:
    if target.actual is None:
        return "无数据"
    when = f"（{day(target.reported_on)}）" if target.reported_on else ""
    return f"{number(target.actual)}{target.unit or ''}{when}"


# --- 四、存在问题 ---------------------------------------------------------------------------------

_ISSUE_HEADINGS = {
    "overdue": "逾期未完成",
    "done_late": "逾期完成",
    "returned": "报告被退回",
}


def _issues(doc: OfficialDocument, report: QualityReport) -> None:
    doc.heading("四、存在问题", 1)
    if not report.issues:
        doc.paragraph(f"{report.year}年度台账中没有逾期或报告被退回的记录。")
        return
    n = 0
    for kind, heading in _ISSUE_HEADINGS.items():
        found = [i for i in report.issues if i.kind == kind]
        if not found:
            continue
        n += 1
        doc.heading(f"（{_cn(n)}）{heading}", 2)
        for issue in found:
            doc.paragraph(_issue_text(issue))


def _issue_text(issue: Issue) -> str:
    head = f"第{issue.task_number}项“{issue.title}”，{issue.unit}"
    if issue.kind == "returned":
        when = f"于{day(issue.day)}" if issue.day else ""
        why = f"，退回原因：{issue.explanation}" if issue.explanation else ""
        return f"{head}：{issue.reason}，{when}被退回{why}。"
    said = f"逾期说明：{issue.explanation}" if issue.explanation else "未提交逾期说明"
    return f"{head}：{issue.reason}；{said}。"


# --- 五、下一年工作打算 ---------------------------------------------------------------------------


def _next_year(doc: OfficialDocument, report: QualityReport) -> None:
    doc.heading("五、下一年工作打算", 1)
    parts = [
        (f"{report.year + 1}年到期的任务", report.due_next),
        ("需长期坚持的任务", report.ongoing),
        ("逾期未完成、需继续推进的任务", report.carried),
    ]
    n = 0
    for heading, tasks in parts:
        if not tasks:
            continue
        n += 1
        doc.heading(f"（{_cn(n)}）{heading}", 2)
        for task in tasks:
            doc.paragraph(f"{task.number}.{task.title}（完成时限：{task.deadline_text or '未定'}；"
                          f"目前{_status(task.status)}）")  # fmt: skip
    doc.paragraph(f"请结合上述任务，补充{report.year + 1}年的工作目标、主要举措和时间安排。")


# --- words ----------------------------------------------------------------------------------------


def _status(status: str) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status


def _claimed(claimed: str) -> str:
    try:
        return CLAIMED_LABELS[ClaimedState(claimed)]
    except ValueError:
        return claimed


def _pace(pace: str) -> str:
    try:
        return PACE_LABELS[Pace(pace)]
    except ValueError:
        return pace


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[ones - 1] if ones else "")
