"""The plan as it stands, gathered for export: ``PlanFile`` for ``duban.exchange.plan_files``.

Read from the stored rows — ``Plan``, its ``Task`` rows (where review corrections are applied,
``services.plan_review``) and its objectives — never from the source file. Two queries: tasks,
objectives. The front matter comes from the plan's stored (repaired) text:

- the lines after the title and before the first task (its section or group heading), without
  table rows and without the heading of a task section (written again above its tasks);
- when those lines do not cite the plan's basis (文号) or hold its objectives (a plan read from a
  bare table), a line ``依据文件：…`` and a line ``主要目标：…`` of the objectives' quotes.

Section and group numbers are the plan's own where a task's span points at its heading
(``三、重点任务及分工``); otherwise the exporter numbers them in order.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.exchange.plan_files import PlanFile, PlanTask
from duban.models import Plan, Target, Task
from duban.plandoc.frontmatter import heading_title
from duban.plandoc.outline import match_number

_SPACE = re.compile(r"\s+")
_ANCHORS = ("section", "group", "number", "title", "text")


def plan_file(session: Session, plan: Plan) -> PlanFile:
    """``plan`` as the export writes it (module docstring)."""
    tasks = list(session.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.seq)))
    query = select(Target).where(Target.plan_id == plan.id, Target.task_id.is_(None))
    objectives = list(session.scalars(query.order_by(Target.seq)))
    front = _front(plan, tasks, objectives)
    return PlanFile(plan.title, tuple(front), tuple(_task(t, plan.text) for t in tasks))


def export_name(plan: Plan, suffix: str) -> str:
    """The file name: ``<title>.docx``; a draft says so (``<title>（校对稿）.xlsx``)."""
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", plan.title)[:80] or f"方案{plan.id}"
    return f"{title}{'（校对稿）' if plan.state == 'draft' else ''}.{suffix}"


# --- tasks ----------------------------------------------------------------------------------------


def _task(task: Task, text: str) -> PlanTask:
    spans = task.spans or {}
    return PlanTask(
        number=task.number,
        title=task.title,
        body=_body(task, _cut(text, spans.get("title"))),
        lead=tuple(task.lead_names),
        coop=tuple(task.coop_names),
        deadline=task.deadline,
        ongoing=task.ongoing,
        deadline_text=task.deadline_text,
        section=task.section,
        section_number=_heading_number(_cut(text, spans.get("section")), task.section),
        group=task.group_title,
        group_number=_heading_number(_cut(text, spans.get("group")), task.group_title),
    )


def _body(task: Task, imported_title: str) -> str:
    """The task's text without its leading title sentence (as imported, or as corrected)."""
    for head in (imported_title, task.title):
        if head and task.text.startswith(head):
            return task.text[len(head) :].lstrip("。.：:；; ")
    return task.text


def _cut(text: str, span: Any) -> str:
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span):
        return text[span[0] : span[1]]
    return ""


def _heading_number(line: str, title: str | None) -> str | None:
    """``三`` of ``三、重点任务及分工`` when that line is the heading of ``title``."""
    found = match_number(line.strip())
    if title is None or found is None or found[0] not in ("cn", "cn_paren", "part"):
        return None
    return found[1] if heading_title(line.strip()[found[2] :]) == title else None


# --- front matter ---------------------------------------------------------------------------------


def _front(plan: Plan, tasks: list[Task], objectives: list[Target]) -> list[str]:
    anchor = min((_start(t) for t in tasks), default=len(plan.text))
    lines = [line.strip() for line in plan.text[:anchor].split("\n")]
    titled = [i for i, line in enumerate(lines) if _squash(line) == _squash(plan.title)]
    sections = {t.section for t in tasks if t.section}
    kept = [
        line
        for line in lines[titled[0] + 1 if titled else 0 :]
        if line and "\t" not in line and not _section_heading(line, sections)
    ]
    joined = _squash("".join(kept))
    if plan.basis and not any(_squash(str(b)) in joined for b in plan.basis):
        kept.insert(0, "依据文件：" + "、".join(str(b) for b in plan.basis))
    quotes = [t.quote for t in objectives]
    if quotes and not all(_squash(q) in joined for q in quotes):
        kept.append("主要目标：" + "；".join(q.rstrip("。；") for q in quotes) + "。")
    return kept


def _start(task: Task) -> int:
    starts = [s[0] for key in _ANCHORS if isinstance(s := (task.spans or {}).get(key), list) and s]
    return min((s for s in starts if isinstance(s, int)), default=0)


def _section_heading(line: str, sections: set[str]) -> bool:
    found = match_number(line)
    if found is None or found[0] not in ("cn", "part"):
        return False
    return heading_title(line[found[2] :]) in sections


def _squash(text: str) -> str:
    return _SPACE.sub("", text)
