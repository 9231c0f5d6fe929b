"""Word .docx: body paragraphs and tables in document order, straight from word/document.xml.

We walk the XML ourselves (parsed with defusedxml) rather than through python-docx: python-docx
loses text inside content controls (w:sdt), tracked insertions (w:ins) and smart tags, and would
unpack the whole container without our size bounds. Text boxes, drawings, deleted text, field
codes, headers and footers are left out. Tables are grids: ``w:gridSpan`` repeats a cell to the
right, ``w:vMerge`` continuation copies the cell above, nested tables are flattened into their cell.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Block, Document, Paragraph, Table
from duban.plandoc.readers.grid import clean_cell, flatten, make_table
from duban.plandoc.readers.limits import Limits
from duban.plandoc.readers.safezip import SafeZip
from duban.plandoc.readers.xmlsafe import parse_xml

MAIN_PART = "word/document.xml"
_W = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO strict
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WRAPPERS = frozenset(
    {"w:sdt", "w:sdtContent", "w:customXml", "w:smartTag", "w:ins", "w:moveTo", "w:hyperlink"}
    | {"w:fldSimple", "w:dir", "w:bdo", "mc:AlternateContent", "mc:Choice"}
)
_SKIPPED = frozenset(
    {"w:pPr", "w:rPr", "w:sdtPr", "w:del", "w:moveFrom", "w:delText", "w:instrText"}
    | {"w:drawing", "w:pict", "w:object", "w:txbxContent", "mc:Fallback"}
)
_CHARS = {"w:tab": "\t", "w:ptab": "\t", "w:br": "\n", "w:cr": "\n", "w:noBreakHyphen": "-"}


def read_docx(archive: SafeZip, limits: Limits) -> Document:
    """Read the main document part of a checked container into a ``Document``."""
    root = parse_xml(archive.read(MAIN_PART), MAIN_PART)
    body = next((el for el in root if _tag(el) == "w:body"), None)
    if body is None:
        raise PlanReadError(f"文件已损坏：{MAIN_PART} 中没有正文（w:body）")
    return Document(blocks=tuple(_blocks(body, limits, 0)), format="docx")


def _blocks(container: ET.Element, limits: Limits, depth: int) -> Iterator[Block]:
    for child in _content(container):
        tag = _tag(child)
        if tag == "w:p":
            yield from _paragraphs(child)
        elif tag == "w:tbl":
            table = _table(child, limits, depth + 1)
            if table is not None:
                yield table


def _paragraphs(p: ET.Element) -> Iterator[Paragraph]:
    """A paragraph; soft line breaks inside it start a new Paragraph, blank lines are dropped."""
    for line in _text(p).split("\n"):
        if line.strip():
            yield Paragraph(line.rstrip())


def _table(tbl: ET.Element, limits: Limits, depth: int) -> Table | None:
    if depth > limits.nesting:
        raise PlanReadError(f"文档结构嵌套过深（超过 {limits.nesting} 层），疑似恶意文件")
    grid: list[list[str]] = []
    cells = 0
    for tr in _content(tbl):
        if _tag(tr) == "w:tr" and not _deleted_row(tr):
            grid.append(_row(tr, grid[-1] if grid else [], limits, depth))
            cells += len(grid[-1])
            if cells > limits.table_cells:
                raise PlanReadError(f"表格过大（超过 {limits.table_cells} 个单元格）")
    return make_table(grid)


def _row(tr: ET.Element, above: list[str], limits: Limits, depth: int) -> list[str]:
    """One grid row: cells repeated over their span, continued merges copied from above."""
    props = _child(tr, "w:trPr")
    row = [""] * _span(_child(props, "w:gridBefore"), 0)
    for tc in _content(tr):
        if _tag(tc) != "w:tc":
            continue
        tc_pr = _child(tc, "w:tcPr")
        span = max(1, _span(_child(tc_pr, "w:gridSpan"), 1))
        if _continues(_child(tc_pr, "w:vMerge")):
            text = above[len(row)] if len(row) < len(above) else ""
        elif _continues(_child(tc_pr, "w:hMerge")):
            text = row[-1] if row else ""
        else:
            text = _cell_text(tc, limits, depth)
        row.extend([text] * span)
    return row


def _cell_text(tc: ET.Element, limits: Limits, depth: int) -> str:
    """Paragraphs of the cell joined with ``\\n``; a nested table contributes its flat text."""
    parts: list[str] = []
    for block in _blocks(tc, limits, depth):
        parts.append(block.text if isinstance(block, Paragraph) else flatten(block))
    return clean_cell("\n".join(parts))


def _text(root: ET.Element) -> str:
    """Visible text under ``root`` in document order (iterative: hostile nesting is deep)."""
    out: list[str] = []
    stack = list(reversed(root))
    while stack:
        el = stack.pop()
        tag = _tag(el)
        if tag in _SKIPPED:
            continue
        if tag == "w:t":
            out.append(el.text or "")
        elif tag in _CHARS:
            out.append(_CHARS[tag])
        stack.extend(reversed(el))
    return "".join(out)


def _content(el: ET.Element) -> Iterator[ET.Element]:
    """Children of ``el`` with wrapper elements (content controls, insertions…) opened up."""
    stack = list(reversed(el))
    while stack:
        child = stack.pop()
        if _tag(child) in _WRAPPERS:
            stack.extend(reversed(child))
        else:
            yield child


def _deleted_row(tr: ET.Element) -> bool:
    return _child(_child(tr, "w:trPr"), "w:del") is not None


def _continues(merge: ET.Element | None) -> bool:
    """A vMerge/hMerge element without ``w:val="restart"`` continues the cell before it."""
    return merge is not None and _val(merge) in (None, "continue")


def _child(el: ET.Element | None, tag: str) -> ET.Element | None:
    if el is None:
        return None
    return next((child for child in el if _tag(child) == tag), None)


def _val(el: ET.Element) -> str | None:
    return el.get(f"{{{_W[0]}}}val") or el.get(f"{{{_W[1]}}}val")


def _span(el: ET.Element | None, default: int) -> int:
    """An integer ``w:val`` clamped to 0..1000 (Word allows 63 columns; hostile files lie)."""
    value = _val(el) if el is not None else None
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return max(0, min(number, 1000))


def _tag(el: ET.Element) -> str:
    """``w:local`` for WordprocessingML (transitional or strict), ``mc:local``, else the tag."""
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return str(tag)
    namespace, _, local = tag[1:].partition("}")
    if namespace in _W:
        return "w:" + local
    if namespace == _MC:
        return "mc:" + local
    return tag
