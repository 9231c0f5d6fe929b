"""Read uploaded .xlsx workbooks row by row, trusting nothing in them.

Contract: ``Workbook(data)`` refuses an upload over ``max_bytes`` before opening it, tells other
formats apart by content (a Word document, an old .xls, a password-protected workbook — an OLE file
—, a CSV, a PDF…), checks the zip container (entry count, declared sizes, ratios; all before
anything is inflated, by ``plandoc``'s ``SafeZip``), then parses the small parts — workbook,
relationships, styles, shared strings — through defusedxml with DTDs forbidden. ``rows(sheet)``
streams one worksheet part: memory stays bounded by the shared strings and one row, never by the
sheet. Every refusal is an ``ExchangeError`` with a Chinese message.

``rows`` may raise part-way through a sheet (malformed XML, a lying zip header, too many rows are
seen only when reached), so callers read everything, then validate, then apply.

Values: strings exactly as stored (shared, inline, rich-text runs joined, phonetic runs dropped,
``_xHHHH_`` escapes decoded), numbers as ``int`` when the stored text is integral else ``float``,
numbers in a date format as ``date`` (``datetime`` when the format shows a time or the value has
one; time-only formats give a ``datetime`` on the epoch day), booleans, error codes as text.
An empty string and a formula never calculated (as openpyxl writes them) read as ``None``.
Merged ranges are not spread: the value sits in the top-left cell only.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from duban.exchange.errors import ExchangeError, Problem
from duban.plandoc.errors import PlanReadError
from duban.plandoc.readers.limits import Limits, megabytes, whole_megabytes
from duban.plandoc.readers.safezip import SafeZip
from duban.plandoc.readers.xmlsafe import HOSTILE_XML, parse_xml

CellValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | None

MB = 1024 * 1024
_META_BYTES = 64 * MB  # workbook.xml, relationships, styles: small parts held whole
_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_ID = tuple(
    f"{{{ns}}}id"
    for ns in (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    )
)
_SAVE_AS = "请在 Excel/WPS 中另存为 .xlsx 后再上传"
_NOT_XLSX = f"这不是 Excel 工作簿（.xlsx），{_SAVE_AS}"


@dataclass(frozen=True)
class ReadLimits:
    """Caps on an upload; everything beyond them is refused. Tests pass smaller values."""

    max_bytes: int = 100 * MB
    """The upload itself; larger is refused before opening."""
    zip_entries: int = 2000
    zip_total_bytes: int = 1024 * MB
    """Declared uncompressed total of all entries."""
    zip_ratio: float = 200.0
    part_bytes: int = 512 * MB
    """One worksheet part (streamed, never held whole)."""
    shared_strings_bytes: int = 200 * MB
    """The shared-strings part, whose strings are held in memory."""
    rows: int = 1_100_000
    columns: int = 256


DEFAULT_READ_LIMITS = ReadLimits()


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str
    """``visible``, ``hidden`` or ``veryHidden``."""


class Workbook:
    """An uploaded .xlsx, checked; sheets read on demand, row by row."""

    def __init__(self, data: bytes, *, limits: ReadLimits = DEFAULT_READ_LIMITS) -> None:
        """Check the upload and read its small parts; raise ``ExchangeError`` on any doubt."""
        _refuse_by_content(data, limits)
        self._limits = limits
        self._zip = _open_zip(data, limits)
        book = _workbook_part(self._zip)
        root = _xml(self._zip, book)
        parts = _relationships(self._zip, book)
        self._sheets = _sheet_parts(root, parts)
        self._epoch = _epoch(root)
        self._names = _defined_names(root)
        styles = _part(self._zip, parts, "styles", "xl/styles.xml")
        self._date_styles = _date_styles(_xml(self._zip, styles) if styles else None)
        strings = _part(self._zip, parts, "sharedStrings", "xl/sharedStrings.xml")
        self._strings = _shared_strings(self._zip, strings, limits) if strings else []

    @property
    def sheets(self) -> list[SheetInfo]:
        """Every sheet in workbook order, hidden ones included."""
        return [info for info, _ in self._sheets]

    def has_sheet(self, name: str) -> bool:
        return any(info.name == name for info, _ in self._sheets)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[CellValue]]]:
        """``(row number, values)`` of sheet ``sheet``, streamed; rows without cells skipped.

        ``values[i]`` is column ``i`` (``None`` when empty), trailing empty columns dropped: a row
        whose cells are all empty gives ``[]``. Raises ``ExchangeError`` at once for a sheet not in
        the workbook, and while iterating for a damaged or oversized sheet.
        """
        part = next((part for info, part in self._sheets if info.name == sheet), None)
        if part is None:
            names = "、".join(f"“{info.name}”" for info, _ in self._sheets) or "无"
            raise ExchangeError(f"工作簿中没有名为“{sheet}”的工作表（现有工作表：{names}）")
        if part not in self._zip.names:
            raise ExchangeError(f"文件已损坏：缺少工作表“{sheet}”的内容（{part}）")
        context = _Context(sheet, self._strings, self._date_styles, self._epoch, self._limits)
        return _sheet_rows(self._zip, part, context)

    def defined_names(self) -> dict[str, str]:
        """Workbook-level defined names and their formula text (sheet-level ones left out)."""
        return dict(self._names)


def column_letter(index: int) -> str:
    """Column letters for a 0-based index: 0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- what the upload is --------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS: tuple[tuple[str, str], ...] = (
    (
        "EncryptedPackage",
        "工作簿设置了打开密码（加密的 Office 文件），请取消密码后另存为 .xlsx 再上传",
    ),
    ("WordDocument", "这是旧版 Word 文档（.doc），不是 Excel 工作簿"),
    ("Workbook", f"这是旧版 Excel 文件（.xls），{_SAVE_AS}"),
    ("Book", f"这是旧版 Excel 文件（.xls），{_SAVE_AS}"),
    ("PowerPoint Document", "这是旧版 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿"),
)
_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "这是 PDF 文件，不是 Excel 工作簿"),
    (b"{\\rtf", "这是 RTF 文档，不是 Excel 工作簿"),
    (b"\x89PNG\r\n\x1a\n", "这是图片文件（PNG），不是 Excel 工作簿"),
    (b"\xff\xd8\xff", "这是图片文件（JPEG），不是 Excel 工作簿"),
    (b"\x1f\x8b", "这是压缩包（gzip），不是 Excel 工作簿"),
    (b"7z\xbc\xaf\x27\x1c", "这是压缩包（7z），不是 Excel 工作簿"),
    (b"Rar!\x1a\x07", "这是压缩包（rar），不是 Excel 工作簿"),
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("word/document.xml", "这是 Word 文档，不是 Excel 工作簿"),
    ("ppt/presentation.xml", "这是 PowerPoint 演示文稿，不是 Excel 工作簿"),
    ("xl/workbook.bin", f"这是 .xlsb 格式的工作簿，{_SAVE_AS}"),
    ("OFD.xml", "这是 OFD 版式文件，不是 Excel 工作簿"),
)


