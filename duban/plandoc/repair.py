"""Repair of extraction artefacts: ``Document`` → one normalised text with its lines and grids.

What goes wrong when a plan is copied out of Word, a PDF or a web page, and what we do about it:

* a line or page break inside a sentence or a unit name (``人力资源社会`` ⏎⏎ ``保障局``): the line
  is joined to the next unless it ends a sentence or the next line starts a heading, number or
  label;
* stray page numbers (``- 3 -``, ``第3页``) and empty lines: dropped;
* full-width digits and letters (``２０２１``), half-width punctuation between Chinese characters
  (``责任单位:``, ``各县(区)``), spaces between Chinese and digits (``到 2023 年``): normalised;
* traditional characters (``中小學生``): converted to simplified with OpenCC.

Every later span points into ``Repaired.text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from duban.plandoc.model import Document, Paragraph, Table

_FINAL = "。！？；：!?;:…"
_CLOSERS = "”’」』"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = (
    r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2014\u2026"
)
_WIDE = f"[{_CJK}{_CJK_PUNCT}]"

NUMBERED = re.compile(
    r"^(?:\d{1,3}(?:[.、．](?!\d)|\s)"
    r"|[（(]\d{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}、"
    r"|[（(][一二三四五六七八九十]{1,3}[)）]"
    r"|第[一二三四五六七八九十百零〇\d]+[条章部分节项]"
    r"|[①-⑳])"
)
LABEL_START = re.compile(
    r"^[【\[（(]?(?:责任|牵头|配合|协同|参与|协办|协助|主责|负责|完成|时间|时限|进度)"
    r"[^：:】\]]{0,4}[：:】\]]"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~·\s]*\d{1,4}[-—–－~·\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[-—–－]\s*[一二三四五六七八九十]+\s*[-—–－])$"
)
_STANDALONE = re.compile(
    r"^(?:附件\s*\d*[：:]?|.{0,12}〔\d{4}〕\s*\d+\s*号|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$"
)
_TITLE_LIMIT = 40
_ATTACHMENT = re.compile(r"^附件\s*\d*[：:]?$")
_TITLE_END = re.compile(r"(?:方案|分工|要点|清单|计划|通知|意见|台账|细则)$")


@dataclass(frozen=True)
class Line:
    """One repaired line of running text; ``text == Repaired.text[start:start + len(text)]``."""

    text: str
    start: int
    page: int | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Cell:
    """One table cell; a merged cell's repeats share the first position's ``start``."""

    text: str
    start: int


@dataclass(frozen=True)
class Grid:
    rows: tuple[tuple[Cell, ...], ...]
    page: int | None = None


@dataclass(frozen=True)
class Repaired:
    text: str
    blocks: tuple[Line | Grid, ...]


def repair(doc: Document) -> Repaired:
    """Normalise and join the document's text; tables keep their grid shape."""
    builder = _Builder()
    pending: list[tuple[str, int | None]] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            pending.extend((line, block.page) for line in block.text.split("\n"))
            continue
        builder.add_lines(join_lines(pending))
        pending = []
        builder.add_grid(block)
    builder.add_lines(join_lines(pending))
    return builder.result()


def normalize(text: str) -> str:
    """Character-level repair of one line: widths, spaces, traditional characters."""
    text = "".join(_narrow(ch) for ch in text)
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    text = re.sub(r"[\u200b-\u200f\ufeff\u00ad]", "", text)
    text = _t2s().convert(text)
    text = _drop_spaces(text)
    text = re.sub(r" {2,}", " ", text).strip()
    return _widen_punctuation(text)


_HAN = f"[{_CJK}]"


def _drop_spaces(text: str) -> str:
    """Drop layout spaces around Chinese text (``到 2023 年``); keep one between two names.

    A space between two Han characters separates words (``市教育局 配合单位：``) unless the line
    is letter-spaced (``职 业 教 育``), where most Han characters stand alone.
    """
    han = len(re.findall(_HAN, text))
    spaced = len(re.findall(rf"{_HAN} +(?={_HAN})", text))
    if spaced and spaced * 3 < han:
        text = re.sub(rf"(?<={_HAN}) +(?={_HAN})", "\x00", text)
    text = re.sub(rf"(?<={_WIDE}) +| +(?={_WIDE})", "", text)
    return text.replace("\x00", " ")


