"""Tables as grids: spreading merged cells, cleaning cell text, dropping what is empty."""

from __future__ import annotations

from collections.abc import Sequence

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Table


def clean_cell(text: str) -> str:
    """Cell text with each line stripped and blank lines dropped, lines joined with ``\\n``."""
    lines = (line.strip() for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)


def make_table(rows: Sequence[Sequence[str]], page: int | None = None) -> Table | None:
    """A ``Table`` of cleaned cells: rows padded to one width, blank rows and blank trailing
    columns dropped; ``None`` when no cell holds text."""
    cleaned = [[clean_cell(cell) for cell in row] for row in rows]
    kept = [row for row in cleaned if any(row)]
    if not kept:
        return None
    width = max(len(row) for row in kept)
    padded = [row + [""] * (width - len(row)) for row in kept]
    while all(not row[-1] for row in padded):
        padded = [row[:-1] for row in padded]
    return Table(rows=tuple(tuple(row) for row in padded), page=page)


def flatten(table: Table | None) -> str:
    """A table's text for a single cell (nested tables): cells of a row joined by a space, with
    the repeats of a merged cell dropped, rows joined by ``\\n``."""
    if table is None:
        return ""
    return "\n".join(" ".join(_distinct(row)) for row in table.rows)


def _distinct(row: Sequence[str]) -> list[str]:
    out: list[str] = []
    for cell in row:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


class SpanGrid:
    """Builds a grid from cells given row by row with ``rowspan``/``colspan``, as HTML does.

    A cell lands in the first free column of its row; positions covered by a rowspan from above
    are skipped. Every covered position gets the cell's text. At most ``max_cells`` positions.
    """

    def __init__(self, max_cells: int) -> None:
        self._cells: dict[tuple[int, int], str] = {}
        self._max_cells = max_cells
        self._row = -1
        self._col = 0

    def new_row(self) -> None:
        self._row += 1
        self._col = 0

    def add(self, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        while (self._row, self._col) in self._cells:
            self._col += 1
        if len(self._cells) + rowspan * colspan > self._max_cells:
            raise PlanReadError(f"表格过大（超过 {self._max_cells} 个单元格）")
        for r in range(self._row, self._row + rowspan):
            for c in range(self._col, self._col + colspan):
                self._cells[(r, c)] = text
        self._col += colspan

    def rows(self) -> list[list[str]]:
        """The grid up to the last row started; positions nothing covered are ``""``."""
        if not self._cells:
            return []
        width = 1 + max(c for _, c in self._cells)
        if width * (self._row + 1) > self._max_cells:
            raise PlanReadError(f"表格过大（超过 {self._max_cells} 个单元格）")
        return [[self._cells.get((r, c), "") for c in range(width)] for r in range(self._row + 1)]
