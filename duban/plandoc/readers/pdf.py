"""PDF: ruled tables as Tables, the text around them as lines, top to bottom on every page.

Parsing runs in a child process (``isolate``) unless ``Limits.pdf_isolated`` is off: pdfminer
inflates streams without bound. Tables are found by their ruling lines (``find_tables``); a
merged cell is spread over every grid position its rectangle covers, so a group heading merged
across a row and a unit cell merged down two tasks read as model.Table says. A ruled box of one
cell (a frame around the page or a note) is not a table: its text reads as lines. Inside a cell,
where the next line's first word would not have fitted at the end of a line, the writer wrapped
there and the two lines are joined; other breaks stay ``\n``. Lines outside tables are kept as
lines (repair joins them).
"""

from __future__ import annotations

import io
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import collate_line

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Block, Document, Paragraph, Table
from duban.plandoc.readers.grid import make_table
from duban.plandoc.readers.isolate import TOO_MUCH_MEMORY, run_isolated
from duban.plandoc.readers.limits import Limits

SCANNED = "PDF 没有文字层（可能是扫描件），请提供可复制文字的 PDF 或 Word 文件"
UNDECODABLE = "PDF 的文字无法解码（字体缺少 Unicode 映射），请提供 Word 文件或可复制文字的 PDF"
_MAX_GRAPHICS = 10_000  # ruling objects on a page beyond which table finding is skipped (O(n²))
_LINE_TOLERANCE = 3.0
_MAX_PADDING = 8.0  # points; Word's default cell margin is 5.4
_NO_BREAK_BEFORE = frozenset("，。、；：？！,.;:?!）)》」』】〕”’%…—·")
_EPS = 1.0
_SPACES = re.compile(" {2,}")  # a space glyph and the gap around it both read as a space
Bbox = tuple[float, float, float, float]


def read_pdf(data: bytes, limits: Limits) -> Document:
    """Read a PDF, in a child process when ``limits.pdf_isolated``."""
    if limits.pdf_isolated:
        return run_isolated("pdf", data, limits)
    return parse_pdf(data, limits)


def parse_pdf(data: bytes, limits: Limits) -> Document:
    """Parse in this process; every failure becomes ``PlanReadError``."""
    with _pdf_errors():
        blocks = list(_document_blocks(data, limits))
    text = "".join(_block_text(block) for block in blocks)
    if not text.strip():
        raise PlanReadError(SCANNED)
    if text.count("(cid:") * len("(cid:99)") > len(text) / 4:  # a quarter is undecodable
        raise PlanReadError(UNDECODABLE)
    return Document(blocks=tuple(blocks), format="pdf")


def _document_blocks(data: bytes, limits: Limits) -> Iterator[Block]:
    first_pages = list(range(1, limits.pdf_pages + 2))
    with pdfplumber.open(io.BytesIO(data), pages=first_pages) as pdf:
        if len(pdf.pages) > limits.pdf_pages:
            raise PlanReadError(f"PDF 页数过多（超过 {limits.pdf_pages} 页）")
        for page in pdf.pages:
            yield from _page_blocks(page, limits)
            page.close()


def _page_blocks(raw_page: Any, limits: Limits) -> list[Block]:
    """Tables and the lines outside them, sorted by their top edge."""
    number: int = raw_page.page_number
    page = raw_page.dedupe_chars()
    if len(page.chars) > limits.pdf_page_chars:
        raise PlanReadError(f"PDF 第 {number} 页文字过多（超过 {limits.pdf_page_chars} 个字符）")
    found = _find_tables(page)
    placed: list[tuple[float, Block]] = []
    for table in found:
        block = _table(page.chars, table.cells, number)
        if block is not None:
            placed.append((table.bbox[1], block))
    boxes = [table.bbox for table in found]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _in_any(obj, boxes))
    for line in outside.extract_text_lines(return_chars=False):
        placed.append((line["top"], Paragraph(_fix_radicals(line["text"]), page=number)))
    return [block for _, block in sorted(placed, key=itemgetter(0))]


def _find_tables(page: Any) -> list[Any]:
    """Ruled tables of more than one cell; none on a page too crowded with graphics to search."""
    graphics = len(page.lines) + len(page.rects) + len(page.curves)
    if graphics > _MAX_GRAPHICS:
        return []
    return [table for table in page.find_tables() if len(table.cells) > 1]


def _table(chars: Sequence[dict[str, Any]], cells: Sequence[Bbox], number: int) -> Table | None:
    """A grid whose columns start at the cells' distinct x0 and rows at their distinct tops."""
    xs = sorted({cell[0] for cell in cells})
    tops = sorted({cell[1] for cell in cells})
    owner: dict[tuple[int, int], int] = {}
    for index, cell in enumerate(cells):
        for r in _covered(tops, cell[1], cell[3]):
            for c in _covered(xs, cell[0], cell[2]):
                owner[(r, c)] = index
    texts = _cell_texts(chars, cells, xs, tops, owner)
    grid = [[""] * len(xs) for _ in tops]
    for (r, c), index in owner.items():
        grid[r][c] = texts.get(index, "")
    return make_table(grid, page=number)


