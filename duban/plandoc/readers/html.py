"""HTML (web pages, and the "xls"/"doc" files that are really HTML exports): running text as
Paragraphs, tables as Tables with colspan/rowspan spread, in document order.

lxml's HTML parser never touches the network and knows only the built-in HTML entities; scripts,
styles and the head are dropped. Whitespace collapses as a browser would, except that a line
break between two Chinese characters disappears instead of becoming a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.etree
import lxml.html

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Block, Document, Paragraph
from duban.plandoc.readers.grid import SpanGrid, clean_cell, flatten, make_table
from duban.plandoc.readers.limits import Limits

_SKIPPED = frozenset(
    {"head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg"}
    | {"canvas", "select", "button", "textarea"}
)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr"}
    | {"blockquote", "pre", "section", "article", "header", "footer", "main", "nav", "aside"}
    | {"address", "figure", "figcaption", "form", "fieldset", "center", "hr", "caption", "body"}
)
_BREAK = "\ue000"  # stands for <br> until whitespace has been collapsed
_SPACE = re.compile(r"[^\S\ue000]+")
_WIDE = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]"
_WIDE_GAP = re.compile(rf"(?<={_WIDE})[^\S\ue000]*\n[^\S\ue000]*(?={_WIDE})")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_SPAN = 1000


def read_html(text: str, encoding: str, limits: Limits) -> Document:
    """Parse decoded HTML text into a ``Document`` (``encoding`` is recorded, not used)."""
    root = _parse(_XML_DECLARATION.sub("", text, count=1))
    body = root.find("body")
    blocks = _flow(body if body is not None else root, limits, 0)
    return Document(blocks=tuple(blocks), format="html", encoding=encoding)


def _parse(text: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
    )
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise PlanReadError("文件已损坏：HTML 无法解析") from exc


def _flow(root: lxml.html.HtmlElement, limits: Limits, depth: int) -> list[Block]:
    """Blocks under ``root`` in order: text between block boundaries, and tables."""
    if depth > limits.nesting:
        raise PlanReadError(f"文档结构嵌套过深（超过 {limits.nesting} 层），疑似恶意文件")
    flow = _Flow()
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if element is not root and (tag in _SKIPPED or tag == "table"):
                walker.skip_subtree()
                if tag == "table":
                    flow.add_table(_table(element, limits, depth + 1))
                continue
            flow.start(element, tag)
        elif element is not root:
            flow.end(element, tag)
    return flow.finish()


class _Flow:
    """Collects inline text and cuts it into Paragraphs at block boundaries and ``<br>``."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._ol_counters: list[int] = []

    def start(self, element: lxml.html.HtmlElement, tag: str) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag == "br":
            self._buffer.append(_BREAK)
        elif tag == "ol":
            self._ol_counters.append(_int(element.get("start"), 1))
        elif tag == "li" and self._ol_counters and _parent_tag(element) == "ol":
            self._buffer.append(f"{self._ol_counters[-1]}.")
            self._ol_counters[-1] += 1
        elif tag in ("td", "th"):  # a stray cell outside a table: keep cells apart
            self._buffer.append(" ")
        self._buffer.append(element.text or "")

    def end(self, element: lxml.html.HtmlElement, tag: str) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag == "ol" and self._ol_counters:
            self._ol_counters.pop()
        self._buffer.append(element.tail or "")

    def add_table(self, blocks: list[Block]) -> None:
        self.flush()
        self.blocks.extend(blocks)

    def flush(self) -> None:
        text = _collapse("".join(self._buffer))
        self._buffer.clear()
        self.blocks.extend(Paragraph(line.strip()) for line in text.split(_BREAK) if line.strip())

    def finish(self) -> list[Block]:
        self.flush()
        return self.blocks


def _table(table: lxml.html.HtmlElement, limits: Limits, depth: int) -> list[Block]:
    """The table's caption as a Paragraph, then the table (colspan/rowspan spread)."""
    blocks: list[Block] = []
    caption = table.find("caption")
    if caption is not None:
        blocks.extend(_flow(caption, limits, depth))
    rows = list(_own_rows(table))
    grid = SpanGrid(limits.table_cells)
    for index, row in enumerate(rows):
        grid.new_row()
        for cell in row:
            if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                rowspan = _int(cell.get("rowspan"), 1)
                rowspan = len(rows) - index if rowspan <= 0 else min(rowspan, len(rows) - index)
                colspan = max(1, min(_int(cell.get("colspan"), 1), _MAX_SPAN))
                grid.add(_cell_text(cell, limits, depth), rowspan, colspan)
    made = make_table(grid.rows())
    if made is not None:
        blocks.append(made)
    return blocks


def _own_rows(table: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """``tr`` elements of this table (directly or in thead/tbody/tfoot), not of nested ones."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if row.tag == "tr")


def _cell_text(cell: lxml.html.HtmlElement, limits: Limits, depth: int) -> str:
    parts = [b.text if isinstance(b, Paragraph) else flatten(b) for b in _flow(cell, limits, depth)]
    return clean_cell("\n".join(parts))


def _collapse(text: str) -> str:
    """Collapse whitespace runs to one space; a newline between wide characters vanishes."""
    text = _WIDE_GAP.sub("", text.replace("\xa0", " "))
    return _SPACE.sub(" ", text)


def _parent_tag(element: lxml.html.HtmlElement) -> str:
    parent = element.getparent()
    return parent.tag if parent is not None and isinstance(parent.tag, str) else ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value.strip()) if value else default
    except ValueError:
        return default
