"""A plan's front matter: title, basis, sections, the issuer's scope and plan-wide objectives."""

from __future__ import annotations

import re

from duban.plandoc.fields import document_numbers
from duban.plandoc.model import Section, Span, Target, Task
from duban.plandoc.outline import Item, Outline, match_number
from duban.plandoc.repair import Grid, Line, Repaired
from duban.plandoc.targets import extract_targets

_PLAN_WORDS = re.compile(r"方案|分工|清单|要点|计划|台账|任务|措施|意见|细则")
_OBJECTIVE_HEADING = re.compile(r"目标")


def find_title(lines: list[Line]) -> tuple[str, Span | None]:
    """The plan's title: the first title-like line naming a plan, after any 附件 marker."""
    candidates: list[Line] = []
    for line in lines:
        text = line.text
        if re.match(r"^附件\s*\d*[：:]?$", text):
            candidates = []  # a covering notice precedes the plan itself
            continue
        if _title_like(text):
            candidates.append(line)
    if not candidates:
        return "", None
    best = next((c for c in candidates if _PLAN_WORDS.search(c.text)), candidates[0])
    return re.sub(r"\s+", "", best.text), (best.start, best.end)


def _title_like(text: str) -> bool:
    if len(text) > 80 or re.search(r"[。；：，]", text):
        return False
    return not re.fullmatch(r".{0,12}〔\d{4}〕\s*\d+\s*号|\d{4}年\d{1,2}月\d{1,2}日|.*文件", text)


def default_scope(title: str) -> str:
    """全市 / 全区 / 全县 / 全省: the whole territory of the body that issued the plan."""
    head = re.split(r"贯彻|关于|落实|《", title, maxsplit=1)[0] or title[:10]
    for marker, scope in (("自治区", "全区"), ("省", "全省"), ("州", "全州"), ("盟", "全盟")):
        if marker in head:
            return scope
    for marker, scope in (("市", "全市"), ("县", "全县"), ("旗", "全旗"), ("区", "全区")):
        if marker in head:
            return scope
    return "全市"


def find_basis(outline: Outline) -> list[tuple[str, Span]]:
    """Document numbers cited before the first heading (where a plan states its basis)."""
    found: list[tuple[str, Span]] = []
    lines = list(outline.preamble)
    if outline.roots:
        lines += outline.roots[0].lines[1:2]
    for line in lines:
        if re.fullmatch(r".{0,12}〔\d{4}〕\s*\d+\s*号", line.text):
            continue  # the plan's own number in its header
        for number, span in document_numbers(line.text, line.start):
            if number not in {n for n, _ in found}:
                found.append((number, span))
    return found


def find_sections(outline: Outline, rep: Repaired) -> list[Section]:
    sections = [
        Section(item.number, heading_title(item.heading), (item.line.start, item.line.end))
        for item in outline.roots
        if item.style in ("cn", "part")
    ]
    for grid in (b for b in rep.blocks if isinstance(b, Grid)):
        for row in grid.rows:
            cell = row[0] if len({c.start for c in row if c.text}) == 1 else None
            found = match_number(cell.text) if cell and cell.text else None
            if cell and found and found[0] in ("cn", "part"):
                title = heading_title(cell.text[found[2] :])
                if all(s.title != title for s in sections):
                    sections.append(
                        Section(found[1], title, (cell.start, cell.start + len(cell.text)))
                    )
    return sections


def heading_title(text: str) -> str:
    """A heading's title: up to its first 。, without closing punctuation."""
    text = text.split("。")[0]
    return text.strip().rstrip("：:；;，,.。 ")


def find_objectives(outline: Outline, tasks: list[Task], scope: str) -> list[Target]:
    """Targets stated outside any task, in sections such as 二、具体目标 or （二）主要目标."""
    task_ranges = [t.spans["text"] for t in tasks if t.spans.get("text")]
    found: list[Target] = []
    for item in outline.items:
        if not _OBJECTIVE_HEADING.search(heading_title(item.heading)):
            continue
        if any(item.ancestors() and _OBJECTIVE_HEADING.search(a.heading) for a in item.ancestors()):
            continue
        for line in _subtree(item):
            if any(s <= line.start < e for s, e in task_ranges):
                continue
            text, start = line.text, line.start
            if line is item.line:
                text, start = text[item.body_start :], start + item.body_start
            found.extend(extract_targets(text, offset=start, default_scope=scope))
    return found


def _subtree(item: Item) -> list[Line]:
    lines = list(item.lines)
    for child in item.children:
        lines.extend(_subtree(child))
    return lines