def _refuse_by_content(data: bytes, limits: ReadLimits) -> None:
    """Refuse an upload that is too large or, by its first bytes, not a zip container."""
    if len(data) > limits.max_bytes:
        raise ExchangeError(
            f"文件过大（{megabytes(len(data))}，上限 {whole_megabytes(limits.max_bytes)}）"
        )
    if not data:
        raise ExchangeError("文件为空")
    if data.startswith(_OLE):
        raise ExchangeError(_ole_kind(data))
    for magic, reason in _MAGICS:
        if data.startswith(magic):
            raise ExchangeError(reason)
    if not data.startswith(_ZIP_MAGICS):
        raise ExchangeError(_text_kind(data[:4096]))


def _ole_kind(data: bytes) -> str:
    """What an OLE compound file holds, by the stream names in its directory (UTF-16)."""
    for stream, reason in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return reason
    return f"这是旧版 Office 文件（OLE 格式），不是 .xlsx 工作簿，{_SAVE_AS}"


def _text_kind(head: bytes) -> str:
    """Name a text upload (CSV, HTML, Office 2003 XML); binary ones we cannot tell."""
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text"
    text = head.decode("utf-16" if utf16 else "utf-8", errors="ignore")
    if "\x00" in text:
        return _NOT_XLSX
    text = text.lstrip("\ufeff \t\r\n").lower()
    if "mso-application" in text or "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return f"这是 Excel 2003 XML 表格，{_SAVE_AS}"
    if text.startswith(("<!doctype html", "<html", "<table", "<meta", "<head")):
        return f"这是网页（HTML）文件，不是真正的 Excel 工作簿，{_SAVE_AS}"
    return f"这是文本文件（如 CSV），不是 Excel 工作簿，{_SAVE_AS}"


