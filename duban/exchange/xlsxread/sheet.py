"""Worksheets: one part streamed into ``(row number, values)`` pairs, and each cell's value."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.xlsxread.limits import ReadLimits
from duban.exchange.xlsxread.package import EPOCH_1900
from duban.exchange.xlsxread.stream import ItemText, Target, feed, namespace, unescape
from duban.plandoc.readers.safezip import SafeZip

CellValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | None

_LAST_SERIAL = 2_958_466  # 10000-01-01: past Excel's dates


def column_letter(index: int) -> str:
    """Column letters for a 0-based index: 0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class SheetContext:
    """What converting a sheet's cells needs from the workbook."""

    sheet: str
    strings: list[str]
    date_styles: dict[str | None, bool]
    epoch: dt.datetime
    limits: ReadLimits


def sheet_rows(
    archive: SafeZip, part: str, context: SheetContext
) -> Iterator[tuple[int, list[CellValue]]]:
    target = _SheetTarget(context)
    for _ in feed(archive, part, context.limits.part_bytes, target):
        yield from target.rows
        target.rows.clear()


class _BadCell(Exception):
    """A cell whose stored value cannot be what its type says."""


class _SheetTarget(Target):
    """Turns worksheet events into finished ``(row number, values)`` pairs in ``rows``.

    The hot path of an import: one call per element and per text, so it keeps to attributes
    and a few comparisons ordered by frequency (``c`` and ``v`` first).
    """

    def __init__(self, context: SheetContext) -> None:
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
        self.text = ItemText()
        self.inline: ItemText | None = None  # ``text`` while the cell is t="inlineStr"
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
            ns = namespace(name, f"工作表“{self.context.sheet}”")
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


def _too_wide(limits: ReadLimits) -> str:
    last = column_letter(limits.columns - 1)
    return f"列数超过上限（最多 {limits.columns} 列，到 {last} 列为止）"


def _typed(kind: str, text: str) -> CellValue:
    """A cell of a type other than number and shared string, from its ``<v>`` text."""
    if kind == "str":
        return unescape(text)
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
    if epoch is EPOCH_1900 and serial < 60:
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
