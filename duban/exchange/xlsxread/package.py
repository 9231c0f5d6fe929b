"""The zip container and its small parts: workbook, relationships, styles, shared strings.

The small parts are held whole and parsed by defusedxml with DTDs forbidden; the shared strings
are streamed (``stream``) but kept, since cells refer to them by index.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from duban.exchange.errors import ExchangeError
from duban.exchange.xlsxread.limits import MB, ReadLimits
from duban.exchange.xlsxread.sniff import refuse_other_packages
from duban.exchange.xlsxread.stream import MAIN, ItemText, Target, feed, local, namespace
from duban.plandoc.errors import PlanReadError
from duban.plandoc.readers.limits import Limits
from duban.plandoc.readers.safezip import SafeZip
from duban.plandoc.readers.xmlsafe import parse_xml

_META_BYTES = 64 * MB  # workbook.xml, relationships, styles: small parts held whole
_REL_ID = tuple(
    f"{{{ns}}}id"
    for ns in (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    )
)
EPOCH_1900 = dt.datetime(1899, 12, 30)
"""Day 0 of the 1900 date system (the 1904 one starts on 1904-01-01)."""


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str
    """``visible``, ``hidden`` or ``veryHidden``."""


def open_zip(data: bytes, limits: ReadLimits) -> SafeZip:
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


def workbook_part(archive: SafeZip) -> str:
    """The workbook part the package points to; refuse other office files and plain zips."""
    names = archive.names
    refuse_other_packages(names)
    rels = relationships(archive, "") if "_rels/.rels" in names else {}
    book = related_part(archive, rels, "officeDocument", "xl/workbook.xml")
    if book is None:
        raise ExchangeError("这是压缩包，但不是 Excel 工作簿（.xlsx）")
    return book


def read_xml(archive: SafeZip, name: str) -> Element:
    try:
        return parse_xml(archive.read(name), name)
    except PlanReadError as exc:
        raise ExchangeError(exc.reason) from exc


def relationships(archive: SafeZip, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of part ``source`` ("" for the package)."""
    folder, file = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    if rels not in archive.names:
        return {}
    out = {}
    for rel in read_xml(archive, rels):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return out


def related_part(
    archive: SafeZip, rels: dict[str, tuple[str, str]], kind: str, fallback: str
) -> str | None:
    """The first part related by type ``…/kind`` (``fallback`` when there are no relationships),
    if the container holds it."""
    path = next((path for rel, path in rels.values() if rel.endswith("/" + kind)), None)
    if not rels:
        path = fallback
    return path if path in archive.names else None


def sheet_parts(book: Element, rels: dict[str, tuple[str, str]]) -> list[tuple[SheetInfo, str]]:
    if local(book.tag) != "workbook" or book.tag[1:].partition("}")[0] not in MAIN:
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
        if local(group.tag) == parent:
            yield from (element for element in group if local(element.tag) == child)


def epoch(book: Element) -> dt.datetime:
    for element in book:
        if local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
            return dt.datetime(1904, 1, 1)
    return EPOCH_1900


def defined_names(book: Element) -> dict[str, str]:
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


def date_styles(styles: Element | None) -> dict[str | None, bool]:
    """Cell style index as written in ``s=`` (``None``: no ``s=``, style 0) → has a time part,
    for the styles with a date format."""
    if styles is None:
        return {}
    codes: dict[str, str] = {}
    formats: list[str] = []
    for child in styles:
        if local(child.tag) == "numFmts":
            codes = {fmt.get("numFmtId", ""): fmt.get("formatCode", "") for fmt in child}
        elif local(child.tag) == "cellXfs":
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


# --- shared strings ------------------------------------------------------------------------------


class _StringsTarget(Target):
    """Collects the shared-string table."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.item = ItemText()
        self.si = self.t = self.rph = ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == self.si:
            self.item = ItemText()
        elif self.si:
            self.item.start(name, self.t, self.rph)
        else:
            ns = namespace(name, "共享字符串")
            self.si, self.t, self.rph = ns + "si", ns + "t", ns + "rPh"

    def end(self, name: str) -> None:
        if name == self.si:
            self.strings.append(self.item.text())
        else:
            self.item.end(name, self.t, self.rph)

    def data(self, text: str) -> None:
        if self.item.collecting:
            self.item.runs.append(text)


def shared_strings(archive: SafeZip, part: str, limits: ReadLimits) -> list[str]:
    """Every shared string in order (held: cells refer to them by index)."""
    target = _StringsTarget()
    for _ in feed(archive, part, limits.shared_strings_bytes, target):
        pass
    return target.strings
