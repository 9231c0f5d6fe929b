"""Quantities in running text: a number with its measure word (``5个``, ``1万人次``, ``50%``).

``find_quantities`` keeps only the quantities that can be targets. It drops years and dates, names
with digits (inside “”, 《》, 〔〕), ordinals (第一), durations used as attributes (3年中职教育) and
Chinese 一 inside words (一批, 一体); a window like ``5年内`` comes back as a ``PeriodMark`` for the
quantities after it. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.plandoc.clauses import Range, inside
from duban.plandoc.lexicon import FLOOR_BEFORE, OP_AFTER, OP_AFTER_RE
from duban.plandoc.model import Op
from duban.plandoc.numbers import CN_NUMERAL_CHARS, NUMBER, parse_number

_COUNT_UNITS = (
    "人次 户次 场次 班次 批次 平方米 立方米 公里 千米 个 家 人 名 门 次 所 项 支 条 批 "
    "套 场 期 户 位 座 处 台 辆 间 张 份 册 部 轮 篇 件 节 亩 米 吨 床 班 队 倍 元"
)
PERCENT_UNITS = {"%", "％", "‰", "个百分点", "百分点"}
DURATION_UNITS = {"年", "个月", "天", "周", "小时", "学时", "课时"}
UNITS = sorted(
    PERCENT_UNITS | DURATION_UNITS | set(_COUNT_UNITS.split()),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
QUANTITY = re.compile(
    rf"百分之(?P<pct>{NUMBER})"
    rf"|(?P<num>{NUMBER})(?:\s*[-－—–~～至到]\s*(?P<max>{NUMBER}))?\s*(?P<more>[余多])?"
    rf"\s*(?P<unit>{_UNIT_RE})"
)

# A measure word followed by one of these is the start of another word (人员, 名师, 一次性).
NOT_AFTER = {
    "人": "员才民口大工",
    "名": "师校牌单额称录义",
    "家": "庭长乡园属",
    "门": "类户槛诊",
    "次": "性数序",
    "所": "有属在得以需",
    "条": "件例款",
    "期": "间待望限刊",
    "项": "目",
    "场": "所景地馆",
    "部": "门分署",
    "支": "持付出撑部",
    "处": "理置",
    "位": "于置",
    "班": "子级组主",
    "队": "伍",
    "件": "事",
    "元": "素旦",
    "米": "面粮",
    "周": "岁边期年",
    "天": "然地",
}
# After a duration only these may follow; anything else makes it an attribute (3年中职教育).
DURATION_FOLLOW = "以的在或及左、和至之每内"
_NOT_BEFORE = "第前+-.．/"
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

    @property
    def kind(self) -> str:
        """``percent``, ``duration`` or ``count``: what a bare figure of it means."""
        if self.unit in PERCENT_UNITS:
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
        window = _WINDOW.match(text, q.unit_end, end) if q.kind == "duration" else None
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
    unit = "%" if m.group("pct") or m.group("unit") == "％" else m.group("unit")
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
    """Drop dates, past spans, attribute durations and 一 inside words (一批, 一个产业链)."""
    after = text[q.unit_end] if q.unit_end < len(text) else ""
    if q.unit == "年" and (1900 <= q.value <= 2100 or (after and after in "底末初度级来后前中")):
        return False
    if q.kind == "duration":
        if _PAST.search(text, max(0, q.start - 2), q.start):
            return False
        if after and _is_cjk(after) and after not in DURATION_FOLLOW:
            return False
    if q.chinese and q.value == 1 and q.unit not in ("次", "轮"):
        # 一 is mostly a word (一批, 一支队伍, 形成一个): only a comparison makes it a figure
        return FLOOR_BEFORE.search(text, max(0, q.start - 8), q.start) is not None
    return True


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
