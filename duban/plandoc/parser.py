"""Repaired text → ``PlanDoc``: title, basis, sections, objectives and tasks with their fields."""

from __future__ import annotations

import re
from collections import Counter

from duban.plandoc.deadlines import parse_deadline
from duban.plandoc.fields import FIRST_IS_LEAD, Field, find_labels, mark_roles
from duban.plandoc.frontmatter import (
    default_scope,
    find_basis,
    find_objectives,
    find_sections,
    find_title,
    front_lines,
    heading_title,
)
from duban.plandoc.model import Document, PlanDoc, Span, Target, Task
from duban.plandoc.outline import Item, Outline, build_outline, match_number
from duban.plandoc.prose import ProseTask, find_tasks
from duban.plandoc.repair import NUMBERED, Cell, Grid, Line, Repaired, repair
from duban.plandoc.tables import RowTask, TableReader
from duban.plandoc.targets import extract_targets
from duban.plandoc.units import split_lead_coop, split_units

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def parse_document(doc: Document) -> PlanDoc:
    """Structure a read document into a plan; pure and deterministic."""
    rep = repair(doc)
    lines = [b for b in rep.blocks if isinstance(b, Line)]
    outline = build_outline(lines)
    prose, rows = find_tasks(outline), _table_rows(rep)
    front = front_lines(lines, _first_task_start(prose, rows))
    title, title_span = find_title(front)
    scope = default_scope(title)
    first_is_lead = bool(FIRST_IS_LEAD.search(rep.text))
    tasks = [_from_prose(found, scope, first_is_lead) for found in prose]
    tasks += [_from_row(row, outline, scope, first_is_lead, n) for n, row in enumerate(rows, 1)]
    tasks.sort(key=lambda t: t.spans["number"][0] if t.spans.get("number") else t.spans["text"][0])
    _unique_numbers(tasks)
    basis = find_basis(front, title_span)
    plan = PlanDoc(
        title=title,
        basis=[b for b, _ in basis],
        sections=find_sections(outline, rep),
        objectives=find_objectives(outline, tasks, scope),
        tasks=tasks,
        text=rep.text,
        format=doc.format,
        encoding=doc.encoding,
    )
    plan.spans = {"title": title_span, "basis": [s for _, s in basis]}
    if not tasks:
        plan.warnings.append("未找到带责任单位的任务：请检查文件是否为任务分工方案")
    return plan


def _first_task_start(prose: list[ProseTask], rows: list[RowTask]) -> int | None:
    """Where the first task starts: the first labelled prose item or the first task row."""
    starts = [t.item.line.start for t in prose[:1]]
    starts += (
        [c.start for c in (rows[0].number, rows[0].title, *rows[0].text) if c][:1] if rows else []
    )
    return min(starts) if starts else None


# --- prose tasks ----------------------------------------------------------------------------------


def _from_prose(found: ProseTask, scope: str, first_is_lead: bool) -> Task:
    item = found.item
    body = found.body
    head_text, head_start = body[0] if body else (item.heading, item.line.start + item.body_start)
    title = head_text.split("。")[0].strip()
    task = Task(
        number=item.number,
        title=title.rstrip("：:；;，, "),
        section=heading_title(found.section.heading) if found.section else None,
        group=heading_title(found.group.heading) if found.group else None,
        text="\n".join(t for t, _ in body),
    )
    number_start = item.line.start + (item.line.text.index(item.number))
    task.spans["number"] = (number_start, number_start + len(item.number))
    task.spans["title"] = (head_start, head_start + len(task.title))
    if body:
        task.spans["text"] = (body[0][1], body[-1][1] + len(body[-1][0]))
    _add_spans_of(task, "section", found.section)
    _add_spans_of(task, "group", found.group)
    fields = found.fields.values
    lead, coop = _role_units(fields.get(Field.LEAD, []))
    coop += _units(fields.get(Field.COOP, []))
    _set_units(task, lead, coop, first_is_lead)
    _set_deadline(task, fields.get(Field.DEADLINE, []))
    task.targets = _targets(body, scope)
    return task


def _add_spans_of(task: Task, key: str, item: Item | None) -> None:
    if item is not None:
        task.spans[key] = (item.line.start, item.line.end)


# --- table tasks ----------------------------------------------------------------------------------


def _table_rows(rep: Repaired) -> list[RowTask]:
    """Task rows of every task table; read before converting, as a row may go on next page."""
    reader = TableReader()
    return [row for block in rep.blocks if isinstance(block, Grid) for row in reader.read(block)]


