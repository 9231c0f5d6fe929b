"""Quantities in running text: a number with its measure word (``5个``, ``1万人次``, ``50%``).

``find_quantities`` keeps only the quantities that can be targets. It drops years and dates, names
with digits (inside “”, 《》, 〔〕), ordinals (第一), durations used as attributes (3年中职教育,
签订1年以上劳动合同) or conditions (工作满5年), classes to remove (消除56人以上大班额), named
sets (五项制度) and Chinese 一 inside words (一批, 一体); a window like ``5年内`` comes back as a
``PeriodMark`` for the quantities after it. The units of measure are in ``lexicon``. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.plandoc.clauses import Range, inside
from duban.plandoc.lexicon import (
    COMPARED_BEFORE,
    CONDITION_BEFORE,
    COUNT_UNITS,
    DURATION_FOLLOW,
    DURATION_UNITS,
    FLOOR_BEFORE,
    HEDGE_BEFORE,
    NAMED_SET,
    NAMED_SET_UNITS,
    NOT_AFTER,
    OP_AFTER,
    OP_AFTER_RE,
    PERCENT_UNITS,
    RATE_UNIT,
    REMOVAL_BEFORE,
    VERB_START,
)
from duban.plandoc.model import Op
from duban.plandoc.numbers import CN_NUMERAL_CHARS, NUMBER, parse_number

UNITS = sorted(
    PERCENT_UNITS | DURATION_UNITS | set(COUNT_UNITS),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
QUANTITY = re.compile(
    rf"百分之(?P<pct>{NUMBER})"
    rf"|(?P<num>{NUMBER})(?:\s*[-－—–~～至到]\s*(?P<max>{NUMBER}))?\s*(?P<more>[余多])?"
    rf"\s*(?P<unit>{_UNIT_RE}|{RATE_UNIT})"
)

_NOT_BEFORE = "第前+-.．/"
_AFTER_BOUND_OK = "的和或及与并且"  # 1年以上的 / 以上并…: the bound ends the figure
_HEDGE = re.compile(r"\s*左右")
_WINDOW = re.compile(r"之?内")
_PAST = re.compile(r"(?:近|连续|过去|已)$")


@dataclass(frozen=True)
class Quantity:
    """A number and its unit at ``[start, unit_end)``; ``end`` also covers a trailing 以上/以内."""

    start: int
    unit_end: int
    end: int
    value: float
    value_max: float | None
    unit: str
    suffix_op: Op | None
    chinese: bool
    hedged: bool = False  # 约8%, 8%左右

    @property
    def kind(self) -> str:
        """``percent``, ``duration`` or ``count``: what a bare figure of it means."""
        if self.unit in PERCENT_UNITS or self.unit.startswith("/"):  # 12/10万 is a rate
            return "percent"
        return "duration" if self.unit in DURATION_UNITS else "count"


@dataclass(frozen=True)
class PeriodMark:
    """A period word (每年, 5年内) at ``[start, end)``, normalised to ``label``."""

    start: int
    end: int
    label: str


def find_quantities(
    text: str, start: int, end: int, quoted: list[Range]
) -> tuple[list[Quantity], list[PeriodMark]]:
    """The candidate target quantities in ``text[start:end]`` and the windows (N年内) there."""
    quantities, windows = [], []
    for m in QUANTITY.finditer(text, start, end):
        q = _quantity(text, m, end)
        if q is None or inside(quoted, q.start) or not _stands_alone(text, q):
            continue
        # 5年内 is a window for what follows; 压缩至15个工作日内 is itself the target
        window = _WINDOW.match(text, q.unit_end, end) if q.kind == "duration" else None
        if window and COMPARED_BEFORE.search(text, max(start, q.start - 6), q.start):
            window = None
        if window:
            label = re.sub(r"\s", "", text[q.start : q.unit_end]) + "内"
            windows.append(PeriodMark(q.start, window.end(), label))
        elif _is_target_shaped(text, q):
            quantities.append(q)
    return quantities, windows


def _quantity(text: str, m: re.Match[str], limit: int) -> Quantity | None:
    number = m.group("pct") or m.group("num")
    value = parse_number(number)
    if value is None:
        return None
    value_max = parse_number(m.group("max")) if m.group("max") else None
    unit = "%" if m.group("pct") or m.group("unit") == "％" else re.sub(r"\s", "", m.group("unit"))
    suffix = OP_AFTER_RE.match(text, m.end(), limit)
    suffix_op: Op | None = OP_AFTER[suffix.group(1)] if suffix else None
    if m.group("more"):
        suffix_op = ">="  # 10余个, 100多家: more than the figure
    end = suffix.end() if suffix else m.end()
    hedge = _HEDGE.match(text, end, limit)  # 200所左右: part of the figure, no comparison
    return Quantity(
        start=m.start(),
        unit_end=m.end(),
        end=hedge.end() if hedge else end,
        value=value,
        value_max=value_max if value_max is not None and value_max > value else None,
        unit=unit,
        suffix_op=suffix_op,
        chinese=number.strip()[0] in CN_NUMERAL_CHARS,
        hedged=bool(hedge or HEDGE_BEFORE.search(text, max(0, m.start() - 2), m.start())),
    )


def _stands_alone(text: str, q: Quantity) -> bool:
    """Whether the token is a whole quantity, not a piece of a code, ordinal or longer word."""
    before = text[q.start - 1] if q.start else ""
    after = text[q.unit_end] if q.unit_end < len(text) else ""
    if before and (before in _NOT_BEFORE or (before.isascii() and before.isalnum())):
        return False
    if q.chinese and before and before in CN_NUMERAL_CHARS:
        return False
    if after == "+" or (after.isascii() and after.isalpha()):
        return False
    return not (after and after in NOT_AFTER.get(q.unit, ""))


def _is_target_shaped(text: str, q: Quantity) -> bool:
    """Drop dates, past spans, conditions, attributes and 一 inside words (一批, 一个产业链)."""
    after = text[q.unit_end] if q.unit_end < len(text) else ""
    if q.unit == "年" and (1900 <= q.value <= 2100 or (after and after in "底末初度级来后前中")):
        return False
    before = text[max(0, q.start - 2) : q.start]
    if q.kind == "duration":
        if _PAST.search(before) or CONDITION_BEFORE.search(before):  # 近3年, 工作满5年的
            return False
        if after and _is_cjk(after) and after not in DURATION_FOLLOW:
            return False
    if _is_attribute(text, q):
        return False
    if q.chinese and q.unit in NAMED_SET_UNITS and NAMED_SET.match(text, q.unit_end):
        return False  # 五项制度 names a set
    if q.chinese and q.value == 1 and q.unit not in ("次", "轮"):
        # 一 is mostly a word (一批, 一支队伍, 形成一个): only a comparison makes it a figure
        return FLOOR_BEFORE.search(text, max(0, q.start - 8), q.start) is not None
    return True


def _is_attribute(text: str, q: Quantity) -> bool:
    """``签订1年以上劳动合同``, ``消除56人以上大班额``: a bound that qualifies the noun after it.

    A duration with 以上 before a noun is a kind of contract or service; any figure with 以上 or
    以下 right after a removal verb names the class to remove.
    """
    bound = re.sub(r"\s", "", text[q.unit_end : q.end])
    nxt = text[q.end] if q.end < len(text) else ""
    if bound not in ("以上", "及以上", "以下") or not _is_cjk(nxt) or nxt in _AFTER_BOUND_OK:
        return False
    if q.kind == "duration" and bound != "以下" and not VERB_START.match(text, q.end):
        return True
    return REMOVAL_BEFORE.search(text, max(0, q.start - 4), q.start) is not None


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
