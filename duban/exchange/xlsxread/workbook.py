"""``Workbook``: an upload checked and its small parts read at once; sheets streamed on demand."""

from __future__ import annotations

from collections.abc import Iterator

from duban.exchange.errors import ExchangeError
from duban.exchange.xlsxread.limits import DEFAULT_READ_LIMITS, ReadLimits
from duban.exchange.xlsxread.package import (
    SheetInfo,
    date_styles,
    defined_names,
    epoch,
    open_zip,
    read_xml,
    related_part,
    relationships,
    shared_strings,
    sheet_parts,
    workbook_part,
)
from duban.exchange.xlsxread.sheet import CellValue, SheetContext, sheet_rows
from duban.exchange.xlsxread.sniff import refuse_by_content


class Workbook:
    """An uploaded .xlsx, checked; sheets read on demand, row by row."""

    def __init__(self, data: bytes, *, limits: ReadLimits = DEFAULT_READ_LIMITS) -> None:
        """Check the upload and read its small parts; raise ``ExchangeError`` on any doubt."""
        refuse_by_content(data, limits)
        self._limits = limits
        self._zip = open_zip(data, limits)
        book = workbook_part(self._zip)
        root = read_xml(self._zip, book)
        parts = relationships(self._zip, book)
        self._sheets = sheet_parts(root, parts)
        self._epoch = epoch(root)
        self._names = defined_names(root)
        styles = related_part(self._zip, parts, "styles", "xl/styles.xml")
        self._date_styles = date_styles(read_xml(self._zip, styles) if styles else None)
        strings = related_part(self._zip, parts, "sharedStrings", "xl/sharedStrings.xml")
        self._strings = shared_strings(self._zip, strings, limits) if strings else []

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
        context = SheetContext(sheet, self._strings, self._date_styles, self._epoch, self._limits)
        return sheet_rows(self._zip, part, context)

    def defined_names(self) -> dict[str, str]:
        """Workbook-level defined names and their formula text (sheet-level ones left out)."""
        return dict(self._names)