def _from_row(row: RowTask, outline: Outline, scope: str, first_is_lead: bool, seq: int) -> Task:
    number, number_span = _row_number(row, seq)
    text_cells = row.text_cells()
    body = [(_cell_text(c), c.start) for c in text_cells]
    title_cell = row.title or (row.text[0] if row.text else None)
    title, title_span = _row_title(title_cell)
    start = text_cells[0].start if text_cells else (row.lead[0].start if row.lead else 0)
    section = _row_heading(row.section) or _section_before(outline, start)
    task = Task(
        number=number,
        title=title,
        section=section,
        group=_row_heading(row.group),
        text="\n".join(t for t, _ in body),
    )
    task.spans = {"number": number_span, "title": title_span}
    task.spans["text"] = (body[0][1], body[-1][1] + len(body[-1][0])) if body else title_span
    if row.group is not None:
        task.spans["group"] = (row.group.start, row.group.start + len(row.group.text))
    lead, coop = _role_units([(c.text, c.start) for c in row.lead])
    coop += _cell_units(row.coop)
    for cell in row.lead:  # one 责任单位 cell holding 牵头单位：…配合单位：…
        labelled = find_labels(cell.text.replace("\n", " "), cell.start)
        if labelled.values.get(Field.COOP):
            lead = _units(labelled.values.get(Field.LEAD, []))
            coop += _units(labelled.values[Field.COOP])
    _set_units(task, lead, coop, first_is_lead)
    _set_deadline(task, [(c.text.replace("\n", ""), c.start) for c in row.deadline])
    task.targets = _targets(body, scope)
    return task


def _cell_units(cells: list[Cell]) -> list[tuple[str, Span]]:
    return [u for c in cells for u in split_units(c.text, offset=c.start)]


def _units(values: list[tuple[str, int]]) -> list[tuple[str, Span]]:
    return [u for value, start in values for u in split_units(value, offset=start)]


_ROLE_WORD = re.compile(r"(?:牵头|配合|参与|协助|协同|协办)(?=[，,；;。、）)\s]|$)")


def _role_units(
    values: list[tuple[str, int]],
) -> tuple[list[tuple[str, Span]], list[tuple[str, Span]]]:
    """Lead units of a 责任单位 value that may say ``市教育局牵头，市市场监管局配合``."""
    lead: list[tuple[str, Span]] = []
    coop: list[tuple[str, Span]] = []
    for value, start in values:
        if _ROLE_WORD.search(value):
            found_lead, found_coop = split_lead_coop(value, offset=start)
            if found_lead:
                lead += found_lead
                coop += found_coop
                continue
        lead += split_units(value, offset=start)
    return lead, coop


def _cell_text(cell: Cell) -> str:
    """A text cell's lines: a break after a sentence stays, a break inside one is joined."""
    return re.sub(r"(?<![。；！？：])\n(?!" + NUMBERED.pattern[1:] + ")", "", cell.text)


def _row_number(row: RowTask, seq: int) -> tuple[str, Span | None]:
    cell = row.number
    if cell is not None:
        m = re.search(r"[0-9一二三四五六七八九十]+", cell.text)
        if m:
            return m.group(), (cell.start + m.start(), cell.start + m.end())
    if row.title is not None:
        found = match_number(row.title.text)
        if found:
            return found[1], (row.title.start, row.title.start + found[2])
    return str(seq), None


def _row_title(cell: Cell | None) -> tuple[str, Span | None]:
    if cell is None:
        return "", None
    found = match_number(cell.text)
    skip = found[2] if found else 0
    raw = cell.text[skip:]
    title = raw.split("。")[0].split("\n")[0].strip().rstrip("：:；;，, ")
    return title, (cell.start + skip, cell.start + skip + len(title))


def _row_heading(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    found = match_number(cell.text)
    return heading_title(cell.text[found[2] :] if found else cell.text) or None


def _section_before(outline: Outline, start: int) -> str | None:
    roots = [r for r in outline.roots if r.line.start < start and r.style in ("cn", "part")]
    return heading_title(roots[-1].heading) if roots else None


# --- shared field handling ------------------------------------------------------------------------


def _set_units(
    task: Task, lead: list[tuple[str, Span]], coop: list[tuple[str, Span]], first_is_lead: bool
) -> None:
    lead, marked_coop = mark_roles(lead)
    coop = marked_coop + coop
    if first_is_lead and not coop and len(lead) > 1:
        lead, coop = lead[:1], lead[1:]
    task.lead_units = [name for name, _ in lead]
    task.coop_units = [name for name, _ in coop]
    task.spans["lead_units"] = [span for _, span in lead]
    task.spans["coop_units"] = [span for _, span in coop]


def _set_deadline(task: Task, values: list[tuple[str, int]]) -> None:
    if not values:
        return
    phrase, start = values[-1]
    parsed = parse_deadline(phrase)
    task.deadline, task.ongoing, task.deadline_text = parsed.date, parsed.ongoing, phrase
    task.spans["deadline"] = (start, start + len(phrase))


def _targets(body: list[tuple[str, int]], scope: str) -> list[Target]:
    return [
        t for text, start in body for t in extract_targets(text, offset=start, default_scope=scope)
    ]


def _unique_numbers(tasks: list[Task]) -> None:
    """Numbers restart in each group in some plans: qualify them as ``2.3`` only then."""
    counts = Counter(t.number for t in tasks)
    if all(n == 1 for n in counts.values()):
        return
    groups: dict[str | None, int] = {}
    for task in tasks:
        key = task.group or task.section
        groups.setdefault(key, len(groups) + 1)
        task.number = f"{groups[key]}.{_arabic(task.number)}"


def _arabic(number: str) -> str:
    if number.isdigit():
        return number
    if len(number) == 1 and number in _CN_DIGITS:
        return str(_CN_DIGITS[number])
    if number.startswith("十"):
        return str(10 + _CN_DIGITS.get(number[1:], 0))
    if "十" in number:
        tens, _, ones = number.partition("十")
        return str(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0))
    return number