def _open_zip(data: bytes, limits: ReadLimits) -> SafeZip:
    checks = Limits(
        max_bytes=limits.max_bytes,
        zip_entries=limits.zip_entries,
        zip_total_bytes=limits.zip_total_bytes,
        zip_ratio=limits.zip_ratio,
        xml_part_bytes=min(limits.part_bytes, _META_BYTES),
    )
    try:
        return SafeZip(data, checks)
    except PlanReadError as exc:
        raise ExchangeError(exc.reason) from exc


def _workbook_part(archive: SafeZip) -> str:
    """The workbook part the package points to; refuse other office files and plain zips."""
    names = archive.names
    for name, reason in _ZIP_KINDS:
        if name in names:
            raise ExchangeError(reason)
    if "mimetype" in names and "content.xml" in names:
        raise ExchangeError(f"这是 ODF 文件（.ods/.odt），{_SAVE_AS}")
    rels = _relationships(archive, "") if "_rels/.rels" in names else {}
    book = _part(archive, rels, "officeDocument", "xl/workbook.xml")
    if book is None:
        raise ExchangeError("这是压缩包，但不是 Excel 工作簿（.xlsx）")
    return book


# --- package parts -------------------------------------------------------------------------------


def _xml(archive: SafeZip, name: str) -> Element:
    try:
        return parse_xml(archive.read(name), name)
    except PlanReadError as exc:
        raise ExchangeError(exc.reason) from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relationships(archive: SafeZip, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of part ``source`` ("" for the package)."""
    folder, file = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    if rels not in archive.names:
        return {}
    out = {}
    for rel in _xml(archive, rels):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return out


def _part(
    archive: SafeZip, rels: dict[str, tuple[str, str]], kind: str, fallback: str
) -> str | None:
    """The first part related by type ``…/kind`` (``fallback`` when there are no relationships),
    if the container holds it."""
    path = next((path for rel, path in rels.values() if rel.endswith("/" + kind)), None)
    if not rels:
        path = fallback
    return path if path in archive.names else None


def _sheet_parts(book: Element, rels: dict[str, tuple[str, str]]) -> list[tuple[SheetInfo, str]]:
    if _local(book.tag) != "workbook" or book.tag[1:].partition("}")[0] not in _MAIN:
        raise ExchangeError("这是压缩包，但不是 Excel 工作簿（.xlsx）")
    out = []
    for sheet in _children(book, "sheets", "sheet"):
        rel = next((sheet.get(attr) for attr in _REL_ID if sheet.get(attr)), "")
        info = SheetInfo(sheet.get("name", ""), sheet.get("state", "visible"))
        out.append((info, rels.get(rel or "", ("", ""))[1]))
    return out


def _children(root: Element, parent: str, child: str) -> Iterator[Element]:
    """Elements ``child`` under ``root``'s elements ``parent``, by local name."""
    for group in root:
        if _local(group.tag) == parent:
            yield from (element for element in group if _local(element.tag) == child)


def _epoch(book: Element) -> dt.datetime:
    for element in book:
        if _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
            return dt.datetime(1904, 1, 1)
    return _EPOCH_1900


def _defined_names(book: Element) -> dict[str, str]:
    return {
        element.get("name", ""): element.text or ""
        for element in _children(book, "definedNames", "definedName")
        if element.get("localSheetId") is None
    }


# --- styles: which cells hold dates --------------------------------------------------------------

_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_TIME_IDS = frozenset([18, 19, 20, 21, 22, 32, 33, 34, 35, 45, 46, 47, 55, 56])
_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|[_*].')
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)


