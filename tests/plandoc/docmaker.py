"""Build plan documents for reader tests: the sample plan in every format, and hostile files.

Test data, not product code: the sample is split into title, intro and tasks by a few regexes
that fit the Zhongwei plan and nothing else.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "zhongwei_plan.txt"
TABLE_HEADER = ("序号", "工作任务", "主要措施", "牵头部门", "协同单位", "时间节点")
LEDGER_HEADER = ("序号", "重点任务", "具体内容", "责任单位", "配合单位", "完成时限")

_TASK = re.compile(r"^(\d+)\.(.*)$")
_GROUP = re.compile(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)")
_FIELDS = {"责任单位：": "lead", "配合单位：": "coop", "完成时限：": "deadline"}


# --- the sample plan, split ----------------------------------------------------------------------


@dataclass
class TaskRow:
    number: str
    title: str
    content: str
    lead: str = ""
    coop: str = ""
    deadline: str = ""


@dataclass
class Plan:
    """The sample as a table form needs it: title, lines above the table, rows of the table."""

    title: str
    intro: list[str]
    rows: list[TaskRow | str] = field(default_factory=list)  # a str is a group heading

    @property
    def tasks(self) -> list[TaskRow]:
        return [row for row in self.rows if isinstance(row, TaskRow)]


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def sample_lines() -> list[str]:
    """Non-blank lines of the sample, as the text reader gives them."""
    return [line.rstrip() for line in sample_text().splitlines() if line.strip()]


def split_plan() -> Plan:
    """Title, intro (up to 三、重点任务及分工) and the task rows with their group headings.

    Lines broken inside a field (a page break in the original) are joined back.
    """
    lines = sample_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("三、"))
    plan = Plan(title=lines[0], intro=lines[1 : start + 1])
    current: TaskRow | None = None
    part = "content"
    for line in lines[start + 1 :]:
        task = _TASK.match(line)
        if task:
            title, _, content = task.group(2).partition("。")
            current, part = TaskRow(task.group(1), title, content), "content"
            plan.rows.append(current)
        elif _GROUP.match(line) and (current is None or part != "content" or len(line) < 30):
            plan.rows.append(line.rstrip("。"))
        elif current is not None:
            part = _append(current, line, part)
    return plan


def _append(task: TaskRow, line: str, part: str) -> str:
    for label, name in _FIELDS.items():
        if line.startswith(label):
            setattr(task, name, line[len(label) :].strip())
            return name
    setattr(task, part, getattr(task, part) + line.strip())
    return part


# --- docx ----------------------------------------------------------------------------------------


def docx_prose(lines: list[str], page_breaks: Collection[int] = ()) -> bytes:
    """Each line a paragraph; a page break run before the lines whose index is in the set."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        if index in page_breaks:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
        paragraph.add_run(line)
    return _save(document)


def docx_table(plan: Plan, header: tuple[str, ...] = TABLE_HEADER) -> bytes:
    """Title and intro as paragraphs, then the task table with group rows merged across."""
    import docx

    document = docx.Document()
    document.add_heading(plan.title, level=1)
    for line in plan.intro:
        document.add_paragraph(line)
    table = document.add_table(rows=1 + len(plan.rows), cols=len(header))
    table.style = "Table Grid"
    for col, text in enumerate(header):
        table.cell(0, col).text = text
    for r, row in enumerate(plan.rows, start=1):
        if isinstance(row, str):
            table.cell(r, 0).merge(table.cell(r, len(header) - 1)).text = row
        else:
            values = (row.number, row.title, row.content, row.lead, row.coop, row.deadline)
            for col, text in enumerate(values):
                table.cell(r, col).text = text
    document.add_paragraph("附件：中卫市职业教育工作联席会议成员单位名单")
    return _save(document)


