"""Read an uploaded progress workbook back: its shape checked, every filled cell validated.

``read_progress`` checks the sheets, the headers, the checksum over what was issued and every
issued row's locked cells, then each filled cell; it raises one ``ExchangeError`` listing every
problem by sheet, row and column. The layout is ``progress_xlsx``'s.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from duban.domain.choices import CLAIMED_LABELS
from duban.exchange.errors import ExchangeError, Problem
from duban.exchange.progress_xlsx import (
    FIGURE_HEADERS,
    FIGURES,
    FORMAT,
    HEADER_ROW,
    MAIN,
    MAIN_HEADERS,
    MAX_FIGURE,
    MAX_TEXT,
    META,
    FilledRow,
    ProgressUpload,
    checksum,
    cn_date,
)
from duban.exchange.xlsxread import CellValue, ReadLimits, Workbook, column_letter

_CLAIMED_BY_LABEL = {label: state.value for state, label in CLAIMED_LABELS.items()}


NOT_OURS = "不是本系统下发的进展填报表（{why}），请在“我的任务”页重新下载填报表后填写"


def read_progress(data: bytes, *, limits: ReadLimits | None = None) -> ProgressUpload:
    """The filled rows of an uploaded workbook; ``ExchangeError`` lists every problem found."""
    book = Workbook(data, limits=limits or ReadLimits())
    for name in (META, MAIN, FIGURES):
        if not book.has_sheet(name):
            raise ExchangeError(NOT_OURS.format(why=f"缺少工作表“{name}”"))
    meta = _read_meta(book)
    issued = {int(a): (str(n), str(d)) for a, n, d in json.loads(meta["rows"])}
    owner = {int(t): int(a) for t, a in json.loads(meta["targets"])}
    problems: list[Problem] = []
    filled = _main_rows(book, issued, problems)
    figures = _figure_rows(book, owner, problems)
    rows = _join(filled, figures, issued, problems)
    if problems:
        raise ExchangeError(problems)
    return ProgressUpload(
        plan_id=int(meta["plan"]), unit_key=meta["unit"], unit_name=meta["unit_name"],
        period_key=meta["period"], period_label=meta["period_label"],
        made_on=dt.date.fromisoformat(meta["made_on"]), rows=tuple(rows),
    )  # fmt: skip


def _read_meta(book: Workbook) -> dict[str, str]:
    meta = {str(v[0]): str(v[1]) for _, v in book.rows(META) if len(v) >= 2 and v[0] is not None}
    stated = meta.pop("checksum", "")
    if meta.get("format") != FORMAT:
        raise ExchangeError(NOT_OURS.format(why="格式标记不符"))
    if stated != checksum(meta):
        raise ExchangeError(
            "填报表的隐藏校验信息与内容不符：模板已被修改，或不是本系统下发的文件。"
            "请在“我的任务”页重新下载填报表后填写"
        )
    return meta


@dataclass
class _Main:
    row: int
    number: str
    claimed_text: str
    """As typed; ``claimed`` is its state, or "" when empty or not one of the choices."""
    claimed: str
    narrative: str
    late_reason: str


def _main_rows(
    book: Workbook, issued: dict[int, tuple[str, str]], problems: list[Problem]
) -> dict[int, _Main]:
    """Rows of 进展填报 by assignment id, each checked against what was issued."""
    out: dict[int, _Main] = {}
    for r, values in _data_rows(book, MAIN, MAIN_HEADERS, problems):
        cells = _pad(values, len(MAIN_HEADERS))
        where = _Where(MAIN, r, MAIN_HEADERS, problems)
        aid = _issued_id(cells[0], issued, where)
        if aid is None:
            continue
        number, deadline = issued[aid]
        if aid in out:
            where.add(0, f"填报编号 {aid} 重复出现（又见第{out[aid].row}行），请勿复制行")
            continue
        if _text(cells[1]) != number:
            where.add(1, f"任务编号被改为“{_text(cells[1])}”，应为“{number}”（灰色列请勿修改）")
        if _text(cells[4]) != deadline:
            where.add(4, f"完成时限被改为“{_text(cells[4])}”，应为“{deadline}”（灰色列请勿修改）")
        out[aid] = _Main(r, number, *_filled(cells, where))
    return out


def _filled(cells: list[CellValue], where: _Where) -> tuple[str, str, str, str]:
    claimed_text = _text(cells[7])
    claimed = _CLAIMED_BY_LABEL.get(claimed_text, "")
    if claimed_text and not claimed:
        where.add(7, f"“{claimed_text}”不是可选的完成情况，应为未启动、推进中或已完成")
    narrative, late = _long_text(cells[8], 8, where), _long_text(cells[9], 9, where)
    return claimed_text, claimed, narrative, late


def _long_text(value: CellValue, c: int, where: _Where) -> str:
    text = _text(value)
    if len(text) > MAX_TEXT:
        where.add(c, f"内容过长（{len(text)} 字，上限 {MAX_TEXT} 字）")
    return text


def _figure_rows(
    book: Workbook, owner: dict[int, int], problems: list[Problem]
) -> dict[int, dict[int, tuple[float, int]]]:
    """Figures filled on 目标数据: assignment id → target id → (value, row)."""
    out: dict[int, dict[int, tuple[float, int]]] = {}
    seen: dict[int, int] = {}
    for r, values in _data_rows(book, FIGURES, FIGURE_HEADERS, problems):
        cells = _pad(values, len(FIGURE_HEADERS))
        where = _Where(FIGURES, r, FIGURE_HEADERS, problems)
        tid = _issued_id(cells[0], {t: ("", "") for t in owner}, where, what="目标编号")
        if tid is None:
            continue
        if tid in seen:
            where.add(0, f"目标编号 {tid} 重复出现（又见第{seen[tid]}行），请勿复制行")
            continue
        seen[tid] = r
        if _int(cells[1]) != owner[tid]:
            where.add(1, f"填报编号应为 {owner[tid]}（灰色列请勿修改）")
            continue
        value = _figure(cells[7], where)
        if value is not None:
            out.setdefault(owner[tid], {})[tid] = (value, r)
    return out


def _figure(value: CellValue, where: _Where) -> float | None:
    """A figure cell as a number; text like ``46%`` or ``1,200`` is read as people mean it."""
    column = 7
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        where.add(column, "应填数字，不能是“是/否”")
        return None
    if isinstance(value, dt.date):
        where.add(column, f"应填数字，Excel 把输入当成了日期（{cn_date(value)}），"
                          "请把单元格设为“常规”格式后重新输入")  # fmt: skip
        return None
    number = value if isinstance(value, int | float) else _number_text(str(value))
    if number is None:
        where.add(column, f"“{value}”不是数字，请只填数字（如 46 或 1200）")
        return None
    if not 0 <= number <= MAX_FIGURE:
        where.add(column, f"数值 {number:g} 超出范围（应在 0 到 {MAX_FIGURE:g} 之间）")
        return None
    return float(number)


_NUMBER = re.compile(r"[+]?\d+(?:\.\d+)?")


def _number_text(text: str) -> float | None:
    cleaned = text.strip().translate(_FULL_WIDTH).replace(",", "").replace("，", "")
    cleaned = cleaned.removesuffix("%").strip()
    return float(cleaned) if _NUMBER.fullmatch(cleaned) else None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％＋", "0123456789.%+")


def _join(
    main: dict[int, _Main], figures: dict[int, dict[int, tuple[float, int]]],
    issued: dict[int, tuple[str, str]], problems: list[Problem],
) -> list[FilledRow]:  # fmt: skip
    """The filled assignments, each with its figures; a filled row must say both state and text."""
    out = []
    for aid, row in sorted(main.items(), key=lambda item: item[1].row):
        own = figures.get(aid, {})
        if not (row.claimed_text or row.narrative or row.late_reason or own):
            continue
        where = _Where(MAIN, row.row, MAIN_HEADERS, problems)
        if not row.claimed_text:
            where.add(7, "请选择完成情况：未启动、推进中或已完成")
        if not row.narrative:
            where.add(8, "请填写本期进展情况")
        out.append(FilledRow(
            aid, row.number, row.row, row.claimed, row.narrative, row.late_reason,
            {t: v for t, (v, _) in own.items()}, {t: r for t, (_, r) in own.items()},
        ))  # fmt: skip
    for aid in figures.keys() - main.keys():
        problems.append(Problem(f"任务{issued[aid][0]}的行已从“{MAIN}”表中删除，但填写了目标数据",
                                sheet=FIGURES))  # fmt: skip
    return out


@dataclass
class _Where:
    """Adds problems at one row of one sheet, naming the column by letter and header."""

    sheet: str
    row: int
    headers: tuple[str, ...]
    problems: list[Problem]

    def add(self, column: int, message: str) -> None:
        self.problems.append(Problem(message, self.sheet, self.row, column_letter(column),
                                     self.headers[column].rstrip("*")))  # fmt: skip


def _data_rows(
    book: Workbook, sheet: str, headers: tuple[str, ...], problems: list[Problem]
) -> Iterator[tuple[int, list[CellValue]]]:
    """The rows below the header, after checking the header is the one we wrote."""
    header_seen = False
    for r, values in book.rows(sheet):
        if r < HEADER_ROW:
            continue
        if r == HEADER_ROW:
            header_seen = True
            found = tuple(_text(v) for v in _pad(values, len(headers)))
            if found[: len(headers)] != headers:
                raise ExchangeError(Problem(
                    f"表头被修改（应为：{'、'.join(headers)}），请使用下载的填报表", sheet, r,
                ))  # fmt: skip
            continue
        if any(_text(v) for v in values):
            yield r, values
    if not header_seen:
        raise ExchangeError(Problem("找不到表头行，请使用下载的填报表", sheet, HEADER_ROW))


def _issued_id(
    value: CellValue, issued: dict[int, Any], where: _Where, what: str = "填报编号"
) -> int | None:
    number = _int(value)
    if number is None or number not in issued:
        where.add(0, f"{what}“{_text(value)}”不是本表下发的，请勿增加行或修改灰色列")
        return None
    return number


def _int(value: CellValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return cn_date(value if not isinstance(value, dt.datetime) else value.date())
    return str(value).strip()


def _pad(values: list[CellValue], width: int) -> list[CellValue]:
    return list(values[:width]) + [None] * (width - len(values))