def _date_styles(styles: Element | None) -> dict[str | None, bool]:
    """Cell style index as written in ``s=`` (``None``: no ``s=``, style 0) → has a time part,
    for the styles with a date format."""
    if styles is None:
        return {}
    codes: dict[str, str] = {}
    formats: list[str] = []
    for child in styles:
        if _local(child.tag) == "numFmts":
            codes = {fmt.get("numFmtId", ""): fmt.get("formatCode", "") for fmt in child}
        elif _local(child.tag) == "cellXfs":
            formats = [xf.get("numFmtId", "0") for xf in child]
    kinds = {str(index): _format_kind(fmt, codes) for index, fmt in enumerate(formats)}
    out: dict[str | None, bool] = {key: kind for key, kind in kinds.items() if kind is not None}
    if "0" in out:
        out[None] = out["0"]
    return out


def _format_kind(fmt: str, codes: dict[str, str]) -> bool | None:
    """``None`` for a non-date format, else whether it shows a time."""
    if fmt in codes:
        code = codes[fmt]
        bare = _LITERALS.sub("", code).lower()
        if not any(letter in bare for letter in "dmyhs"):
            return None
        return "h" in bare or "s" in bare or _ELAPSED.search(code) is not None
    number = int(fmt) if fmt.isdigit() else -1
    return number in _TIME_IDS if number in _DATE_IDS else None


# --- streaming XML -------------------------------------------------------------------------------
#
# Large parts (worksheets, shared strings) are fed chunk by chunk to defusedxml's parser, whose
# DTD, entity and external-reference handlers refuse hostile XML. Its element handlers are pointed
# straight at a small target instead of ElementTree's tree builder: no tree is built, so there is
# nothing to clear and memory holds one row. (iterparse with the elements cleared, as the plan
# reader does, measured 2-3 times slower here: it builds every element and renames every tag.)

_CHUNK = 64 * 1024


class _Target:
    """Receives one part's events: names as ``uri}local`` (expat's form), attributes as a dict."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def data(self, text: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        return None


def _feed(archive: SafeZip, part: str, cap: int, target: _Target) -> Iterator[None]:
    """Parse ``part`` into ``target``, yielding after each chunk; errors become ExchangeError."""
    parser = SafeET.XMLParser(target=target, forbid_dtd=True)
    expat = parser.parser  # defusedxml's guards stay installed; only element events are rerouted
    expat.ordered_attributes = False
    expat.StartElementHandler = target.start
    expat.EndElementHandler = target.end
    expat.CharacterDataHandler = target.data
    try:
        with archive.open(part, cap) as stream:
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
                yield
            parser.close()
    except PlanReadError as exc:
        raise ExchangeError(exc.reason) from exc
    except defusedxml.DefusedXmlException as exc:
        raise ExchangeError(HOSTILE_XML) from exc
    except ParseError as exc:
        line, column = exc.position
        raise ExchangeError(
            f"文件已损坏：{part} 不是有效的 XML（第 {line} 行第 {column} 列）"
        ) from exc


def _namespace(name: str, what: str) -> str:
    """``uri}`` of a root element in a SpreadsheetML namespace; refuse any other."""
    uri = name.rpartition("}")[0]
    if uri not in _MAIN:
        raise ExchangeError(f"文件已损坏：{what}的内容不是 Excel 格式")
    return uri + "}"


class _Text:
    """Text of a string item (``si`` or ``is``): its ``t`` runs outside phonetic ``rPh`` runs."""

    def __init__(self) -> None:
        self.runs: list[str] = []
        self.collecting = False
        self.phonetic = False

    def start(self, name: str, t: str, rph: str) -> None:
        if name == t:
            self.collecting = not self.phonetic
        elif name == rph:
            self.phonetic = True

    def end(self, name: str, t: str, rph: str) -> None:
        if name == t:
            self.collecting = False
        elif name == rph:
            self.phonetic = False

    def text(self) -> str:
        return _unescape("".join(self.runs))

    def reset(self) -> _Text:
        self.runs.clear()
        self.collecting = self.phonetic = False
        return self


class _StringsTarget(_Target):
    """Collects the shared-string table."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.item = _Text()
        self.si = self.t = self.rph = ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == self.si:
            self.item = _Text()
        elif self.si:
            self.item.start(name, self.t, self.rph)
        else:
            ns = _namespace(name, "共享字符串")
            self.si, self.t, self.rph = ns + "si", ns + "t", ns + "rPh"

    def end(self, name: str) -> None:
        if name == self.si:
            self.strings.append(self.item.text())
        else:
            self.item.end(name, self.t, self.rph)

    def data(self, text: str) -> None:
        if self.item.collecting:
            self.item.runs.append(text)


