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


_ATTACHMENT = re.compile(r"^附件\s*\d*[：:]?$")
_NOTICE_TITLE = re.compile(r"(?:通知|通报|函)$")


def front_lines(lines: list[Line], first_task: int | None) -> list[Line]:
    """The lines before the first task: where a plan states its title and basis.

    When a covering notice (…关于印发…的通知) comes first, the plan itself starts after its
    附件 marker, and only what follows counts.
    """
    front = [ln for ln in lines if first_task is None or ln.start < first_task]
    marks = [i for i, ln in enumerate(front) if _ATTACHMENT.match(ln.text)]
    if marks and any(
        _title_like(ln.text) and _NOTICE_TITLE.search(ln.text) for ln in front[: marks[0]]
    ):
        after = front[marks[-1] + 1 :]
        if any(_title_like(ln.text) for ln in after):
            return after
    return front


def find_title(lines: list[Line]) -> tuple[str, Span | None]:
    """The plan's title: the first title-like line that names a plan (else the first one)."""
    candidates = [ln for ln in lines if _title_like(ln.text) and not _ATTACHMENT.match(ln.text)]
    if not candidates:
        return "", None
    best = next((c for c in candidates if _PLAN_WORDS.search(c.text)), candidates[0])
    return re.sub(r"\s+", "", best.text), (best.start, best.end)


def _title_like(text: str) -> bool:
    if len(text) > 80 or re.search(r"[。；：，]", text):
        return False
    return not re.fullmatch(r".{0,12}〔\d{4}〕\s*\d+\s*号|\d{4}年\d{1,2}月\d{1,2}日|.*文件", text)


# Provinces and regions named without their level word, and the scope their plans mean.
_REGIONS = {
    "全区": "广西 宁夏 内蒙古 新疆 西藏",
    "全市": "北京 天津 上海 重庆",
    "全省": "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南"
    " 四川 贵州 云南 陕西 甘肃 青海",
}
_LEVELS = {"自治区": "全区", "省": "全省", "自治州": "全州", "州": "全州", "盟": "全盟",
           "市": "全市", "县": "全县", "旗": "全旗", "区": "全区"}  # fmt: skip
_LEVEL_WORD = re.compile(
    "|".join(sorted({*_LEVELS, *(r for v in _REGIONS.values() for r in v.split())}, key=len)[::-1])
)


def default_scope(title: str) -> str:
    """全市 / 全区 / 全县 / 全省: the whole territory of the body that issued the plan.

    The issuer is named before 关于/贯彻/落实/《; its lowest level wins (宁夏中卫市 → 全市).
    """
    head = (
        re.split(r"贯彻|关于|落实|《|推进|推动|加快|深化|进一步", title, maxsplit=1)[0]
        or title[:10]
    )
    head = re.sub(r"(?:园|社|景|城|校|片|辖|牧|矿|老|山)区", "", head)  # 园区, 社区: no level
    found = _LEVEL_WORD.findall(head)
    if not found:
        return "全市"
    last = found[-1]
    return _LEVELS.get(last) or next(s for s, names in _REGIONS.items() if last in names.split())


def find_basis(lines: list[Line], title_span: Span | None) -> list[tuple[str, Span]]:
    """Document numbers (文号, 令) cited in the front matter, in order of first mention."""
    found: list[tuple[str, Span]] = []
    for line in lines:
        if re.fullmatch(r".{0,12}〔\d{4}〕\s*\d+\s*号", line.text):
            continue  # the plan's own number in its header
        if title_span and line.start == title_span[0]:
            continue
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
