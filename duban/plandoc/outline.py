"""The outline of a prose plan: numbered items (一、 （一） 1. （1） ① 第一条) nested by style.

Chinese official documents nest their numbering by convention (GB/T 9704: 一、 → （一） → 1. →
（1）), but plans skip and reorder levels, so the nesting is learnt from the order in which styles
first appear: a style seen again closes every deeper item; a new style opens a child.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duban.plandoc.repair import Line

_CN = "一二三四五六七八九十"
STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第([{_CN}百零〇\d]+)(?:部分|章)\s*")),
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})、\s*")),
    ("cn_paren", re.compile(rf"^[（(]([{_CN}]{{1,3}})[)）]\s*")),
    ("article", re.compile(rf"^第([{_CN}百零〇\d]+)条\s*")),
    ("arabic", re.compile(r"^(\d{1,3})(?:[.、．](?!\d)\s*|\s+)")),
    ("arabic_paren", re.compile(r"^[（(](\d{1,3})[)）]\s*")),
    ("circled", re.compile(r"^([①-⑳])\s*")),
)


@dataclass(eq=False)
class Item:
    """A numbered item: its heading line, the lines up to the next item, and its children."""

    style: str
    number: str
    line: Line
    body_start: int  # offset in the line's text where the heading text starts (after the number)
    parent: Item | None = None
    lines: list[Line] = field(default_factory=list)  # own lines, heading line first
    children: list[Item] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.line.text[self.body_start :]

    def ancestors(self) -> list[Item]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass
class Outline:
    preamble: list[Line]  # lines before the first item
    roots: list[Item]
    items: list[Item]  # every item in document order


def match_number(text: str) -> tuple[str, str, int] | None:
    """``(style, number, end)`` when ``text`` starts with a numbering; else ``None``."""
    for style, pattern in STYLES:
        m = pattern.match(text)
        if m and len(text) > m.end():
            return style, m.group(1), m.end()
    return None


def build_outline(lines: list[Line]) -> Outline:
    """Nest the numbered lines; every other line belongs to the item open above it."""
    preamble: list[Line] = []
    roots: list[Item] = []
    items: list[Item] = []
    stack: list[Item] = []
    for line in lines:
        found = match_number(line.text)
        if found is None or not _plausible(found, stack):
            (stack[-1].lines if stack else preamble).append(line)
            continue
        style, number, end = found
        while stack and style in {i.style for i in stack}:
            if stack.pop().style == style:
                break
        item = Item(style, number, line, end, parent=stack[-1] if stack else None, lines=[line])
        (item.parent.children if item.parent else roots).append(item)
        items.append(item)
        stack.append(item)
    return Outline(preamble, roots, items)


def _plausible(found: tuple[str, str, int], stack: list[Item]) -> bool:
    """Reject a number that cannot continue its style's sequence (a wrapped ``3.5万人`` line)."""
    style, number, _ = found
    if not number.isdigit():
        return True
    previous = next((i for i in reversed(stack) if i.style == style), None)
    if previous is None or not previous.number.isdigit():
        return True
    n = int(number)
    return n == 1 or 0 < n - int(previous.number) <= 3