def _shared_strings(archive: SafeZip, part: str, limits: ReadLimits) -> list[str]:
    """Every shared string in order (held: cells refer to them by index)."""
    target = _StringsTarget()
    for _ in _feed(archive, part, limits.shared_strings_bytes, target):
        pass
    return target.strings


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (how control characters are stored)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


# --- worksheets ----------------------------------------------------------------------------------

_EPOCH_1900 = dt.datetime(1899, 12, 30)
_LAST_SERIAL = 2_958_466  # 10000-01-01: past Excel's dates


@dataclass(frozen=True)
class _Context:
    """What converting a sheet's cells needs from the workbook."""

    sheet: str
    strings: list[str]
    date_styles: dict[str | None, bool]
    epoch: dt.datetime
    limits: ReadLimits


class _BadCell(Exception):
    """A cell whose stored value cannot be what its type says."""


class _SheetTarget(_Target):
    """Turns worksheet events into finished ``(row number, values)`` pairs in ``rows``.

    The hot path of an import: one call per element and per text, so it keeps to attributes
    and a few comparisons ordered by frequency (``c`` and ``v`` first).
    """

    def __init__(self, context: _Context) -> None:
        self.context = context
        self.columns = context.limits.columns
        self.rows: list[tuple[int, list[CellValue]]] = []
        self.number = 0  # the current row
        self.values: list[CellValue] = []
        self.has_cells = False
        self.column = -1  # the current cell
        self.kind = "n"
        self.style: str | None = None
        self.raw: list[str] = []  # text of its <v>
        self.reading = False  # inside <v>
        self.text = _Text()
        self.inline: _Text | None = None  # ``text`` while the cell is t="inlineStr"
        self.c = self.v = self.row = self.t = self.rph = ""  # names, once the root gives the ns

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == self.c:
            ref = attrs.get("r")
            self.column += 1
            if ref:  # usually the next column: compare letters before parsing them
                letters = _LETTERS[self.column] if self.column < len(_LETTERS) else "-"
                if not (ref.startswith(letters) and ref[len(letters) : len(letters) + 1].isdigit()):
                    self.column = _column_index(ref)
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.has_cells = True
            self.raw.clear()
            self.inline = self.text.reset() if self.kind == "inlineStr" else None
            if self.column < 0:
                raise self._error(f"文件已损坏：单元格引用“{ref}”无效", cell=False)
        elif name == self.v:
            self.reading = True
        elif self.inline is not None:
            self.inline.start(name, self.t, self.rph)
        elif name == self.row:
            self._start_row(attrs.get("r"))
        elif not self.c:
            ns = _namespace(name, f"工作表“{self.context.sheet}”")
            self.c, self.v, self.row, self.t, self.rph = (
                ns + local for local in ("c", "v", "row", "t", "rPh")
            )

    def end(self, name: str) -> None:
        if name == self.v:
            self.reading = False
        elif name == self.c:
            self._end_cell()
            self.inline = None
        elif self.inline is not None:
            self.inline.end(name, self.t, self.rph)
        elif name == self.row:
            if self.has_cells:
                self.rows.append((self.number, self.values))
            self.values = []

    def data(self, text: str) -> None:
        if self.reading:
            self.raw.append(text)
        elif self.inline is not None and self.inline.collecting:
            self.inline.runs.append(text)

    def _start_row(self, ref: str | None) -> None:
        if ref is None:
            self.number += 1
        elif ref.isascii() and ref.isdigit() and int(ref) > 0:
            self.number = int(ref)
        else:
            raise self._error(f"文件已损坏：行号“{ref[:20]}”无效", cell=False)
        if self.number > self.context.limits.rows:
            raise self._error(f"行数超过上限（{self.context.limits.rows} 行）", cell=False)
        self.values = []
        self.has_cells = False
        self.column = -1

    def _end_cell(self) -> None:
        try:
            value = self._value()
        except _BadCell as exc:
            raise self._error(str(exc)) from None
        if value is None or value == "":
            return
        column = self.column
        if column >= self.columns:
            raise self._error(_too_wide(self.context.limits))
        values = self.values
        if column == len(values):
            values.append(value)
        elif column > len(values):
            values.extend([None] * (column - len(values)))
            values.append(value)
        else:  # cells out of order
            values[column] = value

    def _value(self) -> CellValue:
        if self.inline is not None:
            return self.inline.text()
        if not self.raw:  # no value, or a formula never calculated
            return None
        text = "".join(self.raw)
        kind = self.kind
        if kind == "n":
            number = _number(text)
            has_time = self.context.date_styles.get(self.style)
            if has_time is None or not 0 <= number < _LAST_SERIAL:
                return number
            return _serial_date(number, has_time, self.context.epoch)
        if kind == "s":
            return self._shared(text)
        return _typed(kind, text)

    def _shared(self, text: str) -> str:
        try:
            return self.context.strings[int(text)]
        except (ValueError, IndexError):
            raise _BadCell(f"文件已损坏：引用了不存在的共享字符串（{text[:20]}）") from None

    def _error(self, message: str, *, cell: bool = True) -> ExchangeError:
        column = column_letter(self.column) if cell and self.column >= 0 else None
        return ExchangeError(Problem(message, self.context.sheet, self.number, column))