def join_lines(lines: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Drop page numbers and blank lines; join each line broken inside a sentence to the next."""
    kept = [(normalize(t), p) for t, p in lines]
    kept = [(t, p) for t, p in kept if t and not _PAGE_NUMBER.match(t)]
    out: list[tuple[str, int | None]] = []
    in_title = True
    for text, page in kept:
        in_title = in_title and (not out or _is_title_like(out[-1][0]))
        if out and _ATTACHMENT.match(out[-1][0]):
            in_title = True  # the plan's own title follows its covering notice
        if out and _continues(out[-1][0], text, in_title=in_title):
            out[-1] = (out[-1][0] + text, out[-1][1])
            continue
        out.append((text, page))
    return out


def _continues(prev: str, nxt: str, *, in_title: bool) -> bool:
    """Whether ``nxt`` carries on the sentence ``prev`` broke off."""
    if prev.endswith(tuple(_FINAL)) or prev.endswith(
        tuple(f"{p}{c}" for p in _FINAL for c in _CLOSERS)
    ):
        return False
    if NUMBERED.match(nxt) or LABEL_START.match(nxt) or _STANDALONE.match(nxt):
        return False
    if _STANDALONE.match(prev):
        return False
    if _TITLE_END.search(prev) and _is_title_like(prev):
        return False
    if in_title:
        # The title may wrap over lines; it never runs on into the first body sentence.
        return _is_title_like(prev) and _is_title_like(nxt) and len(prev) + len(nxt) <= 90
    return not _is_heading(prev)


def _is_heading(line: str) -> bool:
    """A short numbered heading such as ``一、总体要求`` or ``（一）构建…新格局``."""
    return bool(NUMBERED.match(line)) and len(line) <= _TITLE_LIMIT and "。" not in line[:-1]


def _is_title_like(line: str) -> bool:
    return len(line) <= 60 and not re.search(r"[。，；：,;:]", line) and not NUMBERED.match(line)


def _narrow(ch: str) -> str:
    """Full-width digits, letters and number symbols become ASCII; Chinese punctuation stays."""
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch in "．％＋－／＝＜＞":
        return unicodedata.normalize("NFKC", ch)
    return ch


_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}


def _widen_punctuation(text: str) -> str:
    """Half-width ``,:;()!?`` next to a Chinese character become their full-width forms."""

    def widen(m: re.Match[str]) -> str:
        i = m.start()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if re.match(_WIDE, before) or re.match(_WIDE, after):
            return _HALF_TO_FULL[m.group()]
        return m.group()

    return re.sub(r"[,:;()!?]", widen, text)


@cache
def _t2s() -> _Converter:
    import opencc  # imported lazily: building the converter reads its dictionaries

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


class _Converter(Protocol):  # the part of opencc.OpenCC we use, for typing
    def convert(self, text: str) -> str: ...


class _Builder:
    """Accumulates the repaired text and the offsets of its lines and cells."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.blocks: list[Line | Grid] = []

    def _append(self, text: str) -> int:
        start = self.size
        self.parts.append(text)
        self.size += len(text)
        return start

    def add_lines(self, lines: list[tuple[str, int | None]]) -> None:
        for text, page in lines:
            self.blocks.append(Line(text, self._append(text), page))
            self._append("\n")

    def add_grid(self, table: Table) -> None:
        rows: list[tuple[Cell, ...]] = []
        above: tuple[Cell, ...] = ()
        raw_above: tuple[str, ...] = ()
        for raw in table.rows:
            cells: list[Cell] = []
            for col, value in enumerate(raw):
                if cells and value == raw[col - 1]:
                    cells.append(cells[-1])  # merged across: one span for the whole merge
                elif col < len(raw_above) and value and value == raw_above[col]:
                    cells.append(above[col])  # merged down from the row above
                else:
                    text = repair_cell(value)
                    cells.append(Cell(text, self._append(text)))
                    self._append("\t")
            self._append("\n")
            rows.append(tuple(cells))
            above, raw_above = rows[-1], raw
        self.blocks.append(Grid(tuple(rows), table.page))

    def result(self) -> Repaired:
        return Repaired("".join(self.parts), tuple(self.blocks))


def repair_cell(value: str) -> str:
    """Normalise a cell's lines; its line breaks stay (the PDF reader already joined wraps)."""
    return "\n".join(line for line in (normalize(v) for v in value.split("\n")) if line)
