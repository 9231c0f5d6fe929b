"""Tasks of a plan written as prose: numbered paragraphs followed by labelled fields.

A *task* is a numbered item that carries 责任单位-style fields. Which numbering style that is
varies (``1.`` in most city plans, ``（一）`` in short ones, ``（1）`` under ``1.`` in long
ones), so
the style is chosen as the one whose items most often carry fields.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from duban.plandoc.deadlines import parse_deadline
from duban.plandoc.fields import Field, Labelled, find_labels
from duban.plandoc.outline import Item, Outline
from duban.plandoc.repair import Line
from duban.plandoc.units import split_lead_coop


@dataclass
class ProseTask:
    """A task item with its body lines (fields removed) and its labelled fields."""

    item: Item
    body: list[tuple[str, int]]  # (text, start) of each body stretch
    fields: Labelled
    section: Item | None
    group: Item | None


def find_tasks(outline: Outline) -> list[ProseTask]:
    """The task items of a prose outline, with their fields; ``[]`` if none carries fields."""
    labelled = {id(item): _fields(item) for item in outline.items}
    _hoist(outline, labelled)
    counts = Counter(item.style for item in outline.items if labelled[id(item)])
    if not counts:
        return []
    style = max(counts, key=lambda s: (counts[s], _depth_of(outline, s)))
    tops = {id(_top(i)) for i in outline.items if i.style == style and labelled[id(i)]}
    tasks = []
    for item in outline.items:
        if item.style != style or id(_top(item)) not in tops:
            continue
        tasks.append(_task(item, labelled[id(item)]))
    return tasks


def _fields(item: Item) -> Labelled:
    merged = Labelled()
    for line in item.lines:
        found = find_labels(line.text, line.start) or inline_roles(line.text, line.start)
        for kind, values in found.values.items():
            for value, start in values:
                merged.add(kind, value, start, found.words.get(start, ""))
        if merged.first_label is None:
            merged.first_label = found.first_label
    merged.settle_roles()
    return merged


_PAREN_TAIL = re.compile(
    r"[（(](?P<inner>[^（）()]*(?:[（(][^（）()]*[)）][^（）()]*)*)[)）][。；]?$"
)


def inline_roles(text: str, offset: int = 0) -> Labelled:
    """Fields written as a sentence in closing brackets: ``（市人社局牵头，市财政局配合）``."""
    found = Labelled()
    m = _PAREN_TAIL.search(text)
    if m is None or not re.search(r"牵头|负责", m.group("inner")):
        return found
    start = m.start("inner")
    for part in re.finditer(r"[^；;]+", m.group("inner")):
        part_start = offset + start + part.start()
        lead, coop = split_lead_coop(part.group(), offset=part_start)
        if lead or coop:
            for name, span in lead:
                found.add(Field.LEAD, name, span[0])
            for name, span in coop:
                found.add(Field.COOP, name, span[0])
        elif _dated(part.group()):
            found.add(Field.DEADLINE, part.group().strip(), part_start)
    if found:
        found.first_label = offset + m.start()
    return found


def _dated(text: str) -> bool:
    parsed = parse_deadline(text)
    return parsed.date is not None or parsed.ongoing


def _hoist(outline: Outline, labelled: dict[int, Labelled]) -> None:
    """Fields written after an item's sub-points belong to the item, not to its last sub-point."""
    for item in reversed(outline.items):  # the deepest first, so a parent sees settled children
        kids = item.children
        if len(kids) < 2 or labelled[id(item)] or not labelled[id(kids[-1])]:
            continue
        if any(labelled[id(k)] for k in kids[:-1]):
            continue
        last = kids[-1]
        label_lines = [ln for ln in last.lines[1:] if find_labels(ln.text)]
        if not label_lines:
            continue
        labelled[id(item)], labelled[id(last)] = labelled[id(last)], Labelled()
        last.lines = [ln for ln in last.lines if ln not in label_lines]
        item.lines.extend(label_lines)


def _depth_of(outline: Outline, style: str) -> int:
    return max((len(i.ancestors()) for i in outline.items if i.style == style), default=0)


def _top(item: Item) -> Item:
    ancestors = item.ancestors()
    return ancestors[-1] if ancestors else item


def _task(item: Item, fields: Labelled) -> ProseTask:
    ancestors = item.ancestors()
    section = ancestors[-1] if ancestors else None
    group = ancestors[0] if len(ancestors) >= 2 else None
    return ProseTask(item, _body(item, fields), fields, section, group)


def _body(item: Item, fields: Labelled) -> list[tuple[str, int]]:
    """The task's own text and its sub-points' text, each cut before the first field label."""
    body = []
    for line in _subtree_lines(item):
        start = line.start + (item.body_start if line is item.line else 0)
        text = line.text[start - line.start :]
        cut = (find_labels(text, start) or inline_roles(text, start)).first_label
        if cut is not None:
            text = text[: cut - start].rstrip("（(【[ ")
        if text:
            body.append((text, start))
    return body


def _subtree_lines(item: Item) -> list[Line]:
    lines = list(item.lines)
    for child in item.children:
        lines.extend(_subtree_lines(child))
    return sorted(lines, key=lambda ln: ln.start)


def field_values(fields: Labelled, kind: Field) -> list[tuple[str, int]]:
    return fields.values.get(kind, [])
