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

Modules: ``sniff`` (what the upload is, refusals by content), ``package`` (the zip and its small
parts), ``stream`` (feeding large parts through the hardened parser), ``sheet`` (worksheet rows and
cell values), ``workbook`` (the ``Workbook`` that ties them together), ``limits``.
"""

from __future__ import annotations

from duban.exchange.xlsxread.limits import DEFAULT_READ_LIMITS, ReadLimits
from duban.exchange.xlsxread.package import SheetInfo
from duban.exchange.xlsxread.sheet import CellValue, column_letter
from duban.exchange.xlsxread.workbook import Workbook

__all__ = [
    "DEFAULT_READ_LIMITS",
    "CellValue",
    "ReadLimits",
    "SheetInfo",
    "Workbook",
    "column_letter",
]
