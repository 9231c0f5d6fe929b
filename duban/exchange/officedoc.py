"""A Word document in official-document style (GB/T 9704-2012), built paragraph by paragraph.

The layout the standard gives a government report, without the red header of a 文件:

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm text block);
- body 仿宋_GB2312 三号 (16 pt), fixed line spacing 28.95 pt (22 lines a page), first line
  indented two characters, justified;
- title 方正小标宋简体 二号 (22 pt), centred, a blank line before the body;
- headings: level 1 黑体 三号 (“一、…”), level 2 楷体_GB2312 三号 (“（一）…”), level 3 仿宋_GB2312
  三号 bold (“1. …”), indented like the body; they are Word's “Heading 1–3” styles, so the
  navigation pane and the outline show them;
- page numbers “— 1 —” in 宋体 四号 (14 pt) at the foot, odd pages right and even pages left
  (distinct odd and even footers, each a PAGE field), one character in from the edge;
- tables 仿宋 小四 (12 pt) by default, all borders, the header row bold, shaded and repeated
  on every page a table runs onto;
- the 落款: issuing body and date (“2023年6月10日”) at the right, the body centred over the date.

Chinese font names go into ``w:rFonts/@w:eastAsia`` (python-docx's ``font.name`` sets only the
Latin slots); digits and Latin letters are set in Times New Roman as agencies' templates do. The
Normal style and the document defaults carry the body font, so unstyled text inherits it. Where
the fonts are not installed, Word and LibreOffice fall back to an installed CJK font.

Use::

    doc = OfficialDocument("《…》推进情况督导报告", subtitle="（截至2023年6月10日）")
    doc.heading("一、总体情况", 1)          # level 1, 2 or 3; the caller writes the numbering
    doc.paragraph("截至6月10日，……")        # indent=False for a flush-left line; align=...
    doc.table(["单位", "任务数"], [["教育局", 3]], widths_mm=[100, 56])
    doc.page_break()
    doc.signature("督导室", datetime.date(2023, 6, 10))
    data = doc.to_bytes()                   # .docx bytes

``table`` takes any cell values (``None`` is blank; figures are centred, text left, unless
``align`` says otherwise per column) and column
widths in millimetres, scaled down to the 156 mm text width if they add up to more. Core
properties: ``title``, ``author`` (“督导室” unless given), ``language`` zh-CN. Pure: no I/O
but the bytes returned.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any, Literal

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from duban.domain.reasons import day

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16.0  # 三号
TITLE_PT = 22.0  # 二号
PAGE_NUMBER_PT = 14.0  # 四号
TABLE_PT = 12.0  # 小四
LINE_PT = 28.95  # 22 lines in the 225 mm text block
TEXT_WIDTH_MM = 156.0  # 210 - 28 - 26

HEADING_FONTS: dict[int, tuple[str, bool]] = {
    1: (HEITI, False),
    2: (KAITI, False),
    3: (FANGSONG, True),
}
"""Heading level → (East Asian font, bold)."""

Align = Literal["left", "center", "right", "justify"]
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_FIGURE = re.compile(r"[-+—]?[\d.,]*%?")
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


class OfficialDocument:
    """A report in official-document layout: call the builders in reading order, then ``to_bytes``.

    Not thread-safe; one instance builds one document.
    """

    def __init__(self, title: str, *, subtitle: str | None = None, author: str = "督导室") -> None:
        self._doc: Any = Document()
        self._setup_page()
        self._setup_styles()
        self._setup_footers()
        self._setup_properties(title, author)
        self._title(title, subtitle)

    # --- building -------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        """A heading of level 1 (黑体), 2 (楷体) or 3 (仿宋 bold); ``text`` carries its number."""
        if level not in HEADING_FONTS:
            raise ValueError(f"heading level must be 1, 2 or 3, not {level}")
        self._doc.add_paragraph(text, style=f"Heading {level}")

    def paragraph(
        self, text: str, *, indent: bool = True, align: Align = "justify", bold: bool = False
    ) -> None:
        """A body paragraph; ``indent=False`` drops the two-character first-line indent."""
        para = self._doc.add_paragraph()
        para.alignment = _ALIGN[align]
        if not indent:
            _first_line_chars(para, 0)
        run = para.add_run(text)
        run.bold = bold

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths_mm: Sequence[float] | None = None,
        *,
        font_pt: float = TABLE_PT,
        align: Sequence[Align | None] | None = None,
    ) -> None:
        """A bordered table whose bold, shaded header row repeats on each page it runs onto.

        ``align`` gives each column's alignment; a column left ``None`` centres figures (numbers,
        and text such as ``12.5%`` or ``—``) and puts other text at the left.
        """
        for given, name in ((widths_mm, "widths_mm"), (align, "align")):
            if given is not None and len(given) != len(headers):
                raise ValueError(f"{name} needs one entry per header")
        widths = _fit_widths(widths_mm, len(headers))
        table = self._doc.add_table(rows=1, cols=len(headers))
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_width(table, widths)
        header = table.rows[0]
        _repeat_header(header)
        for cell, text, width in zip(header.cells, headers, widths, strict=True):
            _fill_cell(cell, text, width, font_pt, bold=True, align="center")
            _shade(cell, "D9D9D9")
        columns: list[Align | None] = list(align) if align is not None else [None] * len(headers)
        for values in rows:
            self._table_row(table, values, widths, font_pt, columns)
        self._doc.add_paragraph()  # a table ends flush; the next text keeps its distance

    def signature(self, unit: str, date: dt.date) -> None:
        """The 落款: ``unit`` centred over the date, the date four characters from the right."""
        self._doc.add_paragraph()
        written = day(date)
        unit_indent = 4.0 + (_width_chars(written) - _width_chars(unit)) / 2
        self._signature_line(unit, max(unit_indent, 0.0))
        self._signature_line(written, 4.0)

    def page_break(self) -> None:
        self._doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._doc.save(out)
        return out.getvalue()

    # --- parts ----------------------------------------------------------------------------------

    def _table_row(
        self, table: Any, values: Sequence[object], widths: list[float], font_pt: float,
        columns: list[Align | None],
    ) -> None:  # fmt: skip
        if len(values) != len(widths):
            raise ValueError("every table row needs one value per header")
        row = table.add_row()
        _cant_split(row)
        for cell, value, width, column in zip(row.cells, values, widths, columns, strict=True):
            text = "" if value is None else str(value)
            _fill_cell(cell, text, width, font_pt, align=column or _auto_align(value, text))

    def _signature_line(self, text: str, right_chars: float) -> None:
        para = self._doc.add_paragraph(text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _first_line_chars(para, 0)
        para.paragraph_format.right_indent = Pt(right_chars * BODY_PT)

    def _title(self, title: str, subtitle: str | None) -> None:
        para = self._doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _first_line_chars(para, 0)
        para.paragraph_format.line_spacing = Pt(35)  # 二号 needs more than the body's grid
        run = para.add_run(title)
        run.font.size = Pt(TITLE_PT)
        _fonts(run._r.get_or_add_rPr(), XIAOBIAOSONG)
        last = para
        if subtitle:
            last = self._doc.add_paragraph()
            last.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _first_line_chars(last, 0)
            _fonts(last.add_run(subtitle)._r.get_or_add_rPr(), KAITI)
        last.paragraph_format.space_after = Pt(LINE_PT)

    # --- setup ----------------------------------------------------------------------------------

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(28)

    def _setup_styles(self) -> None:
        styles = self._doc.styles
        _doc_defaults(self._doc)
        normal = styles["Normal"]
        _body_style(normal, FANGSONG, bold=False)
        _first_line_chars_style(normal, 2)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for level, (font, bold) in HEADING_FONTS.items():
            style = styles[f"Heading {level}"]
            _body_style(style, font, bold=bold)
            style.font.italic = False
            style.font.color.rgb = None
            style.paragraph_format.keep_with_next = True
            _first_line_chars_style(style, 2)

    def _setup_footers(self) -> None:
        self._doc.settings.odd_and_even_pages_header_footer = True
        section = self._doc.sections[0]
        _page_number(section.footer.paragraphs[0], "right")
        _page_number(section.even_page_footer.paragraphs[0], "left")

    def _setup_properties(self, title: str, author: str) -> None:
        props = self._doc.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.language = "zh-CN"
        props.comments = ""
        props.revision = 1


# --- low-level formatting -----------------------------------------------------------------------


def _fonts(rpr: Any, east_asia: str, latin: str = LATIN) -> None:
    """Set the Latin and East Asian font slots on ``rpr``; drop theme fonts that would win."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asia)):
        rfonts.set(qn(f"w:{attr}"), name)


