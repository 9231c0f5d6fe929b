"""Bounds every reader keeps on hostile input, and how they read in messages."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
MAX_INPUT_BYTES = 20 * MB
"""Largest plan file accepted (a plan is a few hundred KB; 20 MB leaves room for images)."""


@dataclass(frozen=True)
class Limits:
    """Caps on size, structure, time and memory; every reader refuses input beyond them.

    Defaults fit any real plan by a wide margin. Tests pass smaller values to exercise them.
    """

    max_bytes: int = MAX_INPUT_BYTES
    """Input file size."""
    zip_entries: int = 2000
    """Entries in a docx/xlsx container."""
    zip_total_bytes: int = 200 * MB
    """Sum of the declared uncompressed sizes of all entries."""
    zip_ratio: float = 200.0
    """Uncompressed/compressed ratio allowed for one entry of at least ``zip_ratio_min_bytes``."""
    zip_ratio_min_bytes: int = 1 * MB
    xml_part_bytes: int = 40 * MB
    """One XML part parsed into memory (document.xml, a worksheet)."""
    sheet_cells: int = 500_000
    """Cells, counting every position a merged range covers, across a workbook."""
    table_cells: int = 1_000_000
    """Grid positions of one HTML table after colspan/rowspan are spread."""
    nesting: int = 100
    """Depth of nested tables and content controls followed."""
    pdf_pages: int = 500
    pdf_page_chars: int = 200_000
    """Characters on one PDF page (a dense A4 page holds about 3,000)."""
    pdf_seconds: float = 60.0
    """Wall-clock time for parsing one PDF in its child process."""
    pdf_memory_bytes: int = 1024 * MB
    """Address space of the child process that parses a PDF (Unix only)."""
    pdf_isolated: bool = True
    """Parse PDFs in a child process so a stream bomb or a parser loop cannot hurt the caller."""


DEFAULT_LIMITS = Limits()


def megabytes(size: int) -> str:
    """A measured size for messages: ``52.0 MB`` (``3.5 KB`` below a megabyte)."""
    if size < MB:
        return f"{size / 1024:.1f} KB"
    return f"{size / MB:.1f} MB"


def whole_megabytes(size: int) -> str:
    """A limit for messages: ``20 MB`` (``512 KB`` below a megabyte)."""
    if size < MB:
        return f"{size / 1024:g} KB"
    return f"{size / MB:g} MB"