def _covered(starts: Sequence[float], low: float, high: float) -> range:
    """Indexes of the grid lines in ``[low, high)``, with a tolerance for drawing noise."""
    return range(bisect_right(starts, low - _EPS), bisect_right(starts, high - _EPS))


def _cell_texts(
    chars: Sequence[dict[str, Any]],
    cells: Sequence[Bbox],
    xs: Sequence[float],
    tops: Sequence[float],
    owner: dict[tuple[int, int], int],
) -> dict[int, str]:
    """Each cell's text, from the chars whose centre lies in it."""
    members: dict[int, list[dict[str, Any]]] = {}
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        index = owner.get((bisect_right(tops, cy) - 1, bisect_right(xs, cx) - 1))
        if index is not None and _inside(cx, cy, cells[index]):
            members.setdefault(index, []).append(char)
    return {index: _cell_text(found, cells[index]) for index, found in members.items()}


def _cell_text(chars: list[dict[str, Any]], cell: Bbox) -> str:
    """A cell's lines; where the next line's first word would not have fitted at the end of a
    line, the writer wrapped it there and the two are joined. Other breaks stay ``\n``."""
    lines = [
        sorted(line, key=itemgetter("x0"))
        for line in cluster_objects(chars, itemgetter("top"), _LINE_TOLERANCE)
    ]
    right = cell[2] - _padding(lines, cell)
    out = ""
    for index, line in enumerate(lines):
        text = _SPACES.sub(" ", _fix_radicals(collate_line(line, _LINE_TOLERANCE))).strip()
        if out and not out.endswith("\n") and _needs_space(out[-1], text[:1]):
            out += " "
        out += text
        if index + 1 == len(lines) or not _wrapped(line, lines[index + 1], right):
            out += "\n"
    return out.strip()


def _padding(lines: list[list[dict[str, Any]]], cell: Bbox) -> float:
    """The cell's inner margin: the gap before its leftmost character, at most ``_MAX_PADDING``."""
    left = min(float(line[0]["x0"]) for line in lines)
    return max(0.0, min(left - cell[0], _MAX_PADDING))


def _wrapped(line: list[dict[str, Any]], following: list[dict[str, Any]], right: float) -> bool:
    """True when ``following``'s first unbreakable piece would not fit after ``line``."""
    token = _first_token(following)
    width = float(token[-1]["x1"]) - float(token[0]["x0"])
    last, first = line[-1], token[0]
    space = 0.0 if _is_wide(last["text"]) or _is_wide(first["text"]) else 0.25 * _size(first)
    return float(last["x1"]) + space + width > right - _EPS


def _first_token(line: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Characters no line break may separate: a Latin word or number, or one Chinese character
    with the closing punctuation after it (a line may not start with ``，``)."""
    token = [line[0]]
    for char in line[1:]:
        prev = token[-1]
        if float(char["x0"]) - float(prev["x1"]) > 0.2 * _size(char):
            break
        if char["text"] not in _NO_BREAK_BEFORE and (
            _is_wide(prev["text"]) or _is_wide(char["text"])
        ):
            break
        token.append(char)
    return token


def _size(char: dict[str, Any]) -> float:
    return float(char.get("size") or (float(char["x1"]) - float(char["x0"])))


def _needs_space(last: str, first: str) -> bool:
    """Whether a wrap between ``last`` and ``first`` stood for a space: between Latin words."""
    return last.isascii() and last not in "([{<-/" and first.isascii() and first.isalnum()


def _is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def _inside(x: float, y: float, box: Bbox) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _in_any(obj: dict[str, Any], boxes: Sequence[Bbox]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(_inside(x, y, box) for box in boxes)


def _fix_radicals(text: str) -> str:
    """Kangxi radicals and compatibility ideographs some PDF writers emit (⽣ for 生) → the
    ordinary characters; other characters, full-width punctuation included, stay as they are."""
    return "".join(unicodedata.normalize("NFKC", ch) if _is_radical(ch) else ch for ch in text)


def _is_radical(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "".join("".join(row) for row in block.rows)


@contextmanager
def _pdf_errors() -> Iterator[None]:
    """Turn what pdfminer/pdfplumber raise on encrypted or damaged files into ``PlanReadError``."""
    try:
        yield
    except PlanReadError:
        raise
    except MemoryError as exc:
        raise PlanReadError(TOO_MUCH_MEMORY) from exc
    except Exception as exc:  # pdfminer raises anything on hostile input
        raise PlanReadError(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    causes = [exc, exc.__cause__, *getattr(exc, "args", ())]
    if any(isinstance(c, MemoryError) for c in causes):
        return TOO_MUCH_MEMORY
    if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
        return "PDF 已加密，需要密码才能打开，请提供未加密的文件"
    if any(isinstance(c, PDFEncryptionError) for c in causes):
        return "PDF 使用了不支持的加密方式，请提供未加密的文件"
    inner = next((c for c in causes[2:] if isinstance(c, BaseException)), exc)  # unwrap pdfplumber
    return f"文件已损坏：PDF 无法解析（{type(inner).__name__}）"