def _body_style(style: Any, east_asia: str, *, bold: bool) -> None:
    style.font.size = Pt(BODY_PT)
    style.font.bold = bold
    _fonts(style.element.get_or_add_rPr(), east_asia)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _doc_defaults(doc: Any) -> None:
    """Body font and Chinese language in ``w:docDefaults``, under every style."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _fonts(rpr, FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is not None:
            size.set(qn("w:val"), str(int(BODY_PT * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_ind(ppr: Any, chars: int) -> None:
    """First-line indent in characters (``w:firstLineChars``, in hundredths) and in points."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * BODY_PT * 20)))


def _first_line_chars(para: Any, chars: int) -> None:
    _set_ind(para._p.get_or_add_pPr(), chars)


def _first_line_chars_style(style: Any, chars: int) -> None:
    _set_ind(style.element.get_or_add_pPr(), chars)


def _page_number(para: Any, side: Literal["left", "right"]) -> None:
    """``— N —`` with a PAGE field, one character in from the ``side`` edge."""
    para.alignment = _ALIGN[side]
    _first_line_chars(para, 0)
    fmt = para.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if side == "right":
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    _footer_run(para, "— ")
    _field(para, "PAGE")
    _footer_run(para, " —")


def _footer_run(para: Any, text: str) -> Any:
    run = para.add_run(text)
    run.font.size = Pt(PAGE_NUMBER_PT)
    _fonts(run._r.get_or_add_rPr(), SONGTI, SONGTI)
    return run


