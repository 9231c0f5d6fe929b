"""The look of the ledger workbook: fonts, fills, borders, status colours and print setup.

Status colours are the dashboard's (duban.css ``--overdue`` …), with white text on them, so a
printed ledger reads like the screen. Every sheet prints landscape on A4, one page wide,
centred, with ``第 &P 页 共 &N 页`` in the footer.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from duban.domain.choices import Status

COLOURS: dict[str, str] = {
    Status.OVERDUE: "B3261E",
    Status.DUE_SOON: "8A5A00",
    Status.UNREPORTED: "6B4FA3",
    Status.ON_TRACK: "1D6FB8",
    Status.DONE_LATE: "4F7A28",
    Status.DONE: "1E7A3C",
}
"""duban.css ``--overdue`` …: the dashboard's status colours."""

FONT = "宋体"
THIN = Side(style="thin", color="8A96A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BODY = Font(name=FONT, size=10.5)
HEADER_FONT = Font(name=FONT, size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9DEE5")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
FOOTER = "第 &P 页 共 &N 页"


def status_fill(status: str) -> PatternFill | None:
    colour = COLOURS.get(status)
    return PatternFill("solid", fgColor=colour) if colour else None


def status_font() -> Font:
    return Font(name=FONT, size=10.5, bold=True, color="FFFFFF")


def print_setup(sheet: Worksheet, *, title_rows: str | None = None, one_page: bool = False) -> None:
    """Landscape A4, fit to one page wide (and tall with ``one_page``), centred, page numbers;
    ``title_rows`` (``"3:3"``) repeat on every printed page."""
    if title_rows:
        sheet.print_title_rows = title_rows
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 1 if one_page else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = FOOTER
    sheet.oddFooter.center.size = 9