def _sheet_rows(
    archive: SafeZip, part: str, context: _Context
) -> Iterator[tuple[int, list[CellValue]]]:
    target = _SheetTarget(context)
    for _ in _feed(archive, part, context.limits.part_bytes, target):
        yield from target.rows
        target.rows.clear()


def _too_wide(limits: ReadLimits) -> str:
    last = column_letter(limits.columns - 1)
    return f"列数超过上限（最多 {limits.columns} 列，到 {last} 列为止）"


def _typed(kind: str, text: str) -> CellValue:
    """A cell of a type other than number and shared string, from its ``<v>`` text."""
    if kind == "str":
        return _unescape(text)
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return text
    if kind == "d":
        return _iso_date(text)
    raise _BadCell(f"文件已损坏：未知的单元格类型“{kind[:20]}”")


def _number(text: str) -> int | float:
    """A stored number: ``int`` when its text is integral (no point, no exponent)."""
    try:
        if "." not in text and "E" not in text and "e" not in text:
            return int(text)
        number = float(text)
    except ValueError:
        raise _BadCell(f"文件已损坏：数值无效（{text[:20]}）") from None
    if not math.isfinite(number):
        raise _BadCell(f"文件已损坏：数值无效（{text[:20]}）")
    return number


def _serial_date(serial: float, has_time: bool, epoch: dt.datetime) -> dt.date | dt.datetime:
    """An Excel serial day number as a date (a datetime when there is a time to show)."""
    if epoch is _EPOCH_1900 and serial < 60:
        serial += 1  # Excel counts a 1900-02-29 that never was
    days = int(serial)
    fraction = serial - days
    if not has_time and fraction == 0:
        return epoch.date() + dt.timedelta(days=days)
    return epoch + dt.timedelta(days=days, milliseconds=round(fraction * 86_400_000))


def _iso_date(text: str) -> CellValue:
    """A ``t="d"`` cell: an ISO 8601 date or date-time (kept as text if it is neither)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.date() if "T" not in text and ":" not in text else moment


_LETTERS = [column_letter(index) for index in range(1024)]  # A … AMJ


def _column_index(ref: str) -> int:
    """0-based column of a reference such as ``B7``; -1 when it is not one."""
    letters = ref.rstrip("0123456789")
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
        return -1
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1