def _field(para: Any, instruction: str) -> None:
    """A complex field (begin, instruction, separate, placeholder result, end) in 宋体 四号."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = _footer_run(para, "1" if kind == "result" else "")
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif kind != "result":
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _fit_widths(widths_mm: Sequence[float] | None, columns: int) -> list[float]:
    if not widths_mm:
        return [TEXT_WIDTH_MM / columns] * columns
    total = sum(widths_mm)
    scale = TEXT_WIDTH_MM / total if total > TEXT_WIDTH_MM else 1.0
    return [w * scale for w in widths_mm]


def _table_width(table: Any, widths: list[float]) -> None:
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    _cant_split(row)


def _cant_split(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _fill_cell(
    cell: Any, text: str, width_mm: float, font_pt: float, *, bold: bool = False, align: Align
) -> None:
    cell.width = Mm(width_mm)
    para = cell.paragraphs[0]
    para.alignment = _ALIGN[align]
    _first_line_chars(para, 0)
    fmt = para.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(2)
    run = para.add_run(text)
    run.font.size = Pt(font_pt)
    run.bold = bold
    _fonts(run._r.get_or_add_rPr(), FANGSONG)


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _auto_align(value: object, text: str) -> Align:
    """Figures centred, other text at the left."""
    return "center" if isinstance(value, int | float) or _FIGURE.fullmatch(text) else "left"


def _width_chars(text: str) -> float:
    """Width of ``text`` in body characters: a CJK character is one, ASCII half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