def docx_from_body(body: str) -> bytes:
    """A minimal docx whose word/document.xml body is ``body`` (w: prefix bound)."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    )
    return docx_with_document_xml(xml.encode("utf-8"))


def docx_with_document_xml(document_xml: bytes) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": _CONTENT_TYPES.encode(),
            "_rels/.rels": _RELS.encode(),
            "word/document.xml": document_xml,
        }
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _save(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- xlsx ----------------------------------------------------------------------------------------


def xlsx_ledger(plan: Plan, merge_lead_of: tuple[str, str] = ("5", "6")) -> bytes:
    """A 台账: title merged across, header row, group rows merged across, and the 责任单位 of the
    two tasks ``merge_lead_of`` (which must share it) merged down."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "重点任务台账"
    width = len(LEDGER_HEADER)
    sheet.append([plan.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(list(LEDGER_HEADER))
    lead_rows: dict[str, int] = {}
    for row in plan.rows:
        if isinstance(row, str):
            sheet.append([row])
            r = sheet.max_row
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        else:
            sheet.append(
                [int(row.number), row.title, row.content, row.lead, row.coop, row.deadline]
            )
            lead_rows[row.number] = sheet.max_row
    first, second = (lead_rows[n] for n in merge_lead_of)
    sheet.cell(second, 4).value = None
    sheet.merge_cells(start_row=first, start_column=4, end_row=second, end_column=4)
    workbook.create_sheet("说明").append(["本台账由督导室维护"])
    return _save(workbook)


def xlsx_rows(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    """A one-sheet workbook of ``rows`` with the given merged ranges (``"A1:F1"``)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    return _save(workbook)


# --- html ----------------------------------------------------------------------------------------


def html_table(plan: Plan, header: tuple[str, ...] = LEDGER_HEADER) -> str:
    """The table form as a web page: h1 title, intro paragraphs, colspan group rows, and the
    责任单位 of tasks 5 and 6 as one rowspan cell."""
    esc = _html_escape
    parts = [
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>分工方案</title>",
        "<style>td { border: 1px solid }</style><script>var x = '<p>不是正文</p>';</script>",
        f"</head><body>\n<h1>{esc(plan.title)}</h1>\n",
    ]
    parts += [f"<p>{esc(line)}</p>\n" for line in plan.intro]
    parts.append("<table>\n<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header))
    parts.append("</tr></thead>\n<tbody>\n")
    for row in plan.rows:
        if isinstance(row, str):
            parts.append(f'<tr><td colspan="{len(header)}">{esc(row)}</td></tr>\n')
            continue
        lead = f"<td>{esc(row.lead)}</td>"
        if row.number == "5":
            lead = f'<td rowspan="2">{esc(row.lead)}</td>'
        elif row.number == "6":
            lead = ""
        cells = [row.number, row.title, row.content]
        parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + lead)
        parts.append(f"<td>{esc(row.coop)}</td><td>{esc(row.deadline)}</td></tr>\n")
    parts.append("</tbody></table>\n</body></html>\n")
    return "".join(parts)


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- pdf -----------------------------------------------------------------------------------------


def pdf_prose(lines: list[str], font: Path) -> bytes:
    """Each line a paragraph on A4 portrait, wrapped by fpdf2."""
    pdf = _fpdf(font, orientation="P")
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT", wrapmode=_char_wrap())
        pdf.ln(2)
    return bytes(pdf.output())


def pdf_table(plan: Plan, font: Path, header: tuple[str, ...] = TABLE_HEADER) -> bytes:
    """Title and intro as text, then a ruled table: group rows span all columns, the lead unit
    of tasks 5 and 6 is one cell spanning two rows."""
    pdf = _fpdf(font, orientation="L")
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 9, plan.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    for line in plan.intro:
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT", wrapmode=_char_wrap())
    pdf.ln(3)
    widths = (12, 30, 120, 45, 45, 25)
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=4.5, wrapmode=_char_wrap()
    ) as table:
        _pdf_rows(table, plan, header)
    return bytes(pdf.output())


def _pdf_rows(table: Any, plan: Plan, header: tuple[str, ...]) -> None:
    heading = table.row()
    for text in header:
        heading.cell(text)
    for row in plan.rows:
        line = table.row()
        if isinstance(row, str):
            line.cell(row, colspan=len(header))
            continue
        line.cell(row.number)
        line.cell(row.title)
        line.cell(row.content)
        if row.number == "5":
            line.cell(row.lead, rowspan=2)
        elif row.number != "6":
            line.cell(row.lead)
        line.cell(row.coop)
        line.cell(row.deadline)


def _char_wrap() -> Any:
    """Break lines between any two characters, as Word does in Chinese text (fpdf2's default
    breaks only at spaces when a line has any)."""
    from fpdf.enums import WrapMode

    return WrapMode.CHAR


def _fpdf(font: Path, orientation: str) -> Any:
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    for style in ("", "B"):
        pdf.add_font("cjk", style, str(font))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=10)
    return pdf


def image_only_pdf() -> bytes:
    """A PDF with drawings and no text at all (what a scan looks like to a text extractor)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    for row in range(30):
        pdf.rect(20, 20 + row * 8, 170, 3, style="F")
    return bytes(pdf.output())


def pdf_with_stream_bomb(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of spaces (zlib
    framing around the raw stream; the checksum is wrong, which only shows after inflating)."""
    stream = b"\x78\xda" + deflate_repeated(b" ", inflated) + b"\0\0\0\0"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- zips, honest and hostile --------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def deflate_repeated(byte: bytes, size: int, chunk: int = 1 << 20) -> bytes:
    """A raw deflate stream of ``size`` copies of ``byte``, built without inflating anything:
    one compressed chunk after a full flush is byte-identical every time, so it is repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(byte * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, chunk)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    return segment * count + tail.compress(byte * rest) + tail.flush()


def zip_bomb(inflated: int, name: str = "word/document.xml") -> bytes:
    """A docx-shaped zip whose ``name`` really inflates to ``inflated`` zero bytes.

    Stored first (with the precompressed stream as its bytes), then the headers are rewritten
    to say deflated, with the true size; the CRC is left wrong, as a bomb does not care.
    """
    stream = deflate_repeated(b"\0", inflated)
    data = zip_bytes(
        {"[Content_Types].xml": _CONTENT_TYPES.encode(), name: stream}, zipfile.ZIP_STORED
    )
    return patch_entry(data, name, method=zipfile.ZIP_DEFLATED, size=inflated)


def patch_entry(data: bytes, name: str, *, size: int, method: int | None = None) -> bytes:
    """Rewrite the declared uncompressed size (and the method) of ``name`` in both headers."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, method_at, size_at, name_len_at, name_at in (
        (b"PK\x01\x02", 10, 24, 28, 46),
        (b"PK\x03\x04", 8, 22, 26, 30),
    ):
        at = out.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", out, at + name_len_at)[0]
            if bytes(out[at + name_at : at + name_at + length]) == encoded:
                struct.pack_into("<I", out, at + size_at, size)
                if method is not None:
                    struct.pack_into("<H", out, at + method_at, method)
            at = out.find(signature, at + 4)
    return bytes(out)


def many_entries_zip(count: int) -> bytes:
    """A docx-shaped zip of ``count`` entries in all."""
    entries = {f"word/media/{i}.xml": b"" for i in range(count - 1)}
    entries["word/document.xml"] = b"<w:document/>"
    return zip_bytes(entries, zipfile.ZIP_STORED)


def rewrite_entry(data: bytes, name: str, edit: Any) -> bytes:
    """The same zip with entry ``name`` replaced by ``edit(old_bytes)``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = edit(entries[name])
    return zip_bytes(entries)


def xlsx_with_merge(ref: str) -> bytes:
    """A small workbook whose first sheet declares the merged range ``ref`` (written into the
    XML directly: openpyxl itself would materialise every covered cell)."""
    book = xlsx_rows([["序号", "重点任务", "责任单位"], [1, "优化专业布局", "市教育局"]])

    def add_merge(xml: bytes) -> bytes:
        merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
        return xml.replace(b"</sheetData>", b"</sheetData>" + merge, 1)

    return rewrite_entry(book, "xl/worksheets/sheet1.xml", add_merge)


def entity_bomb_docx() -> bytes:
    """Billion laughs in word/document.xml."""
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">'
        + lol
        + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx_with_document_xml(xml.encode())
